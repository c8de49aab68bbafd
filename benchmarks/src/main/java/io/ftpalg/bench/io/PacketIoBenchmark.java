package io.ftpalg.bench.io;

import io.ftpalg.bindings.packet.NetNs;
import io.ftpalg.bindings.packet.PacketRxRing;
import io.ftpalg.bindings.packet.PacketTx;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.RawPacketListener;

/**
 * Live packet I/O, side by side in one run: packets/s out and in for every path ftp-alg's live mode could use,
 * over one veth pair between two network namespaces that the caller created (scripts/bench-io does it, with
 * offloads off). Not JMH: it needs root and namespaces, and each measurement is two threads (a sender in
 * namespace A, a receiver in B).
 *
 * <ul>
 *   <li>TX: {@link PacketTx} TX_RING (TPACKET_V2), {@link PacketTx} SENDTO, pcap4j {@code sendPacket}, as fast as
 *       they go; what arrives is counted on B by a {@link PacketRxRing}.
 *   <li>RX: {@link PacketRxRing} (TPACKET_V3), pcap4j {@code dispatch} with a raw listener (the pcap port's path),
 *       pcap4j {@code getNextRawPacket} (both with a 10 ms read timeout), each at a fixed paced offered load and at
 *       the unpaced maximum of the TX ring in A.
 * </ul>
 *
 * The read timeout does not bound a pcap read on an idle link (libpcap on TPACKET_V3 polls without a timeout and
 * waits for the kernel to retire a block, which it never does for an empty one), so a receiver that has not
 * returned 300 ms after the traffic stopped is counted as blocked and woken with {@code pcap_breakloop}.
 *
 * Per measurement: sockets opened once, a warm-up round, then timed rounds; the median round is reported with the
 * range of the others. Packets/s are over the sender's timed window; frames still in flight when it ends are
 * counted once the receiver has drained (200 ms). Allocation per packet is {@code getThreadAllocatedBytes} of the
 * measuring thread (the sender for TX, the receiver for RX) over the round, divided by its packets.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.ftpalg.bench.io.PacketIoBenchmark \
 *     --ns-a NS_A --if-a IF_A --ns-b NS_B --if-b IF_B [--seconds 2] [--rounds 3] [--warmup 1] \
 *     [--rate 200000] [--sizes 60,1514] [--only tx|rx|rx-rings]
 * </pre>
 */
public final class PacketIoBenchmark {
    /** IEEE 802 local experimental EtherType: nothing in the namespaces answers or routes it. */
    static final int ETHER_TYPE = 0x88B5;

    static final int BATCH = 64;
    static final int TX_SLOTS = 256;
    static final int PCAP_TIMEOUT_MS = 10;
    static final int PCAP_SNAPLEN = 65535 + 22;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    enum TxPath {
        AF_PACKET_TX_RING("AF_PACKET TX ring (TPACKET_V2)"),
        AF_PACKET_SENDTO("AF_PACKET sendto"),
        PCAP4J_SEND_PACKET("pcap4j sendPacket");

        final String label;

        TxPath(String label) {
            this.label = label;
        }
    }

    enum RxPath {
        AF_PACKET_RX_RING("AF_PACKET RX ring (TPACKET_V3)"),
        AF_PACKET_RX_RING_V2("AF_PACKET RX ring (TPACKET_V2)"),
        AF_PACKET_RX_RING_V2_HOLDOFF("AF_PACKET RX ring (TPACKET_V2, 50 us hold-off)"),
        PCAP4J_DISPATCH("pcap4j dispatch (raw listener)"),
        PCAP4J_GET_NEXT_RAW("pcap4j getNextRawPacket (10 ms timeout)");

        final String label;

        RxPath(String label) {
            this.label = label;
        }
    }

    record Options(
            String nsA,
            String ifA,
            String nsB,
            String ifB,
            double seconds,
            int rounds,
            double warmup,
            long rate,
            int[] sizes,
            String only) {}

