package io.ftpalg.cli.run;

import io.ftpalg.bindings.packet.InterfaceInfo;
import io.ftpalg.bindings.packet.PacketIoException;
import io.ftpalg.bindings.packet.PacketRxRing;
import io.ftpalg.bindings.packet.PacketTx;
import io.ftpalg.engine.codec.VirtioNetHeader;
import io.ftpalg.engine.pipeline.PacketPort;
import java.nio.ByteBuffer;

/**
 * A pipeline port over AF_PACKET: a receive ring (TPACKET_V2 by default: every frame is handed over and wakes
 * the receive thread at once; or TPACKET_V3, blocks retired after a timeout) and a TPACKET_V2 transmit ring
 * (bindings module). Frames are handed on in the ring mapping and copied once, by the pipeline's sink, straight
 * into its ring slot ({@link PacketPort.Sink#frame(ByteBuffer, int, int, int, long)}); an 802.1Q
 * tag the kernel stripped into the frame's metadata (TP_STATUS_VLAN_VALID) is put back, so that a bridge passes
 * VLANs unchanged. A frame the ring truncated (longer than a V2 slot: {@code tp_snaplen < tp_len}) is dropped
 * and counted, never forwarded cut short.
 *
 * <p>With offloads ({@code vnet}, the default of {@code run --offloads on}) both sockets use PACKET_VNET_HDR: the
 * kernel hands over GRO/TSO super-frames (up to 64 KiB) and CHECKSUM_PARTIAL frames as they are, each with a
 * virtio_net_hdr that is passed to the pipeline as an offload word ({@link VirtioNetHeader}), and takes frames
 * back the same way, segmenting a super-frame at its gso_size and finishing partial checksums. Receive slots are
 * then 128 KiB (V2: 256 of them, 32 MiB) so that a super-frame fits whole.
 */
final class AfPacketPort implements PacketPort {
    private static final int TP_STATUS_VLAN_VALID = 1 << 4;

    private final String name;
    private final PacketRxRing rx;
    private final PacketTx tx;
    /** The largest frame handed on: 64 KiB of IP, Ethernet and two VLAN tags. */
    private static final int MAX_FRAME = 65535 + 22;

    private final byte[] vnetOut = new byte[VirtioNetHeader.LENGTH];
    private final boolean vnet;
    private long refused;
    private long truncated;

    AfPacketPort(String ifname, PacketRxRing.Version version, int retireTimeoutMs, int holdoffMicros, boolean vnet)
            throws PacketIoException {
        this.name = ifname;
        this.vnet = vnet;
        this.rx = PacketRxRing.open(
                ifname, rxConfig(InterfaceInfo.of(ifname).mtu(), version, retireTimeoutMs, holdoffMicros, vnet));
        PacketTx t;
        try {
            t = PacketTx.open(ifname, PacketTx.Config.defaults().withVnetHeader(vnet));
        } catch (PacketIoException e) {
            rx.close();
            throw e;
        }
        this.tx = t;
    }

    /**
     * 16 MiB of ring, promiscuous, own frames ignored. V2: slots of 2048 bytes (8192 of them; frames up to 1982
     * bytes whole: MTU 1500 plus two VLAN tags), larger for a larger MTU (the next power of two that holds MTU +
     * 14 + 8 after the slot header). {@code holdoffMicros}: the ring's wake-up moderation (see {@link
     * PacketRxRing.Config#holdoffMicros()}). {@code vnet}: PACKET_VNET_HDR, frames up to 64 KiB: V2 slots of 128
     * KiB, 256 of them (32 MiB); V3 keeps its 1 MiB blocks.
     */
    static PacketRxRing.Config rxConfig(
            int mtu, PacketRxRing.Version version, int retireTimeoutMs, int holdoffMicros, boolean vnet) {
        PacketRxRing.Config c = PacketRxRing.Config.defaults(version)
                .withPromiscuous(true)
                .withRetireTimeoutMs(retireTimeoutMs)
                .withHoldoffMicros(holdoffMicros)
                .withVnetHeader(vnet);
        if (version == PacketRxRing.Version.V2 && vnet) {
            int slot = Integer.highestOneBit(PacketRxRing.V2_MAC_OFFSET_VNET + PacketTx.MAX_GSO_FRAME - 1) << 1;
            c = c.withFrameSize(slot).withBlocks(slot, VNET_RX_SLOTS);
        } else if (version == PacketRxRing.Version.V2) {
            int need = PacketRxRing.V2_MAC_OFFSET + mtu + 14 + 8;
            int slot = Math.max(2048, Integer.highestOneBit(need - 1) << 1);
            c = c.withFrameSize(slot);
            if (slot > c.blockSize()) {
                c = c.withBlocks(slot, Math.max(1, (c.blockSize() * c.blockCount()) / slot));
            }
        }
        return c;
    }

    /** Receive slots with PACKET_VNET_HDR (128 KiB each). */
    static final int VNET_RX_SLOTS = 256;

    /** Frames dropped because the receive ring truncated them. */
    long truncated() {
        return truncated;
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
            long offload = vnet ? VirtioNetHeader.read(ring, rx.frameVnetOffset()) : 0L;
            if (len < rx.frameWireLength()) {
                truncated++; // longer than a slot: the kernel cut it; forwarding it would corrupt it
                continue;
            }
            int vlanTag = 0; // none (a TPID is never 0)
            if ((rx.frameStatus() & TP_STATUS_VLAN_VALID) != 0) {
                int tpid = rx.frameVlanTpid() == 0 ? 0x8100 : rx.frameVlanTpid();
                vlanTag = tpid << 16 | rx.frameVlanTci();
            }
            if (len + (vlanTag != 0 ? 4 : 0) > MAX_FRAME) {
                refused++;
                continue;
            }
            n++;
            // The one copy: the sink (the pipeline's publisher) copies from the ring slot into its own slot,
            // putting the stripped tag back on the way; the slot is returned to the kernel after.
            if (!sink.frame(ring, off, len, vlanTag, offload)) {
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
    public boolean send(byte[] frame, int off, int len, long offload) {
        if (offload == 0) {
            return send(frame, off, len);
        }
        if (!vnet) {
            refused++;
            return false;
        }
        VirtioNetHeader.write(vnetOut, 0, offload, headerLength(frame, off, len, offload));
        if (tx.offer(frame, off, len, vnetOut, 0)) {
            return true;
        }
        refused++;
        return false;
    }

    /**
     * hdr_len for a frame with a partial checksum: up to the end of its TCP header (csum_offset 16: the data offset
     * nibble says how long) or UDP header; the kernel copies that much into the skb's linear part.
     */
    static int headerLength(byte[] frame, int off, int len, long offload) {
        int start = VirtioNetHeader.csumStart(offload);
        int field = VirtioNetHeader.csumOffset(offload);
        if (field == 16 && start + 13 <= len) {
            return Math.min(len, start + ((frame[off + start + 12] & 0xF0) >>> 2));
        }
        return Math.min(len, start + field + 2);
    }

    @Override
    public boolean offloads() {
        return vnet;
    }

    @Override
    public int mtu() {
        return tx.mtu();
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
        return rx.kernelDrops() + refused + truncated;
    }

    @Override
    public void close() {
        tx.close();
        rx.close();
    }
}
