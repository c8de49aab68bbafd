#!/usr/bin/env bash
# No connection lost (issue 11): ftp-alg stopped in the middle of a long FTP transfer and started again within a
# few seconds on the same state directory (run --state-dir); the transfer must complete with the right sha256 and
# the same control connection must go on working (LIST, then another RETR with a new PORT / PASV).
#
#   A  active mode (PORT) through source NAT: the PORT rewrite (192,0,2,10 -> 203,0,113,1) makes the control
#      connection's sequence numbers shift by one byte, so a restarted gateway that lost the offset breaks the
#      commands after the transfer. ftp-alg is killed with SIGKILL while vsftpd sends a 2.4 MB file at 300 kB/s
#      (about 8 s). While it is down TCP retransmits; the kernel of the gateway namespace forwards nothing and
#      stays silent (netns-topology's hook). The interfaces must not stay promiscuous after the kill.
#   B  the same with a clean stop (SIGTERM) and start.
#   C  passive mode (PASV) through destination NAT (the 227 rewrite, 192,0,2,20 -> 203,0,113,1, shifts the other
#      direction), SIGKILL.
#   D  negative control: A again, restarted with --state-reset-like empty state (a new state directory): the
#      restarted gateway knows nothing, so the transfer must fail (no state, no connection).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
sc_init state-restart
TOPO_PREFIX="state-$$"

BIG=2400000
RATE=300000

prepare_server() { # prepare_server: files and vsftpd in $NS_SRV
  ROOT="$W/root-$TOPO_KIND"
  sc_tree "$ROOT"
  head -c "$BIG" /dev/urandom >"$ROOT/pub/big.bin"
  head -c 200000 /dev/urandom >"$ROOT/pub/small.bin"
  chmod a+r "$ROOT/pub/"*.bin
  BIG_SHA=$(sc_sha "$ROOT/pub/big.bin")
  SMALL_SHA=$(sc_sha "$ROOT/pub/small.bin")
  sc_vsftpd "$NS_SRV" 21 "$ROOT" "vsftpd-$TOPO_KIND" anon_max_rate=$RATE xferlog_enable=YES xferlog_std_format=NO
}

promisc() { # promisc IF: prints 1 when IFF_PROMISC (0x100) is set on IF in the gateway namespace
  local f
  f=$(ip netns exec "$NS_GW" cat "/sys/class/net/$1/flags")
  echo $(((f & 0x100) != 0))
}

# run_case NAME SIGNAL MODE CONF STATE_DIR_AFTER: one session, the gateway stopped with SIGNAL once the long
# transfer has begun, started again on STATE_DIR_AFTER. Leaves the client's transcript in $W/out/NAME.txt.
run_case() {
  local name=$1 sig=$2 mode=$3 conf=$4 after=$5 i cli t_stop t_up
  SC_STATE_DIR="$W/state-$name"
  sc_start_ftp_alg "$conf" || { sc_fail "$name-start" "ftp-alg did not start"; return 1; }
  ip netns exec "$NS_CLI" timeout 120 "$PY" "$HERE/e2e/scenarios/state_client.py" --host "$TARGET" --mode "$mode" \
    --big "pub/big.bin=$BIG_SHA" --small "pub/small.bin=$SMALL_SHA" >"$W/out/$name.txt" 2>&1 &
  cli=$!
  PIDS+=("$cli")
  for ((i = 0; i < 150; i++)); do
    grep -q "BIG started" "$W/out/$name.txt" && break
    sleep 0.1
  done
  sleep 2 # well into the transfer (about 0.6 MB of 2.4)
  t_stop=$(date +%s.%N)
  kill "-$sig" "$GW_PID"
  timeout 10 tail --pid="$GW_PID" -f /dev/null
  GW_PID=""
  echo "  $name: ftp-alg stopped with SIG$sig; promiscuous after: gin $(promisc gin) gout $(promisc gout)"
  sc_check "$name-not-promiscuous-when-down" "an interface stayed promiscuous after SIG$sig" \
    test "$(promisc gin)$(promisc gout)" = 00
  sleep 1
  SC_STATE_DIR=$after
  sc_start_ftp_alg "$conf" || { sc_fail "$name-restart" "ftp-alg did not start again"; return 1; }
  t_up=$(date +%s.%N)
  echo "  $name: down for $(awk -v a="$t_stop" -v b="$t_up" 'BEGIN{printf "%.1f", b-a}') s;" \
    "$(grep -o 'worker 0: .*' "$W/log/ftp-alg.log" | tail -1)"
  timeout 120 tail --pid="$cli" -f /dev/null
  echo "  $name: client: $(tail -1 "$W/out/$name.txt")"
}

