package io.ftpalg.bindings.pcap;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * Direct-mapped (JNA {@link Native#register}) libpcap functions, the few ftp-alg needs to read capture
 * files. Direct mapping passes {@link Pointer} and {@code byte[]} arguments without per-call objects.
 *
 * <p>The library is looked up as {@code pcap} (JNA also matches versioned names, so Debian's runtime
 * package {@code libpcap0.8}, which ships only {@code libpcap.so.0.8} and {@code libpcap.so.1.x}, is
 * enough; {@code libpcap0.8-dev} is not needed), overridable with {@code -Dftpalg.libpcap=NAME_OR_PATH}.
 * If it cannot be loaded, every use throws an {@link UnsatisfiedLinkError} naming the cause.
 */
public final class LibPcap {
    /** {@code PCAP_ERRBUF_SIZE} from pcap/pcap.h. */
    public static final int ERRBUF_SIZE = 256;
    /** {@code PCAP_TSTAMP_PRECISION_MICRO}. */
    public static final int TSTAMP_PRECISION_MICRO = 0;
    /** {@code PCAP_TSTAMP_PRECISION_NANO}: {@code tv_usec} then holds nanoseconds. */
    public static final int TSTAMP_PRECISION_NANO = 1;
    /** {@code PCAP_ERROR_BREAK}: pcap_next_ex's "no more packets in the savefile". */
    public static final int ERROR_BREAK = -2;

    /** Library name or path asked for. */
    public static final String LIBRARY_NAME = System.getProperty("ftpalg.libpcap", "pcap");

    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            Native.register(LibPcap.class, NativeLibrary.getInstance(LIBRARY_NAME));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            error = e;
        }
        LOAD_ERROR = error;
    }

    private LibPcap() {}

    /** Throws a clear {@link UnsatisfiedLinkError} if libpcap could not be loaded. */
    public static void ensureLoaded() {
        if (LOAD_ERROR != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("libpcap ('" + LIBRARY_NAME
                    + "') could not be loaded; on Debian/Ubuntu install the libpcap0.8 package: "
                    + LOAD_ERROR.getMessage());
            e.initCause(LOAD_ERROR);
            throw e;
        }
    }

    /** True if libpcap was found and bound. */
    public static boolean isAvailable() {
        return LOAD_ERROR == null;
    }

    /** {@code const char *pcap_lib_version(void)}. */
    public static native String pcap_lib_version();

    /** {@code pcap_t *pcap_open_offline(const char *fname, char *errbuf)}. */
    public static native Pointer pcap_open_offline(String fname, byte[] errbuf);

    /**
     * {@code pcap_t *pcap_open_offline_with_tstamp_precision(const char *fname, u_int precision, char
     * *errbuf)} (libpcap 1.5+).
     */
    public static native Pointer pcap_open_offline_with_tstamp_precision(String fname, int precision, byte[] errbuf);

    /**
     * {@code int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **pkt_header, const u_char **pkt_data)}: 1 on
     * success, {@link #ERROR_BREAK} at end of file, -1 on error ({@link #pcap_geterr}). The two out
     * arguments point at pointer-sized slots; what they receive stays valid until the next call.
     */
    public static native int pcap_next_ex(Pointer p, Pointer pktHeaderOut, Pointer pktDataOut);

    /** {@code int pcap_datalink(pcap_t *p)}: the LINKTYPE_/DLT_ of the capture. */
    public static native int pcap_datalink(Pointer p);

    /** {@code int pcap_snapshot(pcap_t *p)}. */
    public static native int pcap_snapshot(Pointer p);

    /** {@code char *pcap_geterr(pcap_t *p)}. */
    public static native String pcap_geterr(Pointer p);

    /** {@code void pcap_close(pcap_t *p)}. */
    public static native void pcap_close(Pointer p);

    /** The NUL-terminated text libpcap left in {@code errbuf}. */
    public static String errbufText(byte[] errbuf) {
        int n = 0;
        while (n < errbuf.length && errbuf[n] != 0) {
            n++;
        }
        return new String(errbuf, 0, n, StandardCharsets.UTF_8);
    }
}
