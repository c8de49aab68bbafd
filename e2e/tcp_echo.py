#!/usr/bin/python3
"""A TCP echo server on every address (IPv4 and IPv6), one thread per connection: for e2e/scenarios/reset.sh.
  tcp_echo.py PORT"""
import socket
import sys
import threading


def serve(c):
    with c:
        while True:
            try:
                data = c.recv(4096)
            except OSError:
                return
            if not data:
                return
            c.sendall(data)


s = socket.create_server(("::", int(sys.argv[1])), family=socket.AF_INET6, dualstack_ipv6=True)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
