package io.ftpalg.bindings.packet;

import static io.ftpalg.bindings.packet.PacketSyscalls.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sends frames on one interface through an AF_PACKET {@code SOCK_RAW} socket, in batches: {@link
 * #offer} copies a complete Ethernet frame into a slot, {@link #flush} transmits every offered frame.
 *
 * <p>{@link Mode#TX_RING}: a TPACKET_V2 TX ring (packet(7), Documentation/networking/packet_mmap.rst).
 *
 * <pre>
 * slot i = ring[i * slotSize, +slotSize): | tpacket2_hdr (32) | frame bytes ... |
 * offer: slot must be TP_STATUS_AVAILABLE; copy frame to +32, tp_len = length, tp_status = SEND_REQUEST
 * flush: send(fd, NULL, 0, MSG_DONTWAIT): the kernel turns every SEND_REQUEST slot, in order, into an skb
 *        (SENDING) and returns; each slot goes back to AVAILABLE when its skb is freed (tpacket_destruct_skb)
 * </pre>
 *
 * <p>The flush does not wait for the slots to come back: a blocking {@code send(fd, NULL, 0, 0)} also waits
 * until every skb of the batch was freed (on a veth between namespaces, after the peer's receive path ran);
 * measured on a 2-vCPU VM with 60-byte frames in batches of 64, 0.70 Mpps blocking against 1.07 Mpps
 * non-blocking. If {@link #offer} finds its next slot still SENDING it flushes and then waits for it (poll
 * POLLOUT, at most {@link #SLOT_WAIT_MS} ms).
 *
 * <p>{@link Mode#SENDTO}: the same slots in ordinary native memory, one {@code sendto} per frame at flush; the
 * fallback where a TX ring cannot be set up. The socket's protocol is 0, so it receives nothing.
 *
 * <p>Frames longer than the interface MTU + 14 (+ 4 if the frame carries an 802.1Q/802.1ad tag) are
 * refused and counted ({@link #oversizedRefused()}), never sent truncated; so are frames shorter than an
 * Ethernet header. The MTU is read once at open. The ring is set with PACKET_LOSS so that a frame the kernel
 * still rejects is skipped instead of stopping the ring.
 *
 * <p>With PACKET_VNET_HDR ({@link Config#withVnetHeader}) each slot holds {@code | tpacket2_hdr | virtio_net_hdr
 * (10) | frame |} and tp_len counts both (tpacket_snd skips the header and applies it with
 * virtio_net_hdr_to_skb): a frame whose header has a gso_type may be a super-frame of up to {@link #MAX_GSO_FRAME}
 * bytes, which the kernel segments at gso_size (in software, or TSO on the NIC; on a veth it stays whole up to
 * the peer's GRO/TCP), finishing the checksum of each segment (NEEDS_CSUM).
 *
 * <p>One producer thread; not thread-safe.
 */
public final class PacketTx implements AutoCloseable {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder())
            .withInvokeExactBehavior();

    /** How frames leave. */
    public enum Mode {
        /** TPACKET_V2 memory-mapped TX ring, one send() per batch. */
        TX_RING,
        /** One sendto() per frame. */
        SENDTO
    }

    /**
     * @param mode TX ring or plain sendto
     * @param slots frames per batch (ring slots); rounded up to fill whole ring blocks
     * @param qdiscBypass PACKET_QDISC_BYPASS: skip the qdisc layer (faster, no tc shaping)
     * @param fallbackToSendto if the TX ring cannot be set up, use {@link Mode#SENDTO} (see {@link
     *     #fallbackReason()}) instead of failing
     * @param vnetHeader PACKET_VNET_HDR (see {@link #withVnetHeader})
     */
    public record Config(Mode mode, int slots, boolean qdiscBypass, boolean fallbackToSendto, boolean vnetHeader) {
        /** TX ring of 256 slots, through the qdisc, falling back to sendto, no virtio_net_hdr. */
        public static Config defaults() {
            return new Config(Mode.TX_RING, 256, false, true, false);
        }

        public Config withMode(Mode m) {
            return new Config(m, slots, qdiscBypass, fallbackToSendto, vnetHeader);
        }

        public Config withSlots(int n) {
            return new Config(mode, n, qdiscBypass, fallbackToSendto, vnetHeader);
        }

        public Config withQdiscBypass(boolean on) {
            return new Config(mode, slots, on, fallbackToSendto, vnetHeader);
        }

        public Config withFallbackToSendto(boolean on) {
            return new Config(mode, slots, qdiscBypass, on, vnetHeader);
        }

        /**
         * PACKET_VNET_HDR: every frame goes out behind a {@code struct virtio_net_hdr} (tp_len counts it), so that
         * a super-frame (up to 64 KiB, gso_type/gso_size set) is segmented by the kernel or NIC (GSO/TSO) and a
         * partial checksum (NEEDS_CSUM) finished; slots are sized for 64 KiB frames (128 KiB each).
         */
        public Config withVnetHeader(boolean on) {
            return new Config(mode, slots, qdiscBypass, fallbackToSendto, on);
        }
    }

    private final String ifname;
    private final int ifindex;
    private final int mtu;
    private final Mode mode;
    /** 10 with PACKET_VNET_HDR (the virtio_net_hdr before each frame in its slot), else 0. */
    private final int vnetLen;

    private final String fallbackReason;
    private int fd;
    private final int slotSize;
    private final int slotCount;
    /** TX_RING: the kernel mapping; SENDTO: our own slots. */
    private Pointer memory;

    private final long memoryLength;
    private final long memoryAddress;
    private final ByteBuffer slots;
    /** SENDTO: length of each queued frame. */
    private final int[] lengths;

    /** Largest super-frame with PACKET_VNET_HDR: 64 KiB of IP, Ethernet and two VLAN tags. */
    public static final int MAX_GSO_FRAME = 65535 + ETH_HLEN + 2 * VLAN_HLEN;

    /** Longest wait of {@link #offer} for a slot the kernel still holds. */
    public static final int SLOT_WAIT_MS = 1000;

    private final Memory pollFd = new Memory(8);
    private int head;
    private int pending;
    private int lastErrno;

    private long framesOffered;
    private long framesSent;
    private long bytesSent;
    private long oversizedRefused;
    private long runtsRefused;
    private long ringFullDrops;
    private long sendErrors;
    private long flushes;

    private PacketTx(
            String ifname,
            int ifindex,
            int mtu,
            Mode mode,
            String fallbackReason,
            int fd,
            int slotSize,
            int slotCount,
            Pointer memory,
            long memoryLength,
            boolean vnet) {
        this.ifname = ifname;
        this.vnetLen = vnet ? VNET_HDR_LEN : 0;
        this.ifindex = ifindex;
        this.mtu = mtu;
        this.mode = mode;
        this.fallbackReason = fallbackReason;
        this.fd = fd;
        this.slotSize = slotSize;
        this.slotCount = slotCount;
        this.memory = memory;
        this.memoryLength = memoryLength;
        this.memoryAddress = Pointer.nativeValue(memory);
        this.slots = memory.getByteBuffer(0, memoryLength).order(ByteOrder.nativeOrder());
        this.lengths = mode == Mode.SENDTO ? new int[slotCount] : null;
        pollFd.setInt(0, fd);
        pollFd.setShort(4, (short) (POLLOUT | POLLERR));
        pollFd.setShort(6, (short) 0);
    }

    /**
     * Opens a sender on {@code ifname} in the calling thread's network namespace (see {@link NetNs}).
     *
     * @throws PacketIoException no CAP_NET_RAW, no such interface, or (without fallback) no TX ring
     */
    public static PacketTx open(String ifname, Config config) throws PacketIoException {
        LibC.ensureLoaded();
        if (config.slots() < 1 || config.slots() > 1 << 20) {
            throw new IllegalArgumentException("slots must be in [1, 2^20]: " + config.slots());
        }
        InterfaceInfo info = InterfaceInfo.of(ifname);
        int maxFrame = config.vnetHeader() ? VNET_HDR_LEN + MAX_GSO_FRAME : info.mtu() + ETH_HLEN + VLAN_HLEN;
        int slotSize = Integer.highestOneBit(Math.max(T2_TX_DATA_OFFSET + maxFrame - 1, 127)) << 1;
        int pageSize = LibC.getpagesize();
        int blockSize = Math.max(pageSize, slotSize);
        int perBlock = blockSize / slotSize;
        int blockCount = (config.slots() + perBlock - 1) / perBlock;
        int slotCount = blockCount * perBlock;
        long length = (long) blockSize * blockCount;
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TX ring would exceed 2 GiB: " + length);
        }
        int fd = openPacketSocket(0);
        try {
            bindToInterface(fd, info.index(), 0, ifname); // protocol 0: this socket receives nothing
            if (config.qdiscBypass()) {
                setIntOption(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            if (config.vnetHeader()) {
                // Before PACKET_TX_RING (EBUSY after). The kernel then takes tp_len = 10 + frame and lifts its
                // "frame <= MTU" check: the virtio_net_hdr says how to segment what is larger.
                setIntOption(fd, SOL_PACKET, PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            }
            String fallback = null;
            if (config.mode() == Mode.TX_RING) {
                Pointer map = null;
                try {
                    setIntOption(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2, "PACKET_VERSION TPACKET_V2");
                    setIntOption(fd, SOL_PACKET, PACKET_LOSS, 1, "PACKET_LOSS");
                    byte[] req = new byte[TPACKET_REQ_SIZE];
                    putInt(req, 0, blockSize);
                    putInt(req, 4, blockCount);
                    putInt(req, 8, slotSize);
                    putInt(req, 12, slotCount);
                    check(
                            LibC.setsockopt(fd, SOL_PACKET, PACKET_TX_RING, req, TPACKET_REQ_SIZE),
                            "setsockopt(PACKET_TX_RING " + slotCount + " x " + slotSize + " bytes) on " + ifname);
                    map = mapRing(fd, length, "the TX ring of " + ifname);
                    return new PacketTx(
                            ifname,
                            info.index(),
                            info.mtu(),
                            Mode.TX_RING,
                            null,
                            fd,
                            slotSize,
                            slotCount,
                            map,
                            length,
                            config.vnetHeader());
                } catch (PacketIoException e) {
                    if (!config.fallbackToSendto() || e.isPermissionDenied()) {
                        throw e;
                    }
                    if (map != null) {
                        LibC.munmap(map, length);
                    }
                    // The socket may be half set up (ring version): start again with a clean one.
                    closeQuietly(fd);
                    fd = -1;
                    fd = openPacketSocket(0);
                    bindToInterface(fd, info.index(), 0, ifname);
                    if (config.qdiscBypass()) {
                        setIntOption(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
                    }
                    if (config.vnetHeader()) {
                        setIntOption(fd, SOL_PACKET, PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
                    }
                    fallback = e.getMessage();
                }
            }
            Memory own = new Memory(length);
            own.clear();
            return new PacketTx(
                    ifname,
                    info.index(),
                    info.mtu(),
                    Mode.SENDTO,
                    fallback,
                    fd,
                    slotSize,
                    slotCount,
                    own,
                    length,
                    config.vnetHeader());
        } catch (PacketIoException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** Opens with {@link Config#defaults()}. */
    public static PacketTx open(String ifname) throws PacketIoException {
        return open(ifname, Config.defaults());
    }

    /**
     * The largest frame accepted whose bytes 12..13 are {@code etherType}: MTU + 14, + 4 for a VLAN tag.
     */
    public int maxFrameLength(int etherType) {
        return mtu + ETH_HLEN + (etherType == ETH_P_8021Q || etherType == ETH_P_8021AD ? VLAN_HLEN : 0);
    }

    /**
     * Queues one complete Ethernet frame (no FCS). If every slot is taken, flushes first.
     *
     * @return false if the frame was refused (oversized or shorter than 14 bytes) or could not be queued
     *     (the kernel kept every slot even after a flush) — each case counted; true if queued
     */
    public boolean offer(byte[] data, int off, int len) {
        return offer(data, off, len, null, 0);
    }

    /**
     * Queues one frame behind the virtio_net_hdr at {@code vnet[vnetOff, +10)} (PACKET_VNET_HDR only; null: all
     * zero, an ordinary frame). A header with a gso_type may carry a frame up to {@link #MAX_GSO_FRAME} bytes, for
     * the kernel to segment at gso_size; without one the MTU limit holds.
     */
    public boolean offer(byte[] data, int off, int len, byte[] vnet, int vnetOff) {
        boolean gso = vnet != null && vnet[vnetOff + 1] != 0;
        if (vnet != null && vnetLen == 0) {
            throw new IllegalStateException("PacketTx on " + ifname + " was opened without PACKET_VNET_HDR");
        }
        if (!admissible(len, len >= ETH_HLEN ? ((data[off + 12] & 0xff) << 8) | (data[off + 13] & 0xff) : 0, gso)) {
            return false;
        }
        int base = claimSlot();
        if (base < 0) {
            return false;
        }
        int at = base + dataOffset();
        if (vnetLen > 0) {
            if (vnet != null) {
                slots.put(at, vnet, vnetOff, VNET_HDR_LEN);
            } else {
                slots.putLong(at, 0L);
                slots.putShort(at + 8, (short) 0);
            }
        }
        slots.put(at + vnetLen, data, off, len);
        commit(base, vnetLen + len);
        return true;
    }

    /**
     * Queues one frame from {@code src[off, off + len)} (absolute; e.g. straight from {@link
     * PacketRxRing#ring()}); same contract as {@link #offer(byte[], int, int)}.
     */
    public boolean offer(ByteBuffer src, int off, int len) {
        if (!admissible(
                len, len >= ETH_HLEN ? ((src.get(off + 12) & 0xff) << 8) | (src.get(off + 13) & 0xff) : 0, false)) {
            return false;
        }
        int base = claimSlot();
        if (base < 0) {
            return false;
        }
        int at = base + dataOffset();
        if (vnetLen > 0) {
            slots.putLong(at, 0L);
            slots.putShort(at + 8, (short) 0);
        }
        slots.put(at + vnetLen, src, off, len);
        commit(base, vnetLen + len);
        return true;
    }

    private boolean admissible(int len, int etherType, boolean gso) {
        if (fd < 0) {
            throw new IllegalStateException("PacketTx on " + ifname + " is closed");
        }
        if (len < ETH_HLEN) {
            runtsRefused++;
            return false;
        }
        if (len > (gso ? MAX_GSO_FRAME : maxFrameLength(etherType))) {
            oversizedRefused++;
            return false;
        }
        return true;
    }

    private int dataOffset() {
        return mode == Mode.TX_RING ? T2_TX_DATA_OFFSET : 0;
    }

    /** Offset of a free slot, flushing once if needed; -1 (counted) if none. */
    private int claimSlot() {
        if (pending == slotCount) {
            flush();
            if (pending == slotCount) {
                ringFullDrops++;
                return -1;
            }
        }
        int base = head * slotSize;
        if (mode == Mode.TX_RING && !slotAvailable(base)) {
            flush();
            if (!awaitSlot(base, SLOT_WAIT_MS)) {
                ringFullDrops++;
                return -1;
            }
        }
        return base;
    }

    private boolean slotAvailable(int base) {
        return (int) INT.getAcquire(slots, base + T2_STATUS) == TP_STATUS_AVAILABLE;
    }

    /** Waits until the kernel released the slot at {@code base} (its skb was freed). */
    private boolean awaitSlot(int base, int timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!slotAvailable(base)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            // POLLOUT may also be reported merely because the socket's send buffer has room: then this spins.
            LibC.poll(pollFd, 1, 1);
        }
        return true;
    }

    /**
     * Waits until the kernel released every slot (all skbs freed), e.g. before reading counters in a test
     * or before close. TX ring only; returns true at once for SENDTO.
     */
    public boolean awaitCompletion(int timeoutMs) {
        if (mode != Mode.TX_RING || fd < 0) {
            return true;
        }
        flush();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        for (int i = 0; i < slotCount; i++) {
            int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            if (!awaitSlot(i * slotSize, left)) {
                return false;
            }
        }
        return true;
    }

    private void commit(int base, int len) {
        if (mode == Mode.TX_RING) {
            slots.putInt(base + T2_LEN, len);
            INT.setRelease(slots, base + T2_STATUS, TP_STATUS_SEND_REQUEST);
        } else {
            lengths[head] = len;
        }
        head = head + 1 == slotCount ? 0 : head + 1;
        pending++;
        framesOffered++;
    }

    /**
     * Sends every queued frame.
     *
     * @return frames the kernel took in this call; a failure is counted in {@link #sendErrors()} with its
     *     errno in {@link #lastErrno()}: TX_RING keeps the frames queued for the next flush, SENDTO drops the
     *     one that failed
     */
    public int flush() {
        if (pending == 0 || fd < 0) {
            return 0;
        }
        flushes++;
        return mode == Mode.TX_RING ? flushRing() : flushSendto();
    }

    private int flushRing() {
        long rc = LibC.send(fd, 0L, 0L, MSG_DONTWAIT);
        if (rc < 0) {
            lastErrno = LibC.errno();
            sendErrors++;
        }
        // Walk the queued slots oldest first: those no longer SEND_REQUEST were taken by the kernel.
        int first = head - pending;
        if (first < 0) {
            first += slotCount;
        }
        int taken = 0;
        int i = first;
        while (taken < pending) {
            int base = i * slotSize;
            if ((int) INT.getAcquire(slots, base + T2_STATUS) == TP_STATUS_SEND_REQUEST) {
                break;
            }
            bytesSent += slots.getInt(base + T2_LEN) - vnetLen;
            taken++;
            i = i + 1 == slotCount ? 0 : i + 1;
        }
        pending -= taken;
        framesSent += taken;
        return taken;
    }

    private int flushSendto() {
        int first = head - pending;
        if (first < 0) {
            first += slotCount;
        }
        int sent = 0;
        int i = first;
        for (int n = pending; n > 0; n--) {
            int len = lengths[i];
            long rc;
            do {
                rc = LibC.sendto(fd, memoryAddress + (long) i * slotSize, len, 0, 0L, 0);
            } while (rc < 0 && LibC.errno() == EINTR);
            if (rc < 0) {
                lastErrno = LibC.errno();
                sendErrors++;
            } else {
                sent++;
                bytesSent += len - vnetLen;
            }
            i = i + 1 == slotCount ? 0 : i + 1;
        }
        pending = 0;
        framesSent += sent;
        return sent;
    }

    /** Whether frames go out behind a virtio_net_hdr (PACKET_VNET_HDR). */
    public boolean vnetHeader() {
        return vnetLen > 0;
    }

    /** Frames queued and not yet taken by the kernel. */
    public int pending() {
        return pending;
    }

    /** The mode in use (SENDTO if the TX ring fell back). */
    public Mode mode() {
        return mode;
    }

    /** Why the TX ring was not used, or null. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** Slots per batch. */
    public int slotCount() {
        return slotCount;
    }

    public int mtu() {
        return mtu;
    }

    public String interfaceName() {
        return ifname;
    }

    public int interfaceIndex() {
        return ifindex;
    }

    public long framesOffered() {
        return framesOffered;
    }

    public long framesSent() {
        return framesSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** Frames refused for being longer than {@link #maxFrameLength(int)}. */
    public long oversizedRefused() {
        return oversizedRefused;
    }

    /** Frames refused for being shorter than an Ethernet header. */
    public long runtsRefused() {
        return runtsRefused;
    }

    /** Frames dropped because the kernel held every slot even after a flush. */
    public long ringFullDrops() {
        return ringFullDrops;
    }

    /** Failed send()/sendto() calls. */
    public long sendErrors() {
        return sendErrors;
    }

    /** errno of the last failed send, 0 if none. */
    public int lastErrno() {
        return lastErrno;
    }

    public long flushes() {
        return flushes;
    }

    /** The socket's file descriptor (-1 once closed). */
    public int fd() {
        return fd;
    }

    /**
     * Flushes what is queued, waits (at most 1 s) for the kernel to release the slots, unmaps or frees them
     * and closes the socket. Idempotent.
     */
    @Override
    public void close() {
        if (fd < 0) {
            return;
        }
        flush();
        awaitCompletion(SLOT_WAIT_MS);
        if (mode == Mode.TX_RING) {
            LibC.munmap(memory, memoryLength);
        } else {
            ((Memory) memory).close();
        }
        memory = null;
        closeQuietly(fd);
        fd = -1;
        pollFd.close();
    }
}
