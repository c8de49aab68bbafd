package io.ftpalg.pcap;

/**
 * LINKTYPE_ values used in pcap and pcapng link-type fields (see tcpdump.org/linktypes.html). Only the
 * ones ftp-alg reads or writes are named here; any other value passes through untouched.
 */
public final class LinkType {
    /** IEEE 802.3 Ethernet (DLT_EN10MB). */
    public static final int ETHERNET = 1;
    /** Raw IP, version given by the first nibble (DLT_RAW on most platforms). */
    public static final int RAW = 101;
    /** Linux "cooked" capture, version 1 (tcpdump -i any). */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4, no link-layer header. */
    public static final int IPV4 = 228;
    /** Raw IPv6, no link-layer header. */
    public static final int IPV6 = 229;
    /** Linux "cooked" capture, version 2 (carries the interface index). */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {}
}
