package io.ftpalg.bindings.packet;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * Linux constants and structure layouts for AF_PACKET (packet(7), {@code linux/if_packet.h}, {@code
 * linux/if_ether.h}, {@code linux/sockios.h}, {@code linux/if.h}, {@code linux/ethtool.h}), and checked
 * wrappers around the {@link LibC} setup calls: each throws {@link PacketIoException} with the call, the
 * object it was about and {@code strerror(errno)}.
 *
 * <p>Offsets are for LP64 Linux (x86_64, aarch64), where every structure below has the same layout.
 */
public final class PacketSyscalls {
    private PacketSyscalls() {}

    // ---- errno (asm-generic/errno-base.h, errno.h) ----
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOBUFS = 105;
    public static final int EACCES = 13;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int EOPNOTSUPP = 95;

    // ---- sockets (bits/socket.h, linux/socket.h) ----
    /** {@code AF_PACKET} / {@code PF_PACKET}. */
    public static final int AF_PACKET = 17;
    /** {@code AF_INET}: a plain UDP socket is enough for the interface ioctls, no CAP_NET_RAW needed. */
    public static final int AF_INET = 2;
    /** {@code SOCK_DGRAM}. */
    public static final int SOCK_DGRAM = 2;
    /** {@code SOCK_RAW}: packet(7) "raw packets including the link-level header". */
    public static final int SOCK_RAW = 3;
    /** {@code SOCK_CLOEXEC} (= O_CLOEXEC), or-ed into the socket type. */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** {@code SOCK_NONBLOCK} (= O_NONBLOCK), or-ed into the socket type. */
    public static final int SOCK_NONBLOCK = 0x800;
    /** {@code MSG_DONTWAIT}. */
    public static final int MSG_DONTWAIT = 0x40;

    // ---- linux/if_ether.h ----
    /** {@code ETH_P_ALL}: every protocol; given to socket()/bind() in network order ({@link #htons}). */
    public static final int ETH_P_ALL = 0x0003;
    /** {@code ETH_HLEN}: destination, source, EtherType. */
    public static final int ETH_HLEN = 14;
    /** {@code VLAN_HLEN}: one 802.1Q tag. */
    public static final int VLAN_HLEN = 4;
    /** {@code ETH_P_8021Q}. */
    public static final int ETH_P_8021Q = 0x8100;
    /** {@code ETH_P_8021AD} (QinQ outer tag). */
    public static final int ETH_P_8021AD = 0x88A8;
    /** {@code ETH_ALEN}. */
    public static final int ETH_ALEN = 6;

    // ---- linux/if_packet.h: socket options at level SOL_PACKET (bits/socket.h: SOL_PACKET 263) ----
    public static final int SOL_PACKET = 263;
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_DROP_MEMBERSHIP = 2;
    public static final int PACKET_RX_RING = 5;
    /** Returns tpacket_stats(_v3) and <em>resets</em> the kernel's counters (packet(7)). */
    public static final int PACKET_STATISTICS = 6;

    public static final int PACKET_VERSION = 10;
    public static final int PACKET_HDRLEN = 11;
    public static final int PACKET_RESERVE = 12;
    public static final int PACKET_TX_RING = 13;
    /** Non-zero: the TX ring skips malformed frames instead of stopping at them (tp_loss). */
    public static final int PACKET_LOSS = 14;
    /** Frames carry a {@code struct virtio_net_hdr} first (GSO type, checksum start/offset). */
    public static final int PACKET_VNET_HDR = 15;
    /** sizeof(struct virtio_net_hdr) (linux/virtio_net.h), what PACKET_VNET_HDR puts in front of every frame. */
    public static final int VNET_HDR_LEN = 10;

    public static final int PACKET_TIMESTAMP = 17;
    public static final int PACKET_FANOUT = 18;
    public static final int PACKET_TX_HAS_OFF = 19;
    /** Non-zero: transmit straight to the driver, past the qdisc layer (no tc shaping, no qdisc drops). */
    public static final int PACKET_QDISC_BYPASS = 20;
    /** Non-zero: this socket does not see frames sent on the interface by the host (Linux 4.20). */
    public static final int PACKET_IGNORE_OUTGOING = 23;

    /** {@code struct packet_mreq.mr_type}: {@code PACKET_MR_PROMISC}. */
    public static final int PACKET_MR_PROMISC = 1;
    /** {@code struct packet_mreq.mr_type}: {@code PACKET_MR_ALLMULTI}. */
    public static final int PACKET_MR_ALLMULTI = 2;

    /** {@code enum tpacket_versions}. */
    public static final int TPACKET_V1 = 0;

