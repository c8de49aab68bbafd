#!/usr/bin/env bash
# Operating a running gateway (issue 10): ftp-alg live as a source-NAT router with its control socket, events and
# metrics on; a real FTP transfer (curl, active mode, rate-limited so it lasts) and a held PORT negotiation
# (ftplib) through it. Checks, while they run, that `ftp-alg conntrack -L` shows the control and data flows (the
# data one marked as expected, naming its control connection), `-L expect` the pending expectation, `-E` the
# new flows, the expectation and the PORT rewrite with before/after text, `-D` deletes by filter, `--events`
# wrote the same in JSON Lines; and that the metrics page answers and passes the real `promtool check metrics`.
# Root only; run by scripts/ftp-e2e-scenarios (--only 'ops*').
#
#   CLIENT 192.0.2.10 -- gin  ftp-alg (snat to 203.0.113.1)  gout -- SERVER 198.51.100.20 (vsftpd)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
sc_init ops
TOPO_PREFIX="ops-$$" # namespaces ops-PID-cli/-gw/-srv

FTPALG="$HERE/scripts/ftp-alg"
SOCK="$W/control.sock"
EVENTS="$W/events.jsonl"
METRICS=127.0.0.1:9475
CT() { "$FTPALG" conntrack --socket "$SOCK" "$@"; }

command -v promtool >/dev/null 2>&1 || "$HERE/scripts/setup" prometheus >/dev/null ||
  { sc_fail setup "promtool missing and could not be installed (Debian package prometheus)"; sc_finish; }

# The shipped systemd unit parses cleanly (paths pointed at this checkout; verify prints nothing when it is).
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s|/opt/ftp-alg|$HERE|g" "$HERE/packaging/systemd/ftp-alg.service" >"$W/ftp-alg.service"
  systemd-analyze verify "$W/ftp-alg.service" >"$W/out/verify.txt" 2>&1
  sc_check systemd-unit-verify "systemd-analyze verify: $(head -3 "$W/out/verify.txt")" test ! -s "$W/out/verify.txt"
fi

topo_up snat --gw none --prefix "$TOPO_PREFIX" || { sc_fail topology "netns-topology up failed"; sc_finish; }
sc_tree "$W/root"
head -c 3000000 /dev/urandom >"$W/root/pub/big.bin"
chmod a+r "$W/root/pub/big.bin"
sc_vsftpd "$NS_SRV" 21 "$W/root" vs || { sc_fail vsftpd "did not start"; sc_finish; }

{
  sc_router_config
  echo "snat from 192.0.2.0/24 to 203.0.113.1"
  echo "snat from 2001:db8:1::/64 to 2001:db8:ff::1"
  echo "firewall inbound deny"
  echo "ftp expect-timeout 60s"
} >"$W/gw.conf"
sc_check config-check "ftp-alg check refused the scenario's config" "$FTPALG" check --config "$W/gw.conf"
echo "route 0.0.0.0/0 via 203.0.113.254" >"$W/bad.conf.tail"
cat "$W/gw.conf" "$W/bad.conf.tail" >"$W/bad.conf"
"$FTPALG" check --config "$W/bad.conf" >"$W/out/check-bad.txt" 2>&1
sc_check config-check-route "check exit $? / $(head -2 "$W/out/check-bad.txt")" \
  grep -q "bad.conf:[0-9]*: route 0.0.0.0/0 via 203.0.113.254: the next hop is on no connected network" "$W/out/check-bad.txt"
sc_start_ftp_alg "$W/gw.conf" --control-socket "$SOCK" --events "$EVENTS" --metrics "$METRICS" --host-guard ||
  { sc_fail ftp-alg "did not start"; sc_finish; }
# The topology leaves host addresses on gin/gout: --host-guard keeps the host's stack off them while we run.
sc_check host-guard-installed "no ftp_alg_guard table in the gateway namespace: $(ip netns exec "$NS_GW" nft list tables 2>&1 | tr '\n' ' ')" \
  bash -c "ip netns exec '$NS_GW' nft list tables | grep -q 'table inet ftp_alg_guard_' && ip netns exec '$NS_GW' nft list tables | grep -q 'table arp ftp_alg_guard_'"
sc_check socket-root-only "control socket is $(stat -c %a "$SOCK" 2>/dev/null), want 600" \
  test "$(stat -c %a "$SOCK" 2>/dev/null)" = 600

