package io.ftpalg.cli.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ladder diagram in a real browser: Debian's chromium, headless (installed by {@code scripts/setup chromium},
 * which {@code scripts/test} runs). Renders the page of a failing session, takes a screenshot, and requires that
 * the screenshot is not blank (pixels of the client's arrow colour and of the failure colour), and that the
 * rendered DOM holds the session and says every diagram got a non-empty layout box. Tagged slow: a browser start
 * takes seconds.
 */
@Tag("slow")
class LadderBrowserTest {
    @TempDir
    Path tmp;

    static final String[] FLAGS = {
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run"
    };

    static String chromium() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        fail("chromium not installed: run scripts/setup chromium (scripts/test does)");
        return null;
    }

    /** Runs chromium with a fresh profile; returns its stdout. */
    String browser(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(chromium());
        cmd.addAll(List.of(FLAGS));
        cmd.add("--user-data-dir=" + Files.createTempDirectory(tmp, "profile"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 120 s: " + cmd);
        }
        assertEquals(0, p.exitValue(), "chromium exit status: " + cmd);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void ladderRendersInHeadlessChromium() throws Exception {
        Path cap = tmp.resolve("deadlock.pcapng");
        try (Synth s = new Synth(cap)) {
            Synth.Tcp t =
                    s.tcp("eth0", "192.0.2.10", 40000, "198.51.100.20", 21).login();
            t.client("PASV\r\n").server("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
            t.client("LIST\r\n");
            Synth.Tcp d =
                    s.tcp("eth0", "192.0.2.10", 45000, "198.51.100.20", 30000).syn();
            s.after(3);
            d.synAgain();
            s.after(20);
            t.server("425 Failed to establish connection.\r\n");
        }
        Path html = tmp.resolve("ladder.html");
        AnalyzeTestSupport.Run r = AnalyzeTestSupport.cli("analyze", "--html", html.toString(), cap.toString());
        assertEquals(1, r.exit(), r.out());

        Path png = tmp.resolve("ladder.png");
        browser("--window-size=1300,900", "--screenshot=" + png, html.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null && img.getWidth() == 1300 && img.getHeight() == 900, "screenshot " + png);
        int nonWhite = 0;
        int client = 0;
        int bad = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                if (rgb != 0xFFFFFF) {
                    nonWhite++;
                }
                if (near(rgb, 0x00838f)) {
                    client++; // the client's command arrows
                }
                if (near(rgb, 0xc62828)) {
                    bad++; // the unanswered SYNs and the finding
                }
            }
        }
        assertTrue(nonWhite > 5000, "screenshot is blank: " + nonWhite + " non-white pixels");
        assertTrue(client > 200, "no client arrows in the screenshot: " + client);
        assertTrue(bad > 200, "no failure marks in the screenshot: " + bad);

        String dom = browser("--dump-dom", html.toUri().toString());
        assertTrue(dom.contains("Session 1: 192.0.2.10:40000 → 198.51.100.20:21"), dom);
        assertTrue(dom.contains("rendered 1 of 1 diagrams"), dom);
        assertTrue(dom.contains("data SYN 45000 &gt; 30000 (retransmission)  [no answer]"), dom);
        assertTrue(dom.contains("data-connection-unanswered"), dom);
    }

    private static boolean near(int rgb, int want) {
        int dr = Math.abs((rgb >> 16 & 255) - (want >> 16 & 255));
        int dg = Math.abs((rgb >> 8 & 255) - (want >> 8 & 255));
        int db = Math.abs((rgb & 255) - (want & 255));
        return dr + dg + db < 40;
    }
}
