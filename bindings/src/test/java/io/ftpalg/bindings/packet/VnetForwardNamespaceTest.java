package io.ftpalg.bindings.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PACKET_VNET_HDR on real veths with the kernel's offloads ON (TSO/GSO, checksum offload: the defaults): a
 * user-space bridge in namespace G between A and B, made of this module's rings only, forwards every frame with
 * the virtio_net_hdr it came with, and a TCP transfer between a Python sender in A and a Python receiver in B
 * must arrive byte for byte. Passing only works if super-frames are taken whole (they are far above the MTU:
 * without PACKET_VNET_HDR the transmit side would refuse them) and partial checksums are finished by the kernel
 * on the way out (B's stack drops a segment whose checksum is only the pseudo-header). Needs root.
 *
 * <pre>
 *  A (192.0.2.10) ofa0 ══ ofg0 [G: PacketRxRing(vnet) → PacketTx(vnet), both ways] ofg1 ══ ofb0 B (192.0.2.20)
 * </pre>
 */
@Tag("root")
class VnetForwardNamespaceTest {
    String tag;
    String nsA;
    String nsG;
    String nsB;
    final List<String> created = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        nsA = "offload-" + tag + "-a";
        nsG = "offload-" + tag + "-g";
        nsB = "offload-" + tag + "-b";
        for (String ns : List.of(nsA, nsG, nsB)) {
            VethNamespaces.run("ip", "netns", "add", ns);
            created.add(ns);
            VethNamespaces.run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            VethNamespaces.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        VethNamespaces.run(
                "ip", "-n", nsA, "link", "add", "ofa0", "type", "veth", "peer", "name", "ofg0", "netns", nsG);
        VethNamespaces.run(
                "ip", "-n", nsB, "link", "add", "ofb0", "type", "veth", "peer", "name", "ofg1", "netns", nsG);
        VethNamespaces.run("ip", "-n", nsA, "addr", "add", "192.0.2.10/24", "dev", "ofa0");
        VethNamespaces.run("ip", "-n", nsB, "addr", "add", "192.0.2.20/24", "dev", "ofb0");
        for (String[] nd : new String[][] {{nsA, "ofa0"}, {nsG, "ofg0"}, {nsG, "ofg1"}, {nsB, "ofb0"}}) {
            VethNamespaces.run("ip", "-n", nd[0], "link", "set", nd[1], "up");
        }
    }

    @AfterEach
    void tearDown() {
        for (String ns : created) {
            try {
                VethNamespaces.run("ip", "netns", "del", ns);
            } catch (IOException e) {
                System.err.println("could not delete " + ns + ": " + e.getMessage());
            }
        }
    }

    /** One direction of the bridge: frames of {@code rx} onto {@code tx}, each behind its own virtio_net_hdr. */
    static final class Direction {
        final PacketRxRing rx;
        final PacketTx tx;
        final byte[] frame = new byte[PacketTx.MAX_GSO_FRAME];
        final byte[] vnet = new byte[PacketSyscalls.VNET_HDR_LEN];
        long frames;
        long superFrames;
        long partial;
        long refused;
        int largest;

        Direction(PacketRxRing rx, PacketTx tx) {
            this.rx = rx;
            this.tx = tx;
        }

        void pump() throws PacketIoException {
            if (rx.poll(5) <= 0) {
                return;
            }
            ByteBuffer ring = rx.ring();
            while (rx.next()) {
                int len = rx.frameLength();
                ring.get(rx.frameVnetOffset(), vnet, 0, vnet.length);
                ring.get(rx.frameOffset(), frame, 0, len);
                frames++;
                if (vnet[1] != 0) {
                    superFrames++;
                    largest = Math.max(largest, len);
                }
                if ((vnet[0] & 1) != 0) {
                    partial++;
                }
                if (!tx.offer(frame, 0, len, vnet, 0)) {
                    refused++;
                }
            }
            rx.releaseIfDone();
            tx.flush();
        }
    }

    @ParameterizedTest
    @EnumSource(PacketRxRing.Version.class)
    void aTcpTransferWithOffloadsOnCrossesAVnetBridgeIntact(PacketRxRing.Version version) throws Exception {
        Offloads off = NetNs.callIn(nsA, () -> Offloads.check("ofa0"));
        assertTrue(off.tso() && off.txChecksum(), "the sender's veth has TSO and checksum offload on: " + off);
        PacketRxRing.Config rc = PacketRxRing.Config.defaults(version)
                .withPromiscuous(true)
                .withVnetHeader(true)
                .withHoldoffMicros(0);
        if (version == PacketRxRing.Version.V2) {
            rc = rc.withFrameSize(1 << 17).withBlocks(1 << 17, 64);
        }
        PacketRxRing.Config ringConfig = rc;
        PacketTx.Config tc = PacketTx.Config.defaults().withVnetHeader(true).withSlots(64);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> failures = new ArrayList<>();
        try (PacketRxRing rx0 = NetNs.callIn(nsG, () -> PacketRxRing.open("ofg0", ringConfig));
                PacketRxRing rx1 = NetNs.callIn(nsG, () -> PacketRxRing.open("ofg1", ringConfig));
                PacketTx tx0 = NetNs.callIn(nsG, () -> PacketTx.open("ofg0", tc));
                PacketTx tx1 = NetNs.callIn(nsG, () -> PacketTx.open("ofg1", tc))) {
            assertTrue(tx0.vnetHeader() && tx1.vnetHeader());
            Direction ab = new Direction(rx0, tx1);
            Direction ba = new Direction(rx1, tx0);
            Thread bridge = new Thread(
                    () -> {
                        try {
                            while (running.get()) {
                                ab.pump();
                                ba.pump();
                            }
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    },
                    "vnet-bridge");
            bridge.start();
            int bytes = 16 << 20;
            Process server = new ProcessBuilder("ip", "netns", "exec", nsB, "python3", "-c", RECEIVER)
                    .redirectErrorStream(true)
                    .start();
            Process client = new ProcessBuilder(
                            "ip", "netns", "exec", nsA, "python3", "-c", SENDER, Integer.toString(bytes))
                    .redirectErrorStream(true)
                    .start();
            try {
                assertTrue(client.waitFor(60, TimeUnit.SECONDS), "sender finished");
                assertTrue(server.waitFor(30, TimeUnit.SECONDS), "receiver finished");
                String sent = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                String got = new String(server.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                assertEquals(0, client.exitValue(), sent);
                assertEquals(bytes + " " + expectedDigest(bytes), got, "receiver: bytes and SHA-256; sender: " + sent);
            } finally {
                client.destroyForcibly();
                server.destroyForcibly();
                running.set(false);
                bridge.join(5000);
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertTrue(ab.superFrames > 0, "GSO super-frames reached the bridge: " + ab.superFrames);
            assertTrue(ab.largest > 1514, "larger than the wire allows: " + ab.largest);
            assertTrue(ab.partial > 0, "frames with partial checksums: " + ab.partial);
            assertEquals(0, ab.refused + ba.refused, "every frame taken by the transmit side");
            assertEquals(0, tx1.oversizedRefused());
        }
    }

    static String expectedDigest(int bytes) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[65536];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 131 + (i >> 8));
        }
        for (int n = 0; n < bytes; n += block.length) {
            md.update(block, 0, Math.min(block.length, bytes - n));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Sends argv[1] bytes of the pattern of {@link #expectedDigest} to 192.0.2.20:5001 (retries the connect). */
    static final String SENDER = String.join(
            "\n",
            "import socket, sys, time",
            "n = int(sys.argv[1])",
            "block = bytes(((i * 131 + (i >> 8)) & 255) for i in range(65536))",
            "for attempt in range(100):",
            "    try:",
            "        s = socket.create_connection(('192.0.2.20', 5001), timeout=2)",
            "        break",
            "    except OSError:",
            "        time.sleep(0.1)",
            "else:",
            "    sys.exit('no connection')",
            "s.settimeout(30)",
            "sent = 0",
            "while sent < n:",
            "    k = min(len(block), n - sent)",
            "    s.sendall(block[:k])",
            "    sent += k",
            "s.shutdown(socket.SHUT_WR)",
            "s.recv(1)",
            "print('sent', sent)");

    static final String RECEIVER = String.join(
            "\n",
            "import socket, hashlib",
            "l = socket.socket()",
            "l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "l.bind(('192.0.2.20', 5001))",
            "l.listen(1)",
            "l.settimeout(30)",
            "c, _ = l.accept()",
            "c.settimeout(30)",
            "h = hashlib.sha256()",
            "n = 0",
            "while True:",
            "    d = c.recv(1 << 16)",
            "    if not d:",
            "        break",
            "    h.update(d)",
            "    n += len(d)",
            "c.close()",
            "print(n, h.hexdigest())");
}