# -E: the live event stream, in JSON, from before the traffic starts (stopped by PID at the end).
CT -E -o json >"$W/out/events-E.jsonl" 2>"$W/log/events-E.err" &
EPID=$!
PIDS+=("$EPID")
for ((i = 0; i < 300; i++)); do # the client says so on stderr once its subscription is live
  grep -q 'listening for events' "$W/log/events-E.err" 2>/dev/null && break
  sleep 0.1
done

# A download that lasts (3 MB at 300 kB/s: about 10 s), active mode with PORT, checked by sha256 at the end.
ip netns exec "$NS_CLI" curl -sS --max-time 60 --ftp-port - --disable-eprt --limit-rate 300k \
  -o "$W/out/big.bin" "ftp://198.51.100.20/pub/big.bin" >"$W/log/curl.out" 2>&1 &
CURL=$!
PIDS+=("$CURL")

# While it runs: the control flow and the data flow it opened.
data_line="" ctl_line=""
for ((i = 0; i < 100; i++)); do
  CT -L -p tcp >"$W/out/L.txt" 2>"$W/out/L.err"
  data_line=$(grep -m1 '\[FTP-DATA\]' "$W/out/L.txt")
  [[ -n "$data_line" ]] && break
  sleep 0.1
done
ctl_line=$(grep -m1 'src=192.0.2.10 dst=198.51.100.20 sport=[0-9]* dport=21 .*\[FTP-CONTROL\]' "$W/out/L.txt")
sc_check list-control "no control flow listed: $(head -3 "$W/out/L.txt")" test -n "$ctl_line"
sc_check list-control-nat "control flow's reply tuple is not the NAT address: $ctl_line" \
  grep -q 'src=198.51.100.20 dst=203.0.113.1 sport=21' <<<"$ctl_line"
ctl_id=$(sed -n 's/.* id=\([0-9]*\) .*/\1/p' <<<"$ctl_line")
sc_check list-data "no data flow listed during the transfer: $(head -3 "$W/out/L.txt")" test -n "$data_line"
sc_check list-data-master "data flow does not name its control flow $ctl_id: $data_line" \
  grep -q "\[EXPECTED\] \[FTP-DATA\] master=$ctl_id " <<<"$data_line"
sc_check list-data-tuple "data flow tuples: $data_line" \
  grep -q 'src=198.51.100.20 dst=203.0.113.1 sport=20 dport=[0-9]* src=192.0.2.10 dst=198.51.100.20' <<<"$data_line"
CT -L -o json --dport 21 >"$W/out/L.json" 2>/dev/null
sc_check list-json "-o json --dport 21 is not one JSON control flow: $(head -2 "$W/out/L.json")" \
  "$PY" -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; sys.exit(not (len(l)==1 and l[0]["ftp"]=="control" and l[0]["orig"]["dport"]==21))' "$W/out/L.json"

# A negotiation held open: PORT without a transfer, so that an expectation is pending.
ip netns exec "$NS_CLI" "$PY" - >"$W/log/hold.out" 2>&1 <<'PYEOF' &
import ftplib, time
f = ftplib.FTP()
f.connect("198.51.100.20", 21, timeout=10)
f.login()
print(f.sendcmd("PORT 192,0,2,10,195,80"), flush=True)
time.sleep(12)
f.close()
PYEOF
HOLD=$!
PIDS+=("$HOLD")
exp_line=""
for ((i = 0; i < 100; i++)); do
  exp_line=$(CT -L expect 2>/dev/null | grep -m1 'dport=50000')
  [[ -n "$exp_line" ]] && break
  sleep 0.1
done
sc_check list-expect "no expectation for the held PORT: $(CT -L expect 2>&1 | head -3)" \
  grep -q 'proto=6 src=198.51.100.20 dst=203.0.113.1 sport=0 dport=50000 nat-dst=192.0.2.10 nat-dport=50000' <<<"$exp_line"
sc_check list-expect-master "expectation names no control flow: $exp_line" \
  grep -q 'master-src=192.0.2.10 master-dst=198.51.100.20' <<<"$exp_line"
cnt=$(CT -C 2>/dev/null)
sc_check count "conntrack -C says '$cnt', want >= 2" test "${cnt:-0}" -ge 2

