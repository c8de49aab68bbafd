#!/usr/bin/env bash
# Scenario 6 (PROBLEM.md): when ftp-alg no longer knows a connection (its state expired), the inside host's next
# segment is answered with a TCP RST, so the program fails at once instead of hanging.
#
#   A  ftp-alg (router, source NAT, `timeout tcp-established 3s`, reset-expired at its default, inside): a client
#      in the client namespace holds a TCP connection to an echo server behind the gateway, falls silent for 5 s
#      (the flow expires), then sends again: it must see ECONNRESET at once (IPv4 and IPv6; typically within 50 ms,
#      checked against 2 s so that a loaded machine does not fail it), and ftp-alg must count tcp-reset-sent.
#   B  The same with `flows reset-expired off`: no RST; the client's send goes unanswered (it would hang until its
#      own timeout, here 4 s).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
sc_init reset

topo_up snat --gw none --prefix "$TOPO_PREFIX" >"$W/log/topo.log" 2>&1 || { sc_fail topology "topo_up failed"; sc_finish; }
ip netns exec "$NS_SRV" "$PY" "$HERE/e2e/tcp_echo.py" 7000 >>"$W/log/echo.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 50; i++)); do
  ip netns exec "$NS_SRV" ss -ltnH | grep -q ":7000 " && break
  sleep 0.1
done

gw_config() { # gw_config [extra lines...]
  sc_router_config
  echo "snat from 192.0.2.0/24 to $PUB4"
  echo "snat from 2001:db8:1::/64 to $PUB6"
  echo "timeout tcp-established 3s"
  printf '%s\n' "$@"
}

probe() { # probe FAMILY-ADDRESS OUTFILE
  ip netns exec "$NS_CLI" timeout 30 "$PY" "$HERE/e2e/reset_probe_client.py" "$1" 7000 5 4 >"$2" 2>&1
}

# ---- A: reset-expired inside (the default) ----------------------------------------------------------------
gw_config >"$W/a.conf"
if sc_start_ftp_alg "$W/a.conf"; then
  for fam in 4 6; do
    addr=$SRV4
    [[ $fam == 6 ]] && addr=$SRV6
    probe "$addr" "$W/out/a$fam.txt"
    res=$(tail -1 "$W/out/a$fam.txt")
    echo "  A IPv$fam: $res"
    sc_check "reset-at-once-v$fam" "client: $res" \
      awk -v r="$res" 'BEGIN{ if (r !~ /^RESULT reset after/) exit 1; split(r, w, " "); sub(/s$/, "", w[4]); exit !(w[4] + 0 < 2.0) }'
  done
  n=$(sc_counter tcp-reset-sent)
  echo "  A: tcp-reset-sent $n, drop-tcp-no-flow $(sc_counter drop-tcp-no-flow)"
  sc_check reset-counted "tcp-reset-sent is $n" test "$n" -ge 2
else
  sc_fail ftp-alg-a "did not start"
fi
sc_stop_ftp_alg

# ---- B: reset-expired off -----------------------------------------------------------------------------------
gw_config "flows reset-expired off" >"$W/b.conf"
if sc_start_ftp_alg "$W/b.conf"; then
  probe "$SRV4" "$W/out/b4.txt"
  res=$(tail -1 "$W/out/b4.txt")
  echo "  B: $res"
  sc_check no-reset-when-off "client: $res" grep -q "RESULT no answer after" "$W/out/b4.txt"
  sc_check no-reset-counted-when-off "tcp-reset-sent is not 0" test "$(sc_counter tcp-reset-sent)" -eq 0
  sc_check stray-segments-dropped "drop-tcp-no-flow is 0" test "$(sc_counter drop-tcp-no-flow)" -gt 0
else
  sc_fail ftp-alg-b "did not start"
fi
sc_stop_ftp_alg
sc_finish
