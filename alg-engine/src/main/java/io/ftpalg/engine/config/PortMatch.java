package io.ftpalg.engine.config;

/**
 * One way for offline replay to tell which gateway port a captured frame arrived on. Replay checks the kinds in
 * this order, whatever order the file lists them in: pcapng interface id or name, then source MAC, then source
 * network; the first port with a matching rule wins.
 */
public sealed interface PortMatch {

    /** The keyword as written in the configuration file, {@code pcapng-interface 0}. */
    String describe();

    /** Lower is checked first (see the class comment). */
    int precedence();

    /** {@code pcapng-interface <n>}: the frame's pcapng Enhanced Packet Block interface id. */
    record PcapngInterface(int id) implements PortMatch {
        public PcapngInterface {
            if (id < 0) {
                throw new IllegalArgumentException("pcapng interface id must not be negative: " + id);
            }
        }

        @Override
        public String describe() {
            return "pcapng-interface " + id;
        }

        @Override
        public int precedence() {
            return 0;
        }
    }

    /** {@code pcapng-interface-name <name>}: the if_name option of the frame's Interface Description Block. */
    record PcapngInterfaceName(String name) implements PortMatch {
        public PcapngInterfaceName {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("pcapng interface name is empty");
            }
        }

        @Override
        public String describe() {
            return "pcapng-interface-name " + name;
        }

        @Override
        public int precedence() {
            return 0;
        }
    }

    /** {@code src-mac <mac>}: the frame's Ethernet source address. */
    record SrcMac(MacAddress mac) implements PortMatch {
        public SrcMac {
            if (mac == null) {
                throw new IllegalArgumentException("src-mac is null");
            }
        }

        @Override
        public String describe() {
            return "src-mac " + mac;
        }

        @Override
        public int precedence() {
            return 1;
        }
    }

    /** {@code src-net <prefix>}: the IP source address of the frame's packet. */
    record SrcNet(IpPrefix prefix) implements PortMatch {
        public SrcNet {
            if (prefix == null) {
                throw new IllegalArgumentException("src-net is null");
            }
        }

        @Override
        public String describe() {
            return "src-net " + prefix;
        }

        @Override
        public int precedence() {
            return 2;
        }
    }
}
