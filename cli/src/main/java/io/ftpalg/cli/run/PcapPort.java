package io.ftpalg.cli.run;

import io.ftpalg.engine.pipeline.PacketPort;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

/**
 * The portable fallback port ({@code --io pcap}): libpcap through pcap4j, using its raw-listener dispatch path
 * (pcap4j's per-packet objects are what makes it slow; see BENCHMARKS.md), inbound direction only so that the
 * gateway does not see its own frames. Each received frame is one byte[] made by pcap4j: this path allocates.
 */
final class PcapPort implements PacketPort {
    private static final int READ_TIMEOUT_MS = 10;
    private static final long IDLE_POLL_NANOS = 200_000;

    private final String name;
    private final PcapHandle handle;
    private Sink sink;
    private int taken;
    private long failed;

    private final RawPacketListener listener = raw -> {
        if (sink != null) {
            sink.frame(raw, 0, raw.length);
            taken++;
        }
    };

    PcapPort(String ifname) throws Exception {
        this.name = ifname;
        PcapNetworkInterface nif = Pcaps.getDevByName(ifname);
        if (nif == null) {
            throw new IllegalArgumentException("no such interface for libpcap: " + ifname);
        }
        this.handle = nif.openLive(65535 + 22, PcapNetworkInterface.PromiscuousMode.PROMISCUOUS, READ_TIMEOUT_MS);
        handle.setDirection(org.pcap4j.core.PcapHandle.PcapDirection.IN);
        // libpcap on TPACKET_V3 can wait for ever for a block the kernel never hands over on an idle link, read
        // timeout or not: poll non-blocking and do the waiting here, so that an idle port returns (and the
        // pipeline's clock keeps ticking).
        handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int receive(Sink sink, int max, long timeoutMs) {
        this.sink = sink;
        taken = 0;
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        try {
            while (true) {
                handle.dispatch(max, listener);
                if (taken > 0 || System.nanoTime() - deadline >= 0) {
                    return taken;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(IDLE_POLL_NANOS);
            }
        } catch (Exception e) {
            return taken;
        }
    }

    @Override
    public boolean send(byte[] frame, int off, int len) {
        try {
            byte[] copy = off == 0 && len == frame.length ? frame : java.util.Arrays.copyOfRange(frame, off, off + len);
            handle.sendPacket(copy, len);
            return true;
        } catch (PcapNativeException | org.pcap4j.core.NotOpenException e) {
            failed++;
            return false;
        }
    }

    @Override
    public void flush() {}

    @Override
    public long drops() {
        try {
            return handle.getStats().getNumPacketsDropped() + failed;
        } catch (Exception e) {
            return failed;
        }
    }

    @Override
    public void close() {
        handle.close();
    }
}
