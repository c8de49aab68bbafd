#!/usr/bin/env bash
# Scenario 7 (PROBLEM.md), FTP on any port: real FTP servers on ports ftp-alg is NOT configured for (vsftpd on
# 2222, pyftpdlib on 40021; `ftp ports 21` only) behind ftp-alg with `ftp detect any`, which recognises FTP from
# the server's 220 greeting and the client's first command.
#
#   snat topology (client inside, servers outside): curl in PORT mode and ftplib in active mode, RETR checked by
#       sha256; then an SMTP-like service on the same port 2222 (a third server host) whose dialogue holds a
#       PORT-looking and a 227-looking line: not FTP, every byte passes unmodified, no pinhole, counters say so;
#       then the negative control: the same PORT transfer with `ftp detect off` fails after login.
#   dnat topology (server inside, published on 2222 and 40021): curl in PASV mode and ftplib in passive mode; the
#       negative control with detection off fails after login.
#
# Each transfer's client transcript must show the intended data command and no other. The gateway's firewall
# admits new connections only to the control ports or through an expectation (a pinhole), so a transfer can
# only work when ftp-alg read the negotiation. Run by scripts/ftp-e2e-scenarios (root).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
sc_init anyport

T=20 # seconds per client run
FTP_PORTS=(2222 40021)
SMTP="$HERE/e2e/scenarios/anyport_smtp.py"

mkdir -p "$W/root"
sc_tree "$W/root"
head -c 1500000 /dev/urandom >"$W/root/pub/file1.bin"
chmod a+r "$W/root/pub/file1.bin"
SHA=$(sc_sha "$W/root/pub/file1.bin")

# gw_config KIND DETECT: the ftp-alg config for the current topology.
gw_config() {
  local kind=$1 detect=$2 p
  sc_router_config
  if [[ $kind == dnat ]]; then
    for p in "${FTP_PORTS[@]}"; do
      echo "dnat proto tcp to $PUB4 port $p -> $SRV4 port $p"
    done
  fi
  echo "snat from 192.0.2.0/24 to $PUB4"
  echo "firewall inbound deny"
  echo "firewall outbound ports 21 ${FTP_PORTS[*]}"
  echo "ftp ports 21"
  echo "ftp detect $detect"
  echo "ftp expect-timeout 30s"
}

# start_servers: vsftpd on 2222 and pyftpdlib on 40021 in the server namespace (passive ports outside both).
start_servers() {
  sc_vsftpd "$NS_SRV" 2222 "$W/root" vsftpd-2222 pasv_min_port=42000 pasv_max_port=42199 || return 1
  ip netns exec "$NS_SRV" "$PY" "$HERE/e2e/pyftpd_server.py" "$W/root" 0.0.0.0 40021 41000 41099 \
    >>"$W/log/pyftpd-40021.log" 2>&1 &
  PIDS+=($!)
  local i
  for ((i = 0; i < 50; i++)); do
    ip netns exec "$NS_SRV" ss -ltnH | grep -q ":40021 " && return 0
    sleep 0.1
  done
  echo "anyport: pyftpdlib did not listen on 40021" >&2
  return 1
}

# curl_retr NAME CMD HOST PORT: RETR pub/file1.bin with curl using data command CMD (PORT or PASV); sets LOGIN,
# REASON; returns 0 when the file arrived intact and the transcript shows CMD and no other data command.
curl_retr() {
  local name=$1 cmd=$2 host=$3 port=$4 out="$W/out/$1.bin" log="$W/out/$1.log" margs rc used
  if [[ $cmd == PORT ]]; then margs=(--ftp-port - --disable-eprt); else margs=(--disable-epsv --no-ftp-skip-pasv-ip); fi
  timeout $((T + 5)) ip netns exec "$NS_CLI" curl -4 -sS -v --connect-timeout 5 -m $T -u anonymous:e2e@ \
    "${margs[@]}" -o "$out" "ftp://$host:$port/pub/file1.bin" >"$log" 2>&1
  rc=$?
  LOGIN=no
  grep -qE '^< 230' "$log" && LOGIN=yes
  used=$(grep -oE '^> (PORT|EPRT|PASV|EPSV)\b' "$log" | cut -c3- | sort -u | tr '\n' ' ')
  REASON=""
  [[ $LOGIN == yes ]] || REASON="no login; "
  [[ $used == "$cmd " ]] || REASON+="data commands sent: '${used}' (wanted only $cmd); "
  [[ $rc -eq 0 ]] || REASON+="curl exit $rc ($(grep -E '^< [45][0-9][0-9]|^curl:' "$log" | tail -1)); "
  [[ $rc -eq 0 && $(sc_sha "$out") == "$SHA" ]] || REASON+="file missing or sha256 differs; "
  [[ -z $REASON ]]
}

