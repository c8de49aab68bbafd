package io.ftpalg.bindings.packet;

import static io.ftpalg.bindings.packet.PacketSyscalls.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * Receives the frames of one interface through an AF_PACKET {@code SOCK_RAW} socket with a memory-mapped RX ring
 * (packet(7), Documentation/networking/packet_mmap.rst), in one of two layouts ({@link Version}):
 *
 * <p><b>TPACKET_V2</b> ({@link Version#V2}): fixed-size frame slots, each with its own {@code tp_status}.
 *
 * <pre>
 * mapping = blockCount blocks of blockSize bytes, each cut into blockSize / frameSize slots:
 * | tpacket2_hdr (32) | pad | frame (at tp_mac) ... |  slot 0, slot 1, ... (a slot never straddles a block)
 * tp_status: TP_STATUS_KERNEL -> TP_STATUS_USER (the kernel filled it and woke poll()) -> we read it -> we
 *            write TP_STATUS_KERNEL (slot returned)
 * </pre>
 *
 * The kernel hands over every frame as soon as it is written and wakes a waiting {@link #poll(long)} at once:
 * latency is the wake-up, microseconds. A frame longer than a slot holds (frameSize - 66 bytes with a 14-byte
 * link header) is truncated by the kernel: {@code tp_snaplen < tp_len}, counted in {@link #framesTruncated()}.
 * The price is a wake-up (a {@code poll} and a context switch) per frame when the consumer keeps up; {@link
 * Config#holdoffMicros()} bounds it to about one per hold-off period under steady traffic without delaying a frame
 * that follows a quiet period.
 *
 * <p><b>TPACKET_V3</b> ({@link Version#V3}): variable-size frames packed into blocks.
 *
 * <pre>
 * +-------------------- block i --------------------+
 * | tpacket_block_desc | tpacket3_hdr | frame ... | tpacket3_hdr | frame ... |   (tp_next_offset chains)
 * +-------------------------------------------------+
 * block_status: TP_STATUS_KERNEL (kernel fills it) -> TP_STATUS_USER (full, or retired by the timeout)
 *               -> we read every frame -> we write TP_STATUS_KERNEL (block returned)
 * </pre>
 *
 * The kernel hands a block over when it is full <em>or</em> when the retire timeout passes ({@code
 * retireTimeoutMs}, at least 1 ms): one wake-up per block, fewer at high rates, but at low rates every frame
 * waits for the timer (1-2 ms per hop). Small frames take less ring memory than V2's fixed slots.
 *
 * <p>Frames are consumed in ring order. Reading is allocation-free: either {@link #receive(FrameHandler, int)}
 * or the cursor {@link #next()} with {@link #frameOffset()}, {@link #frameLength()}... into {@link #ring()}.
 * A frame stays valid until the next call to {@code next()} / {@code receive()} / {@link #releaseIfDone()}:
 * copy it out.
 *
 * <p>The consumer must keep up: a ring that is not drained holds a bounded number of frames (V2: its slots;
 * V3: {@code blockSize * blockCount} bytes, less at low rates where blocks go over partly filled) before the
 * kernel drops ({@link #kernelDrops()}). Drain it from a dedicated thread, as the dataplane does.
 *
 * <p>Set up so that our own transmissions are not seen (PACKET_IGNORE_OUTGOING, Linux 4.20), optionally
 * promiscuous through a PACKET_MR_PROMISC membership, which the kernel counts per socket and drops when the
 * socket closes (so a crash cannot leave the interface promiscuous; IFF_PROMISC is never set by us).
 *
 * <p>One consumer thread; not thread-safe.
 */
public final class PacketRxRing implements AutoCloseable {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder())
            .withInvokeExactBehavior();

    /** The ring layout. */
    public enum Version {
        /** TPACKET_V2: one slot per frame, handed over (and poll() woken) per frame: lowest latency. */
        V2,
        /** TPACKET_V3: frames packed into blocks handed over when full or after the retire timeout. */
        V3;

        /** "v2" / "v3" (case-insensitive), as on the command line. */
        public static Version parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "v2", "2", "tpacket_v2" -> V2;
                case "v3", "3", "tpacket_v3" -> V3;
                default -> throw new IllegalArgumentException("RX ring version must be v2 or v3, not '" + s + "'");
            };
        }
    }

    /** Largest {@code tp_mac} offset of a V2 frame with a 14-byte link header: TPACKET_ALIGN(52 + 16) - 14. */
    public static final int V2_MAC_OFFSET = 66;

    /** As {@link #V2_MAC_OFFSET} with PACKET_VNET_HDR: the 10-byte virtio_net_hdr sits between header and frame. */
    public static final int V2_MAC_OFFSET_VNET = V2_MAC_OFFSET + VNET_HDR_LEN;

    /**
     * Ring geometry and socket options.
     *
     * @param version TPACKET_V2 (a slot per frame) or TPACKET_V3 (blocks)
     * @param blockSize bytes per block: a power of two, at least a page; V3: the largest frame that fits whole
     * @param blockCount blocks in the ring (mapping = blockSize * blockCount, at most 2 GiB)
     * @param frameSize V2: the slot size (a frame of up to frameSize - {@link #V2_MAC_OFFSET} bytes fits whole);
     *     V3: the nominal frame size for tpacket_req3 (V3 packs frames tightly). A multiple of 16
     * @param retireTimeoutMs V3 only: a partly filled block is handed over after this long (latency bound at
     *     low rates; at least 1)
     * @param promiscuous add a PACKET_MR_PROMISC membership
     * @param ignoreOutgoing set PACKET_IGNORE_OUTGOING: frames sent on the interface by this host are not seen
     * @param protocol EtherType to receive (host order), ETH_P_ALL for every frame
     * @param vnetHeader set PACKET_VNET_HDR: a virtio_net_hdr before every frame, super-frames handed over whole
     *     (see {@link #withVnetHeader})
     * @param holdoffMicros {@link #poll(long)} wake-up moderation, 0 = off: when the ring runs dry less than this
     *     long after the previous wake-up, wait out the rest of it before sleeping on the socket, so that under
     *     steady traffic frames gather and are read in batches (at most one wake-up per period) instead of the
     *     kernel waking the thread for every frame (V2); a lone frame after a quiet period is not delayed
     */
    public record Config(
            Version version,
            int blockSize,
            int blockCount,
            int frameSize,
            int retireTimeoutMs,
            boolean promiscuous,
            boolean ignoreOutgoing,
            int protocol,
            int holdoffMicros,
            boolean vnetHeader) {
        /**
         * V3, 1 MiB x 16 blocks, 2048-byte frames, 2 ms retire timeout, not promiscuous, ignore outgoing, all
         * (a capture-oriented default; the dataplane picks its version, see the {@code run --rx-ring} option).
         */
        public static Config defaults() {
            return new Config(Version.V3, 1 << 20, 16, 2048, 2, false, true, ETH_P_ALL, 0, false);
        }

        /**
         * The same geometry (16 MiB) with {@code version}: V2 = 8192 slots of 2048 bytes (frames up to 1982
         * bytes whole); V3 = 16 blocks of 1 MiB, 2 ms retire timeout.
         */
        public static Config defaults(Version version) {
            return defaults().withVersion(version);
        }

        public Config withVersion(Version v) {
            return new Config(
                    v,
                    blockSize,
                    blockCount,
                    frameSize,
                    retireTimeoutMs,
                    promiscuous,
                    ignoreOutgoing,
                    protocol,
                    holdoffMicros,
                    vnetHeader);
        }

        public Config withBlocks(int blockSize, int blockCount) {
            return new Config(
                    version,
                    blockSize,
                    blockCount,
                    frameSize,
                    retireTimeoutMs,
                    promiscuous,
                    ignoreOutgoing,
                    protocol,
                    holdoffMicros,
                    vnetHeader);
        }

        public Config withFrameSize(int bytes) {
            return new Config(
                    version,
                    blockSize,
                    blockCount,
                    bytes,
                    retireTimeoutMs,
                    promiscuous,
                    ignoreOutgoing,
                    protocol,
                    holdoffMicros,
                    vnetHeader);
        }

        public Config withRetireTimeoutMs(int ms) {
            return new Config(
                    version,
                    blockSize,
                    blockCount,
                    frameSize,
                    ms,
                    promiscuous,
                    ignoreOutgoing,
                    protocol,
                    holdoffMicros,
                    vnetHeader);
        }

        public Config withPromiscuous(boolean on) {
            return new Config(
                    version,
                    blockSize,
                    blockCount,
                    frameSize,
                    retireTimeoutMs,
                    on,
                    ignoreOutgoing,
                    protocol,
                    holdoffMicros,
                    vnetHeader);
        }

        public Config withIgnoreOutgoing(boolean on) {
            return new Config(
                    version,
                    blockSize,
                    blockCount,
                    frameSize,
                    retireTimeoutMs,
                    promiscuous,
                    on,
                    protocol,
                    holdoffMicros,
                    vnetHeader);
        }

        public Config withProtocol(int etherType) {
            return new Config(
                    version,
                    blockSize,
                    blockCount,
                    frameSize,
                    retireTimeoutMs,
                    promiscuous,
                    ignoreOutgoing,
                    etherType,
                    holdoffMicros,
                    vnetHeader);
        }

        public Config withHoldoffMicros(int us) {
            return new Config(
                    version,
                    blockSize,
                    blockCount,
                    frameSize,
                    retireTimeoutMs,
                    promiscuous,
                    ignoreOutgoing,
                    protocol,
                    us,
                    vnetHeader);
        }

        /**
         * With PACKET_VNET_HDR: every frame is preceded by a {@code struct virtio_net_hdr} (10 bytes, at {@link
         * PacketRxRing#frameVnetOffset()}) and the kernel hands over GRO/TSO super-frames whole (up to 64 KiB) with
         * partial checksums instead of frames the link could carry: the slots (V2) or blocks (V3) must hold them.
         */
        public Config withVnetHeader(boolean on) {
            return new Config(
                    version,
                    blockSize,
                    blockCount,
                    frameSize,
                    retireTimeoutMs,
                    promiscuous,
                    ignoreOutgoing,
                    protocol,
                    holdoffMicros,
                    on);
        }

        /** Frame slots of a V2 ring (blockSize / frameSize per block). */
        public int v2Slots() {
            return blockSize / frameSize * blockCount;
        }

        /** Throws IllegalArgumentException, naming the field, if the kernel would refuse this geometry. */
        public void validate(int pageSize) {
            if (version == null) {
                throw new IllegalArgumentException("version must be V2 or V3");
            }
            if (blockSize < pageSize || Integer.bitCount(blockSize) != 1) {
                throw new IllegalArgumentException(
                        "blockSize must be a power of two >= the page size (" + pageSize + "): " + blockSize);
            }
            if (blockCount < 1 || (long) blockSize * blockCount > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("blockCount must be >= 1 and the ring <= 2 GiB: " + blockCount);
            }
            if (frameSize < 64 || frameSize % TPACKET_ALIGNMENT != 0 || frameSize > blockSize) {
                throw new IllegalArgumentException(
                        "frameSize must be a multiple of 16 in [64, blockSize]: " + frameSize);
            }
            if (version == Version.V2 && frameSize < V2_MAC_OFFSET + ETH_HLEN) {
                throw new IllegalArgumentException(
                        "a V2 frameSize must hold a header and an Ethernet header: " + frameSize);
            }
            if (version == Version.V3 && retireTimeoutMs < 1) {
                throw new IllegalArgumentException("retireTimeoutMs must be >= 1: " + retireTimeoutMs);
            }
            if (protocol < 0 || protocol > 0xffff) {
                throw new IllegalArgumentException("protocol must be a 16-bit EtherType: " + protocol);
            }
            if (holdoffMicros < 0 || holdoffMicros > 10_000) {
                throw new IllegalArgumentException("holdoffMicros must be in [0, 10000]: " + holdoffMicros);
            }
        }
    }

    private final String ifname;
    private final int ifindex;
    private final Config config;
    private final boolean v2;
    private int fd;
    private Pointer mapping;
    private final long mappingLength;
    private final ByteBuffer ring;
    private final Memory pollFd = new Memory(8);
    private final byte[] statsBuf = new byte[TPACKET_STATS_V3_SIZE];
    private final int[] statsLen = new int[1];
    private final long holdoffNanos;
    private long lastWakeNanos = Long.MIN_VALUE / 2;

    // V3 cursor
    private int block;
    private boolean inBlock;
    private int framesLeftInBlock;
    private int headerOffset = -1;

    // V2 cursor: slotOffsets[slot] is where slot's tpacket2_hdr starts (made once)
    private final int[] slotOffsets;
    private int slot;
    private boolean holdingSlot;

    // the current frame
    private int frameOffset;
    private int frameLength;
    private int frameWireLength;
    private int frameStatus;
    private long frameTimestampNanos;
    private int frameVlanTci;
    private int frameVlanTpid;

    // counters
    private long framesReceived;
    private long bytesReceived;
    private long framesTruncated;
    private long blocksReleased;
    private long kernelPackets;
    private long kernelDrops;
    private long kernelFreezeQueueCount;

    private PacketRxRing(String ifname, int ifindex, Config config, int fd, Pointer mapping, long length) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.config = config;
        this.v2 = config.version() == Version.V2;
        this.holdoffNanos = config.holdoffMicros() * 1000L;
        this.fd = fd;
        this.mapping = mapping;
        this.mappingLength = length;
        this.ring = mapping.getByteBuffer(0, length).order(ByteOrder.nativeOrder());
        if (v2) {
            int perBlock = config.blockSize() / config.frameSize();
            slotOffsets = new int[perBlock * config.blockCount()];
            for (int i = 0; i < slotOffsets.length; i++) {
                slotOffsets[i] = (i / perBlock) * config.blockSize() + (i % perBlock) * config.frameSize();
            }
        } else {
            slotOffsets = null;
        }
        pollFd.setInt(0, fd);
        pollFd.setShort(4, (short) (POLLIN | POLLERR));
        pollFd.setShort(6, (short) 0);
    }

    /**
     * Opens the ring on {@code ifname} in the calling thread's network namespace (see {@link NetNs}).
     *
     * @throws PacketIoException with an operator-readable message: no CAP_NET_RAW, no such interface, ring
     *     refused by the kernel (sizes), mmap failure
     */
    public static PacketRxRing open(String ifname, Config config) throws PacketIoException {
        LibC.ensureLoaded();
        config.validate(LibC.getpagesize());
        int ifindex = ifIndex(ifname);
        // Protocol 0: the socket receives nothing until bind(), so no frame lands outside the ring.
        int fd = openPacketSocket(0);
        Pointer map = null;
        long length = (long) config.blockSize() * config.blockCount();
        try {
            if (config.version() == Version.V2) {
                setIntOption(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2, "PACKET_VERSION TPACKET_V2");
            } else {
                setIntOption(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3, "PACKET_VERSION TPACKET_V3");
            }
            if (config.vnetHeader()) {
                // Before the ring is set up (the kernel answers EBUSY after): packet(7) PACKET_VNET_HDR.
                setIntOption(fd, SOL_PACKET, PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            }
            if (config.ignoreOutgoing()) {
                setIntOption(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING (Linux 4.20+)");
            }
            int framesPerBlock = config.blockSize() / config.frameSize();
            if (config.version() == Version.V2) {
                byte[] req = new byte[TPACKET_REQ_SIZE];
                putInt(req, 0, config.blockSize());
                putInt(req, 4, config.blockCount());
                putInt(req, 8, config.frameSize());
                putInt(req, 12, framesPerBlock * config.blockCount());
                check(
                        LibC.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, TPACKET_REQ_SIZE),
                        "setsockopt(PACKET_RX_RING TPACKET_V2 " + framesPerBlock * config.blockCount() + " x "
                                + config.frameSize() + " bytes) on " + ifname);
            } else {
                byte[] req = new byte[TPACKET_REQ3_SIZE];
                putInt(req, 0, config.blockSize());
                putInt(req, 4, config.blockCount());
                putInt(req, 8, config.frameSize());
                putInt(req, 12, framesPerBlock * config.blockCount());
                putInt(req, 16, config.retireTimeoutMs());
                putInt(req, 20, 0); // tp_sizeof_priv
                putInt(req, 24, 0); // tp_feature_req_word
                check(
                        LibC.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, TPACKET_REQ3_SIZE),
                        "setsockopt(PACKET_RX_RING TPACKET_V3 " + config.blockCount() + " x " + config.blockSize()
                                + " bytes) on " + ifname);
            }
            map = mapRing(fd, length, "the RX ring of " + ifname);
            bindToInterface(fd, ifindex, htons(config.protocol()), ifname);
            if (config.promiscuous()) {
                membership(fd, ifindex, PACKET_MR_PROMISC, true, ifname);
            }
            return new PacketRxRing(ifname, ifindex, config, fd, map, length);
        } catch (PacketIoException | RuntimeException e) {
            if (map != null) {
                LibC.munmap(map, length);
            }
            closeQuietly(fd);
            throw e;
        }
    }

    /** Opens with {@link Config#defaults()}. */
    public static PacketRxRing open(String ifname) throws PacketIoException {
        return open(ifname, Config.defaults());
    }

    /**
     * Waits until a frame (V2) or a block (V3) is ready or {@code timeoutMs} passed (-1: forever, 0: just look).
     *
     * @return 1 if frames are ready, 0 on timeout or signal
     */
    public int poll(long timeoutMs) throws PacketIoException {
        ensureOpen();
        if (readyNow()) {
            return 1;
        }
        if (holdoffNanos > 0 && timeoutMs != 0) {
            long since = System.nanoTime() - lastWakeNanos;
            if (since < holdoffNanos) {
                // Woken less than a hold-off ago and already dry: traffic is steady. Let frames gather for the
                // rest of the period rather than have the kernel wake this thread for each one.
                LockSupport.parkNanos(holdoffNanos - since);
                if (readyNow()) {
                    lastWakeNanos = System.nanoTime();
                    return 1;
                }
            }
        }
        int timeout = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, timeoutMs));
        int rc = LibC.poll(pollFd, 1, timeout);
        if (rc < 0) {
            if (LibC.errno() == EINTR) {
                return 0;
            }
            throw failure("poll on the RX ring of " + ifname);
        }
        if (rc == 0) {
            return 0;
        }
        lastWakeNanos = System.nanoTime();
        return readyNow() ? 1 : 0;
    }

    private boolean readyNow() {
        if (v2) {
            int s = holdingSlot ? nextSlot(slot) : slot;
            return ((int) INT.getAcquire(ring, slotOffsets[s] + T2_STATUS) & TP_STATUS_USER) != 0;
        }
        return (inBlock && framesLeftInBlock > 0) || blockReady(nextBlockIndex());
    }

    /**
     * Hands up to {@code max} ready frames to {@code handler}, then returns every fully read block (V3) or
     * slot (V2) to the kernel. Does not wait: call {@link #poll(long)} first.
     *
     * @return frames handed over
     */
    public int receive(FrameHandler handler, int max) {
        int n = 0;
        while (n < max && next()) {
            handler.onFrame(ring, frameOffset, frameLength, frameWireLength, frameTimestampNanos, frameStatus);
            n++;
        }
        releaseIfDone();
        return n;
    }

    /**
     * Moves the cursor to the next ready frame (returning the previous slot, or the previous block once all of
     * it was read, to the kernel). Does not wait.
     *
     * @return false if no frame is ready
     */
    public boolean next() {
        if (fd < 0) {
            return false;
        }
        return v2 ? nextV2() : nextV3();
    }

    private boolean nextV2() {
        if (holdingSlot) {
            releaseSlot();
        }
        int hdr = slotOffsets[slot];
        int status = (int) INT.getAcquire(ring, hdr + T2_STATUS);
        if ((status & TP_STATUS_USER) == 0) {
            return false;
        }
        holdingSlot = true;
        frameStatus = status;
        frameLength = ring.getInt(hdr + T2_SNAPLEN);
        frameWireLength = ring.getInt(hdr + T2_LEN);
        frameOffset = hdr + (ring.getShort(hdr + T2_MAC) & 0xffff);
        frameTimestampNanos =
                (ring.getInt(hdr + T2_SEC) & 0xffffffffL) * 1_000_000_000L + (ring.getInt(hdr + T2_NSEC) & 0xffffffffL);
        frameVlanTci = ring.getShort(hdr + T2_VLAN_TCI) & 0xffff;
        frameVlanTpid = ring.getShort(hdr + T2_VLAN_TPID) & 0xffff;
        counted();
        return true;
    }

    private void releaseSlot() {
        INT.setRelease(ring, slotOffsets[slot] + T2_STATUS, TP_STATUS_KERNEL);
        holdingSlot = false;
        blocksReleased++;
        slot = nextSlot(slot);
    }

    private int nextSlot(int s) {
        return s + 1 == slotOffsets.length ? 0 : s + 1;
    }

    private boolean nextV3() {
        while (true) {
            if (inBlock && framesLeftInBlock > 0) {
                // tp_next_offset chains the frames of a block, relative to the previous header.
                readFrame(headerOffset + ring.getInt(headerOffset + T3_NEXT_OFFSET));
                return true;
            }
            if (inBlock) {
                releaseBlock();
            }
            int off = block * config.blockSize();
            int status = (int) INT.getAcquire(ring, off + BD_BLOCK_STATUS);
            if ((status & TP_STATUS_USER) == 0) {
                return false;
            }
            inBlock = true;
            framesLeftInBlock = ring.getInt(off + BD_NUM_PKTS);
            headerOffset = off + ring.getInt(off + BD_OFFSET_TO_FIRST_PKT);
            if (framesLeftInBlock > 0) {
                readFrame(headerOffset);
                return true;
            }
            // an empty retired block: give it back and look at the next one
        }
    }

    private void readFrame(int hdr) {
        headerOffset = hdr;
        framesLeftInBlock--;
        frameStatus = ring.getInt(hdr + T3_STATUS);
        frameLength = ring.getInt(hdr + T3_SNAPLEN);
        frameWireLength = ring.getInt(hdr + T3_LEN);
        frameOffset = hdr + (ring.getShort(hdr + T3_MAC) & 0xffff);
        frameTimestampNanos =
                (ring.getInt(hdr + T3_SEC) & 0xffffffffL) * 1_000_000_000L + (ring.getInt(hdr + T3_NSEC) & 0xffffffffL);
        frameVlanTci = ring.getInt(hdr + T3_VLAN_TCI);
        frameVlanTpid = ring.getShort(hdr + T3_VLAN_TPID) & 0xffff;
        counted();
    }

    private void counted() {
        framesReceived++;
        bytesReceived += frameLength;
        if (frameLength < frameWireLength) {
            framesTruncated++;
        }
    }

    /**
     * Returns what was read to the kernel (called by receive()): V2 the current frame's slot, V3 the current
     * block if all its frames were read. The current frame is invalid afterwards.
     */
    public void releaseIfDone() {
        if (v2) {
            if (holdingSlot) {
                releaseSlot();
            }
        } else if (inBlock && framesLeftInBlock == 0) {
            releaseBlock();
        }
    }

    private void releaseBlock() {
        int off = block * config.blockSize();
        INT.setRelease(ring, off + BD_BLOCK_STATUS, TP_STATUS_KERNEL);
        inBlock = false;
        blocksReleased++;
        block = block + 1 == config.blockCount() ? 0 : block + 1;
    }

    private int nextBlockIndex() {
        return inBlock ? (block + 1 == config.blockCount() ? 0 : block + 1) : block;
    }

    private boolean blockReady(int b) {
        return ((int) INT.getAcquire(ring, b * config.blockSize() + BD_BLOCK_STATUS) & TP_STATUS_USER) != 0;
    }

    /**
     * The view of the whole mapping that frame offsets index (native order; absolute access only). Never
     * touch it after {@link #close()}: the memory is unmapped then.
     */
    public ByteBuffer ring() {
        return ring;
    }

    /** Offset in {@link #ring()} of the current frame's first (Ethernet) byte. */
    public int frameOffset() {
        return frameOffset;
    }

    /** Bytes captured of the current frame; less than {@link #frameWireLength()} if it did not fit. */
    public int frameLength() {
        return frameLength;
    }

    /** Bytes of the current frame on the wire. */
    public int frameWireLength() {
        return frameWireLength;
    }

    /**
     * Offset in {@link #ring()} of the current frame's {@code struct virtio_net_hdr} (10 bytes just before the
     * frame, tpacket_rcv's {@code macoff - sizeof(struct virtio_net_hdr)}), or -1 without PACKET_VNET_HDR.
     */
    public int frameVnetOffset() {
        return config.vnetHeader() ? frameOffset - VNET_HDR_LEN : -1;
    }

    /** The current frame's {@code tp_status}. */
    public int frameStatus() {
        return frameStatus;
    }

    /** The current frame's kernel timestamp, ns since the epoch. */
    public long frameTimestampNanos() {
        return frameTimestampNanos;
    }

    /**
     * The current frame's 802.1Q tag control information, valid if {@link #frameStatus()} has
     * TP_STATUS_VLAN_VALID: the receive path strips the outer VLAN tag from the frame bytes and reports it here.
     */
    public int frameVlanTci() {
        return frameVlanTci;
    }

    /** The stripped tag's TPID (0x8100, 0x88a8), valid if the status has TP_STATUS_VLAN_TPID_VALID. */
    public int frameVlanTpid() {
        return frameVlanTpid;
    }

    /** Copies the current frame into {@code dst} at {@code dstOff}; returns its length. */
    public int copyFrame(byte[] dst, int dstOff) {
        ring.get(frameOffset, dst, dstOff, frameLength);
        return frameLength;
    }

    /**
     * Adds the kernel's PACKET_STATISTICS (which reading resets) into {@link #kernelPackets()}, {@link
     * #kernelDrops()} and (V3) {@link #kernelFreezeQueueCount()}. Allocation-free; call it now and then.
     */
    public void refreshStatistics() throws PacketIoException {
        ensureOpen();
        // V3 sockets return struct tpacket_stats_v3 (12 bytes), V1/V2 struct tpacket_stats (8): the kernel
        // writes the length it returned.
        statsLen[0] = TPACKET_STATS_V3_SIZE;
        check(LibC.getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, statsBuf, statsLen), "PACKET_STATISTICS");
        kernelPackets += getInt(statsBuf, 0) & 0xffffffffL;
        kernelDrops += getInt(statsBuf, 4) & 0xffffffffL;
        if (statsLen[0] >= TPACKET_STATS_V3_SIZE) {
            kernelFreezeQueueCount += getInt(statsBuf, 8) & 0xffffffffL;
        }
    }

    /** Frames handed to the consumer. */
    public long framesReceived() {
        return framesReceived;
    }

    /** Captured bytes handed to the consumer. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * Frames handed over truncated ({@code tp_snaplen < tp_len}): longer than a V2 slot holds (or a V3 block).
     * They are handed over as they are; a forwarding consumer must drop them (see {@code frameWireLength()}).
     */
    public long framesTruncated() {
        return framesTruncated;
    }

    /** Blocks (V3) or frame slots (V2) returned to the kernel. */
    public long blocksReleased() {
        return blocksReleased;
    }

    /** tp_packets summed over {@link #refreshStatistics()}: frames the socket saw, drops included. */
    public long kernelPackets() {
        return kernelPackets;
    }

    /** tp_drops summed: frames the kernel dropped because the ring was full. */
    public long kernelDrops() {
        return kernelDrops;
    }

    /** tp_freeze_q_cnt summed: times the ring filled up and froze the queue (V3 only; 0 for V2). */
    public long kernelFreezeQueueCount() {
        return kernelFreezeQueueCount;
    }

    public String interfaceName() {
        return ifname;
    }

    public int interfaceIndex() {
        return ifindex;
    }

    public Config config() {
        return config;
    }

    /** The ring layout in use. */
    public Version version() {
        return config.version();
    }

    /** V2: frame slots in the ring; V3: 0. */
    public int slotCount() {
        return v2 ? slotOffsets.length : 0;
    }

    /** The socket's file descriptor (-1 once closed). */
    public int fd() {
        return fd;
    }

    private void ensureOpen() throws PacketIoException {
        if (fd < 0) {
            throw new PacketIoException("RX ring on " + ifname + " is closed", 0);
        }
    }

    /** Drops the promiscuous membership, unmaps the ring and closes the socket. Idempotent. */
    @Override
    public void close() {
        if (fd < 0) {
            return;
        }
        if (config.promiscuous()) {
            try {
                membership(fd, ifindex, PACKET_MR_PROMISC, false, ifname);
            } catch (PacketIoException ignored) {
                // close() below drops it anyway (packet_release -> packet_flush_mclist)
            }
        }
        if (mapping != null) {
            LibC.munmap(mapping, mappingLength);
            mapping = null;
        }
        closeQuietly(fd);
        fd = -1;
        pollFd.close();
    }
}
