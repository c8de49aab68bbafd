#!/usr/bin/python3
"""A line-based, SMTP-like dialogue for e2e/scenarios/anyport.sh: a protocol that opens like FTP (the server
greets with "220 ...") but is not FTP (the client's first command is EHLO), and whose later text holds a
PORT-looking line (client) and a 227-looking line (server). An FTP ALG that took it for FTP would rewrite those
lines and open a pinhole; ftp-alg must leave every byte as it is.

  anyport_smtp.py server ADDRESS PORT RECEIVED_FILE    serve one connection per accept (bounded), logging the
                                                       exact bytes received to RECEIVED_FILE (appended)
  anyport_smtp.py client HOST PORT PORT_LINE           play the dialogue; print RECEIVED <hex> (exact bytes from
                                                       the server) and SENT <hex>; exit 0 when it completed
"""
import socket
import sys

GREETING = b"220 mail.example ESMTP anyport-test\r\n"
EHLO_REPLY = b"250-mail.example\r\n250 8BITMIME\r\n"


def server_text(port_line):
    # The reply to the PORT-looking line: a 227-looking line naming the server's own address.
    return b"502 5.5.2 unrecognized: " + port_line.strip() + b"\r\n227 Entering Passive Mode (198,51,100,21,195,81)\r\n"


def read_line(f):
    line = f.readline(1024)
    if not line.endswith(b"\n"):
        raise EOFError("connection closed mid-line")
    return line


def serve(addr, port, received_file):
    srv = socket.create_server((addr, port))
    srv.settimeout(120)
    for _ in range(16):  # bounded: one connection per test case
        c, _ = srv.accept()
        c.settimeout(20)
        got = b""
        try:
            f = c.makefile("rb")
            c.sendall(GREETING)
            got += read_line(f)  # EHLO
            c.sendall(EHLO_REPLY)
            port_line = read_line(f)
            got += port_line
            c.sendall(server_text(port_line))
            got += read_line(f)  # QUIT
            c.sendall(b"221 2.0.0 Bye\r\n")
        except (OSError, EOFError):
            pass
        finally:
            with open(received_file, "ab") as out:
                out.write(got.hex().encode() + b"\n")
            c.close()


def client(host, port, port_line):
    s = socket.create_connection((host, port), timeout=10)
    f = s.makefile("rb")
    sent = b""
    got = read_line(f)
    for line in (b"EHLO client.example\r\n", port_line.encode() + b"\r\n", b"QUIT\r\n"):
        s.sendall(line)
        sent += line
        got += read_line(f)
        if line.startswith(b"EHLO"):
            got += read_line(f)
        elif not line.startswith(b"QUIT"):
            got += read_line(f)
    s.close()
    print("RECEIVED " + got.hex())
    print("SENT " + sent.hex())
    expected = GREETING + EHLO_REPLY + server_text(port_line.encode()) + b"221 2.0.0 Bye\r\n"
    print("SERVER-TEXT-INTACT " + ("yes" if got == expected else "no"))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4])