# ---- A, B: active mode through source NAT ------------------------------------------------------------------
topo_up snat --gw none --prefix "$TOPO_PREFIX" >"$W/log/topo-snat.log" 2>&1 ||
  { sc_fail topology-snat "topo_up failed"; sc_finish; }
TOPO_KIND=snat
prepare_server || { sc_fail vsftpd-snat "did not start"; sc_finish; }
TARGET=$SRV4
{
  sc_router_config
  echo "snat from 192.0.2.0/24 to $PUB4"
} >"$W/snat.conf"

for c in "A KILL" "B TERM"; do
  set -- $c
  run_case "$1" "$2" active "$W/snat.conf" "$W/state-$1"
  sc_check "$1-transfer-completes-sha256" "client: $(tail -1 "$W/out/$1.txt")" grep -q "RESULT ok" "$W/out/$1.txt"
  sc_check "$1-active-mode-used" "no PORT in the client's transcript" grep -q "cmd\* 'PORT 192,0,2,10," "$W/out/$1.txt"
  sc_check "$1-port-was-rewritten" "vsftpd never saw a rewritten PORT" \
    grep -q "PORT 203,0,113,1," "$W/log/vsftpd-snat.log"
  sc_check "$1-list-after-restart" "no LIST answer after the restart" grep -q "LIST pub: [0-9]* lines" "$W/out/$1.txt"
  restored=$(grep -o 'restored [0-9]* flow' "$W/log/ftp-alg.log" | tail -1 | awk '{print $2}')
  sc_check "$1-flows-restored" "the restarted gateway restored ${restored:-no} flows" test "${restored:-0}" -ge 2
  # The later PORTs (LIST, small RETR) were negotiated through the restarted gateway.
  used=$(sc_counter_settle expect-used 2)
  sc_check "$1-new-ports-after-restart" "expect-used is $used after the restart" test "$used" -ge 2
  sc_stop_ftp_alg
done
sc_check start-line-says-how-it-stopped "the start-up lines do not tell a kill from a clean stop" \
  grep -q "worker 0: clean stop" "$W/log/ftp-alg.log"

# ---- D: negative control: restarted without the state, the same transfer fails ------------------------------
run_case D KILL active "$W/snat.conf" "$W/state-D-empty"
sc_check D-without-state-transfer-fails "the transfer survived a restart with empty state: the test proves nothing" \
  grep -q "RESULT failed" "$W/out/D.txt"
sc_stop_ftp_alg
topo_down >/dev/null 2>&1

# ---- C: passive mode through destination NAT --------------------------------------------------------------
topo_up dnat --gw none --prefix "$TOPO_PREFIX" >"$W/log/topo-dnat.log" 2>&1 ||
  { sc_fail topology-dnat "topo_up failed"; sc_finish; }
TOPO_KIND=dnat
prepare_server || { sc_fail vsftpd-dnat "did not start"; sc_finish; }
TARGET=$PUB4
{
  sc_router_config
  echo "dnat to $PUB4 port 21 -> $SRV4"
  echo "snat from 192.0.2.0/24 to $PUB4"
} >"$W/dnat.conf"
run_case C KILL pasv "$W/dnat.conf" "$W/state-C"
sc_check C-transfer-completes-sha256 "client: $(tail -1 "$W/out/C.txt")" grep -q "RESULT ok" "$W/out/C.txt"
sc_check C-passive-mode-used "no PASV in the client's transcript" grep -q "cmd\* 'PASV'" "$W/out/C.txt"
sc_check C-227-was-rewritten "the client never saw a rewritten 227" \
  grep -q "227 Entering Passive Mode (203,0,113,1," "$W/out/C.txt"
sc_check C-list-after-restart "no LIST answer after the restart" grep -q "LIST pub: [0-9]* lines" "$W/out/C.txt"
sc_stop_ftp_alg
sc_finish
