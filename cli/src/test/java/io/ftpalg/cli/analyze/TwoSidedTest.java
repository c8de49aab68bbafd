package io.ftpalg.cli.analyze;

import static io.ftpalg.cli.analyze.AnalyzeTestSupport.analyze;
import static io.ftpalg.cli.analyze.AnalyzeTestSupport.modes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures of both sides of a NAT (synthetic: two pcapng interfaces, each segment written as each side sees it,
 * same ISNs as Linux NAT keeps them): what the device changed, and whether it got it right.
 */
class TwoSidedTest {
    @TempDir
    Path tmp;

    /** Writes each frame on both sides; {@code in} is the client's side, {@code out} the server's. */
    record Both(Synth.Tcp in, Synth.Tcp out) {
        Both client(String text) throws Exception {
            return client(text, text);
        }

        Both client(String inside, String outside) throws Exception {
            in.client(inside, false);
            out.client(outside, false);
            in.server("", false);
            return this;
        }

        Both server(String text) throws Exception {
            in.server(text, false);
            out.server(text, false);
            return this;
        }
    }

    /**
     * Session through a source NAT: the client 192.0.2.10 is 203.0.113.1 to the server. {@code portOutside} is
     * what left the device for the PORT line; {@code seqFix} whether the device shifted the later sequence
     * numbers by the length change.
     */
    Path capture(String portOutside, boolean seqFix) throws Exception {
        Path p = tmp.resolve("two.pcapng");
        try (Synth s = new Synth(p)) {
            Synth.Tcp in = s.tcp("inside", "192.0.2.10", 40000, "198.51.100.20", 21);
            Synth.Tcp out = s.tcp("outside", "203.0.113.1", 40000, "198.51.100.20", 21);
            in.syn();
            out.syn();
            in.synAck();
            out.synAck();
            in.cseq++;
            in.sseq++;
            out.cseq++;
            out.sseq++;
            Both b = new Both(in, out);
            b.server("220 (vsFTPd 3.0.3)\r\n").client("USER anonymous\r\n").server("230 Login successful.\r\n");
            String port = "PORT 192,0,2,10,195,80\r\n";
            b.client(port, portOutside);
            if (!seqFix) {
                out.cseq -= portOutside.length() - port.length();
            }
            b.server("200 PORT command successful.\r\n");
            b.client("NOOP\r\n");
        }
        return p;
    }

    @Test
    void rightRewriteIsShownAndNotAFault() throws Exception {
        Analysis a = analyze(capture("PORT 203,0,113,1,195,80\r\n", true));
        assertEquals(2, a.sessions.size());
        Session in = a.sessions.get(0);
        assertTrue(in.clientSide);
        assertEquals(a.sessions.get(1), in.peer);
        FtpLine port = in.lines.stream()
                .filter(l -> l.text.startsWith("PORT"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "device changed \"PORT 192,0,2,10,195,80\" to \"PORT 203,0,113,1,195,80\" (+1 bytes)", port.otherSide);
        assertEquals(List.of(), modes(a), Report.text(a, false));
    }

    @Test
    void sequenceNotShiftedAfterTheRewrite() throws Exception {
        Analysis a = analyze(capture("PORT 203,0,113,1,195,80\r\n", false));
        // Two findings: the offset itself, and what it did to the next line (the server reads "OOP").
        List<String> ev = a.findings.stream().map(f -> f.evidence).toList();
        assertEquals(2, ev.size(), ev::toString);
        assertTrue(ev.get(1).contains("did not shift the sequence numbers by 1 bytes"), ev::toString);
        assertTrue(ev.get(0).contains("changed \"NOOP\" to \"OOP\""), ev::toString);
        assertEquals(List.of("rewrite-wrong"), modes(a));
    }

    @Test
    void rewrittenToTheWrongAddress() throws Exception {
        Analysis a = analyze(capture("PORT 203,0,113,9,195,80\r\n", true));
        Finding f = AnalyzeTestSupport.only(a, Mode.REWRITE_WRONG);
        assertTrue(
                f.evidence.contains("names 203.0.113.9, but the server side sees the client at 203.0.113.1"),
                f.evidence);
        assertEquals(List.of("rewrite-wrong"), modes(a));
    }

    @Test
    void notRewrittenAtAll() throws Exception {
        Analysis a = analyze(capture("PORT 192,0,2,10,195,80\r\n", true));
        assertEquals(List.of("port-address-not-rewritten"), modes(a), Report.text(a, false));
        assertEquals("outside", AnalyzeTestSupport.only(a, Mode.PORT_ADDRESS_NOT_REWRITTEN).session.control.iface);
    }
}
