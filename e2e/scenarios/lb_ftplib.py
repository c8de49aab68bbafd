#!/usr/bin/python3
"""One ftplib session with several data connections, for the load-balancer and port-20 scenario tests.

Says which server answered, through every channel of the session: the greeting (each test server has its own
banner), a LIST of pub/ (each holds its own marker file) and two downloads of pub/whoami.txt (each says its
server's name), all on ONE control connection. For every data connection it prints the peer address and port
as this client's own socket sees it (getpeername: in active mode the server's connection as it arrived here,
so its source port; in passive mode where the 227/229 sent us). ftplib uses PASV/PORT on IPv4 and EPSV/EPRT on
IPv6; the 227 address is trusted (docs/TESTING.md), so a wrong rewrite fails here. Transcript on stdout:

  BANNER <text>          LIST <name>...          WHOAMI <content>          DATA <peer-ip> <peer-port>
  RESULT ok | RESULT failed at <step>: <error>

  lb_ftplib.py --host H [--port P] --mode pasv|active [--gets N] [--timeout S]
"""
import argparse
import ftplib
import sys


class Probe(ftplib.FTP):
    def ntransfercmd(self, cmd, rest=None):
        conn, size = super().ntransfercmd(cmd, rest)
        peer = conn.getpeername()
        print(f"DATA {peer[0]} {peer[1]}", flush=True)
        return conn, size


ap = argparse.ArgumentParser()
ap.add_argument("--host", required=True)
ap.add_argument("--port", type=int, default=21)
ap.add_argument("--mode", choices=["pasv", "active"], required=True)
ap.add_argument("--gets", type=int, default=2)
ap.add_argument("--timeout", type=float, default=6.0)
a = ap.parse_args()

ftp = Probe(timeout=a.timeout)
ftp.set_debuglevel(1)
ftp.trust_server_pasv_ipv4_address = True
step = "connect"
try:
    banner = ftp.connect(a.host, a.port)
    print(f"BANNER {banner[4:].strip()}", flush=True)
    step = "login"
    ftp.login("anonymous", "e2e@example.com")
    ftp.set_pasv(a.mode == "pasv")
    step = "NLST pub"
    names = ftp.nlst("pub")
    print("LIST " + " ".join(sorted(n.rsplit("/", 1)[-1] for n in names)), flush=True)
    for i in range(a.gets):
        step = f"RETR pub/whoami.txt ({i + 1})"
        chunks = []
        ftp.retrbinary("RETR pub/whoami.txt", chunks.append)
        print("WHOAMI " + b"".join(chunks).decode().strip(), flush=True)
    step = "QUIT"
    ftp.quit()
    print("RESULT ok")
except Exception as e:  # noqa: BLE001 - any failure is the answer
    print(f"RESULT failed at {step}: {type(e).__name__}: {e}")
    sys.exit(1)
