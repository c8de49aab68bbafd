#!/usr/bin/python3
"""Load generators for scripts/bench-e2e (run in the client namespace). Every loop is bounded in time.

  ftp_load.py sessions --host H [--port 21] --workers N [--threads T] --seconds S
      N processes x T threads, each in a loop: connect, login (anonymous), PASV (trust_server_pasv_ipv4_address: the
      address in the 227 reply is used, so the gateway's rewrite is exercised), LIST, QUIT, for S seconds.
      Prints "ok N fail F elapsed E pasv P" (P: PASV commands sent, checked = ok).
  ftp_load.py connect --host H --port P --workers N [--threads T] --seconds S
      N processes x T threads, each in a loop: TCP connect, wait for the server to close (the sink accepts and closes),
      close, for S seconds: TCP connection establishment (and tear-down) through the gateway.
      Prints "ok N fail F elapsed E".
  ftp_load.py hold --host H [--port 21] --count K [--parallel 100] [--seconds T] [--ready FILE]
      Opens K FTP control connections and logs each in (220, USER, 331, PASS, 230), at most --parallel
      at a time, then holds them all open for up to T seconds (or until SIGTERM), then QUITs.
      Writes "held N fail F elapsed E" to stdout (and to --ready FILE) once every attempt has finished.
"""
import argparse
import asyncio
import ftplib
import multiprocessing as mp
import signal
import socket
import sys
import time


def _sessions_worker(host, port, seconds, q):
    ok = fail = pasv = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            f = ftplib.FTP(timeout=5)
            f.trust_server_pasv_ipv4_address = True
            try:
                f.connect(host, port)
                f.login("anonymous", "bench@")
                f.set_pasv(True)
                lines = []
                pasv += 1  # ftplib sends PASV for IPv4 in passive mode (makepasv)
                f.retrlines("LIST", lines.append)
                f.quit()
                ok += 1
            finally:
                f.close()
        except Exception:
            fail += 1
    q.put((ok, fail, pasv))


def _connect_worker(host, port, seconds, q):
    ok = fail = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(3)
        try:
            s.connect((host, port))
            s.recv(1)  # EOF: the sink closed first (its side keeps the TIME_WAIT)
            ok += 1
        except Exception:
            fail += 1
        finally:
            s.close()
    q.put((ok, fail, 0))


def _threaded(target, host, port, seconds, threads, q):
    """One process: THREADS threads each running TARGET's loop (blocking calls release the GIL, so threads
    keep several sessions in flight per process); puts the process's sums on Q."""
    import queue
    import threading

    tq = queue.Queue()
    ts = [threading.Thread(target=target, args=(host, port, seconds, tq)) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(seconds + 30)
    res = [tq.get_nowait() for _ in range(tq.qsize())]
    q.put(tuple(sum(r[i] for r in res) for i in range(3)))


def _run_workers(target, args):
    q = mp.Queue()
    t0 = time.monotonic()
    ps = [
        mp.Process(target=_threaded, args=(target, args.host, args.port, args.seconds, args.threads, q))
        for _ in range(args.workers)
    ]
    for p in ps:
        p.start()
    res = [q.get(timeout=args.seconds + 30) for _ in ps]
    for p in ps:
        p.join(10)
    el = time.monotonic() - t0
    return sum(r[0] for r in res), sum(r[1] for r in res), sum(r[2] for r in res), el


async def _login(host, port, timeout):
    r, w = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)

    async def reply():
        while True:
            line = await asyncio.wait_for(r.readline(), timeout)
            if not line:
                raise ConnectionError("closed")
            if len(line) >= 4 and line[3:4] == b" ":
                return line[:3]

    if await reply() != b"220":
        raise ConnectionError("no 220")
    w.write(b"USER anonymous\r\n")
    if await reply() not in (b"331", b"230"):
        raise ConnectionError("USER refused")
    w.write(b"PASS bench@\r\n")
    if await reply() != b"230":
        raise ConnectionError("PASS refused")
    return r, w


async def _hold(args):
    sem = asyncio.Semaphore(args.parallel)
    conns = []
    fail = 0

    async def one():
        nonlocal fail
        async with sem:
            try:
                conns.append(await _login(args.host, args.port, 10))
            except Exception:
                fail += 1

    t0 = time.monotonic()
    await asyncio.gather(*(one() for _ in range(args.count)))
    line = f"held {len(conns)} fail {fail} elapsed {time.monotonic() - t0:.2f}"
    print(line, flush=True)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write(line + "\n")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), args.seconds)
    except asyncio.TimeoutError:
        pass
    for r, w in conns:
        try:
            w.write(b"QUIT\r\n")
            w.close()
        except Exception:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["sessions", "connect", "hold"])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=21)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--parallel", type=int, default=100)
    ap.add_argument("--ready")
    args = ap.parse_args()
    if not 0 < args.seconds <= 600:
        sys.exit("--seconds must be in (0, 600]")
    if args.mode == "sessions":
        ok, fail, pasv, el = _run_workers(_sessions_worker, args)
        print(f"ok {ok} fail {fail} elapsed {el:.3f} pasv {pasv}")
    elif args.mode == "connect":
        ok, fail, _, el = _run_workers(_connect_worker, args)
        print(f"ok {ok} fail {fail} elapsed {el:.3f}")
    else:
        asyncio.run(_hold(args))


if __name__ == "__main__":
    main()
