#!/usr/bin/env bash
# Scenario 5 (PROBLEM.md): the control connection of an FTP session is idle during a long transfer.
#
#   A  ftp-alg with `timeout tcp-established 3s`; vsftpd sends a 1.5 MB file at 120 kB/s (about 12 s, four times
#      the control idle timeout) to Python ftplib, passive mode, through source NAT. The 226 must arrive, a
#      second RETR on the same control connection must work (sha256 both), and ftp-alg's counters must show that
#      it kept the control connection (ftp-control-kept-alive > 0): without that it would have expired after 3 s.
#   B  The same with `ftp keepalive 1s`: a session idles 7 s on its control connection with no data connection at
#      all. A sniffer in the server's namespace must see TCP keepalive probes (ACK, seq = SND.NXT-1) arrive; the
#      ends' answers keep every idle timer on the path fresh, ftp-alg's own 3 s one included, so a NOOP and a RETR
#      after the idle spell work.
#   C  Negative control for B: no keepalive; the idle control connection expires after 3 s and the client's NOOP
#      is answered with a RST by ftp-alg (flows reset-expired inside, the default), so it fails at once.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
sc_init keepalive

topo_up snat --gw none --prefix "$TOPO_PREFIX" >"$W/log/topo.log" 2>&1 || { sc_fail topology "topo_up failed"; sc_finish; }

ROOT="$W/root"
sc_tree "$ROOT"
head -c 1500000 /dev/urandom >"$ROOT/pub/big.bin"
head -c 100000 /dev/urandom >"$ROOT/pub/small.bin"
chmod a+r "$ROOT/pub/"*.bin
BIG_SHA=$(sc_sha "$ROOT/pub/big.bin")
SMALL_SHA=$(sc_sha "$ROOT/pub/small.bin")
sc_vsftpd "$NS_SRV" 21 "$ROOT" vsftpd anon_max_rate=120000 || { sc_fail vsftpd "did not start"; sc_finish; }

gw_config() { # gw_config [extra lines...]
  sc_router_config
  echo "snat from 192.0.2.0/24 to $PUB4"
  echo "snat from 2001:db8:1::/64 to $PUB6"
  echo "timeout tcp-established 3s"
  printf '%s\n' "$@"
}

# ---- A: long transfer, short control timeout -------------------------------------------------------------
gw_config >"$W/a.conf"
if sc_start_ftp_alg "$W/a.conf"; then
  t0=$(date +%s.%N)
  ip netns exec "$NS_CLI" timeout 90 "$PY" "$HERE/e2e/ftplib_client.py" --host "$SRV4" --mode pasv \
    --get "pub/big.bin=$BIG_SHA" --get "pub/small.bin=$SMALL_SHA" >"$W/out/a.txt" 2>&1
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  echo "  A: session took ${secs}s"
  sc_check slow-retr-226-and-second-retr "client: $(tail -1 "$W/out/a.txt")" \
    grep -q "RESULT ok" "$W/out/a.txt"
  sc_check transcript-two-226 "fewer than two 226 replies in the transcript" \
    test "$(grep -c "resp\* '226" "$W/out/a.txt")" -ge 2
  sc_check transfer-longer-than-3x-timeout "the session took only ${secs}s" \
    awk -v s="$secs" 'BEGIN{exit !(s > 9)}'
  kept=$(sc_counter ftp-control-kept-alive)
  echo "  A: ftp-control-kept-alive $kept, ftp-keepalive-probes $(sc_counter ftp-keepalive-probes)"
  sc_check control-kept-alive-counter "ftp-control-kept-alive is $kept" test "$kept" -gt 0
  sc_check no-probes-when-off "ftp-keepalive-probes is not 0" test "$(sc_counter ftp-keepalive-probes)" -eq 0
else
  sc_fail ftp-alg-a "did not start"
fi
sc_stop_ftp_alg

# ---- B: keepalive probes on an idle control connection ----------------------------------------------------
gw_config "ftp keepalive 1s" >"$W/b.conf"
if sc_start_ftp_alg "$W/b.conf"; then
  ip netns exec "$NS_SRV" timeout 20 "$PY" "$HERE/e2e/tcp_keepalive_sniff.py" eth0 21 12 >"$W/out/sniff.txt" 2>&1 &
  SNIFF=$!
  PIDS+=("$SNIFF")
  sleep 0.5
  ip netns exec "$NS_CLI" timeout 40 "$PY" "$HERE/e2e/idle_ftp_client.py" --host "$SRV4" --idle 7 \
    --get "pub/small.bin=$SMALL_SHA" >"$W/out/b.txt" 2>&1
  timeout 20 tail --pid="$SNIFF" -f /dev/null
  probes=$(sc_counter ftp-keepalive-probes)
  seen=$(awk '/^probes/{print $2}' "$W/out/sniff.txt")
  echo "  B: ftp-keepalive-probes $probes; server side saw: $(cat "$W/out/sniff.txt")"
  sc_check idle-7s-then-noop-and-retr "client: $(tail -1 "$W/out/b.txt")" grep -q "RESULT ok" "$W/out/b.txt"
  sc_check probes-counted "ftp-keepalive-probes is $probes" test "$probes" -ge 4
  sc_check probes-arrive-at-server "the server side saw ${seen:-no} probes" test "${seen:-0}" -ge 2
else
  sc_fail ftp-alg-b "did not start"
fi
sc_stop_ftp_alg

# ---- C: negative control: no keepalive, the idle control connection expires ------------------------------
gw_config >"$W/c.conf"
if sc_start_ftp_alg "$W/c.conf"; then
  t0=$(date +%s.%N)
  ip netns exec "$NS_CLI" timeout 40 "$PY" "$HERE/e2e/idle_ftp_client.py" --host "$SRV4" --idle 7 \
    --get "pub/small.bin=$SMALL_SHA" >"$W/out/c.txt" 2>&1
  echo "  C: client: $(tail -1 "$W/out/c.txt")"
  sc_check without-keepalive-control-expires "client: $(tail -1 "$W/out/c.txt")" \
    grep -q "RESULT failed at NOOP after idle" "$W/out/c.txt"
  sc_check expired-control-reset "tcp-reset-sent is $(sc_counter tcp-reset-sent)" \
    test "$(sc_counter tcp-reset-sent)" -ge 1
else
  sc_fail ftp-alg-c "did not start"
fi
sc_stop_ftp_alg
sc_finish
