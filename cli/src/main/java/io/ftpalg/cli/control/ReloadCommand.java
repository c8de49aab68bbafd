package io.ftpalg.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ftp-alg reload}: asks the running gateway, over its control socket, to re-read its config file and apply
 * it without a restart (as SIGHUP does). Prints what happened: applied (and how many flows the new rules dropped),
 * or refused (the config does not parse, or changes what only a restart can: the running config stays).
 */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        description = "Re-reads the running gateway's config file and applies it without a restart (like SIGHUP).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:applied", "1:refused (the message says why) or no gateway answers on the socket"})
public final class ReloadCommand implements Callable<Integer> {
    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "control socket of the gateway (default " + ControlServer.DEFAULT_PATH + ")")
    Path socket = Path.of(ControlServer.DEFAULT_PATH);

    @Override
    public Integer call() {
        try (ControlClient c = new ControlClient(socket)) {
            c.send(ControlServer.JSON.createObjectNode().put("cmd", "reload"));
            JsonNode answer;
            while ((answer = c.next()) != null) {
                if (answer.has("error")) {
                    System.err.println("ftp-alg reload: " + answer.get("error").asText());
                    return 1;
                }
                if (answer.path("end").asBoolean(false)) {
                    System.out.println(
                            "ftp-alg reload: " + answer.path("message").asText());
                    return 0;
                }
            }
            System.err.println("ftp-alg reload: the gateway closed the connection without an answer");
            return 1;
        } catch (IOException e) {
            System.err.println("ftp-alg reload: no gateway answers on " + socket + ": " + e.getMessage());
            return 1;
        }
    }
}
