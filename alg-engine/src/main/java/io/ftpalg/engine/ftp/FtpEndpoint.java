package io.ftpalg.engine.ftp;

/**
 * What one FTP data-connection negotiation named: an address, a port, and where in the line that text sits.
 * Mutable and reused: the parsers in {@link FtpParsers} fill it in place on success and {@link #clear()} it on
 * failure, so a hot path holds one instance per worker and allocates nothing per packet.
 *
 * <p>Addresses use the same two-long layout as {@code PacketSlot}: IPv4 as {@code addrHi = 0}, {@code addrLo} =
 * the 32-bit address; IPv6 as its 128 bits, {@code addrHi} the first (most significant) 64.
 *
 * <p>The span is the exact byte range, absolute indexes into the parsed array, that a NAT rewrite replaces:
 *
 * <pre>
 * PORT 192,0,2,10,195,80          span = "192,0,2,10,195,80"          (h1 .. p2)
 * 227 Entering Passive Mode (192,0,2,10,195,80).   span = "192,0,2,10,195,80"
 * EPRT |2|2001:db8::1|50000|      span = "2001:db8::1|50000"          (addr &lt;d&gt; port)
 * 229 Entering Extended Passive Mode (|||50000|)   span = "50000"      (port digits)
 * </pre>
 *
 * {@link FtpFormat} writes exactly these spans back.
 */
public final class FtpEndpoint {
    /** 4 or 6; 0 for a 229 reply, which carries only a port (the address is the control connection's). */
    public int ipVersion;
    /** High 64 bits of an IPv6 address; 0 for IPv4. */
    public long addrHi;
    /** Low 64 bits of an IPv6 address, or the 32-bit IPv4 address. */
    public long addrLo;
    /** The data port, 1..65535. */
    public int port;
    /** First byte of the rewritable span (inclusive), absolute index into the parsed array. */
    public int spanStart;
    /** End of the rewritable span (exclusive), absolute index into the parsed array. */
    public int spanEnd;
    /** The RFC 2428 delimiter of an EPRT command or 229 reply (usually {@code '|'}); 0 for PORT and 227. */
    public byte delimiter;

    /** Resets every field to zero (the state after a failed parse). */
    public void clear() {
        ipVersion = 0;
        addrHi = 0;
        addrLo = 0;
        port = 0;
        spanStart = 0;
        spanEnd = 0;
        delimiter = 0;
    }

    @Override
    public String toString() {
        return "FtpEndpoint{ipVersion=" + ipVersion + ", addrHi=0x" + Long.toHexString(addrHi) + ", addrLo=0x"
                + Long.toHexString(addrLo) + ", port=" + port + ", span=[" + spanStart + "," + spanEnd + ")"
                + ", delimiter=" + delimiter + '}';
    }
}
