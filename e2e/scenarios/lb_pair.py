#!/usr/bin/python3
"""Two concurrent ftplib sessions from ONE client to a load-balanced address, for e2e/scenarios/lb.sh.

Both sessions send PASV before either connects, so that two servers that offer the same passive port (the test
gives them a one-port range) are pending at the gateway for the same client at once: the expectation key
(client, virtual address, port) must still name one server each, so the gateway advertises the second one on
another port. Then B's data connection is made first, then A's; each must reach its own session's server.

  lb_pair.py --host H [--port P]
Prints BANNER A|B <text>, PASV A|B <ip> <port>, WHOAMI A|B <content>; the last line says RESULT.
"""
import argparse
import ftplib
import re
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", required=True)
ap.add_argument("--port", type=int, default=21)
a = ap.parse_args()

step = "connect"
try:
    sessions = {}
    for name in "AB":
        f = ftplib.FTP(timeout=6)
        banner = f.connect(a.host, a.port)
        print(f"BANNER {name} {banner[4:].strip()}", flush=True)
        f.login("anonymous", "e2e@example.com")
        f.voidcmd("TYPE I")
        sessions[name] = f
    endpoints = {}
    for name in "AB":
        step = f"PASV {name}"
        resp = sessions[name].sendcmd("PASV")
        m = re.search(r"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", resp)
        if not m:
            raise RuntimeError(f"unparsable 227: {resp}")
        n = [int(x) for x in m.groups()]
        endpoints[name] = (".".join(map(str, n[:4])), n[4] * 256 + n[5])
        print(f"PASV {name} {endpoints[name][0]} {endpoints[name][1]}", flush=True)
    for name in "BA":
        step = f"RETR {name}"
        f = sessions[name]
        with socket.create_connection(endpoints[name], 6) as s:
            f.sendcmd("RETR pub/whoami.txt")
            chunks = []
            while True:
                b = s.recv(4096)
                if not b:
                    break
                chunks.append(b)
        f.voidresp()
        print(f"WHOAMI {name} " + b"".join(chunks).decode().strip(), flush=True)
    for f in sessions.values():
        f.quit()
    print("RESULT ok")
except Exception as e:  # noqa: BLE001 - any failure is the answer
    print(f"RESULT failed at {step}: {type(e).__name__}: {e}")
    sys.exit(1)
