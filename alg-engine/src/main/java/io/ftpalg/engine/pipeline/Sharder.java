package io.ftpalg.engine.pipeline;

import io.ftpalg.engine.codec.Bytes;

/**
 * Chooses the worker for a frame, before any decoding beyond fixed offsets, so that every packet whose state
 * lives together lands on the same worker: both directions of a flow, and an FTP data connection together with
 * its control connection. The key is the address of the OUTSIDE party: the destination of a frame that arrived
 * inside, the source of one that arrived outside. Source NAT, destination NAT and static NAT only ever rewrite
 * the inside party, so the outside address is the same in both directions, and a data connection always has
 * the same outside party as its control connection (the bounce guard makes sure). For an ICMP error the key is
 * taken from the quoted packet the same way. One busy outside host therefore loads one worker: that is the price
 * of sharing no state between workers.
 *
 * <pre>
 *  Ethernet [802.1Q]* | IPv4 src@12 dst@16 proto@9 | ICMP type@0, quoted IPv4 header at +8
 *                     | IPv6 src@8 dst@24 next@6  | ICMPv6 type@0, quoted IPv6 header at +8
 * </pre>
 */
public final class Sharder {
    private final int shards;

    public Sharder(int shards) {
        this.shards = shards;
    }

    public int shard(byte[] b, int len, int ingressPort) {
        if (shards == 1) {
            return 0;
        }
        int off = 12;
        int type = len >= 14 ? Bytes.u16(b, off) : 0;
        int vlans = 0;
        while ((type == 0x8100 || type == 0x88A8) && vlans++ < 2 && off + 6 <= len) {
            off += 4;
            type = Bytes.u16(b, off);
        }
        int l3 = off + 2;
        boolean inside = ingressPort == PacketSlot.PORT_INSIDE;
        if (type == 0x0800 && l3 + 20 <= len) {
            int ihl = (b[l3] & 0xF) * 4;
            int proto = b[l3 + 9] & 0xFF;
            int icmp = l3 + ihl;
            if (proto == 1 && icmp + 8 + 20 <= len && isIcmpError(b[icmp] & 0xFF, false)) {
                // The quoted packet travelled the other way: its outside party is where this error's is not.
                int q = icmp + 8;
                return mix(Bytes.u32(b, q + (inside ? 12 : 16)), 0);
            }
            return mix(Bytes.u32(b, l3 + (inside ? 16 : 12)), 0);
        }
        if (type == 0x86DD && l3 + 40 <= len) {
            int next = b[l3 + 6] & 0xFF;
            int icmp = l3 + 40;
            if (next == 58 && icmp + 8 + 40 <= len && isIcmpError(b[icmp] & 0xFF, true)) {
                int q = icmp + 8 + (inside ? 8 : 24);
                return mix(Bytes.i64(b, q), Bytes.i64(b, q + 8));
            }
            int a = l3 + (inside ? 24 : 8);
            return mix(Bytes.i64(b, a), Bytes.i64(b, a + 8));
        }
        return 0;
    }

    private static boolean isIcmpError(int t, boolean v6) {
        return v6 ? t >= 1 && t <= 4 : t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
    }

    private int mix(long hi, long lo) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ (lo * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 29;
        return (int) ((h & 0x7FFF_FFFFL) % shards);
    }
}
