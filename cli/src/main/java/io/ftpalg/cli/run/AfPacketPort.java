package io.ftpalg.cli.run;

import io.ftpalg.bindings.packet.PacketIoException;
import io.ftpalg.bindings.packet.PacketRxRing;
import io.ftpalg.bindings.packet.PacketTx;
import io.ftpalg.engine.pipeline.PacketPort;
import java.nio.ByteBuffer;

/**
 * A pipeline port over AF_PACKET: a TPACKET_V3 receive ring and a TPACKET_V2 transmit ring (bindings module).
 * Frames are copied from the ring mapping into one reusable buffer and handed on; an 802.1Q tag the kernel
 * stripped into the frame's metadata (TP_STATUS_VLAN_VALID) is put back, so that a bridge passes VLANs unchanged.
 */
final class AfPacketPort implements PacketPort {
    private static final int TP_STATUS_VLAN_VALID = 1 << 4;

    private final String name;
    private final PacketRxRing rx;
    private final PacketTx tx;
    private final byte[] buffer = new byte[65535 + 22];
    private long refused;

    AfPacketPort(String ifname) throws PacketIoException {
        this.name = ifname;
        this.rx = PacketRxRing.open(ifname, PacketRxRing.Config.defaults().withPromiscuous(true));
        PacketTx t;
        try {
            t = PacketTx.open(ifname);
        } catch (PacketIoException e) {
            rx.close();
            throw e;
        }
        this.tx = t;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int receive(Sink sink, int max, long timeoutMs) {
        try {
            if (rx.poll(timeoutMs) <= 0) {
                return 0;
            }
        } catch (PacketIoException e) {
            return 0;
        }
        int n = 0;
        ByteBuffer ring = rx.ring();
        while (n < max && rx.next()) {
            int len = rx.frameLength();
            int off = rx.frameOffset();
            int out;
            if ((rx.frameStatus() & TP_STATUS_VLAN_VALID) != 0 && len >= 12 && len + 4 <= buffer.length) {
                ring.get(off, buffer, 0, 12);
                int tpid = rx.frameVlanTpid() == 0 ? 0x8100 : rx.frameVlanTpid();
                buffer[12] = (byte) (tpid >>> 8);
                buffer[13] = (byte) tpid;
                buffer[14] = (byte) (rx.frameVlanTci() >>> 8);
                buffer[15] = (byte) rx.frameVlanTci();
                ring.get(off + 12, buffer, 16, len - 12);
                out = len + 4;
            } else if (len <= buffer.length) {
                ring.get(off, buffer, 0, len);
                out = len;
            } else {
                refused++;
                continue;
            }
            n++;
            if (!sink.frame(buffer, 0, out)) {
                break;
            }
        }
        rx.releaseIfDone();
        return n;
    }

    @Override
    public boolean send(byte[] frame, int off, int len) {
        if (tx.offer(frame, off, len)) {
            return true;
        }
        refused++;
        return false;
    }

    @Override
    public void flush() {
        tx.flush();
    }

    @Override
    public long drops() {
        try {
            rx.refreshStatistics();
        } catch (PacketIoException e) {
            // statistics are best effort
        }
        return rx.kernelDrops() + refused;
    }

    @Override
    public void close() {
        tx.close();
        rx.close();
    }
}
