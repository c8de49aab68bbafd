package io.ftpalg.bindings.packet;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;

/**
 * The segmentation and checksum offloads of one interface, read with the legacy single-feature ethtool
 * ioctls (SIOCETHTOOL with {@code struct ethtool_value {u32 cmd; u32 data;}}, linux/ethtool.h), which
 * every kernel still answers from {@code dev->features} (net/ethtool/ioctl.c ethtool_get_one_feature).
 * Read in the calling thread's network namespace; no capability needed.
 *
 * <p>Why the live dataplane refuses to start with them on (see shared/docs/TESTING.md, "Raw sockets on veth
 * pairs"): with TSO/GSO/GRO a raw socket sees TCP super-frames far above the MTU, which cannot be sent back
 * out (EMSGSIZE), and with TX checksum offload frames carry only a partial TCP checksum, which the receiver
 * drops if they are re-injected as they are. ftp-alg's choice is to have them turned off, and to say so
 * with the exact command ({@link #fixCommand()}).
 *
 * @param ifname interface
 * @param tso any TCP segmentation offload (NETIF_F_ALL_TSO): {@code tcp-segmentation-offload}
 * @param gso {@code generic-segmentation-offload}
 * @param gro {@code generic-receive-offload}
 * @param lro {@code large-receive-offload} (ETHTOOL_GFLAGS ETH_FLAG_LRO)
 * @param txChecksum {@code tx-checksumming} (any NETIF_F_CSUM_MASK bit)
 * @param rxChecksum {@code rx-checksumming}: harmless (reported, never refused)
 * @param scatterGather {@code scatter-gather}: harmless on its own, reported
 */
public record Offloads(
        String ifname,
        boolean tso,
        boolean gso,
        boolean gro,
        boolean lro,
        boolean txChecksum,
        boolean rxChecksum,
        boolean scatterGather) {
    static final int ETHTOOL_GRXCSUM = 0x14;
    static final int ETHTOOL_GTXCSUM = 0x16;
    static final int ETHTOOL_GSG = 0x18;
    static final int ETHTOOL_GTSO = 0x1e;
    static final int ETHTOOL_GGSO = 0x23;
    static final int ETHTOOL_GFLAGS = 0x25;
    static final int ETHTOOL_GGRO = 0x2b;
    static final int ETH_FLAG_LRO = 1 << 15;

    /**
     * Reads the offloads of {@code ifname} (in this thread's network namespace).
     *
     * @throws PacketIoException if there is no such interface, or it answers no ethtool request at all
     */
    public static Offloads check(String ifname) throws PacketIoException {
        PacketSyscalls.ifIndex(ifname); // a clear "no such interface" first
        int fd = PacketSyscalls.openControlSocket();
        try (Memory ifr = PacketSyscalls.ifreq(ifname);
                Memory value = new Memory(8)) {
            ifr.setPointer(PacketSyscalls.IFREQ_UNION, value);
            boolean tso = get(fd, ifr, value, ETHTOOL_GTSO, ifname) != 0;
            boolean gso = get(fd, ifr, value, ETHTOOL_GGSO, ifname) != 0;
            boolean gro = get(fd, ifr, value, ETHTOOL_GGRO, ifname) != 0;
            boolean lro = (get(fd, ifr, value, ETHTOOL_GFLAGS, ifname) & ETH_FLAG_LRO) != 0;
            boolean tx = get(fd, ifr, value, ETHTOOL_GTXCSUM, ifname) != 0;
            boolean rx = get(fd, ifr, value, ETHTOOL_GRXCSUM, ifname) != 0;
            boolean sg = get(fd, ifr, value, ETHTOOL_GSG, ifname) != 0;
            return new Offloads(ifname, tso, gso, gro, lro, tx, rx, sg);
        } finally {
            PacketSyscalls.closeQuietly(fd);
        }
    }

    private static int get(int fd, Memory ifr, Memory value, int cmd, String ifname) throws PacketIoException {
        value.setInt(0, cmd);
        value.setInt(4, 0);
        if (LibC.ioctl(fd, PacketSyscalls.SIOCETHTOOL, ifr) < 0) {
            int errno = LibC.errno();
            if (errno == PacketSyscalls.EOPNOTSUPP) {
                return 0; // a device without ethtool support has none of these offloads
            }
            throw new PacketIoException(
                    "ioctl(SIOCETHTOOL 0x" + Integer.toHexString(cmd) + ") on " + ifname + ": "
                            + PacketSyscalls.describeErrno(errno),
                    errno);
        }
        return value.getInt(4);
    }

    /** The offloads that make a raw-socket dataplane see or send wrong frames, in ethtool's words. */
    public List<String> harmfulEnabled() {
        List<String> on = new ArrayList<>();
        if (gro) {
            on.add("generic-receive-offload");
        }
        if (lro) {
            on.add("large-receive-offload");
        }
        if (gso) {
            on.add("generic-segmentation-offload");
        }
        if (tso) {
            on.add("tcp-segmentation-offload");
        }
        if (txChecksum) {
            on.add("tx-checksumming");
        }
        return on;
    }

    /** True if none of the harmful offloads is on. */
    public boolean safeForRawSockets() {
        return !gro && !lro && !gso && !tso && !txChecksum;
    }

    /** The command that turns them off: {@code ethtool -K IF gro off gso off tso off tx off} (+ lro off). */
    public String fixCommand() {
        return "ethtool -K " + ifname + " gro off gso off tso off tx off" + (lro ? " lro off" : "");
    }

    /** The message the dataplane refuses to start with, or null if the interface is fine. */
    public String refusalMessage() {
        if (safeForRawSockets()) {
            return null;
        }
        return "interface " + ifname + " has " + String.join(", ", harmfulEnabled())
                + " on: a raw-socket dataplane would see TCP frames larger than the MTU (which it cannot send"
                + " back out: EMSGSIZE) with partial checksums; turn them off with: " + fixCommand()
                + " (and the same on the far ends of veth pairs)";
    }

    /** Throws {@link PacketIoException} with {@link #refusalMessage()} if a harmful offload is on. */
    public Offloads requireOff() throws PacketIoException {
        String msg = refusalMessage();
        if (msg != null) {
            throw new PacketIoException(msg, 0);
        }
        return this;
    }
}