    public static final int TPACKET_V2 = 1;
    public static final int TPACKET_V3 = 2;
    /** {@code TPACKET_ALIGNMENT}: frames and headers are aligned to 16 bytes. */
    public static final int TPACKET_ALIGNMENT = 16;

    // ---- tp_status bits (linux/if_packet.h) ----
    /** RX: the frame/block belongs to the kernel. */
    public static final int TP_STATUS_KERNEL = 0;
    /** RX: the frame/block belongs to user space. */
    public static final int TP_STATUS_USER = 1;

    public static final int TP_STATUS_COPY = 1 << 1;
    /** RX: frames were dropped since the last time this bit was reported (ring full). */
    public static final int TP_STATUS_LOSING = 1 << 2;
    /** RX: checksum not computed yet (CHECKSUM_PARTIAL: checksum offload, typically a locally sent frame). */
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;

    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    /** V3 block status: the block was retired by the timeout, not because it was full. */
    public static final int TP_STATUS_BLK_TMO = 1 << 5;

    public static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;
    /** RX: a GSO TCP super-frame, possibly larger than the MTU (Linux 6.3). */
    public static final int TP_STATUS_GSO_TCP = 1 << 8;
    /** TX: slot free for user space. */
    public static final int TP_STATUS_AVAILABLE = 0;
    /** TX: user space filled the slot, the kernel sends it on the next send(). */
    public static final int TP_STATUS_SEND_REQUEST = 1;
    /** TX: the kernel is sending it. */
    public static final int TP_STATUS_SENDING = 2;
    /** TX: the kernel refused the frame (without PACKET_LOSS the ring then stops there). */
    public static final int TP_STATUS_WRONG_FORMAT = 4;

    // ---- struct tpacket_req (V1/V2 rings): 4 x u32 ----
    public static final int TPACKET_REQ_SIZE = 16;
    // ---- struct tpacket_req3 (V3): block_size, block_nr, frame_size, frame_nr, retire_blk_tov (ms),
    //      sizeof_priv, feature_req_word: 7 x u32 ----
    public static final int TPACKET_REQ3_SIZE = 28;

    /**
     * {@code struct tpacket_block_desc} (V3 block header, 48 bytes):
     *
     * <pre>
     *  0 u32 version           4 u32 offset_to_priv
     *    struct tpacket_hdr_v1 (hdr.bh1):
     *  8 u32 block_status     12 u32 num_pkts
     * 16 u32 offset_to_first_pkt  20 u32 blk_len
     * 24 u64 seq_num
     * 32 tpacket_bd_ts ts_first_pkt {u32 ts_sec; u32 ts_nsec}   40 ts_last_pkt
     * </pre>
     */
    public static final int BD_BLOCK_STATUS = 8;

    public static final int BD_NUM_PKTS = 12;
    public static final int BD_OFFSET_TO_FIRST_PKT = 16;
    public static final int BD_BLK_LEN = 20;
    public static final int BD_SEQ_NUM = 24;

    /**
     * {@code struct tpacket3_hdr} (V3 frame header, 48 bytes):
     *
     * <pre>
     *  0 u32 tp_next_offset  (0 on a block's last frame)
     *  4 u32 tp_sec          8 u32 tp_nsec
     * 12 u32 tp_snaplen     16 u32 tp_len       (captured, on the wire)
     * 20 u32 tp_status
     * 24 u16 tp_mac         26 u16 tp_net       (offsets from this header)
     * 28 hv1 {u32 tp_rxhash; u32 tp_vlan_tci; u16 tp_vlan_tpid; u16 tp_padding}
     * 40 u8  tp_padding[8]
     * </pre>
     */
    public static final int T3_NEXT_OFFSET = 0;

    public static final int T3_SEC = 4;
    public static final int T3_NSEC = 8;
    public static final int T3_SNAPLEN = 12;
    public static final int T3_LEN = 16;
    public static final int T3_STATUS = 20;
    public static final int T3_MAC = 24;
    public static final int T3_NET = 26;
    public static final int T3_RXHASH = 28;
    public static final int T3_VLAN_TCI = 32;
    public static final int T3_VLAN_TPID = 36;

    /**
     * {@code struct tpacket2_hdr} (V2 frame header, 32 bytes):
     *
     * <pre>
     *  0 u32 tp_status   4 u32 tp_len   8 u32 tp_snaplen
     * 12 u16 tp_mac     14 u16 tp_net
     * 16 u32 tp_sec     20 u32 tp_nsec
     * 24 u16 tp_vlan_tci 26 u16 tp_vlan_tpid  28 u8 tp_padding[4]
     * </pre>
     *
     * {@code TPACKET2_HDRLEN} = TPACKET_ALIGN(32) + sizeof(struct sockaddr_ll) = 52. A TX frame's data starts
     * at {@code TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)} = 32 (net/packet/af_packet.c
     * tpacket_parse_header, without PACKET_TX_HAS_OFF).
     */
    public static final int T2_STATUS = 0;