# Metrics, scraped inside the gateway's namespace (loopback there), and promtool.
ip netns exec "$NS_GW" curl -sS --max-time 10 "http://$METRICS/metrics" >"$W/out/metrics.txt" 2>"$W/log/metrics.err"
sc_check metrics-flows "no ftpalg_flows gauge: $(head -c 300 "$W/out/metrics.txt")" \
  grep -qE '^ftpalg_flows\{worker="0"\} [1-9]' "$W/out/metrics.txt"
sc_check metrics-expect-created "no expect-created count: $(grep expect-created "$W/out/metrics.txt")" \
  grep -qE '^ftpalg_engine_events_total\{event="expect-created",worker="0"\} [1-9]' "$W/out/metrics.txt"
promtool check metrics <"$W/out/metrics.txt" >"$W/out/promtool.txt" 2>&1
sc_check promtool "promtool check metrics: $(head -5 "$W/out/promtool.txt")" \
  test $? -eq 0 -a ! -s "$W/out/promtool.txt"

# The transfer completes, byte for byte.
timeout 60 tail --pid="$CURL" -f /dev/null
sc_check transfer "download differs or failed: $(tail -2 "$W/log/curl.out")" \
  test "$(sc_sha "$W/root/pub/big.bin")" = "$(sc_sha "$W/out/big.bin" 2>/dev/null)"

# -D by filter: the held session's control connection (its expectation goes with it).
del=$(CT -D -s 192.0.2.10 --dport 21 2>&1)
sc_check delete "conntrack -D: $del" grep -q ' flow entries have been deleted' <<<"$del"
sc_check delete-expect "expectation survived its control flow: $(CT -L expect 2>&1 | head -2)" \
  test -z "$(CT -L expect 2>/dev/null)"
deleted=$(sc_counter_settle flow-deleted 1)
sc_check delete-counter "flow-deleted $deleted (want >= 1)" test "$deleted" -ge 1

# -E saw the flows, the expectation and the rewrite.
sleep 1
kill "$EPID" 2>/dev/null
timeout 20 tail --pid="$EPID" -f /dev/null
ev() { "$PY" -c '
import json, sys
want = sys.argv[2]
for line in open(sys.argv[1]):
    e = json.loads(line)
    t = e.get("event_type")
    if want == "new" and t == "flow" and e["flow"]["action"] == "new" and e.get("dest_port") == 21: sys.exit(0)
    if want == "expect" and t == "expectation" and e["expectation"]["action"] == "created": sys.exit(0)
    if want == "used" and t == "expectation" and e["expectation"]["action"] == "used": sys.exit(0)
    if want == "rewrite" and t == "ftp_rewrite" and e["ftp"]["before"].startswith("PORT 192,0,2,10,") \
            and e["ftp"]["after"].startswith("PORT 203,0,113,1,") and e.get("flow_id"): sys.exit(0)
sys.exit(1)' "$1" "$2"; }
for k in new expect used rewrite; do
  sc_check "events-E-$k" "conntrack -E showed no '$k' event ($(wc -l <"$W/out/events-E.jsonl") events)" ev "$W/out/events-E.jsonl" $k
done
sc_check events-file-rewrite "--events file has no PORT rewrite ($(wc -l <"$EVENTS" 2>/dev/null) lines)" ev "$EVENTS" rewrite
sc_check events-file-timestamps "--events timestamps are not RFC 3339 with a zone" \
  "$PY" -c 'import json,re,sys; sys.exit(not all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d", json.loads(l)["timestamp"]) for l in open(sys.argv[1])))' "$EVENTS"

# A signal stop is a clean stop: exit code 0, socket removed.
kill "$GW_PID"
timeout 15 tail --pid="$GW_PID" -f /dev/null
wait "$GW_PID"
rc=$?
GW_PID=""
sc_check stop-exit-0 "ftp-alg exited $rc after SIGTERM (want 0)" test "$rc" -eq 0
sc_check stop-socket-removed "control socket left behind" test ! -e "$SOCK"
sc_check stop-host-guard-removed "host guard left behind: $(ip netns exec "$NS_GW" nft list tables 2>&1 | grep ftp_alg_guard)" \
  bash -c "! ip netns exec '$NS_GW' nft list tables | grep -q ftp_alg_guard_"
sc_finish
