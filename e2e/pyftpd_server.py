#!/usr/bin/python3
"""pyftpdlib server for scripts/ftp-e2e: anonymous, read/write, fixed passive port range, one address family.

  pyftpd_server.py ROOT ADDRESS PORT PASV_LO PASV_HI
pyftpdlib writes its 227 text in lower case and answers 125 where others answer 150 (docs/TESTING.md);
permit_foreign_addresses stays False so that a PORT/EPRT naming another address than the client's is refused.
"""
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

root, addr, port, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
logging.basicConfig(level=logging.INFO)
auth = DummyAuthorizer()
auth.add_anonymous(root, perm="elradfmwMT")
FTPHandler.authorizer = auth
FTPHandler.passive_ports = range(lo, hi + 1)
FTPHandler.permit_foreign_addresses = False
FTPHandler.permit_privileged_ports = False
FTPHandler.timeout = 60
server = FTPServer((addr, port), FTPHandler)
server.serve_forever(timeout=1)
