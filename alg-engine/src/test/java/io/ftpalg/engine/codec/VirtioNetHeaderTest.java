package io.ftpalg.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** struct virtio_net_hdr as PACKET_VNET_HDR puts it before a frame, and the offload word it travels as. */
class VirtioNetHeaderTest {
    /** The header as the kernel writes it: u8 flags, u8 gso_type, then four u16 in host order. */
    static byte[] wire(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.nativeOrder());
        b.put((byte) flags).put((byte) gsoType);
        b.putShort((short) hdrLen)
                .putShort((short) gsoSize)
                .putShort((short) csumStart)
                .putShort((short) csumOffset);
        return b.array();
    }

    @ParameterizedTest
    @CsvSource({
        // flags, gso_type, hdr_len, gso_size, csum_start, csum_offset: what GRO on a veth hands over
        "1, 1, 66, 1448, 34, 16", // TCPV4 super-frame, NEEDS_CSUM, TCP at 14 + 20
        "1, 4, 86, 1428, 54, 16", // TCPV6
        "1, 0, 0, 0, 34, 16", // a single frame with a partial checksum (a local sender's ACK)
        "2, 0, 0, 0, 0, 0", // DATA_VALID: checksum verified by the kernel
        "1, 129, 66, 1448, 34, 16", // TCPV4 | ECN
        "1, 5, 42, 1472, 34, 6", // UDP_L4
        "0, 0, 0, 0, 0, 0", // an ordinary frame
        "255, 255, 65535, 65535, 65535, 65535" // every bit, no sign extension anywhere
    })
    void readsWhatTheKernelWritesAndWritesItBack(int flags, int gso, int hdrLen, int size, int start, int off) {
        byte[] w = wire(flags, gso, hdrLen, size, start, off);
        long word = VirtioNetHeader.read(w, 0);
        assertEquals(flags, VirtioNetHeader.flags(word));
        assertEquals(gso, VirtioNetHeader.gsoType(word));
        assertEquals(size, VirtioNetHeader.gsoSize(word));
        assertEquals(start, VirtioNetHeader.csumStart(word));
        assertEquals(off, VirtioNetHeader.csumOffset(word));
        assertEquals((flags & 1) != 0, VirtioNetHeader.needsCsum(word));
        assertEquals(gso & 0x7f, VirtioNetHeader.gsoKind(word));
        assertEquals(word, VirtioNetHeader.word(flags, gso, size, start, off));

        // From a direct buffer at an odd offset (a ring slot), as AfPacketPort reads it.
        ByteBuffer ring = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        ring.put(23, w);
        assertEquals(word, VirtioNetHeader.read(ring, 23));

        byte[] out = new byte[12];
        VirtioNetHeader.write(out, 1, word, hdrLen);
        assertArrayEquals(w, java.util.Arrays.copyOfRange(out, 1, 11));
        ByteBuffer tx = ByteBuffer.allocateDirect(64);
        VirtioNetHeader.write(tx, 31, word, hdrLen);
        byte[] back = new byte[10];
        tx.get(31, back);
        assertArrayEquals(w, back);
    }

    @org.junit.jupiter.api.Test
    void csumStartMovesWithAVlanTagPutBackOnlyWhenThereIsAPartialChecksum() {
        long partial = VirtioNetHeader.word(1, 1, 1448, 34, 16);
        long moved = VirtioNetHeader.shiftCsumStart(partial, 4);
        assertEquals(38, VirtioNetHeader.csumStart(moved));
        assertEquals(16, VirtioNetHeader.csumOffset(moved));
        assertEquals(1448, VirtioNetHeader.gsoSize(moved));
        assertEquals(1, VirtioNetHeader.gsoType(moved));
        long valid = VirtioNetHeader.word(2, 0, 0, 0, 0);
        assertEquals(valid, VirtioNetHeader.shiftCsumStart(valid, 4));
        assertFalse(VirtioNetHeader.needsCsum(valid));
        assertTrue(VirtioNetHeader.describe(partial).contains("TCPV4 gso_size 1448 csum 34+16"));
        assertEquals("GSO_NONE", VirtioNetHeader.describe(0));
    }
}