    public static final int T2_LEN = 4;
    public static final int T2_SNAPLEN = 8;
    public static final int T2_MAC = 12;
    public static final int T2_NET = 14;
    public static final int T2_SEC = 16;
    public static final int T2_NSEC = 20;
    public static final int T2_VLAN_TCI = 24;
    public static final int T2_VLAN_TPID = 26;
    public static final int TPACKET2_HDRLEN = 52;
    /** Where a V2 TX frame's link-layer bytes start. */
    public static final int T2_TX_DATA_OFFSET = 32;

    /** {@code struct tpacket_stats_v3}: u32 tp_packets (includes drops), tp_drops, tp_freeze_q_cnt. */
    public static final int TPACKET_STATS_V3_SIZE = 12;
    /** {@code struct tpacket_stats} (V1/V2 sockets): u32 tp_packets (includes drops), tp_drops. */
    public static final int TPACKET_STATS_SIZE = 8;

    /**
     * {@code struct sockaddr_ll} (20 bytes): u16 sll_family, be16 sll_protocol, i32 sll_ifindex, u16
     * sll_hatype, u8 sll_pkttype, u8 sll_halen, u8 sll_addr[8].
     */
    public static final int SOCKADDR_LL_SIZE = 20;

    /** {@code struct packet_mreq} (16 bytes): i32 mr_ifindex, u16 mr_type, u16 mr_alen, u8 mr_address[8]. */
    public static final int PACKET_MREQ_SIZE = 16;

    // ---- sys/mman.h ----
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x8000;

    // ---- poll.h ----
    public static final short POLLIN = 0x001;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;

    // ---- linux/sockios.h, linux/if.h: struct ifreq is 40 bytes, ifr_name[16] then a union at 16 ----
    public static final int IFNAMSIZ = 16;
    public static final int IFREQ_SIZE = 40;
    public static final int IFREQ_UNION = 16;
    public static final long SIOCGIFFLAGS = 0x8913;
    public static final long SIOCSIFFLAGS = 0x8914;
    public static final long SIOCGIFMTU = 0x8921;
    public static final long SIOCGIFHWADDR = 0x8927;
    public static final long SIOCETHTOOL = 0x8946;
    public static final int IFF_UP = 0x1;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_PROMISC = 0x100;
    /** {@code ARPHRD_ETHER} (linux/if_arp.h): ifr_hwaddr.sa_family of an Ethernet device. */
    public static final int ARPHRD_ETHER = 1;

    // ---- linux/sched.h, fcntl.h ----
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;

    /** {@code htons} for the 16-bit protocol numbers given to socket() and bind(). */
    public static int htons(int v) {
        return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
    }

    /** strerror text with the errno's symbolic value for the few that operators meet. */
    public static String describeErrno(int errno) {
        String text;
        try {
            text = LibC.strerror(errno);
        } catch (UnsatisfiedLinkError e) {
            text = "errno " + errno;
        }
        String name = switch (errno) {
            case EPERM -> "EPERM";
            case EACCES -> "EACCES";
            case ENOENT -> "ENOENT";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case EMSGSIZE -> "EMSGSIZE";
            case ENOBUFS -> "ENOBUFS";
            case EAGAIN -> "EAGAIN";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            default -> "errno " + errno;
        };
        return text + " (" + name + ")";
    }

    /** The exception for a failed call, with the errno read now (call immediately after the failure). */
    public static PacketIoException failure(String what) {
        int errno = LibC.errno();
        return new PacketIoException(what + ": " + describeErrno(errno), errno);
    }

    /** Throws {@link #failure} if {@code rc} is negative, else returns it. */
    public static int check(int rc, String what) throws PacketIoException {
        if (rc < 0) {
            throw failure(what);
        }
        return rc;
    }

