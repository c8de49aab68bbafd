#!/usr/bin/python3
"""One FTP session that logs in, leaves its control connection idle, then uses it again: for
e2e/scenarios/keepalive.sh (PROBLEM.md scenario 5).

  idle_ftp_client.py --host H [--port P] --idle SECONDS --get REMOTE=SHA256 [--timeout S]
Logs in (passive mode), sleeps SECONDS with nothing on the control connection, then sends NOOP and downloads
REMOTE, checking its sha256. The last line says RESULT ok, or RESULT failed at STEP: ERROR (exit 1).
"""
import argparse
import ftplib
import hashlib
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--host", required=True)
ap.add_argument("--port", type=int, default=21)
ap.add_argument("--idle", type=float, required=True)
ap.add_argument("--get", required=True)
ap.add_argument("--timeout", type=float, default=4.0)
a = ap.parse_args()

ftp = ftplib.FTP(timeout=a.timeout)
ftp.trust_server_pasv_ipv4_address = True
step = "connect"
try:
    ftp.connect(a.host, a.port)
    step = "login"
    ftp.login("anonymous", "e2e@example.com")
    ftp.set_pasv(True)
    print("LOGIN ok", flush=True)
    time.sleep(a.idle)
    step = "NOOP after idle"
    t0 = time.monotonic()
    print("NOOP:", ftp.voidcmd("NOOP"), flush=True)
    remote, want = a.get.split("=", 1)
    step = "RETR " + remote
    h = hashlib.sha256()
    ftp.retrbinary("RETR " + remote, h.update)
    if h.hexdigest() != want:
        raise RuntimeError(f"RETR {remote}: sha256 {h.hexdigest()} != {want}")
    print(f"RETR {remote}: sha256 ok", flush=True)
    ftp.quit()
    print("RESULT ok")
except Exception as e:  # noqa: BLE001 - any failure is the answer
    print(f"RESULT failed at {step}: {type(e).__name__}: {e}")
    sys.exit(1)