# ftplib_retr NAME MODE HOST PORT (MODE pasv|active): same check with Python ftplib.
ftplib_retr() {
  local name=$1 mode=$2 host=$3 port=$4 log="$W/out/$1.log" want used
  [[ $mode == active ]] && want=PORT || want=PASV
  timeout $((T + 5)) ip netns exec "$NS_CLI" "$PY" "$HERE/e2e/ftplib_client.py" --host "$host" --port "$port" \
    --mode "$mode" --get "pub/file1.bin=$SHA" >"$log" 2>&1
  local rc=$?
  used=$(grep -oE "\*cmd\* '(PORT|EPRT|PASV|EPSV)\b" "$log" | cut -c8- | sort -u | tr '\n' ' ')
  REASON=""
  [[ $rc -eq 0 ]] || REASON="$(tail -1 "$log"); "
  [[ $used == "$want " ]] || REASON+="data commands sent: '${used}' (wanted only $want); "
  [[ -z $REASON ]]
}

expect_ok() { # expect_ok NAME FUNCTION ARGS...: pass when the transfer works
  local name=$1
  shift
  if "$@"; then sc_pass "$name"; else sc_fail "$name" "$REASON"; fi
}

# expect_fail_after_login NAME CMD HOST PORT: the negative control (detection off): curl logs in, sends CMD,
# and the transfer fails.
expect_fail_after_login() {
  local name=$1
  if curl_retr "$@"; then
    sc_fail "$name" "the transfer worked with detection off: the test does not prove the ALG is needed"
  elif [[ $LOGIN != yes ]]; then
    sc_fail "$name" "no login with detection off ($REASON): the negative control proves nothing"
  elif ! grep -qE "^> $2\b" "$W/out/$name.log"; then
    sc_fail "$name" "curl never sent $2"
  else
    sc_pass "$name"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# snat: client inside, FTP servers and the SMTP-like server outside.
topo_up snat --gw none --prefix "$TOPO_PREFIX" --third server || { echo "anyport: topology failed" >&2; exit 1; }
start_servers || exit 1
gw_config snat any >"$W/gw-snat.conf"
sc_start_ftp_alg "$W/gw-snat.conf" || exit 1

for p in "${FTP_PORTS[@]}"; do
  expect_ok "snat-curl-port-$p" curl_retr "snat-curl-port-$p" PORT "$SRV4" "$p"
  expect_ok "snat-ftplib-active-$p" ftplib_retr "snat-ftplib-active-$p" active "$SRV4" "$p"
done
expect_ok "snat-curl-pasv-2222" curl_retr "snat-curl-pasv-2222" PASV "$SRV4" 2222
n=$(sc_counter ftp-detect-attached)
c=$(sc_counter ftp-control-flows)
sc_check snat-counters-attached "ftp-detect-attached $n, ftp-control-flows $c (want 5 and 5)" \
  test "$n" -eq 5 -a "$c" -eq 5

# The SMTP-like service on the same port 2222, on the third server host: not FTP.
ip netns exec "$NS_3S" "$PY" "$SMTP" server 0.0.0.0 2222 "$W/out/smtp.received" >>"$W/log/smtp.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 50; i++)); do ip netns exec "$NS_3S" ss -ltnH | grep -q ":2222 " && break; sleep 0.1; done
ip netns exec "$NS_CLI" "$PY" "$HERE/e2e/tcp_sink.py" 50000 >/dev/null 2>&1 &
PIDS+=($!)
before_expect=$(sc_counter expect-created)
before_ctl=$(sc_counter ftp-control-flows)
port_line="PORT 192,0,2,10,195,80" # names the client's own address and its port 50000, where a sink listens
timeout 20 ip netns exec "$NS_CLI" "$PY" "$SMTP" client "$THIRD_S4" 2222 "$port_line" >"$W/out/smtp.client" 2>&1
rc=$?
sent_hex=$(awk '$1=="SENT"{print $2}' "$W/out/smtp.client")
for ((i = 0; i < 30; i++)); do [[ -s "$W/out/smtp.received" ]] && break; sleep 0.1; done
recv_hex=$(head -1 "$W/out/smtp.received" 2>/dev/null)
sc_check smtp-dialogue-completed "client exit $rc: $(tail -1 "$W/out/smtp.client")" test "$rc" -eq 0
sc_check smtp-client-bytes-unmodified "the server received other bytes than the client sent (PORT line rewritten?)" \
  test -n "$sent_hex" -a "$sent_hex" == "$recv_hex"
sc_check smtp-server-bytes-unmodified "the client received other bytes than the server sent (227 line rewritten?)" \
  grep -q '^SERVER-TEXT-INTACT yes' "$W/out/smtp.client"
# No pinhole for the PORT-looking line: the third host cannot reach the client's listening port 50000.
if timeout 10 ip netns exec "$NS_3S" "$PY" "$HERE/e2e/pinhole_probe.py" connect "$PUB4" 50000 3; then
  sc_fail smtp-no-pinhole "a connection to the PORT-looking line's port got through"
else
  sc_pass smtp-no-pinhole
fi
nf=$(sc_counter ftp-detect-not-ftp-command)
ec=$(sc_counter expect-created)
cf=$(sc_counter ftp-control-flows)
sc_check smtp-counters "ftp-detect-not-ftp-command $nf (want 1), expect-created $before_expect -> $ec," \
  test "$nf" -eq 1 -a "$ec" -eq "$before_expect" -a "$cf" -eq "$before_ctl"

# Negative control: detection off, the same active-mode transfers fail after login.
sc_stop_ftp_alg
gw_config snat off >"$W/gw-snat-off.conf"
sc_start_ftp_alg "$W/gw-snat-off.conf" || exit 1
for p in "${FTP_PORTS[@]}"; do
  expect_fail_after_login "snat-curl-port-$p-detect-off" PORT "$SRV4" "$p"
done
sc_check snat-detect-off-counters "ftp-control-flows $(sc_counter ftp-control-flows) with detection off" \
  test "$(sc_counter ftp-control-flows)" -eq 0
sc_stop_ftp_alg
topo_down

# ---------------------------------------------------------------------------------------------------------------
# dnat: servers inside, published on the public address; the client outside uses passive mode.
topo_up dnat --gw none --prefix "$TOPO_PREFIX" || { echo "anyport: topology failed" >&2; exit 1; }
start_servers || exit 1
gw_config dnat any >"$W/gw-dnat.conf"
sc_start_ftp_alg "$W/gw-dnat.conf" || exit 1
for p in "${FTP_PORTS[@]}"; do
  expect_ok "dnat-curl-pasv-$p" curl_retr "dnat-curl-pasv-$p" PASV "$PUB4" "$p"
  expect_ok "dnat-ftplib-pasv-$p" ftplib_retr "dnat-ftplib-pasv-$p" pasv "$PUB4" "$p"
done
n=$(sc_counter ftp-detect-attached)
r=$(sc_counter ftp-rewrites)
sc_check dnat-counters "ftp-detect-attached $n (want 4), ftp-rewrites $r (want >= 4)" test "$n" -eq 4 -a "$r" -ge 4
sc_stop_ftp_alg
gw_config dnat off >"$W/gw-dnat-off.conf"
sc_start_ftp_alg "$W/gw-dnat-off.conf" || exit 1
for p in "${FTP_PORTS[@]}"; do
  expect_fail_after_login "dnat-curl-pasv-$p-detect-off" PASV "$PUB4" "$p"
done
sc_stop_ftp_alg

sc_finish