    /**
     * {@code socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, protocol)}. EPERM becomes the operator message "needs
     * CAP_NET_RAW" (no stack trace needed to understand it).
     *
     * @param protocolNetworkOrder the protocol already in network byte order; 0 receives nothing until bind()
     */
    public static int openPacketSocket(int protocolNetworkOrder) throws PacketIoException {
        LibC.ensureLoaded();
        int fd = LibC.socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, protocolNetworkOrder);
        if (fd < 0) {
            int errno = LibC.errno();
            if (errno == EPERM || errno == EACCES) {
                throw new PacketIoException(
                        "cannot open an AF_PACKET raw socket: " + describeErrno(errno)
                                + ": the process lacks CAP_NET_RAW; run it as root, or grant the capability"
                                + " (e.g. systemd AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN, or"
                                + " setcap cap_net_raw,cap_net_admin+ep on the java binary)",
                        errno);
            }
            throw new PacketIoException("socket(AF_PACKET, SOCK_RAW): " + describeErrno(errno), errno);
        }
        return fd;
    }

    /** A plain {@code AF_INET/SOCK_DGRAM} socket for interface ioctls (no capability needed to read). */
    public static int openControlSocket() throws PacketIoException {
        LibC.ensureLoaded();
        return check(LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket(AF_INET, SOCK_DGRAM)");
    }

    /** Closes {@code fd}, ignoring errors (close paths). */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }

    /** {@code if_nametoindex}, with "no such interface in this network namespace" on failure. */
    public static int ifIndex(String ifname) throws PacketIoException {
        checkName(ifname);
        LibC.ensureLoaded();
        int index = LibC.if_nametoindex(ifname);
        if (index == 0) {
            int errno = LibC.errno();
            throw new PacketIoException(
                    "no interface '" + ifname + "' in this thread's network namespace: " + describeErrno(errno), errno);
        }
        return index;
    }

    /** Rejects names that cannot be interface names (empty, too long for IFNAMSIZ, '/' or whitespace). */
    public static void checkName(String ifname) {
        byte[] b = ifname.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length >= IFNAMSIZ || ifname.indexOf('/') >= 0 || ifname.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("not an interface name: '" + ifname + "'");
        }
    }

    /** Sets an {@code int} socket option. */
    public static void setIntOption(int fd, int level, int option, int value, String what) throws PacketIoException {
        byte[] v = new byte[4];
        putInt(v, 0, value);
        check(LibC.setsockopt(fd, level, option, v, 4), "setsockopt(" + what + ")");
    }

    /** Reads an {@code int} socket option. */
    public static int getIntOption(int fd, int level, int option, String what) throws PacketIoException {
        byte[] v = new byte[4];
        int[] len = {4};
        check(LibC.getsockopt(fd, level, option, v, len), "getsockopt(" + what + ")");
        return getInt(v, 0);
    }

    /** bind() to an interface with {@code struct sockaddr_ll}. */
    public static void bindToInterface(int fd, int ifindex, int protocolNetworkOrder, String ifname)
            throws PacketIoException {
        byte[] sll = new byte[SOCKADDR_LL_SIZE];
        putShort(sll, 0, AF_PACKET);
        // sll_protocol is already big-endian: store its two bytes as they are in memory.
        sll[2] = (byte) protocolNetworkOrder;
        sll[3] = (byte) (protocolNetworkOrder >> 8);
        putInt(sll, 4, ifindex);
        check(LibC.bind(fd, sll, SOCKADDR_LL_SIZE), "bind(AF_PACKET) to " + ifname);
    }

    /** PACKET_ADD_MEMBERSHIP / PACKET_DROP_MEMBERSHIP with {@code struct packet_mreq}. */
    public static void membership(int fd, int ifindex, int type, boolean add, String ifname) throws PacketIoException {
        byte[] mreq = new byte[PACKET_MREQ_SIZE];
        putInt(mreq, 0, ifindex);
        putShort(mreq, 4, type);
        check(
                LibC.setsockopt(
                        fd, SOL_PACKET, add ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP, mreq, PACKET_MREQ_SIZE),
                (add ? "PACKET_ADD_MEMBERSHIP" : "PACKET_DROP_MEMBERSHIP") + " on " + ifname);
    }

    /** mmap a ring of {@code length} bytes, shared with the kernel, pre-faulted. */
    public static Pointer mapRing(int fd, long length, String what) throws PacketIoException {
        Pointer p = LibC.mmap(null, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
        if (p == null || Pointer.nativeValue(p) == -1L) {
            throw failure("mmap(" + length + " bytes) of " + what);
        }
        return p;
    }

    /** An {@code ifreq} with {@code ifr_name} filled in; the union (offset 16) is zero. */
    public static Memory ifreq(String ifname) {
        checkName(ifname);
        Memory m = new Memory(IFREQ_SIZE);
        m.clear();
        byte[] name = ifname.getBytes(StandardCharsets.UTF_8);
        m.write(0, name, 0, name.length);
        return m;
    }

    /** {@code ioctl(fd, request, &ifreq)}, checked. */
    public static void ioctl(int fd, long request, Pointer arg, String what) throws PacketIoException {
        check(LibC.ioctl(fd, request, arg), "ioctl(" + what + ")");
    }

    static void putInt(byte[] b, int off, int v) {
        // Native order: both supported targets are little-endian.
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
        b[off + 2] = (byte) (v >> 16);
        b[off + 3] = (byte) (v >> 24);
    }

    static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }
}
