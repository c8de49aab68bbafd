package io.ftpalg.bindings.packet;

import java.nio.ByteBuffer;

/**
 * Receives frames from {@link PacketRxRing#receive}. The frame is {@code ring[offset, offset + length)}
 * inside the one shared view of the kernel mapping; it is valid only during the call: copy it into your
 * own slot. Do not change the buffer's position, limit or contents.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * @param ring the view of the whole RX ring (native byte order; use absolute gets)
     * @param offset where the frame's Ethernet header starts
     * @param length bytes captured ({@code tp_snaplen})
     * @param wireLength bytes on the wire ({@code tp_len}); larger than {@code length} if truncated
     * @param timestampNanos kernel receive time, ns since the epoch
     * @param status {@code tp_status} bits (PacketSyscalls.TP_STATUS_*: CSUMNOTREADY, VLAN_VALID, GSO_TCP...)
     */
    void onFrame(ByteBuffer ring, int offset, int length, int wireLength, long timestampNanos, int status);
}
