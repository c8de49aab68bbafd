package io.ftpalg.cli.analyze;

/**
 * The failure modes {@code ftp-alg analyze} recognises, with their stable ids (scripts rely on them, never
 * rename one) and the fix the problem statement (docs/PROBLEM.md) gives for each.
 */
enum Mode {
    PORT_ADDRESS_NOT_REWRITTEN(
            "port-address-not-rewritten",
            "PORT/EPRT names an address no device rewrote",
            "Client behind NAT, active mode: the NAT needs an FTP ALG that rewrites PORT/EPRT to its external"
                    + " address (and a port it maps) and lets the server's connection back in to exactly that"
                    + " mapping (ftp-alg: snat). Or use passive mode."),
    PASV_ADDRESS_PRIVATE(
            "pasv-address-private",
            "227 names the server's private address",
            "Server behind NAT, passive mode: the NAT needs an FTP ALG that rewrites the 227 reply to its external"
                    + " address and maps the client's data connection to the inside server (ftp-alg: dnat), or the"
                    + " server must advertise its public address itself (vsftpd pasv_address)."),
    DATA_CONNECTION_UNANSWERED(
            "data-connection-unanswered",
            "the negotiated data connection got no answer",
            "Restrictive firewall: only the control port is open. A firewall with an FTP ALG watches the"
                    + " negotiation and opens a pinhole for exactly one connection, from the control peer's"
                    + " address only, to exactly the negotiated port, closed after use or a short timeout"
                    + " (ftp-alg: bridge or router mode, firewall inbound deny)."),
    DATA_CONNECTION_RESET(
            "data-connection-reset",
            "the negotiated data connection was reset",
            "A device (or the peer) answered the data connection with a TCP reset: no state or no pinhole for it."
                    + " An FTP ALG on that device opens a pinhole for exactly the negotiated connection; on a NAT,"
                    + " it also maps it to the right inside host."),
    DATA_CONNECTION_ICMP_ERROR(
            "data-connection-icmp-error",
            "the negotiated data connection got an ICMP error",
            "A router or firewall refused the data connection with an ICMP error (unreachable, administratively"
                    + " prohibited). An FTP ALG on that device opens a pinhole for exactly the negotiated"
                    + " connection."),
    DATA_CONNECTION_NEVER_SEEN(
            "data-connection-never-seen",
            "a negotiated data connection never appeared in the capture",
            "The data connection was blocked before it reached the capture point, or went to an address that"
                    + " does not route here. Capture on the other side too; an FTP ALG on the NAT or firewall in"
                    + " between rewrites the address and opens the pinhole."),
    DEADLOCK_BOTH_SIDES(
            "deadlock-both-sides",
            "both active and passive data connections failed",
            "Both directions are blocked (restrictive firewalls or NAT on both sides): neither mode can work"
                    + " without an FTP ALG on the blocking device(s) that opens the negotiated connection."),
    NONSTANDARD_PORT_NOT_INSPECTED(
            "nonstandard-port-not-inspected",
            "control on a non-standard port, and no device helped",
            "Non-standard ports: devices that only know port 21 give no ALG help here. Configure the ALG for this"
                    + " port (ftp-alg: ftp ports 21,PORT) or let it recognise FTP on any port (ftp detect any)."),
    DATA_SOURCE_PORT_REFUSED(
            "data-source-port-refused",
            "active-mode data from a port other than 20 / N-1 was refused",
            "Active-mode data from port 20 (or N-1, N the control port): some client-side firewalls insist on it."
                    + " Make the server connect from port 20 (vsftpd connect_from_port_20=YES), or let an FTP ALG"
                    + " accept exactly the negotiated connection whatever its source port."),
    CONTROL_TIMEOUT_DURING_TRANSFER(
            "control-timeout-during-transfer",
            "the control connection went silent during a transfer and then got no answer",
            "Control connection idle during a long transfer: a device expired the idle control connection. An"
                    + " ALG that knows the two are related keeps the control connection alive while its data"
                    + " connection is active (ftp-alg does); otherwise raise the device's idle timeout or let"
                    + " the client send keepalives."),
    LOAD_BALANCER_BACKEND_MISMATCH(
            "load-balancer-backend-mismatch",
            "a data connection reached another backend than its control connection",
            "Server behind a load balancer: every data connection must reach the same inside server as its"
                    + " control connection, and the 227 must carry the load balancer's public address (ftp-alg:"
                    + " dnat ... select client-hash, data connections follow their control connection)."),
    CONTROL_ENCRYPTED(
            "control-encrypted",
            "the control connection is encrypted (AUTH TLS): no device can read or rewrite it",
            "FTPS encrypts the control connection: no ALG can read it. Configure the server with its public"
                    + " address and a fixed passive port range and open that range on the firewall, or use SFTP"
                    + " (one connection, no ALG needed)."),
    SPLIT_COMMAND_STALLED(
            "split-command-stalled",
            "a command split across segments was never acknowledged",
            "A device between the two dropped a command split over segments (some ALGs drop what they cannot"
                    + " parse in one segment). The ALG must follow a line across segments (ftp-alg holds the"
                    + " partial line) instead of dropping it."),
    REWRITE_WRONG(
            "rewrite-wrong",
            "the device between the two captured sides changed a line wrongly",
            "The device's rewrite is wrong: the address must be the one the other side sees, the rest of the line"
                    + " unchanged, and after a length change every later sequence number in that direction and"
                    + " every acknowledgement in the other must be shifted by the difference. Compare with"
                    + " ftp-alg replay --verify.");

    final String id;
    final String title;
    final String fix;

    Mode(String id, String title, String fix) {
        this.id = id;
        this.title = title;
        this.fix = fix;
    }
}
