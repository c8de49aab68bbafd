#!/usr/bin/python3
"""pyftpdlib server for the capacity test of scripts/bench-e2e: anonymous, read-only, one process (epoll), so
that thousands of idle logged-in sessions cost no process each.

  pyftpd_hold.py ROOT ADDRESS PORT MAX_CONS
"""
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

root, addr, port, maxc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
logging.basicConfig(level=logging.WARNING)
auth = DummyAuthorizer()
auth.add_anonymous(root, perm="elr")
FTPHandler.authorizer = auth
FTPHandler.passive_ports = range(41000, 41999)
FTPHandler.timeout = 300
FTPServer.max_cons = maxc
FTPServer.max_cons_per_ip = 0
server = FTPServer((addr, port), FTPHandler, backlog=4096)
server.serve_forever(timeout=1)
