package io.ftpalg.engine.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the line-oriented configuration file (nftables/pf-like). One statement per line, {@code #} starts a
 * comment, words are separated by whitespace, keywords are lowercase. The grammar:
 *
 * <pre>
 * mode router|bridge
 * port inside  [mac &lt;mac&gt;] [match &lt;m&gt;]...          (required)
 * port outside [mac &lt;mac&gt;] [match &lt;m&gt;]...          (required)
 *     &lt;m&gt; ::= pcapng-interface &lt;n&gt; | pcapng-interface-name &lt;name&gt; | src-mac &lt;mac&gt; | src-net &lt;prefix&gt;
 * snat from &lt;prefix&gt; to &lt;addr&gt;[,&lt;addr&gt;...] [ports &lt;lo&gt;-&lt;hi&gt;]
 * dnat [proto tcp|udp] to &lt;addr&gt; port &lt;p&gt;[-&lt;q&gt;] -&gt; &lt;addr&gt; [&lt;addr&gt;...] [port &lt;p2&gt;]
 *      [select client-hash|round-robin]
 * static &lt;inside-addr&gt; &lt;-&gt; &lt;outside-addr&gt;
 * firewall inbound deny|allow
 * firewall outbound allow|deny
 * ftp ports &lt;p&gt; [&lt;p&gt;...]
 * ftp loose yes|no
 * ftp min-data-port &lt;n&gt;
 * ftp expect-timeout &lt;duration&gt;
 * ftp max-expect-per-session &lt;n&gt;
 * ftp max-expect &lt;n&gt;
 * ftp max-line &lt;n&gt;
 * ftp hold-timeout &lt;duration&gt;
 * ftp verify-checksum yes|no
 * ftp sessions &lt;n&gt;
 * ftp strict yes|no
 * ftp syntax-check yes|no
 * ftp mask-syst yes|no
 * ftp data-source-port any|strict
 * ftp deny-command &lt;CMD&gt; [&lt;CMD&gt;...]
 * ftp detect off|any|ports &lt;p&gt;[-&lt;q&gt;]...
 * ftp max-command-line &lt;n&gt;|off
 * ftp max-reply-line &lt;n&gt;|off
 * ftp max-reply &lt;n&gt;|off
 * flows per-source-rate &lt;n&gt;
 * flows per-source-burst &lt;n&gt;
 * flows max &lt;n&gt;
 * timeout &lt;name&gt; &lt;duration&gt;
 * </pre>
 *
 * Durations are a whole number with an optional unit {@code ms s m h d} (none means seconds). Everything but the
 * two {@code port} lines is optional; settings given once (mode, firewall directions, each ftp setting, flows max,
 * each timeout) may not be repeated. Rules that overlap or contradict each other are errors, reported at the later
 * of the two lines. Errors are {@link ConfigException}s reading {@code <source>:<line>: <what is wrong>}.
 */
public final class ConfigParser {
    private static final List<String> KEYWORDS = List.of(
            "mode", "port", "snat", "dnat", "static", "firewall", "ftp", "flows", "timeout", "pipeline", "route");
    private static final List<String> FTP_SETTINGS = List.of(
            "ports",
            "loose",
            "min-data-port",
            "expect-timeout",
            "max-expect-per-session",
            "max-expect",
            "max-line",
            "hold-timeout",
            "verify-checksum",
            "sessions",
            "strict",
            "syntax-check",
            "mask-syst",
            "deny-command",
            "data-source-port",
            "keepalive",
            "detect",
            "max-command-line",
            "max-reply-line",
            "max-reply");
    private static final List<String> MATCH_KINDS =
            List.of("pcapng-interface", "pcapng-interface-name", "src-mac", "src-net");
    private static final int MAX_TABLE = 1 << 30;
    /** Long enough for the longest data command: {@code EPRT |2|<39-char IPv6>|65535|\r\n} is 56 bytes. */
    static final int MIN_MAX_LINE = 64;

    private final String source;

    /** Line where each singleton setting was first given, keyed by its words ({@code "ftp loose"}). */
    private final Map<String, Integer> seen = new HashMap<>();

    private Mode mode = Mode.ROUTER;
    private PortConfig inside;
    private PortConfig outside;
    private final List<SnatRule> snat = new ArrayList<>();
    private final List<Integer> snatLines = new ArrayList<>();
    private final List<DnatRule> dnat = new ArrayList<>();
    private final List<Integer> dnatLines = new ArrayList<>();
    private final List<StaticNat> statics = new ArrayList<>();
    private final List<Integer> staticLines = new ArrayList<>();
    private boolean inboundAllow = false;
    private boolean outboundAllow = true;
    private final long[] timeouts = Timeouts.defaults().toArray();
    private int maxFlows = Limits.DEFAULT_MAX_FLOWS;
    private int resetExpired = Limits.RESET_INSIDE;
    private int resetRate = Limits.DEFAULT_RESET_RATE;
    private int resetBurst = Limits.DEFAULT_RESET_BURST;

    private List<Integer> ftpPorts = List.of(21);
    private boolean ftpLoose = false;
    private int ftpMinDataPort = 1024;
    private long ftpExpectTimeoutMs = 300_000;
    private int ftpMaxExpectPerSession = 4;
    private int ftpMaxExpect = 65536;
    private int ftpMaxLine = 512;
    private long ftpHoldTimeoutMs = 10_000;
    private boolean ftpVerifyChecksum = true;
    private int ftpSessions = 16384;
    private boolean ftpStrict = false;
    private boolean ftpSyntaxCheck = true;
    private boolean ftpMaskSyst = false;
    private List<String> ftpDenyCommands = List.of();
    private boolean ftpStrictDataSourcePort;
    private long ftpKeepaliveMs = 0;
    private FtpDetect ftpDetect = FtpDetect.OFF;
    /** {@code ftp max-command-line / max-reply-line / max-reply}; -1 while not given (strict mode's default applies). */
    private int ftpMaxCommandLine = -1;

    private int ftpMaxReplyLine = -1;
    private int ftpMaxReply = -1;
    private PipelineConfig pipeline = PipelineConfig.defaults();
    private final List<Route> routes = new ArrayList<>();
    private List<Integer> inboundPorts = List.of();
    private List<Integer> outboundPorts = List.of();
    private int perSourceRate = Limits.DEFAULT_PER_SOURCE_RATE;
    private int perSourceBurst = Limits.DEFAULT_PER_SOURCE_BURST;

    private ConfigParser(String source) {
        this.source = source;
    }

    /** Reads and parses a file; an unreadable file is reported as a {@link ConfigException} at line 0. */
    public static Config parse(Path path) throws ConfigException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(path.toString(), 0, "cannot read the configuration file: " + e, e);
        }
        return parse(text, path.toString());
    }

    /** Parses configuration text; {@code sourceName} prefixes error messages (a file name, or "<stdin>"). */
    public static Config parse(String text, String sourceName) throws ConfigException {
        return new ConfigParser(sourceName).run(text);
    }

    private Config run(String text) throws ConfigException {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            int hash = raw.indexOf('#');
            String body = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (body.isEmpty()) {
                continue;
            }
            statement(new Line(i + 1, body.split("\\s+")));
        }
        int last = Math.max(1, lines.size());
        if (inside == null) {
            throw new ConfigException(
                    source,
                    last,
                    "missing required 'port inside' line (e.g. 'port inside match src-net 192.0.2.0/24')");
        }
        if (outside == null) {
            throw new ConfigException(
                    source,
                    last,
                    "missing required 'port outside' line (e.g. 'port outside match pcapng-interface 1')");
        }
        crossChecks();
        FtpConfig ftp;
        Timeouts t;
        try {
            ftp = new FtpConfig(
                    ftpPorts,
                    ftpLoose,
                    ftpMinDataPort,
                    ftpExpectTimeoutMs,
                    ftpMaxExpectPerSession,
                    ftpMaxExpect,
                    ftpMaxLine,
                    ftpHoldTimeoutMs,
                    ftpVerifyChecksum,
                    ftpSessions,
                    ftpStrict,
                    ftpSyntaxCheck,
                    ftpMaskSyst,
                    ftpDenyCommands,
                    ftpStrictDataSourcePort,
                    ftpKeepaliveMs,
                    ftpDetect,
                    lineLimits());
            t = Timeouts.fromArray(timeouts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, last, e.getMessage(), e);
        }
        return new Config(
                mode,
                inside,
                outside,
                snat,
                dnat,
                statics,
                inboundAllow,
                outboundAllow,
                ftp,
                t,
                new Limits(maxFlows, perSourceRate, perSourceBurst, resetExpired, resetRate, resetBurst),
                pipeline,
                routes,
                inboundPorts,
                outboundPorts);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Statements

    private void statement(Line l) throws ConfigException {
        String kw = l.keyword("a keyword", KEYWORDS);
        switch (kw) {
            case "mode" -> {
                once(l, "mode");
                mode = l.keyword("'router' or 'bridge' after 'mode'", List.of("router", "bridge"))
                                .equals("router")
                        ? Mode.ROUTER
                        : Mode.BRIDGE;
            }
            case "port" -> port(l);
            case "snat" -> snat(l);
            case "dnat" -> dnat(l);
            case "static" -> staticNat(l);
            case "firewall" -> {
                String dir = l.keyword("'inbound' or 'outbound' after 'firewall'", List.of("inbound", "outbound"));
                once(l, "firewall " + dir);
                String w = l.keyword(
                        "'allow', 'deny' or 'ports' after 'firewall " + dir + "'", List.of("allow", "deny", "ports"));
                boolean allow = w.equals("allow");
                List<Integer> ports = new ArrayList<>();
                if (w.equals("ports")) {
                    do {
                        int p = l.port("firewall " + dir + " ports");
                        if (ports.contains(p)) {
                            throw l.error("firewall " + dir + " ports: port " + p + " listed twice");
                        }
                        ports.add(p);
                    } while (!l.atEnd());
                }
                if (dir.equals("inbound")) {
                    inboundAllow = allow;
                    inboundPorts = ports;
                } else {
                    outboundAllow = allow;
                    outboundPorts = ports;
                }
            }
            case "ftp" -> ftp(l);
            case "route" -> {
                IpPrefix dst = l.prefix("route");
                l.expect("via", "'via' after the route's prefix");
                IpAddress via = l.address(l.next("a router address after 'via'"), "route via");
                if (via.version() != dst.network().version()) {
                    throw l.error("route: the router " + via + " is not of the prefix's address family");
                }
                routes.add(new Route(dst, via));
            }
            case "pipeline" -> {
                String w =
                        l.keyword("'workers', 'ring' or 'wait' after 'pipeline'", List.of("workers", "ring", "wait"));
                once(l, "pipeline " + w);
                try {
                    pipeline = switch (w) {
                        case "workers" ->
                            new PipelineConfig(
                                    l.integer("pipeline workers", 1, 64), pipeline.ringSize(), pipeline.waitStrategy());
                        case "ring" ->
                            new PipelineConfig(
                                    pipeline.workers(),
                                    l.integer("pipeline ring", 64, 1 << 20),
                                    pipeline.waitStrategy());
                        default ->
                            new PipelineConfig(
                                    pipeline.workers(),
                                    pipeline.ringSize(),
                                    l.keyword("a wait strategy", PipelineConfig.WAIT_STRATEGIES));
                    };
                } catch (IllegalArgumentException e) {
                    throw l.error(e.getMessage());
                }
            }
            case "flows" -> {
                String w = l.keyword(
                        "'max', 'per-source-rate', 'per-source-burst', 'reset-expired', 'reset-rate' or"
                                + " 'reset-burst' after 'flows'",
                        List.of(
                                "max",
                                "per-source-rate",
                                "per-source-burst",
                                "reset-expired",
                                "reset-rate",
                                "reset-burst"));
                once(l, "flows " + w);
                switch (w) {
                    case "max" -> maxFlows = l.integer("flows max", 1, MAX_TABLE);
                    case "per-source-rate" -> perSourceRate = l.integer("flows per-source-rate", 0, MAX_TABLE);
                    case "per-source-burst" -> perSourceBurst = l.integer("flows per-source-burst", 0, MAX_TABLE);
                    case "reset-expired" -> {
                        String side = l.keyword(
                                "'inside', 'outside', 'both' or 'off' after 'flows reset-expired'",
                                List.of("inside", "outside", "both", "off"));
                        resetExpired = switch (side) {
                            case "inside" -> Limits.RESET_INSIDE;
                            case "outside" -> Limits.RESET_OUTSIDE;
                            case "both" -> Limits.RESET_INSIDE | Limits.RESET_OUTSIDE;
                            default -> 0;
                        };
                    }
                    case "reset-rate" -> resetRate = l.integer("flows reset-rate", 1, MAX_TABLE);
                    default -> resetBurst = l.integer("flows reset-burst", 1, MAX_TABLE);
                }
            }
            case "timeout" -> {
                String name = l.keyword("a timeout name after 'timeout'", Timeouts.NAMES);
                once(l, "timeout " + name);
                timeouts[Timeouts.NAMES.indexOf(name)] = l.duration("timeout " + name);
            }
            default -> throw new AssertionError(kw);
        }
        l.end();
    }

    private void port(Line l) throws ConfigException {
        String name = l.keyword("'inside' or 'outside' after 'port'", List.of("inside", "outside"));
        once(l, "port " + name);
        String ctx = "port " + name;
        MacAddress mac = null;
        String ifname = null;
        List<PortAddress> addresses = new ArrayList<>();
        List<PortMatch> matches = new ArrayList<>();
        while (!l.atEnd()) {
            String word = l.keyword(
                    "'interface', 'address', 'mac' or 'match' in '" + ctx + "'",
                    List.of("interface", "address", "mac", "match"));
            if (word.equals("address")) {
                String w = l.next("an address with prefix length after 'address' (e.g. 192.0.2.1/24)");
                try {
                    addresses.add(PortAddress.parse(w));
                } catch (IllegalArgumentException e) {
                    throw l.error(ctx + " address: " + e.getMessage());
                }
                continue;
            }
            if (word.equals("interface")) {
                if (ifname != null) {
                    throw l.error("'interface' given twice in '" + ctx + "'");
                }
                ifname = l.next("a network interface name after 'interface' (e.g. eth1)");
                if (!ifname.matches("[A-Za-z0-9_.:-]{1,15}")) {
                    throw l.error("'" + ifname + "' is not a Linux interface name (1-15 letters, digits, _ . : -)");
                }
                continue;
            }
            if (word.equals("mac")) {
                if (mac != null) {
                    throw l.error("'mac' given twice in '" + ctx + "' (a port has one MAC address)");
                }
                mac = l.mac(ctx + " mac");
                continue;
            }
            String kind = l.keyword("a match kind after 'match' (" + String.join(", ", MATCH_KINDS) + ")", MATCH_KINDS);
            PortMatch m = switch (kind) {
                case "pcapng-interface" ->
                    new PortMatch.PcapngInterface(l.integer("match pcapng-interface", 0, Integer.MAX_VALUE));
                case "pcapng-interface-name" ->
                    new PortMatch.PcapngInterfaceName(l.next("an interface name after 'pcapng-interface-name'"));
                case "src-mac" -> new PortMatch.SrcMac(l.mac("match src-mac"));
                case "src-net" -> new PortMatch.SrcNet(l.prefix("match src-net"));
                default -> throw new AssertionError(kind);
            };
            if (matches.contains(m)) {
                throw l.error("'match " + m.describe() + "' given twice in '" + ctx + "'");
            }
            matches.add(m);
        }
        PortConfig p = new PortConfig(name, mac, matches, ifname, addresses);
        PortConfig other = p.isInside() ? outside : inside;
        if (other != null) {
            checkPortsDisjoint(l, p, other);
        }
        if (p.isInside()) {
            inside = p;
        } else {
            outside = p;
        }
    }

    /** Replay must never find a frame matching both ports, nor treat the gateway's own output as input. */
    private void checkPortsDisjoint(Line l, PortConfig p, PortConfig other) throws ConfigException {
        String where = "(port " + other.name() + " on line " + seen.get("port " + other.name()) + ")";
        for (PortMatch m : p.matches()) {
            for (PortMatch o : other.matches()) {
                boolean clash = m.equals(o)
                        || (m instanceof PortMatch.SrcNet a
                                && o instanceof PortMatch.SrcNet b
                                && a.prefix().overlaps(b.prefix()));
                if (clash) {
                    throw l.error("'match " + m.describe() + "' on port " + p.name() + " overlaps 'match "
                            + o.describe() + "' on port " + other.name() + " " + where
                            + "; a frame must match only one port (use disjoint networks, or tell the ports apart"
                            + " by pcapng-interface or src-mac)");
                }
            }
        }
        checkOwnMac(l, p, p.mac(), p.name());
        checkOwnMac(l, p, other.mac(), other.name());
        checkOwnMac(l, other, p.mac(), p.name());
    }

    private static void checkOwnMac(Line l, PortConfig p, MacAddress gatewayMac, String macPort)
            throws ConfigException {
        if (gatewayMac == null) {
            return;
        }
        for (PortMatch m : p.matches()) {
            if (m instanceof PortMatch.SrcMac s && s.mac().equals(gatewayMac)) {
                throw l.error("'match src-mac " + s.mac() + "' on port " + p.name()
                        + " is the gateway's own MAC on port " + macPort
                        + "; frames from it are the gateway's output, not input");
            }
        }
    }

    private void snat(Line l) throws ConfigException {
        l.expect("from", "'from <prefix>' after 'snat'");
        IpPrefix from = l.prefix("snat from");
        l.expect("to", "'to <address>[,<address>...]' after 'snat from " + from + "'");
        StringBuilder joined = new StringBuilder(l.next("a NAT address after 'to'"));
        while (!l.atEnd() && !l.peekIs("ports")) {
            joined.append(' ').append(l.next(""));
        }
        List<IpAddress> to = new ArrayList<>();
        for (String piece : joined.toString().split(",", -1)) {
            String a = piece.strip();
            if (a.isEmpty()) {
                throw l.error("snat to: empty address in '" + joined + "' (a stray ',')");
            }
            if (a.indexOf(' ') >= 0) {
                throw l.error("snat to: '" + a + "' is more than one word; separate addresses with ',' (or 'ports' is"
                        + " misspelt)");
            }
            IpAddress addr = l.address(a, "snat to");
            if (addr.version() != from.network().version()) {
                throw l.error("snat to " + addr + " is IPv" + addr.version() + " but 'from " + from + "' is IPv"
                        + from.network().version() + "; address families must match");
            }
            if (to.contains(addr)) {
                throw l.error("snat to: address " + addr + " listed twice");
            }
            if (from.contains(addr)) {
                throw l.error("snat to " + addr + " lies inside the translated network " + from
                        + "; the NAT address must be an outside address");
            }
            to.add(addr);
        }
        int lo = SnatRule.DEFAULT_PORT_LO;
        int hi = SnatRule.DEFAULT_PORT_HI;
        if (l.peekIs("ports")) {
            l.next("");
            int[] r = l.portRange("snat ports");
            lo = r[0];
            hi = r[1];
        }
        for (int i = 0; i < snat.size(); i++) {
            IpPrefix prev = snat.get(i).from();
            if (prev.overlaps(from)) {
                throw l.error("snat from " + from + " overlaps 'snat from " + prev + "' on line " + snatLines.get(i)
                        + "; each inside address must have one source NAT rule");
            }
        }
        for (IpAddress a : to) {
            checkNotStaticOutside(l, a, "snat to " + a);
        }
        snat.add(new SnatRule(from, to, lo, hi));
        snatLines.add(l.no);
    }

    private void dnat(Line l) throws ConfigException {
        int proto = DnatRule.TCP;
        if (l.peekIs("proto")) {
            l.next("");
            proto = l.keyword("'tcp' or 'udp' after 'proto'", List.of("tcp", "udp"))
                            .equals("tcp")
                    ? DnatRule.TCP
                    : DnatRule.UDP;
        }
        l.expect("to", "'to <address> port <p>[-<q>]' after 'dnat'");
        IpAddress ext = l.address(l.next("the outside address after 'dnat ... to'"), "dnat to");
        l.expect("port", "'port <p>[-<q>]' after 'dnat ... to " + ext + "'");
        int[] r = l.portRange("dnat port");
        l.expect("->", "'-> <inside-address> [port <p2>]' after 'dnat ... port " + r[0] + "'");
        // One inside address (port forwarding) or several (a load balancer's pool):
        //   -> 192.0.2.20 192.0.2.21 192.0.2.22 [port <p2>] [select client-hash|round-robin]
        List<IpAddress> pool = new ArrayList<>();
        do {
            String w = l.next("the inside address after '->'");
            if (!pool.isEmpty() && !looksLikeAddress(w)) {
                throw l.error("expected 'port <p2>', 'select client-hash|round-robin' or another inside address after"
                        + " 'dnat ... -> " + pool.get(pool.size() - 1) + "', found '" + w + "'");
            }
            IpAddress in = l.address(w, "dnat ->");
            if (in.version() != ext.version()) {
                throw l.error("dnat maps IPv" + ext.version() + " " + ext + " onto IPv" + in.version() + " " + in
                        + "; address families must match");
            }
            if (pool.contains(in)) {
                throw l.error("dnat -> " + in + " is listed twice in the pool");
            }
            if (pool.size() == DnatRule.MAX_POOL) {
                throw l.error("dnat -> more than " + DnatRule.MAX_POOL + " inside addresses");
            }
            pool.add(in);
        } while (!l.atEnd() && !l.peekIs("port") && !l.peekIs("select"));
        int p2 = r[0];
        if (l.peekIs("port")) {
            l.next("");
            p2 = l.port("dnat -> port");
            int top = p2 + (r[1] - r[0]);
            if (top > 65535) {
                throw l.error("dnat -> port " + p2 + ": the range " + r[0] + "-" + r[1] + " would map onto " + p2 + "-"
                        + top + ", beyond 65535");
            }
        }
        DnatRule.Select select = DnatRule.Select.CLIENT_HASH;
        if (!l.atEnd()) {
            l.expect("select", "'select client-hash|round-robin' or end of line after 'dnat ... port " + p2 + "'");
            if (pool.size() < 2) {
                throw l.error("dnat ... select: a selection policy needs a pool of two or more inside addresses");
            }
            String k =
                    l.keyword("'client-hash' or 'round-robin' after 'select'", List.of("client-hash", "round-robin"));
            select = k.equals("client-hash") ? DnatRule.Select.CLIENT_HASH : DnatRule.Select.ROUND_ROBIN;
        }
        for (int i = 0; i < dnat.size(); i++) {
            DnatRule d = dnat.get(i);
            if (d.proto() == proto
                    && d.externalAddress().equals(ext)
                    && d.externalPortLo() <= r[1]
                    && r[0] <= d.externalPortHi()) {
                throw l.error("dnat " + DnatRule.protoName(proto) + " " + ext + " port " + r[0] + "-" + r[1]
                        + " overlaps the dnat on line " + dnatLines.get(i) + " (" + d.describe() + ")");
            }
        }
        checkNotStaticOutside(l, ext, "dnat to " + ext);
        dnat.add(new DnatRule(proto, ext, r[0], r[1], pool, p2, select));
        dnatLines.add(l.no);
    }

    /** An IPv4 or IPv6 literal's alphabet (so a misplaced keyword after a pool gets a grammar message). */
    private static boolean looksLikeAddress(String w) {
        return (w.indexOf('.') >= 0 || w.indexOf(':') >= 0)
                && w.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%');
    }

    private void staticNat(Line l) throws ConfigException {
        IpAddress in = l.address(l.next("the inside address after 'static'"), "static");
        l.expect("<->", "'<-> <outside-address>' after 'static " + in + "'");
        IpAddress out = l.address(l.next("the outside address after '<->'"), "static <->");
        if (in.version() != out.version()) {
            throw l.error("static maps IPv" + in.version() + " " + in + " onto IPv" + out.version() + " " + out
                    + "; address families must match");
        }
        if (in.equals(out)) {
            throw l.error("static " + in + " <-> " + out + " maps an address onto itself");
        }
        for (int i = 0; i < statics.size(); i++) {
            StaticNat s = statics.get(i);
            if (s.inside().equals(in)) {
                throw l.error("inside address " + in + " is already mapped by the static on line " + staticLines.get(i)
                        + " (" + s.describe() + ")");
            }
            if (s.outside().equals(out)) {
                throw l.error("outside address " + out + " is already mapped by the static on line "
                        + staticLines.get(i) + " (" + s.describe() + ")");
            }
        }
        for (int i = 0; i < snat.size(); i++) {
            if (snat.get(i).to().contains(out)) {
                throw l.error("static outside address " + out + " is also a source NAT address (snat on line "
                        + snatLines.get(i) + "); a static mapping needs an address of its own");
            }
        }
        for (int i = 0; i < dnat.size(); i++) {
            if (dnat.get(i).externalAddress().equals(out)) {
                throw l.error("static outside address " + out + " is also forwarded by the dnat on line "
                        + dnatLines.get(i) + "; a static mapping already forwards all its ports");
            }
        }
        statics.add(new StaticNat(in, out));
        staticLines.add(l.no);
    }

    private void checkNotStaticOutside(Line l, IpAddress a, String what) throws ConfigException {
        for (int i = 0; i < statics.size(); i++) {
            if (statics.get(i).outside().equals(a)) {
                throw l.error(what + ": " + a + " is the outside address of the static on line " + staticLines.get(i)
                        + " (" + statics.get(i).describe() + "), which already owns all its ports");
            }
        }
    }

    private void ftp(Line l) throws ConfigException {
        String s = l.keyword("an ftp setting (" + String.join(", ", FTP_SETTINGS) + ")", FTP_SETTINGS);
        once(l, "ftp " + s);
        String ctx = "ftp " + s;
        switch (s) {
            case "ports" -> {
                List<Integer> ports = new ArrayList<>();
                ports.add(l.port(ctx));
                while (!l.atEnd()) {
                    int p = l.port(ctx);
                    if (ports.contains(p)) {
                        throw l.error("ftp ports: port " + p + " listed twice");
                    }
                    ports.add(p);
                }
                ftpPorts = ports;
            }
            case "loose" -> ftpLoose = l.yesNo(ctx);
            case "min-data-port" -> ftpMinDataPort = l.port(ctx);
            case "expect-timeout" -> ftpExpectTimeoutMs = l.duration(ctx);
            case "max-expect-per-session" -> ftpMaxExpectPerSession = l.integer(ctx, 1, MAX_TABLE);
            case "max-expect" -> ftpMaxExpect = l.integer(ctx, 1, MAX_TABLE);
            case "max-line" -> ftpMaxLine = l.integer(ctx, MIN_MAX_LINE, 65535);
            case "hold-timeout" -> ftpHoldTimeoutMs = l.duration(ctx);
            case "verify-checksum" -> ftpVerifyChecksum = l.yesNo(ctx);
            case "sessions" -> ftpSessions = l.integer(ctx, 1, MAX_TABLE);
            case "strict" -> ftpStrict = l.yesNo(ctx);
            case "syntax-check" -> ftpSyntaxCheck = l.yesNo(ctx);
            case "mask-syst" -> ftpMaskSyst = l.yesNo(ctx);
            case "data-source-port" ->
                ftpStrictDataSourcePort = l.keyword("'any' or 'strict' after '" + ctx + "'", List.of("any", "strict"))
                        .equals("strict");
            case "max-command-line" -> ftpMaxCommandLine = l.offOrInteger(ctx, 64, 1 << 20);
            case "max-reply-line" -> ftpMaxReplyLine = l.offOrInteger(ctx, 64, 1 << 20);
            case "max-reply" -> ftpMaxReply = l.offOrInteger(ctx, 64, 1 << 24);
            case "keepalive" -> {
                if (l.peekIs("off")) {
                    l.next(ctx);
                    ftpKeepaliveMs = 0;
                } else {
                    ftpKeepaliveMs = l.duration(ctx);
                }
            }
            case "deny-command" -> {
                List<String> cmds = new ArrayList<>();
                do {
                    String w = l.next(ctx + " (an FTP command such as SITE)");
                    if (!w.matches("[A-Za-z]{3,4}")) {
                        throw l.error(ctx + ": '" + w + "' is not an FTP command (3 or 4 letters, e.g. SITE)");
                    }
                    String up = w.toUpperCase(java.util.Locale.ROOT);
                    if (cmds.contains(up)) {
                        throw l.error(ctx + ": " + up + " listed twice");
                    }
                    cmds.add(up);
                } while (!l.atEnd());
                ftpDenyCommands = cmds;
            }
            case "detect" -> ftpDetect = detect(l, ctx);
            default -> throw new AssertionError(s);
        }
    }

    /** {@code off}, {@code any}, or {@code ports} followed by ports and lo-hi ranges (no overlaps). */
    private static FtpDetect detect(Line l, String ctx) throws ConfigException {
        String w = l.keyword("'off', 'any' or 'ports' after '" + ctx + "'", List.of("off", "any", "ports"));
        switch (w) {
            case "off":
                return FtpDetect.OFF;
            case "any":
                return FtpDetect.ANY;
            default:
                List<FtpDetect.Range> ranges = new ArrayList<>();
                do {
                    int[] r = l.portRange(ctx + " ports");
                    for (FtpDetect.Range o : ranges) {
                        if (r[0] <= o.hi() && o.lo() <= r[1]) {
                            throw l.error(ctx + " ports: " + (r[0] == r[1] ? r[0] + "" : r[0] + "-" + r[1])
                                    + " overlaps " + o);
                        }
                    }
                    ranges.add(new FtpDetect.Range(r[0], r[1]));
                } while (!l.atEnd());
                return new FtpDetect(ranges);
        }
    }

    /** Each bound as given, or strict mode's default where not given (none outside strict mode). */
    private FtpConfig.LineLimits lineLimits() {
        FtpConfig.LineLimits d = ftpStrict ? FtpConfig.LineLimits.STRICT : FtpConfig.LineLimits.OFF;
        return new FtpConfig.LineLimits(
                ftpMaxCommandLine >= 0 ? ftpMaxCommandLine : d.command(),
                ftpMaxReplyLine >= 0 ? ftpMaxReplyLine : d.replyLine(),
                ftpMaxReply >= 0 ? ftpMaxReply : d.reply());
    }

    private void crossChecks() throws ConfigException {
        if (ftpMaxExpectPerSession > ftpMaxExpect) {
            int line = Math.max(
                    seen.getOrDefault("ftp max-expect-per-session", 0), seen.getOrDefault("ftp max-expect", 0));
            throw new ConfigException(
                    source,
                    line,
                    "ftp max-expect-per-session " + ftpMaxExpectPerSession + " is greater than ftp max-expect "
                            + ftpMaxExpect);
        }
    }

    private void once(Line l, String key) throws ConfigException {
        Integer first = seen.putIfAbsent(key, l.no);
        if (first != null) {
            throw l.error("duplicate '" + key + "' (already given on line " + first + "); it may appear only once");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Words

    /** Parses a duration, {@code 300}, {@code 300s}, {@code 1500ms}, {@code 5m}, {@code 2h}, {@code 5d}, to ms. */
    static long parseDuration(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException(
                    "'" + s + "' is not a duration (a whole number with an optional unit ms, s, m, h or d, e.g. 300s)");
        }
        String unit = s.substring(i);
        long mult = switch (unit) {
            case "ms" -> 1;
            case "", "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default ->
                throw new IllegalArgumentException(
                        "'" + s + "' has an unknown unit '" + unit + "' (expected ms, s, m, h or d)");
        };
        long ms;
        try {
            ms = Math.multiplyExact(Long.parseLong(s.substring(0, i)), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + s + "' is too long a duration");
        }
        if (ms == 0) {
            throw new IllegalArgumentException("'" + s + "' is zero; a duration must be greater than zero");
        }
        return ms;
    }

    /** Edit distance, for "did you mean" hints. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** One statement's words, consumed left to right. */
    private final class Line {
        final int no;
        final String[] words;
        int i;

        Line(int no, String[] words) {
            this.no = no;
            this.words = words;
        }

        ConfigException error(String detail) {
            return new ConfigException(source, no, detail);
        }

        boolean atEnd() {
            return i >= words.length;
        }

        boolean peekIs(String w) {
            return i < words.length && words[i].equals(w);
        }

        String next(String expected) throws ConfigException {
            if (atEnd()) {
                throw error("expected " + expected + ", found end of line");
            }
            return words[i++];
        }

        void end() throws ConfigException {
            if (!atEnd()) {
                throw error("unexpected '" + words[i] + "' after '"
                        + String.join(" ", List.of(words).subList(0, i)) + "' (expected end of line)");
            }
        }

        void expect(String word, String expected) throws ConfigException {
            String w = next(expected);
            if (!w.equals(word)) {
                throw error("expected " + expected + ", found '" + w + "'" + hint(w, List.of(word)));
            }
        }

        /** One of {@code options}; anything else names the word, the options and a likely intended one. */
        String keyword(String expected, List<String> options) throws ConfigException {
            String w = next(expected);
            if (options.contains(w)) {
                return w;
            }
            // List the choices unless the expectation already names them all.
            boolean named = expected.contains("(") || options.stream().allMatch(o -> expected.contains("'" + o + "'"));
            String list = named ? "" : " (one of: " + String.join(", ", options) + ")";
            String what = i == 1 ? "unknown keyword '" + w + "'" : "unknown word '" + w + "'";
            throw error(what + ", expected " + expected + list + hint(w, options));
        }

        private String hint(String w, List<String> options) {
            String lower = w.toLowerCase(Locale.ROOT);
            if (!lower.equals(w) && options.contains(lower)) {
                return "; keywords are lowercase: write '" + lower + "'";
            }
            String best = null;
            int bestD = 3;
            for (String o : options) {
                int d = distance(lower, o);
                if (d < bestD) {
                    bestD = d;
                    best = o;
                }
            }
            return best == null ? "" : "; did you mean '" + best + "'?";
        }

        /** {@code off} (0) or a number {@code min..max}. */
        int offOrInteger(String ctx, int min, int max) throws ConfigException {
            if (peekIs("off")) {
                next(ctx);
                return 0;
            }
            String w = next("'off' or a number " + min + ".." + max + " after '" + ctx + "'");
            return toInt(w, ctx, min, max);
        }

        int integer(String ctx, int min, int max) throws ConfigException {
            String w = next("a number " + min + ".." + max + " after '" + ctx + "'");
            return toInt(w, ctx, min, max);
        }

        private int toInt(String w, String ctx, int min, int max) throws ConfigException {
            if (w.isEmpty() || w.length() > 10 || !w.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw error(ctx + ": expected a whole number " + min + ".." + max + ", found '" + w + "'");
            }
            long v = Long.parseLong(w);
            if (v < min || v > max) {
                throw error(ctx + ": " + w + " is out of range " + min + ".." + max);
            }
            return (int) v;
        }

        int port(String ctx) throws ConfigException {
            return toInt(next("a port 1..65535 after '" + ctx + "'"), ctx, 1, 65535);
        }

        /** {@code <p>} or {@code <lo>-<hi>}, each 1..65535, lo <= hi; returns {lo, hi}. */
        int[] portRange(String ctx) throws ConfigException {
            String w = next("a port or port range (e.g. 1024-65535) after '" + ctx + "'");
            separateArrows(w, ctx);
            int dash = w.indexOf('-');
            if (dash < 0) {
                int p = toInt(w, ctx, 1, 65535);
                return new int[] {p, p};
            }
            int lo = toInt(w.substring(0, dash), ctx, 1, 65535);
            int hi = toInt(w.substring(dash + 1), ctx, 1, 65535);
            if (lo > hi) {
                throw error(
                        ctx + ": range '" + w + "' is reversed; write the lower port first (" + hi + "-" + lo + ")");
            }
            return new int[] {lo, hi};
        }

        private void separateArrows(String w, String ctx) throws ConfigException {
            if (w.contains("->")) {
                String arrow = w.contains("<->") ? "<->" : "->";
                throw error(ctx + ": '" + w + "' runs words together; write '" + arrow + "' as a separate word,"
                        + " with spaces around it");
            }
        }

        boolean yesNo(String ctx) throws ConfigException {
            return keyword("'yes' or 'no' after '" + ctx + "'", List.of("yes", "no"))
                    .equals("yes");
        }

        long duration(String ctx) throws ConfigException {
            String w = next("a duration (e.g. 300s, 5m, 1500ms) after '" + ctx + "'");
            try {
                return parseDuration(w);
            } catch (IllegalArgumentException e) {
                throw error(ctx + ": " + e.getMessage());
            }
        }

        IpAddress address(String w, String ctx) throws ConfigException {
            separateArrows(w, ctx);
            try {
                return IpAddress.parse(w);
            } catch (IllegalArgumentException e) {
                throw error(ctx + ": " + e.getMessage());
            }
        }

        IpPrefix prefix(String ctx) throws ConfigException {
            String w = next("a prefix <address>/<length> after '" + ctx + "'");
            try {
                return IpPrefix.parse(w);
            } catch (IllegalArgumentException e) {
                throw error(ctx + ": " + e.getMessage());
            }
        }

        MacAddress mac(String ctx) throws ConfigException {
            String w = next("a MAC address aa:bb:cc:dd:ee:ff after '" + ctx + "'");
            try {
                return MacAddress.parse(w);
            } catch (IllegalArgumentException e) {
                throw error(ctx + ": " + e.getMessage());
            }
        }
    }
}