    private final Options opt;
    private final List<Row> rows = new ArrayList<>();

    private PacketIoBenchmark(Options opt) {
        this.opt = opt;
    }

    public static void main(String[] args) throws Exception {
        Options opt = parse(args);
        THREADS.setThreadAllocatedMemoryEnabled(true);
        PacketIoBenchmark b = new PacketIoBenchmark(opt);
        System.out.printf(
                Locale.ROOT,
                "# veth %s (%s) -> %s (%s); %.1f s warm-up + %d x %.1f s rounds per cell; batch %d; paced RX load %d pps%n",
                opt.ifA,
                opt.nsA,
                opt.ifB,
                opt.nsB,
                opt.warmup,
                opt.rounds,
                opt.seconds,
                BATCH,
                opt.rate);
        System.out.printf(
                Locale.ROOT,
                "# %s %s, %d CPUs%n",
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                Runtime.getRuntime().availableProcessors());
        if (!"rx".equals(opt.only) && !"rx-rings".equals(opt.only)) {
            for (int size : opt.sizes) {
                for (TxPath p : TxPath.values()) {
                    b.measureTx(p, size);
                }
            }
        }
        if (!"tx".equals(opt.only)) {
            for (int size : opt.sizes) {
                for (long load : new long[] {opt.rate, 0}) {
                    for (RxPath p : RxPath.values()) {
                        if ("rx-rings".equals(opt.only) && !p.name().startsWith("AF_PACKET")) {
                            continue;
                        }
                        b.measureRx(p, size, load);
                    }
                }
            }
        }
        b.printTable();
        b.printRatios();
        // A getNextRawPacket receiver that never returned would keep the JVM alive (it is a daemon, but be sure).
        System.out.flush();
        System.exit(0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // senders

    interface Sender extends AutoCloseable {
        /** Queues or sends one frame; false if refused or failed (counted). */
        boolean send(byte[] frame, int len);

        void flush();

        /** Flushes and waits for the kernel to take everything queued. */
        void drain();

        /** Frames the kernel took so far. */
        long sent();

        /** Frames refused or failed so far. */
        long failed();

        @Override
        void close();
    }

    static final class AfPacketSender implements Sender {
        final PacketTx tx;

        AfPacketSender(PacketTx tx) {
            this.tx = tx;
        }

        @Override
        public boolean send(byte[] frame, int len) {
            return tx.offer(frame, 0, len);
        }

        @Override
        public void flush() {
            tx.flush();
        }

        @Override
        public void drain() {
            tx.awaitCompletion(1000);
        }

        @Override
        public long sent() {
            return tx.framesSent();
        }

        @Override
        public long failed() {
            return tx.sendErrors() + tx.ringFullDrops() + tx.oversizedRefused();
        }

        @Override
        public void close() {
            tx.close();
        }
    }

    static final class PcapSender implements Sender {
        final PcapHandle handle;
        long sent;
        long failed;

        PcapSender(PcapHandle handle) {
            this.handle = handle;
        }

        @Override
        public boolean send(byte[] frame, int len) {
            try {
                handle.sendPacket(frame, len);
                sent++;
                return true;
            } catch (Exception e) {
                failed++;
                return false;
            }
        }

        @Override
        public void flush() {}

        @Override
        public void drain() {}

        @Override
        public long sent() {
            return sent;
        }

        @Override
        public long failed() {
            return failed;
        }

        @Override
        public void close() {
            handle.close();
        }
    }

    Sender openSender(TxPath path) throws Exception {
        return NetNs.callIn(opt.nsA, () -> switch (path) {
            case AF_PACKET_TX_RING ->
                new AfPacketSender(PacketTx.open(
                        opt.ifA,
                        PacketTx.Config.defaults()
                                .withMode(PacketTx.Mode.TX_RING)
                                .withSlots(TX_SLOTS)
                                .withFallbackToSendto(false)));
            case AF_PACKET_SENDTO ->
                new AfPacketSender(PacketTx.open(
                        opt.ifA,
                        PacketTx.Config.defaults()
                                .withMode(PacketTx.Mode.SENDTO)
                                .withSlots(TX_SLOTS)));
            case PCAP4J_SEND_PACKET ->
                new PcapSender(new PcapHandle.Builder(opt.ifA)
                        .snaplen(PCAP_SNAPLEN)
                        .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                        .timeoutMillis(PCAP_TIMEOUT_MS)
                        .build());
        });
    }

    /** One timed send loop on the calling thread; {@code rate} 0 = as fast as it goes. */
    static final class SendResult {
        long sent;
        long failed;
        long nanos;
        long allocated;
    }

    static SendResult sendFor(Sender s, byte[] frame, double seconds, long rate) {
        SendResult r = new SendResult();
        long tid = Thread.currentThread().getId();
        long sent0 = s.sent();
        long failed0 = s.failed();
        long alloc0 = THREADS.getThreadAllocatedBytes(tid);
        int len = frame.length;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long offered = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            int n = BATCH;
            if (rate > 0) {
                long due = (now - start) * rate / 1_000_000_000L - offered;
                if (due <= 0) {
                    // Ahead of schedule: sleep if more than ~a batch ahead, else spin.
                    if (-due > BATCH / 2) {
                        LockSupport.parkNanos(20_000);
                    } else {
                        Thread.onSpinWait();
                    }
                    continue;
                }
                n = (int) Math.min(BATCH, due);
            }
            for (int i = 0; i < n; i++) {
                s.send(frame, len);
            }
            offered += n;
            s.flush();
        }
        r.nanos = System.nanoTime() - start;
        s.drain();
        r.allocated = THREADS.getThreadAllocatedBytes(tid) - alloc0;
        r.sent = s.sent() - sent0;
        r.failed = s.failed() - failed0;
        return r;
    }

    // ---------------------------------------------------------------------------------------------------------
    // receivers

    /**
     * A receiver drained by its own thread, started once per round: {@link #loop()} runs until {@link #stop} is
     * set, then drains what is left. Counts only frames of {@link #ETHER_TYPE}.
     */
    abstract static class Receiver implements AutoCloseable {
        volatile boolean stop;
        volatile long received;
        volatile long allocated;
        /** CPU time (user + system) of the receiver thread in the last round, ns. */
        volatile long cpuNanos;

        volatile Throwable error;
        long count;

        /** Frames the socket's kernel side dropped so far (cumulative). */
        abstract long drops() throws Exception;

        abstract void loop() throws Exception;

        /** Wakes a receive call blocked with no traffic (pcap_breakloop); no-op where reads are bounded. */
        void wake() {}

        /** Set when a receiver thread never returned: its socket is then left open (closing would block). */
        volatile boolean abandoned;

        Thread start(CountDownLatch started) {
            stop = false;
            Thread t = new Thread(
                    () -> {
                        long tid = Thread.currentThread().getId();
                        long a0 = THREADS.getThreadAllocatedBytes(tid);
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        started.countDown();
                        try {
                            loop();
                        } catch (Throwable e) {
                            error = e;
                        } finally {
                            allocated = THREADS.getThreadAllocatedBytes(tid) - a0;
                            cpuNanos = THREADS.getCurrentThreadCpuTime() - c0;
                            received = count;
                        }
                    },
                    "rx-" + getClass().getSimpleName());
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** Whether a frame handed over by the receive path is one of ours. */
        static boolean ours(byte b12, byte b13) {
            return ((b12 & 0xff) << 8 | (b13 & 0xff)) == ETHER_TYPE;
        }

        @Override
        public abstract void close();
    }

    static final class RingReceiver extends Receiver {
        final PacketRxRing rx;
        final io.ftpalg.bindings.packet.FrameHandler handler = (ring, off, len, wire, ts, status) -> {
            if (ours(ring.get(off + 12), ring.get(off + 13))) {
                count++;
            }
        };

        RingReceiver(PacketRxRing rx) {
            this.rx = rx;
        }

        @Override
        void loop() throws Exception {
            while (!stop) {
                if (rx.poll(10) > 0) {
                    rx.receive(handler, 4096);
                }
            }
            while (rx.poll(20) > 0) {
                rx.receive(handler, 4096);
            }
        }

        @Override
        long drops() throws Exception {
            rx.refreshStatistics();
            return rx.kernelDrops();
        }

        @Override
        public void close() {
            rx.close();
        }
    }

    static final class PcapDispatchReceiver extends Receiver {
        final PcapHandle handle;
        final RawPacketListener listener = raw -> {
            if (raw.length >= 14 && ours(raw[12], raw[13])) {
                count++;
            }
        };

        PcapDispatchReceiver(PcapHandle handle) {
            this.handle = handle;
        }

        @Override
        void loop() throws Exception {
            while (!stop) {
                try {
                    handle.dispatch(4096, listener);
                } catch (InterruptedException woken) {
                    // pcap_breakloop from wake(): look at stop
                }
            }
            // What the kernel still holds: non-blocking, so an empty ring returns 0 instead of waiting.
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            try {
                for (int i = 0; i < 1000; i++) {
                    try {
                        if (handle.dispatch(4096, listener) <= 0) {
                            break;
                        }
                    } catch (InterruptedException pendingBreak) {
                        // a breakloop request left over from wake(): consumed, go on
                    }
                }
            } finally {
                handle.setBlockingMode(PcapHandle.BlockingMode.BLOCKING);
            }
        }

        @Override
        void wake() {
            PcapReceivers.breakLoop(handle);
        }

        @Override
        long drops() throws Exception {
            return handle.getStats().getNumPacketsDropped();
        }

        @Override
        public void close() {
            if (!abandoned) {
                handle.close();
            }
        }
    }

    static final class PcapNextReceiver extends Receiver {
        final PcapHandle handle;

        PcapNextReceiver(PcapHandle handle) {
            this.handle = handle;
        }

        @Override
        void loop() throws Exception {
            while (!stop) {
                take(handle.getNextRawPacket()); // null on a timeout or after pcap_breakloop
            }
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            try {
                int nulls = 0;
                for (int i = 0; i < 1_000_000 && nulls < 2; i++) {
                    byte[] raw = handle.getNextRawPacket();
                    nulls = raw == null ? nulls + 1 : 0; // the first null may be a left-over breakloop
                    take(raw);
                }
            } finally {
                handle.setBlockingMode(PcapHandle.BlockingMode.BLOCKING);
            }
        }

        @Override
        void wake() {
            PcapReceivers.breakLoop(handle);
        }

        private void take(byte[] raw) {
            if (raw != null && raw.length >= 14 && ours(raw[12], raw[13])) {
                count++;
            }
        }

        @Override
        long drops() throws Exception {
            return handle.getStats().getNumPacketsDropped();
        }

        @Override
        public void close() {
            if (!abandoned) {
                handle.close();
            }
        }
    }

    /** pcap_breakloop, best effort. */
    static final class PcapReceivers {
        private PcapReceivers() {}

        static void breakLoop(PcapHandle handle) {
            try {
                handle.breakLoop();
            } catch (Exception e) {
                // closed: nothing to wake
            }
        }
    }

    Receiver openReceiver(RxPath path) throws Exception {
        return NetNs.callIn(opt.nsB, () -> switch (path) {
            // The live port's geometry (AfPacketPort: defaults, 16 x 1 MiB); not promiscuous: the frames are
            // broadcast.
            case AF_PACKET_RX_RING -> new RingReceiver(PacketRxRing.open(opt.ifB, PacketRxRing.Config.defaults()));
            // The live port's default ring (AfPacketPort, `run --rx-ring v2`): 8192 slots of 2048 bytes.
            case AF_PACKET_RX_RING_V2 ->
                new RingReceiver(PacketRxRing.open(opt.ifB, PacketRxRing.Config.defaults(PacketRxRing.Version.V2)));
            // ... with the wake-up moderation `run` uses by default.
            case AF_PACKET_RX_RING_V2_HOLDOFF ->
                new RingReceiver(PacketRxRing.open(
                        opt.ifB,
                        PacketRxRing.Config.defaults(PacketRxRing.Version.V2).withHoldoffMicros(50)));
            // As the pcap port (PcapPort) opens it: libpcap's default buffer (2 MiB), 10 ms timeout, inbound only.
            case PCAP4J_DISPATCH -> new PcapDispatchReceiver(openPcapRx());
            case PCAP4J_GET_NEXT_RAW -> new PcapNextReceiver(openPcapRx());
        });
    }

    private PcapHandle openPcapRx() throws Exception {
        PcapHandle h = new PcapHandle.Builder(opt.ifB)
                .snaplen(PCAP_SNAPLEN)
                .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(PCAP_TIMEOUT_MS)
                .build();
        h.setDirection(PcapHandle.PcapDirection.IN);
        return h;
    }

    // ---------------------------------------------------------------------------------------------------------
    // measurements

    /** One round's figures. */
    record Round(
            long sent,
            long failed,
            long received,
            long drops,
            long nanos,
            long txAllocated,
            long rxAllocated,
            long rxCpuNanos,
            boolean rxHung) {
        double sentPps() {
            return sent * 1e9 / nanos;
        }

        double receivedPps() {
            return received * 1e9 / nanos;
        }
    }

    static byte[] frame(int len) {
        byte[] f = new byte[len];
        Arrays.fill(f, 0, 6, (byte) 0xff); // broadcast: received without promiscuous mode
        f[6] = 0x02; // locally administered source 02:00:00:00:00:01
        f[11] = 0x01;
        f[12] = (byte) (ETHER_TYPE >>> 8);
        f[13] = (byte) ETHER_TYPE;
        for (int i = 14; i < len; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    private Round round(Sender sender, Receiver receiver, byte[] frame, double seconds, long rate) throws Exception {
        long drops0 = receiver.drops();
        long received0 = receiver.received;
        CountDownLatch started = new CountDownLatch(1);
        receiver.count = received0;
        Thread rxThread = receiver.start(started);
        started.await(5, TimeUnit.SECONDS);
        Thread.sleep(20);
        SendResult s = sendFor(sender, frame, seconds, rate);
        Thread.sleep(200);
        receiver.stop = true;
        // 30 read timeouts: a receive call bounded by its timeout has returned by then.
        rxThread.join(300);
        boolean hung = rxThread.isAlive();
        // A receive call still blocked on an idle link (libpcap on TPACKET_V3 polls with no timeout until a first
        // frame arrives): pcap_breakloop wakes it.
        for (int i = 0; i < 40 && rxThread.isAlive(); i++) {
            receiver.wake();
            rxThread.join(50);
        }
        if (rxThread.isAlive()) {
            receiver.abandoned = true;
            throw new IllegalStateException("receiver " + rxThread.getName() + " still blocked after breakloop");
        }
        if (receiver.error != null) {
            throw new IllegalStateException("receiver failed", receiver.error);
        }
        long received = receiver.received - received0;
        long drops = receiver.drops() - drops0;
        return new Round(
                s.sent, s.failed, received, drops, s.nanos, s.allocated, receiver.allocated, receiver.cpuNanos, hung);
    }

    private List<Round> rounds(Sender sender, Receiver receiver, byte[] frame, long rate) throws Exception {
        round(sender, receiver, frame, opt.warmup, rate);
        List<Round> out = new ArrayList<>();
        for (int i = 0; i < opt.rounds; i++) {
            out.add(round(sender, receiver, frame, opt.seconds, rate));
        }
        return out;
    }

    void measureTx(TxPath path, int size) throws Exception {
        System.out.printf(Locale.ROOT, "# TX %-40s %4d B ...%n", path.label, size);
        try (Sender sender = openSender(path);
                Receiver receiver = openReceiver(RxPath.AF_PACKET_RX_RING)) {
            List<Round> rs = rounds(sender, receiver, frame(size), 0);
            rows.add(new Row("TX", path.label, size, "max", rs, true));
        }
    }

    void measureRx(RxPath path, int size, long rate) throws Exception {
        String load = rate > 0 ? String.format(Locale.ROOT, "%.0f kpps", rate / 1e3) : "max";
        System.out.printf(Locale.ROOT, "# RX %-40s %4d B at %s ...%n", path.label, size, load);
        try (Sender sender = openSender(TxPath.AF_PACKET_TX_RING);
                Receiver receiver = openReceiver(path)) {
            List<Round> rs = rounds(sender, receiver, frame(size), rate);
            rows.add(new Row("RX", path.label, size, load, rs, false));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // report

    /** Median round by the measured side's rate, with the range over rounds. */
    record Row(String dir, String path, int size, String load, List<Round> rounds, boolean tx) {
        double measured(Round r) {
            return tx ? r.sentPps() : r.receivedPps();
        }

        Round median() {
            List<Round> s = new ArrayList<>(rounds);
            s.sort((a, b) -> Double.compare(measured(a), measured(b)));
            return s.get(s.size() / 2);
        }

        double min() {
            return rounds.stream().mapToDouble(this::measured).min().orElse(0);
        }

        double max() {
            return rounds.stream().mapToDouble(this::measured).max().orElse(0);
        }

        long sum(java.util.function.ToLongFunction<Round> f) {
            return rounds.stream().mapToLong(f).sum();
        }
    }

    void printTable() {
        System.out.println();
        System.out.println("| dir | path | frame B | offered load | sent Mpps | received Mpps | received/sent"
                + " | socket drops | lost elsewhere | failed sends | measured range Mpps | alloc B/pkt"
                + " | RX thread CPU ns/pkt | receiver blocked when idle |");
        System.out.println("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        for (Row row : rows) {
            Round m = row.median();
            long sent = row.sum(Round::sent);
            long received = row.sum(Round::received);
            long drops = row.sum(Round::drops);
            long lost = Math.max(0, sent - received - drops);
            long packets = row.tx ? sent : received;
            long alloc = row.tx ? row.sum(Round::txAllocated) : row.sum(Round::rxAllocated);
            long hung = row.rounds.stream().filter(Round::rxHung).count();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %d | %s | %.3f | %.3f | %.2f %% | %d | %d | %d | %.3f-%.3f | %s | %s | %d/%d |%n",
                    row.dir,
                    row.path,
                    row.size,
                    row.load,
                    m.sentPps() / 1e6,
                    m.receivedPps() / 1e6,
                    sent == 0 ? 0 : 100.0 * received / sent,
                    drops,
                    lost,
                    row.sum(Round::failed),
                    row.min() / 1e6,
                    row.max() / 1e6,
                    packets == 0 ? "-" : String.format(Locale.ROOT, "%.1f", (double) alloc / packets),
                    row.tx || received == 0
                            ? "-"
                            : String.format(Locale.ROOT, "%.0f", (double) row.sum(Round::rxCpuNanos) / received),
                    hung,
                    row.rounds.size());
        }
        System.out.println();
        System.out.println("sent/received Mpps: the median round (by the measured side: sent for TX, received for RX);"
                + " drops, losses, failures and allocation: all timed rounds together. Blocked when idle: rounds whose"
                + " receive call had not returned 300 ms after the traffic stopped (then woken by pcap_breakloop)."
                + " RX thread CPU: the receiving thread's user + system time over the timed rounds (including the"
                + " 200 ms drain after each) per packet received.");
    }

    void printRatios() {
        System.out.println();
        for (int size : opt.sizes) {
            double ring = find("TX", TxPath.AF_PACKET_TX_RING.label, size, "max");
            double sendto = find("TX", TxPath.AF_PACKET_SENDTO.label, size, "max");
            double pcap = find("TX", TxPath.PCAP4J_SEND_PACKET.label, size, "max");
            if (ring > 0 && sendto > 0 && pcap > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "TX %4d B: TX ring / sendto = %.2fx, TX ring / pcap4j sendPacket = %.2fx,"
                                + " sendto / pcap4j = %.2fx%n",
                        size,
                        ring / sendto,
                        ring / pcap,
                        sendto / pcap);
            }
            double rxRing = find("RX", RxPath.AF_PACKET_RX_RING.label, size, "max");
            double rxRingV2 = find("RX", RxPath.AF_PACKET_RX_RING_V2.label, size, "max");
            if (rxRing > 0 && rxRingV2 > 0) {
                System.out.printf(
                        Locale.ROOT, "RX %4d B at max load: RX ring V2 / V3 = %.2fx%n", size, rxRingV2 / rxRing);
            }
            double disp = find("RX", RxPath.PCAP4J_DISPATCH.label, size, "max");
            double next = find("RX", RxPath.PCAP4J_GET_NEXT_RAW.label, size, "max");
            if (rxRing > 0 && disp > 0 && next > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "RX %4d B at max load: RX ring / pcap4j dispatch = %.2fx, RX ring / getNextRawPacket = %.2fx%n",
                        size,
                        rxRing / disp,
                        rxRing / next);
            }
        }
    }

    private double find(String dir, String path, int size, String load) {
        for (Row r : rows) {
            if (r.dir.equals(dir) && r.path.equals(path) && r.size == size && r.load.equals(load)) {
                return r.measured(r.median());
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------

    static Options parse(String[] args) {
        String nsA = null;
        String ifA = null;
        String nsB = null;
        String ifB = null;
        double seconds = 2;
        int rounds = 3;
        double warmup = 1;
        long rate = 200_000;
        int[] sizes = {60, 1514};
        String only = "";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                usage("missing value after " + a);
            }
            i++;
            switch (a) {
                case "--ns-a" -> nsA = v;
                case "--if-a" -> ifA = v;
                case "--ns-b" -> nsB = v;
                case "--if-b" -> ifB = v;
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--rate" -> rate = Long.parseLong(v);
                case "--sizes" ->
                    sizes = Arrays.stream(v.split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "--only" -> only = v;
                default -> usage("unknown option " + a);
            }
        }
        if (nsA == null || ifA == null || nsB == null || ifB == null) {
            usage("--ns-a, --if-a, --ns-b and --if-b are required");
        }
        if (seconds <= 0 || seconds > 60 || rounds < 1 || rounds > 20 || warmup < 0 || warmup > 60 || rate <= 0) {
            usage("out of range: --seconds (0, 60], --rounds [1, 20], --warmup [0, 60], --rate > 0");
        }
        for (int s : sizes) {
            if (s < 60 || s > 1514) {
                usage("frame sizes must be in [60, 1514]: " + s);
            }
        }
        return new Options(nsA, ifA, nsB, ifB, seconds, rounds, warmup, rate, sizes, only);
    }

    private static void usage(String why) {
        System.err.println("PacketIoBenchmark: " + why);
        System.err.println("usage: --ns-a NS --if-a IF --ns-b NS --if-b IF [--seconds S] [--rounds N] [--warmup S]"
                + " [--rate PPS] [--sizes 60,1514] [--only tx|rx|rx-rings]");
        System.err.println("(root; run it through scripts/bench-io, which makes the namespaces and the veth pair)");
        System.exit(2);
    }
}
