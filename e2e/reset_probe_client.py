#!/usr/bin/python3
"""A TCP client that sends, falls silent past the gateway's idle timeout, then sends again: for
e2e/scenarios/reset.sh (PROBLEM.md scenario 6).

  reset_probe_client.py HOST PORT IDLE_SECONDS WAIT_SECONDS
Connects, sends a line, reads the echo, sleeps IDLE_SECONDS, sends another line and waits at most WAIT_SECONDS for
the answer. Last line: "RESULT reset after X.XXs" (the connection was reset), "RESULT answered" or
"RESULT no answer after X.XXs" (silence: what a program sees when a gateway drops state silently).
"""
import socket
import sys
import time

host, port, idle, wait = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
c = socket.create_connection((host, port), timeout=5)
c.sendall(b"hello\n")
print("first answer:", c.recv(100), flush=True)
time.sleep(idle)
c.settimeout(wait)
t0 = time.monotonic()
try:
    c.sendall(b"are you there?\n")
    data = c.recv(100)
    dt = time.monotonic() - t0
    if data:
        print("RESULT answered")
    else:
        print(f"RESULT closed after {dt:.2f}s")
except ConnectionResetError:
    print(f"RESULT reset after {time.monotonic() - t0:.2f}s")
except socket.timeout:
    print(f"RESULT no answer after {time.monotonic() - t0:.2f}s")
