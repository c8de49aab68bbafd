#!/usr/bin/python3
"""One FTP session with several transfers on one control connection, for scripts/ftp-e2e.

Prints Python ftplib's own debug transcript (*cmd* / *resp* lines) so that the caller can check which data
command (PORT, EPRT, PASV, EPSV) was used. ftplib picks PASV/PORT on IPv4 and EPSV/EPRT on IPv6; it would
ignore the address of a 227 reply unless trust_server_pasv_ipv4_address is set (docs/TESTING.md), so it is.

  ftplib_client.py --host H --port P --mode pasv|active [--list DIR] [--get REMOTE=SHA256]... [--put LOCAL=REMOTE]...
Exit 0 when every transfer completed and every download matched its sha256; the last line says RESULT.
"""
import argparse
import ftplib
import hashlib
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", required=True)
ap.add_argument("--port", type=int, default=21)
ap.add_argument("--mode", choices=["pasv", "active"], required=True)
ap.add_argument("--list", action="append", default=[])
ap.add_argument("--get", action="append", default=[])
ap.add_argument("--put", action="append", default=[])
ap.add_argument("--timeout", type=float, default=6.0)
a = ap.parse_args()

ftp = ftplib.FTP(timeout=a.timeout)
ftp.set_debuglevel(1)
ftp.trust_server_pasv_ipv4_address = True
step = "connect"
try:
    ftp.connect(a.host, a.port)
    step = "login"
    ftp.login("anonymous", "e2e@example.com")
    print("LOGIN ok", flush=True)
    ftp.set_pasv(a.mode == "pasv")
    for d in a.list:
        step = "LIST " + d
        lines = []
        ftp.retrlines("LIST " + d, lines.append)
        print(f"LIST {d}: {len(lines)} lines", flush=True)
    for g in a.get:
        remote, want = g.split("=", 1)
        step = "RETR " + remote
        h = hashlib.sha256()
        ftp.retrbinary("RETR " + remote, h.update)
        if h.hexdigest() != want:
            raise RuntimeError(f"RETR {remote}: sha256 {h.hexdigest()} != {want}")
        print(f"RETR {remote}: sha256 ok", flush=True)
    for p in a.put:
        local, remote = p.split("=", 1)
        step = "STOR " + remote
        with open(local, "rb") as f:
            ftp.storbinary("STOR " + remote, f)
        print(f"STOR {remote}: done", flush=True)
    step = "QUIT"
    ftp.quit()
    print("RESULT ok")
except Exception as e:  # noqa: BLE001 - any failure is the answer
    print(f"RESULT failed at {step}: {type(e).__name__}: {e}")
    sys.exit(1)
