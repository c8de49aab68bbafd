package io.ftpalg.bindings.packet;

import com.sun.jna.Memory;
import java.util.HexFormat;

/**
 * What the dataplane checks about an interface before it starts: index, MAC address, MTU and flags, read
 * with {@code if_nametoindex} and the SIOCGIFHWADDR / SIOCGIFMTU / SIOCGIFFLAGS ioctls (netdevice(7)) in
 * the calling thread's network namespace.
 *
 * @param name interface name
 * @param index ifindex
 * @param mac hardware address (6 bytes for Ethernet); a copy is returned by {@link #mac()}
 * @param hardwareType {@code ifr_hwaddr.sa_family}: ARPHRD_ETHER (1) for Ethernet and veth
 * @param mtu MTU in bytes (the L3 payload limit: an untagged Ethernet frame is {@code mtu + 14})
 * @param flags {@code ifr_flags} (IFF_UP, IFF_RUNNING, IFF_PROMISC...)
 */
public record InterfaceInfo(String name, int index, byte[] mac, int hardwareType, int mtu, int flags) {
    public InterfaceInfo {
        mac = mac.clone();
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** Reads the interface {@code name} (in this thread's network namespace). */
    public static InterfaceInfo of(String name) throws PacketIoException {
        int index = PacketSyscalls.ifIndex(name);
        int fd = PacketSyscalls.openControlSocket();
        try (Memory ifr = PacketSyscalls.ifreq(name)) {
            PacketSyscalls.ioctl(fd, PacketSyscalls.SIOCGIFHWADDR, ifr, "SIOCGIFHWADDR " + name);
            int hwType = ifr.getShort(PacketSyscalls.IFREQ_UNION) & 0xffff;
            byte[] mac = new byte[PacketSyscalls.ETH_ALEN];
            ifr.read(PacketSyscalls.IFREQ_UNION + 2, mac, 0, mac.length);
            ifr.setMemory(PacketSyscalls.IFREQ_UNION, PacketSyscalls.IFREQ_SIZE - PacketSyscalls.IFREQ_UNION, (byte) 0);
            PacketSyscalls.ioctl(fd, PacketSyscalls.SIOCGIFMTU, ifr, "SIOCGIFMTU " + name);
            int mtu = ifr.getInt(PacketSyscalls.IFREQ_UNION);
            ifr.setMemory(PacketSyscalls.IFREQ_UNION, PacketSyscalls.IFREQ_SIZE - PacketSyscalls.IFREQ_UNION, (byte) 0);
            PacketSyscalls.ioctl(fd, PacketSyscalls.SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS " + name);
            int flags = ifr.getShort(PacketSyscalls.IFREQ_UNION) & 0xffff;
            return new InterfaceInfo(name, index, mac, hwType, mtu, flags);
        } finally {
            PacketSyscalls.closeQuietly(fd);
        }
    }

    /**
     * Sets or clears IFF_UP with SIOCGIFFLAGS + SIOCSIFFLAGS (needs CAP_NET_ADMIN), like {@code ip link set
     * NAME up|down}.
     */
    public static void setUp(String name, boolean up) throws PacketIoException {
        int fd = PacketSyscalls.openControlSocket();
        try (Memory ifr = PacketSyscalls.ifreq(name)) {
            PacketSyscalls.ioctl(fd, PacketSyscalls.SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS " + name);
            int flags = ifr.getShort(PacketSyscalls.IFREQ_UNION) & 0xffff;
            flags = up ? flags | PacketSyscalls.IFF_UP : flags & ~PacketSyscalls.IFF_UP;
            ifr.setShort(PacketSyscalls.IFREQ_UNION, (short) flags);
            PacketSyscalls.ioctl(fd, PacketSyscalls.SIOCSIFFLAGS, ifr, "SIOCSIFFLAGS " + name);
        } finally {
            PacketSyscalls.closeQuietly(fd);
        }
    }

    /** IFF_UP: administratively up. */
    public boolean isUp() {
        return (flags & PacketSyscalls.IFF_UP) != 0;
    }

    /** IFF_RUNNING: operationally up (carrier; for a veth, the peer is up too). */
    public boolean isRunning() {
        return (flags & PacketSyscalls.IFF_RUNNING) != 0;
    }

    /** IFF_PROMISC as set by the administrator (packet-socket memberships are not shown here). */
    public boolean isPromiscuous() {
        return (flags & PacketSyscalls.IFF_PROMISC) != 0;
    }

    /** True for an Ethernet-framed device (ARPHRD_ETHER), the only kind the dataplane handles. */
    public boolean isEthernet() {
        return hardwareType == PacketSyscalls.ARPHRD_ETHER;
    }

    /** Largest untagged frame the interface sends: {@code mtu + 14}. */
    public int maxFrameLength() {
        return mtu + PacketSyscalls.ETH_HLEN;
    }

    /** The MAC address as {@code aa:bb:cc:dd:ee:ff}. */
    public String macString() {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    @Override
    public String toString() {
        return name + " (index " + index + ", " + macString() + ", mtu " + mtu + ", " + (isUp() ? "up" : "down")
                + (isRunning() ? ", running" : "") + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InterfaceInfo i
                && name.equals(i.name)
                && index == i.index
                && java.util.Arrays.equals(mac, i.mac)
                && hardwareType == i.hardwareType
                && mtu == i.mtu
                && flags == i.flags;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + index;
    }
}
