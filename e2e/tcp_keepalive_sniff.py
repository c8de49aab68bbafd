#!/usr/bin/python3
"""Counts TCP keepalive probes arriving at a host: for e2e/scenarios/keepalive.sh.

  tcp_keepalive_sniff.py IFACE PORT SECONDS
Listens on IFACE (AF_PACKET, run it in the receiving host's namespace) for SECONDS and prints, per TCP segment
sent TO local PORT, nothing; at the end one line "probes N segments M". A probe (RFC 9293 3.8.4) is a segment
with ACK, no SYN/FIN/RST, no payload (or one byte), whose sequence number is one below the end of the data the
same sender sent before (SND.NXT - 1). Ethernet, IPv4 and IPv6 (no extension headers).
"""
import select
import socket
import struct
import sys
import time

iface, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
s.bind((iface, 0))
nxt = {}  # (src, sport) -> end of the data seen from it
probes = segments = 0
end = time.monotonic() + seconds
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    r, _, _ = select.select([s], [], [], min(left, 0.5))
    if not r:
        continue
    frame, addr = s.recvfrom(65535)
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x0800:
        ihl = (frame[14] & 0xF) * 4
        if frame[23] != 6:
            continue
        total = struct.unpack("!H", frame[16:18])[0]
        src = frame[26:30]
        tcp = 14 + ihl
        l4len = total - ihl
    elif et == 0x86DD:
        if frame[20] != 6:
            continue
        src = frame[22:38]
        tcp = 54
        l4len = struct.unpack("!H", frame[18:20])[0]
    else:
        continue
    sport, dport, seq = struct.unpack("!HHI", frame[tcp : tcp + 8])
    if dport != port:
        continue
    segments += 1
    off = (frame[tcp + 12] >> 4) * 4
    flags = frame[tcp + 13]
    plen = l4len - off
    key = (src, sport)
    seg_end = (seq + plen + (1 if flags & 0x03 else 0)) & 0xFFFFFFFF
    if key in nxt and flags & 0x10 and not flags & 0x07 and plen <= 1 and seq == (nxt[key] - 1) & 0xFFFFFFFF:
        probes += 1
        continue
    if key not in nxt or ((seg_end - nxt[key]) & 0xFFFFFFFF) < 0x80000000:
        nxt[key] = seg_end
print(f"probes {probes} segments {segments}", flush=True)
