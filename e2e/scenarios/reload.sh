#!/usr/bin/env bash
# No connection lost (issue 11), config reload: a running ftp-alg is given a changed config while an FTP transfer
# runs through it, by SIGHUP and by `ftp-alg reload` over its control socket.
#
#   A  active mode (PORT, rewritten: the control connection's sequence numbers are shifted) through source NAT,
#      vsftpd sending 2.4 MB at 300 kB/s to Python ftplib; during the transfer:
#        1. SIGHUP with a compatible change (a dnat rule, other timeouts): applied, nothing dropped, the gateway
#           keeps running (SIGHUP used to stop it);
#        2. `ftp-alg reload` with a config that does not parse: refused with the parser's message, exit 1, the
#           running config stays;
#        3. `ftp-alg reload` with a change only a restart can make (flows max): refused the same way.
#      The transfer completes (sha256), then LIST and a second RETR (a new PORT) on the same control connection.
#   B  a change that drops what it translated: SIGHUP with the source NAT moved to another address while an idle
#      session is logged in: the session's control connection is dropped and counted (flow-reload-dropped), and
#      the client's next command fails.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
sc_init state-reload
TOPO_PREFIX="state-r$$"

topo_up snat --gw none --prefix "$TOPO_PREFIX" >"$W/log/topo.log" 2>&1 || { sc_fail topology "topo_up failed"; sc_finish; }
ROOT="$W/root"
sc_tree "$ROOT"
head -c 2400000 /dev/urandom >"$ROOT/pub/big.bin"
head -c 200000 /dev/urandom >"$ROOT/pub/small.bin"
chmod a+r "$ROOT/pub/"*.bin
BIG_SHA=$(sc_sha "$ROOT/pub/big.bin")
SMALL_SHA=$(sc_sha "$ROOT/pub/small.bin")
sc_vsftpd "$NS_SRV" 21 "$ROOT" vsftpd anon_max_rate=300000 xferlog_enable=YES xferlog_std_format=NO ||
  { sc_fail vsftpd "did not start"; sc_finish; }
SOCK="$W/control.sock"
CONF="$W/gw.conf"
base() {
  sc_router_config
  echo "snat from 192.0.2.0/24 to $PUB4"
}
reload_cli() { "$HERE/scripts/ftp-alg" reload --socket "$SOCK"; }

# ---- A ------------------------------------------------------------------------------------------------------
base >"$CONF"
sc_start_ftp_alg "$CONF" --control-socket "$SOCK" || { sc_fail start "ftp-alg did not start"; sc_finish; }
ip netns exec "$NS_CLI" timeout 120 "$PY" "$HERE/e2e/scenarios/state_client.py" --host "$SRV4" --mode active \
  --big "pub/big.bin=$BIG_SHA" --small "pub/small.bin=$SMALL_SHA" >"$W/out/a.txt" 2>&1 &
CLI=$!
PIDS+=("$CLI")
for ((i = 0; i < 150; i++)); do grep -q "BIG started" "$W/out/a.txt" && break; sleep 0.1; done
sleep 1

{ base; echo "dnat to $PUB4 port 2121 -> $SRV4 port 21"; echo "ftp expect-timeout 2m"; echo "timeout tcp-established 1h"; } >"$CONF"
kill -HUP "$GW_PID"
for ((i = 0; i < 100; i++)); do grep -q "reload applied" "$W/log/ftp-alg.log" && break; sleep 0.1; done
echo "  A1: $(grep -m1 'reload applied' "$W/log/ftp-alg.log")"
sc_check A1-sighup-applies "no 'reload applied' line after SIGHUP" grep -q "reload applied.*: 0 flow(s)" "$W/log/ftp-alg.log"
sc_check A1-sighup-does-not-stop "ftp-alg exited on SIGHUP" kill -0 "$GW_PID"

cp "$CONF" "$W/good.conf"
{ base; echo "snat from 192.0.2.0/24 to"; } >"$CONF"
reload_cli >"$W/out/a2.txt" 2>&1
rc=$?
echo "  A2: exit $rc: $(cat "$W/out/a2.txt")"
sc_check A2-unparsable-refused "ftp-alg reload exit $rc: $(cat "$W/out/a2.txt")" \
  bash -c "[[ $rc == 1 ]] && grep -q 'reload refused, the running config stays: .*gw.conf:[0-9]' '$W/out/a2.txt'"

{ cat "$W/good.conf"; echo "flows max 1000"; } >"$CONF"
reload_cli >"$W/out/a3.txt" 2>&1
rc=$?
echo "  A3: exit $rc: $(cat "$W/out/a3.txt")"
sc_check A3-restart-only-change-refused "ftp-alg reload exit $rc" \
  bash -c "[[ $rc == 1 ]] && grep -q \"'flows max' changed\" '$W/out/a3.txt'"
cp "$W/good.conf" "$CONF"

timeout 120 tail --pid="$CLI" -f /dev/null
echo "  A: client: $(tail -1 "$W/out/a.txt")"
sc_check A-transfer-completes-sha256 "client: $(tail -1 "$W/out/a.txt")" grep -q "RESULT ok" "$W/out/a.txt"
sc_check A-port-was-rewritten "vsftpd never saw a rewritten PORT" grep -q "PORT 203,0,113,1," "$W/log/vsftpd.log"
sc_check A-list-after-reload "no LIST answer" grep -q "LIST pub: [0-9]* lines" "$W/out/a.txt"
reloaded=$(sc_counter config-reloaded)
sc_check A-one-reload-counted "config-reloaded is $reloaded (one applied, two refused)" test "$reloaded" -eq 1
sc_check A-nothing-dropped "flow-reload-dropped is not 0" test "$(sc_counter flow-reload-dropped)" -eq 0

# ---- B: a change that drops a session -----------------------------------------------------------------------
ip netns exec "$NS_CLI" timeout 60 "$PY" "$HERE/e2e/idle_ftp_client.py" --host "$SRV4" --idle 6 \
  --get "pub/small.bin=$SMALL_SHA" >"$W/out/b.txt" 2>&1 &
CLI=$!
PIDS+=("$CLI")
sleep 2 # logged in, idle for 6 s
{ sc_router_config; echo "snat from 192.0.2.0/24 to 203.0.113.9"; } >"$CONF"
kill -HUP "$GW_PID"
timeout 60 tail --pid="$CLI" -f /dev/null
dropped=$(sc_counter_settle flow-reload-dropped 1)
echo "  B: flow-reload-dropped $dropped; client: $(tail -1 "$W/out/b.txt")"
sc_check B-dropped-and-counted "flow-reload-dropped is $dropped" test "$dropped" -ge 1
sc_check B-session-gone "the client's session survived a reload that moved its NAT address" \
  grep -q "RESULT failed" "$W/out/b.txt"
sc_check B-notice-logged "no reload-dropped notice in the log" grep -q "reload-dropped" "$W/log/ftp-alg.log"
sc_stop_ftp_alg
sc_finish
