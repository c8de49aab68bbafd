package io.ftpalg.cli.replay;

import io.ftpalg.engine.codec.EthernetHeader;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.MacAddress;
import io.ftpalg.engine.config.PortConfig;
import io.ftpalg.engine.config.PortMatch;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.pcap.PcapRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Tells, for each captured frame, which gateway port it came in on, or that it is a reference device's OUTPUT.
 *
 * <ol>
 *   <li>A frame whose Ethernet source is a port's configured {@code mac} was sent by the gateway that was
 *       captured: it is the reference device's output on that port, not input.
 *   <li>Otherwise the {@code match} rules of both ports, pcapng interface id/name first, then source MAC, then
 *       source network (see the config format).
 *   <li>Otherwise a pcapng interface named "inside" or "outside".
 * </ol>
 *
 * Frames that none of this places are reported as unassigned and not processed.
 */
final class PortClassifier {
    static final int UNASSIGNED = -1;

    private record Rule(int port, PortMatch match) {}

    private final List<Rule> rules = new ArrayList<>();
    private final long[] gatewayMac = {-1, -1};
    private final IntFunction<String> interfaceNames;

    /** Set by {@link #classify}: true when the frame is the reference device's output. */
    boolean reference;

    PortClassifier(Config config, IntFunction<String> interfaceNames) {
        this.interfaceNames = interfaceNames;
        add(PacketSlot.PORT_INSIDE, config.inside());
        add(PacketSlot.PORT_OUTSIDE, config.outside());
        rules.sort(Comparator.comparingInt(r -> r.match.precedence()));
    }

    private void add(int port, PortConfig pc) {
        MacAddress mac = pc.mac();
        if (mac != null) {
            gatewayMac[port] = mac.value();
        }
        for (PortMatch m : pc.matches()) {
            rules.add(new Rule(port, m));
        }
    }

    boolean hasGatewayMacs() {
        return gatewayMac[0] >= 0 || gatewayMac[1] >= 0;
    }

    /**
     * @param decoded the frame, already decoded into {@code slot} (for its source address)
     * @return the port, or {@link #UNASSIGNED}
     */
    int classify(PcapRecord r, PacketSlot decoded) {
        reference = false;
        if (r.capturedLength >= EthernetHeader.LENGTH) {
            long src = EthernetHeader.srcMac(r.data, 0);
            for (int p = 0; p < 2; p++) {
                if (gatewayMac[p] >= 0 && src == gatewayMac[p]) {
                    reference = true;
                    return p;
                }
            }
        }
        for (Rule rule : rules) {
            if (matches(rule.match, r, decoded)) {
                return rule.port;
            }
        }
        String name = interfaceNames.apply(r.interfaceId);
        if (PortConfig.INSIDE.equals(name)) {
            return PacketSlot.PORT_INSIDE;
        }
        if (PortConfig.OUTSIDE.equals(name)) {
            return PacketSlot.PORT_OUTSIDE;
        }
        return UNASSIGNED;
    }

    private boolean matches(PortMatch m, PcapRecord r, PacketSlot s) {
        if (m instanceof PortMatch.PcapngInterface i) {
            return r.interfaceId == i.id();
        }
        if (m instanceof PortMatch.PcapngInterfaceName n) {
            return n.name().equals(interfaceNames.apply(r.interfaceId));
        }
        if (m instanceof PortMatch.SrcMac mac) {
            return r.capturedLength >= EthernetHeader.LENGTH
                    && EthernetHeader.srcMac(r.data, 0) == mac.mac().value();
        }
        if (m instanceof PortMatch.SrcNet net) {
            return s.ipVersion != 0 && net.prefix().contains(s.ipVersion, s.srcHi, s.srcLo);
        }
        return false;
    }
}
