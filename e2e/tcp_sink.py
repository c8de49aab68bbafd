#!/usr/bin/python3
"""A TCP listener that accepts and closes, on every address (IPv4 and IPv6): the target of the 'port that was
not negotiated' probes, so that a refusal there is the gateway's doing and not a missing listener.
  tcp_sink.py PORT"""
import socket
import sys

s = socket.create_server(("::", int(sys.argv[1])), family=socket.AF_INET6, dualstack_ipv6=True)
while True:
    c, _ = s.accept()
    c.close()
