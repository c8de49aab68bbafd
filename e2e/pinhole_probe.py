#!/usr/bin/python3
"""Scenario 3 pinhole probe (firewall, no NAT), for scripts/ftp-e2e.

Negotiates one data connection on a real control connection (PASV, EPSV, PORT or EPRT), then, while the
pinhole should be open:
  1. a THIRD host (another namespace, on the side the data connection comes from) connects to the negotiated
     address and port: must be refused (the pinhole admits the control peer's address only);
  2. the side that would open the data connection connects to a port that was NOT negotiated, where a listener
     is waiting: must be refused;
  3. the real data connection is made and a LIST goes over it: must work (so 1 and 2 are not refused merely
     because nothing gets through).
  pinhole_probe.py --host SRV --port 21 --cmd PASV|EPSV|PORT|EPRT --third-ns NS
                   --unneg-ns NS --unneg-host H --unneg-port P
  pinhole_probe.py connect HOST PORT TIMEOUT     (exit 0 if a TCP connection was established)
"""
import argparse
import ftplib
import socket
import subprocess
import sys

PY = sys.executable
ME = __file__


def tcp_connect(host, port, timeout):
    try:
        with socket.create_connection((host, int(port)), timeout=float(timeout)):
            return True
    except OSError:
        return False


def connect_from(ns, host, port, timeout=3):
    """TCP connect from namespace ns (None: this one). True when the connection was established."""
    if not ns:
        return tcp_connect(host, port, timeout)
    r = subprocess.run(["ip", "netns", "exec", ns, PY, ME, "connect", host, str(port), str(timeout)],
                       timeout=timeout + 5)
    return r.returncode == 0


if len(sys.argv) > 1 and sys.argv[1] == "connect":
    sys.exit(0 if tcp_connect(sys.argv[2], sys.argv[3], sys.argv[4]) else 1)

ap = argparse.ArgumentParser()
ap.add_argument("--host", required=True)
ap.add_argument("--port", type=int, default=21)
ap.add_argument("--cmd", choices=["PASV", "EPSV", "PORT", "EPRT"], required=True)
ap.add_argument("--third-ns", required=True)
ap.add_argument("--unneg-ns", default="")
ap.add_argument("--unneg-host", required=True)
ap.add_argument("--unneg-port", type=int, required=True)
a = ap.parse_args()

ftp = ftplib.FTP(timeout=6)
ftp.set_debuglevel(1)
ftp.connect(a.host, a.port)
ftp.login("anonymous", "e2e@example.com")
print("LOGIN ok", flush=True)
ftp.voidcmd("TYPE A")
res = {}
if a.cmd in ("PASV", "EPSV"):
    resp = ftp.sendcmd(a.cmd)
    if a.cmd == "PASV":
        host, port = ftplib.parse227(resp)
    else:
        host, port = ftplib.parse229(resp, ftp.sock.getpeername())
    res["third"] = "CONNECTED" if connect_from(a.third_ns, host, port) else "refused"
    res["unneg"] = "CONNECTED" if connect_from(a.unneg_ns, a.unneg_host, a.unneg_port) else "refused"
    try:
        data = socket.create_connection((host, port), timeout=4)
        ftp.sendcmd("LIST")
        n = 0
        while True:
            b = data.recv(65536)
            if not b:
                break
            n += len(b)
        data.close()
        ftp.voidresp()
        res["own"] = "ok"
    except Exception as e:  # noqa: BLE001
        res["own"] = f"failed({type(e).__name__}: {e})"
else:
    local = ftp.sock.getsockname()[0]
    fam = ftp.sock.family
    lsock = socket.socket(fam, socket.SOCK_STREAM)
    lsock.bind((local, 0))
    lsock.listen(4)
    lsock.settimeout(8)
    port = lsock.getsockname()[1]
    if a.cmd == "PORT":
        ftp.sendcmd("PORT " + ",".join(local.split(".") + [str(port >> 8), str(port & 255)]))
    else:
        ftp.sendcmd(f"EPRT |{2 if fam == socket.AF_INET6 else 1}|{local}|{port}|")
    res["third"] = "CONNECTED" if connect_from(a.third_ns, local, port) else "refused"
    res["unneg"] = "CONNECTED" if connect_from(a.unneg_ns, a.unneg_host, a.unneg_port) else "refused"
    if res["third"] == "CONNECTED":  # take that connection away so the server's is the one read below
        try:
            lsock.accept()[0].close()
        except OSError:
            pass
    try:
        ftp.sendcmd("LIST")
        conn, peer = lsock.accept()
        conn.settimeout(6)
        while conn.recv(65536):
            pass
        conn.close()
        ftp.voidresp()
        res["own"] = "ok"
    except Exception as e:  # noqa: BLE001
        res["own"] = f"failed({type(e).__name__}: {e})"
try:
    ftp.quit()
except Exception:  # noqa: BLE001
    pass
print("PROBE " + " ".join(f"{k}={v}" for k, v in res.items()))
ok = res["third"] == "refused" and res["unneg"] == "refused" and res["own"] == "ok"
print("RESULT " + ("ok" if ok else "failed"))
sys.exit(0 if ok else 1)
