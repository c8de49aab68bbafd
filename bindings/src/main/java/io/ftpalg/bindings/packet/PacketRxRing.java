package io.ftpalg.bindings.packet;

import static io.ftpalg.bindings.packet.PacketSyscalls.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Receives the frames of one interface through an AF_PACKET {@code SOCK_RAW} socket with a TPACKET_V3
 * memory-mapped RX ring (packet(7), Documentation/networking/packet_mmap.rst).
 *
 * <pre>
 * mapping = blockCount blocks of blockSize bytes, one ByteBuffer view over all of it, made once:
 * +-------------------- block i --------------------+
 * | tpacket_block_desc | tpacket3_hdr | frame ... | tpacket3_hdr | frame ... |   (tp_next_offset chains)
 * +-------------------------------------------------+
 * block_status: TP_STATUS_KERNEL (kernel fills it) -> TP_STATUS_USER (full, or retired by the timeout)
 *               -> we read every frame -> we write TP_STATUS_KERNEL (block returned)
 * </pre>
 *
 * Blocks are consumed in ring order. Reading is allocation-free: either {@link #receive(FrameHandler, int)}
 * or the cursor {@link #next()} with {@link #frameOffset()}, {@link #frameLength()}... into {@link #ring()}.
 * A frame stays valid until the next call to {@code next()} / {@code receive()}: copy it out.
 *
 * <p>The consumer must keep up: the kernel hands a block over when it is full <em>or</em> when the retire
 * timeout passes, so at low or bursty rates blocks go over partly filled, and a ring that is not drained
 * holds far fewer than {@code blockSize * blockCount} bytes of frames before the kernel drops
 * ({@link #kernelDrops()}). Drain it from a dedicated thread, as the dataplane does.
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

    /**
     * Ring geometry and socket options.
     *
     * @param blockSize bytes per block: a power of two, at least a page; the largest frame that fits whole
     * @param blockCount blocks in the ring (mapping = blockSize * blockCount, at most 2 GiB)
     * @param frameSize nominal frame size for tpacket_req3 (V3 packs frames tightly; a multiple of 16)
     * @param retireTimeoutMs a partly filled block is handed over after this long (latency bound at low rates)
     * @param promiscuous add a PACKET_MR_PROMISC membership
     * @param ignoreOutgoing set PACKET_IGNORE_OUTGOING: frames sent on the interface by this host are not seen
     * @param protocol EtherType to receive (host order), ETH_P_ALL for every frame
     */
    public record Config(
            int blockSize,
            int blockCount,
            int frameSize,
            int retireTimeoutMs,
            boolean promiscuous,
            boolean ignoreOutgoing,
            int protocol) {
        /** 1 MiB x 16 blocks, 2048-byte frames, 2 ms retire timeout, not promiscuous, ignore outgoing, all. */
        public static Config defaults() {
            return new Config(1 << 20, 16, 2048, 2, false, true, ETH_P_ALL);
        }

        public Config withBlocks(int blockSize, int blockCount) {
            return new Config(blockSize, blockCount, frameSize, retireTimeoutMs, promiscuous, ignoreOutgoing, protocol);
        }

        public Config withRetireTimeoutMs(int ms) {
            return new Config(blockSize, blockCount, frameSize, ms, promiscuous, ignoreOutgoing, protocol);
        }

        public Config withPromiscuous(boolean on) {
            return new Config(blockSize, blockCount, frameSize, retireTimeoutMs, on, ignoreOutgoing, protocol);
        }

        public Config withIgnoreOutgoing(boolean on) {
            return new Config(blockSize, blockCount, frameSize, retireTimeoutMs, promiscuous, on, protocol);
        }

        public Config withProtocol(int etherType) {
            return new Config(
                    blockSize, blockCount, frameSize, retireTimeoutMs, promiscuous, ignoreOutgoing, etherType);
        }

        void validate(int pageSize) {
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
            if (retireTimeoutMs < 1) {
                throw new IllegalArgumentException("retireTimeoutMs must be >= 1: " + retireTimeoutMs);
            }
            if (protocol < 0 || protocol > 0xffff) {
                throw new IllegalArgumentException("protocol must be a 16-bit EtherType: " + protocol);
            }
        }
    }

    private final String ifname;
    private final int ifindex;
    private final Config config;
    private int fd;
    private Pointer mapping;
    private final long mappingLength;
    private final ByteBuffer ring;
    private final Memory pollFd = new Memory(8);
    private final byte[] statsBuf = new byte[TPACKET_STATS_V3_SIZE];
    private final int[] statsLen = new int[1];

    // cursor
    private int block;
    private boolean inBlock;
    private int framesLeftInBlock;
    private int headerOffset = -1;
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
    private long blocksReleased;
    private long kernelPackets;
    private long kernelDrops;
    private long kernelFreezeQueueCount;

    private PacketRxRing(String ifname, int ifindex, Config config, int fd, Pointer mapping, long length) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.config = config;
        this.fd = fd;
        this.mapping = mapping;
        this.mappingLength = length;
        this.ring = mapping.getByteBuffer(0, length).order(ByteOrder.nativeOrder());
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
            setIntOption(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3, "PACKET_VERSION TPACKET_V3");
            if (config.ignoreOutgoing()) {
                setIntOption(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING (Linux 4.20+)");
            }
            byte[] req = new byte[TPACKET_REQ3_SIZE];
            int framesPerBlock = config.blockSize() / config.frameSize();
            putInt(req, 0, config.blockSize());
            putInt(req, 4, config.blockCount());
            putInt(req, 8, config.frameSize());
            putInt(req, 12, framesPerBlock * config.blockCount());
            putInt(req, 16, config.retireTimeoutMs());
            putInt(req, 20, 0); // tp_sizeof_priv
            putInt(req, 24, 0); // tp_feature_req_word
            check(
                    LibC.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, TPACKET_REQ3_SIZE),
                    "setsockopt(PACKET_RX_RING " + config.blockCount() + " x " + config.blockSize() + " bytes) on "
                            + ifname);
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
     * Waits until a block is ready or {@code timeoutMs} passed (-1: forever, 0: just look).
     *
     * @return 1 if frames are ready, 0 on timeout or signal
     */
    public int poll(long timeoutMs) throws PacketIoException {
        ensureOpen();
        if ((inBlock && framesLeftInBlock > 0) || blockReady(nextBlockIndex())) {
            return 1;
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
        return blockReady(nextBlockIndex()) ? 1 : 0;
    }

    /**
     * Hands up to {@code max} ready frames to {@code handler}, then returns every fully read block to the
     * kernel. Does not wait: call {@link #poll(long)} first.
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
     * Moves the cursor to the next ready frame (returning the previous block to the kernel once all of it
     * was read). Does not wait.
     *
     * @return false if no frame is ready
     */
    public boolean next() {
        if (fd < 0) {
            return false;
        }
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
        framesReceived++;
        bytesReceived += frameLength;
    }

    /** Returns the current block to the kernel if all its frames were read (called by receive()). */
    public void releaseIfDone() {
        if (inBlock && framesLeftInBlock == 0) {
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

    /** Bytes captured of the current frame. */
    public int frameLength() {
        return frameLength;
    }

    /** Bytes of the current frame on the wire. */
    public int frameWireLength() {
        return frameWireLength;
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
     * #kernelDrops()} and {@link #kernelFreezeQueueCount()}. Allocation-free; call it now and then.
     */
    public void refreshStatistics() throws PacketIoException {
        ensureOpen();
        statsLen[0] = TPACKET_STATS_V3_SIZE;
        check(LibC.getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, statsBuf, statsLen), "PACKET_STATISTICS");
        kernelPackets += getInt(statsBuf, 0) & 0xffffffffL;
        kernelDrops += getInt(statsBuf, 4) & 0xffffffffL;
        kernelFreezeQueueCount += getInt(statsBuf, 8) & 0xffffffffL;
    }

    /** Frames handed to the consumer. */
    public long framesReceived() {
        return framesReceived;
    }

    /** Captured bytes handed to the consumer. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Blocks returned to the kernel. */
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

    /** tp_freeze_q_cnt summed: times the ring filled up and froze the queue. */
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
