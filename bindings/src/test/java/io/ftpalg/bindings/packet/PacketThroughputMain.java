package io.ftpalg.bindings.packet;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Not a test: a quick throughput measurement through a veth pair between two fresh namespaces (root
 * needed). One thread sends 60-byte frames on A for a fixed time with {@link PacketTx} (TX ring, then
 * sendto); another drains a {@link PacketRxRing} on B. Prints frames/s sent, received and kernel drops.
 *
 * <pre>
 * mvn -q -B -pl bindings test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp bindings/target/classes:bindings/target/test-classes:$(cat bindings/target/cp.txt) \
 *     io.ftpalg.bindings.packet.PacketThroughputMain [seconds] [batch] [frameLength]
 * </pre>
 */
public final class PacketThroughputMain {
    private PacketThroughputMain() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int frameLength = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        try (VethNamespaces net = VethNamespaces.create()) {
            for (int round = 0; round < 2; round++) {
                for (PacketTx.Mode mode : PacketTx.Mode.values()) {
                    run(net, mode, seconds, batch, frameLength, round == 0);
                }
            }
        }
    }

    static void run(VethNamespaces net, PacketTx.Mode mode, double seconds, int batch, int len, boolean warmup)
            throws Exception {
        byte[] frame = new byte[len];
        for (int i = 0; i < 6; i++) {
            frame[i] = (byte) 0xff;
        }
        frame[6] = 0x02;
        frame[12] = (byte) 0x88;
        frame[13] = (byte) 0xB5;
        try (PacketRxRing rx = net.inB(() -> PacketRxRing.open(
                        VethNamespaces.IF_B, PacketRxRing.Config.defaults().withBlocks(1 << 22, 16)));
                PacketTx tx = net.inA(() -> PacketTx.open(
                        VethNamespaces.IF_A,
                        PacketTx.Config.defaults()
                                .withMode(mode)
                                .withSlots(Math.max(256, batch * 4))
                                .withFallbackToSendto(false)))) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> rxError = new AtomicReference<>();
            long[] received = new long[1];
            FrameHandler sink = (ring, off, l, wire, ts, status) -> received[0]++;
            Thread consumer = new Thread(
                    () -> {
                        try {
                            while (!stop.get()) {
                                if (rx.poll(10) > 0) {
                                    rx.receive(sink, 4096);
                                }
                            }
                            while (rx.poll(20) > 0) {
                                rx.receive(sink, 4096);
                            }
                        } catch (Throwable e) {
                            rxError.set(e);
                        }
                    },
                    "rx");
            consumer.start();
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            long offered = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < batch; i++) {
                    if (tx.offer(frame, 0, len)) {
                        offered++;
                    }
                }
                tx.flush();
            }
            tx.awaitCompletion(1000);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(100);
            stop.set(true);
            consumer.join();
            if (rxError.get() != null) {
                throw new IllegalStateException(rxError.get());
            }
            rx.refreshStatistics();
            if (!warmup) {
                System.out.printf(
                        "%-8s batch %4d len %4d: sent %.3f Mpps (%d frames, %d send errors, %d ring-full drops),"
                                + " received %.3f Mpps (%d), kernel RX drops %d, freezes %d%n",
                        mode,
                        batch,
                        len,
                        tx.framesSent() / elapsed / 1e6,
                        tx.framesSent(),
                        tx.sendErrors(),
                        tx.ringFullDrops(),
                        received[0] / elapsed / 1e6,
                        received[0],
                        rx.kernelDrops(),
                        rx.kernelFreezeQueueCount());
            }
        }
    }
}
