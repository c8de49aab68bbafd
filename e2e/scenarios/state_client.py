#!/usr/bin/python3
"""One FTP session for e2e/scenarios/restart.sh: a long RETR, then LIST and another RETR on the same control
connection (each a new PORT/PASV negotiation), so that a gateway restarted during the long RETR must have kept
the control connection's state (its sequence offset after a rewrite) for the later commands to work.

  state_client.py --host H --mode pasv|active --big REMOTE=SHA256 --small REMOTE=SHA256 [--timeout S]

Prints ftplib's transcript (*cmd* / *resp*), "BIG started" once the long transfer's first bytes arrived, and a
last line RESULT ok / RESULT failed at STEP: why. Exit 0 only when everything matched its sha256.
"""
import argparse
import ftplib
import hashlib
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", required=True)
ap.add_argument("--port", type=int, default=21)
ap.add_argument("--mode", choices=["pasv", "active"], required=True)
ap.add_argument("--big", required=True)
ap.add_argument("--small", required=True)
ap.add_argument("--timeout", type=float, default=60.0)
a = ap.parse_args()

ftp = ftplib.FTP(timeout=a.timeout)
ftp.set_debuglevel(1)
ftp.trust_server_pasv_ipv4_address = True
step = "connect"


def retr(spec, marker=None):
    remote, want = spec.split("=", 1)
    h = hashlib.sha256()
    seen = [0]

    def got(b):
        if seen[0] == 0 and marker:
            print(marker, flush=True)
        seen[0] += len(b)
        h.update(b)

    ftp.retrbinary("RETR " + remote, got)
    if h.hexdigest() != want:
        raise RuntimeError(f"RETR {remote}: {seen[0]} bytes, sha256 {h.hexdigest()} != {want}")
    print(f"RETR {remote}: {seen[0]} bytes, sha256 ok", flush=True)


try:
    ftp.connect(a.host, a.port)
    step = "login"
    ftp.login("anonymous", "e2e@example.com")
    ftp.set_pasv(a.mode == "pasv")
    step = "RETR big"
    retr(a.big, "BIG started")
    step = "LIST"
    lines = []
    ftp.retrlines("LIST pub", lines.append)
    print(f"LIST pub: {len(lines)} lines", flush=True)
    if len(lines) < 2:
        raise RuntimeError("LIST pub: fewer than 2 lines")
    step = "RETR small"
    retr(a.small)
    step = "QUIT"
    ftp.quit()
    print("RESULT ok")
except Exception as e:  # noqa: BLE001 - any failure is the answer
    print(f"RESULT failed at {step}: {type(e).__name__}: {e}")
    sys.exit(1)
