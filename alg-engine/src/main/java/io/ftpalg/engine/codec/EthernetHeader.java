package io.ftpalg.engine.codec;

/**
 * Ethernet II header view (IEEE 802.3 with an EtherType), with up to two VLAN tags (IEEE 802.1Q, 802.1ad).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination MAC (48 bits)                  |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                      Source MAC (48 bits)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   EtherType or TPID (12)      |   [VLAN tag: TCI, then the next EtherType or TPID]
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * VLAN tag (4 bytes, replaces nothing: it is inserted before the EtherType):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  TPID 0x8100 (802.1Q) or      | PCP |D|        VLAN id        |
 * |  0x88A8 (802.1ad, outer tag)  | (3) |E|         (12)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>With {@code n} tags the EtherType of the payload lies at {@code 12 + 4n} and the L3 header at {@code 14 + 4n}.
 * MAC addresses are handled as the low 48 bits of a {@code long}.
 */
public final class EthernetHeader {
    public static final int DST_MAC_OFFSET = 0;
    public static final int SRC_MAC_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    /** Untagged header length. */
    public static final int LENGTH = 14;

    /** A VLAN tag: TPID (2 bytes) then TCI (2 bytes), found where the EtherType would be. */
    public static final int VLAN_TAG_LENGTH = 4;
    /** Offset of the TCI from the start of its tag (that is, from its TPID). */
    public static final int VLAN_TCI_OFFSET = 2;

    public static final int VLAN_ID_MASK = 0x0FFF;
    public static final int MAX_VLAN_TAGS = 2;

    public static final int TPID_8021Q = 0x8100;
    public static final int TPID_8021AD = 0x88A8;

    public static final int ETHER_TYPE_IPV4 = 0x0800;
    public static final int ETHER_TYPE_ARP = 0x0806;
    public static final int ETHER_TYPE_IPV6 = 0x86DD;

    private EthernetHeader() {}

    public static long dstMac(byte[] b, int off) {
        return mac(b, off + DST_MAC_OFFSET);
    }

    public static void dstMac(byte[] b, int off, long mac) {
        mac(b, off + DST_MAC_OFFSET, mac);
    }

    public static long srcMac(byte[] b, int off) {
        return mac(b, off + SRC_MAC_OFFSET);
    }

    public static void srcMac(byte[] b, int off, long mac) {
        mac(b, off + SRC_MAC_OFFSET, mac);
    }

    /** The EtherType (or TPID) of an untagged header at {@code off}. */
    public static int etherType(byte[] b, int off) {
        return Bytes.u16(b, off + ETHER_TYPE_OFFSET);
    }

    public static void etherType(byte[] b, int off, int type) {
        Bytes.u16(b, off + ETHER_TYPE_OFFSET, type);
    }

    public static boolean isVlanTpid(int type) {
        return type == TPID_8021Q || type == TPID_8021AD;
    }

    /** The TCI of the tag whose TPID is at {@code tagOff}. */
    public static int vlanTci(byte[] b, int tagOff) {
        return Bytes.u16(b, tagOff + VLAN_TCI_OFFSET);
    }

    public static void vlanTci(byte[] b, int tagOff, int tci) {
        Bytes.u16(b, tagOff + VLAN_TCI_OFFSET, tci);
    }

    /** The VLAN id (low 12 bits of the TCI) of the tag whose TPID is at {@code tagOff}. */
    public static int vlanId(byte[] b, int tagOff) {
        return vlanTci(b, tagOff) & VLAN_ID_MASK;
    }

    static long mac(byte[] b, int off) {
        return ((long) Bytes.u16(b, off) << 32) | Bytes.u32(b, off + 2);
    }

    static void mac(byte[] b, int off, long mac) {
        Bytes.u16(b, off, (int) (mac >>> 32));
        Bytes.u32(b, off + 2, mac);
    }
}
