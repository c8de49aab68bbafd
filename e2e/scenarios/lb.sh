#!/usr/bin/env bash
# Scenario 4 (docs: PROBLEM.md): three FTP servers behind ftp-alg's virtual address, and scenario 8's active-mode
# data from port 20 through it. Root only; run by scripts/ftp-e2e-scenarios (--only 'lb*').
#
#   clients 198.51.100.10 .11 .12 (+ 2001:db8:2::10)       servers 192.0.2.20 .21 .22 (+ 2001:db8:1::20 .21 .22)
#        --[switch]-- gout  ftp-alg (VIP 203.0.113.1, 2001:db8:ff::1 port 21)  gin --[switch]--
#
# Three vsftpd with DIFFERENT content (own banner, own pub/marker-server-N.txt, pub/whoami.txt saying
# server-N), all with passive ports 40000-40199 (so two servers may offer one port) and active data from port 20.
# The firewall admits new connections only to the VIP's port 21 (inbound) and to port 21 (outbound): every data
# connection must pass through an expectation. Checks:
#   rr-*     round-robin: several clients, ftplib (PASV/PORT, EPSV/EPRT over IPv6; 3 data connections on one
#            control connection: LIST + 2 RETR, all must name the banner's server) and curl (PASV, EPSV, PORT,
#            EPRT: the downloaded whoami.txt must name the banner's server); the 227 carries the VIP; the client
#            sees every active data connection come from VIP port 20; the sessions spread over all 3 servers;
#            counters (nat-balanced per control connection, nat-data-source-port-kept per active connection).
#   hash-*   client-hash: each client's sessions all land on one server.
#   rr-same-port-two-servers  one client, two concurrent sessions on two servers that offer the same passive
#            port (a one-port range on 2121): the second 227 names another port, each data connection reaches its
#            own session's server (nat-expect-port-shifted).
#   probe    a port nobody negotiated on the VIP stays closed.
#   no-alg-* the ALG off (ftp ports 9): login works, passive and active data fail.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
sc_init lb

VIP4=203.0.113.1 VIP6=2001:db8:ff::1
PROBE="$HERE/e2e/scenarios/lb_ftplib.py"
T=40 # bound for one client session, seconds

topo_up dnat --gw none --third both --prefix "$TOPO_PREFIX" || { sc_fail topology "netns-topology up failed"; sc_finish; }

# A fourth host on a side's switch: add_host NS SWITCH SWITCH-PORT ADDR4 ADDR6 GW4 GW6
add_host() {
  local ns=$1 sw=$2 swp=$3
  SC_EXTRA_NS+=("$ns")
  _mkns "$ns" && _veth "$ns" eth0 "$sw" "$swp" || return 1
  ip netns exec "$sw" ip link set "$swp" master br0 || return 1
  _addr "$ns" eth0 "$4/24" "$5/64" && _host_routes "$ns" "$6" "$7"
}
NS_S2="${TOPO_PREFIX}-s2" NS_C2="${TOPO_PREFIX}-c2"
add_host "$NS_S2" "$NS_SWS" p3 192.0.2.22 2001:db8:1::22 192.0.2.1 2001:db8:1::1 &&
  add_host "$NS_C2" "$NS_SWC" p3 198.51.100.12 2001:db8:2::12 198.51.100.1 2001:db8:2::1 ||
  { sc_fail topology "extra hosts"; sc_finish; }

SERVER_NS=("$NS_SRV" "$NS_3S" "$NS_S2")
CLIENT_NS=("$NS_CLI" "$NS_3C" "$NS_C2")
for i in 0 1 2; do
  r="$W/srv$i"
  sc_tree "$r"
  echo "server-$i" >"$r/pub/whoami.txt"
  echo "marker of server-$i" >"$r/pub/marker-server-$i.txt"
  chmod -R a+rX "$r"
  sc_vsftpd "${SERVER_NS[$i]}" 21 "$r" "vs$i" "ftpd_banner=server-$i ready" ||
    { sc_fail "vsftpd-$i" "did not start"; sc_finish; }
  # On 2121 every server has ONE passive port, the same: two servers offer one client the same port.
  sc_vsftpd "${SERVER_NS[$i]}" 2121 "$r" "vs$i-one" "ftpd_banner=server-$i ready" pasv_min_port=40500 \
    pasv_max_port=40500 || { sc_fail "vsftpd-$i-2121" "did not start"; sc_finish; }
done

gw_config() { # gw_config SELECT FTP-PORTS
  sc_router_config
  echo "dnat proto tcp to $VIP4 port 21 -> 192.0.2.20 192.0.2.21 192.0.2.22 select $1"
  echo "dnat proto tcp to $VIP6 port 21 -> 2001:db8:1::20 2001:db8:1::21 2001:db8:1::22 select $1"
  echo "dnat proto tcp to $VIP4 port 2121 -> 192.0.2.20 192.0.2.21 192.0.2.22 select $1"
  echo "firewall inbound deny"
  echo "firewall outbound ports 21"
  echo "ftp ports $2"
  echo "ftp expect-timeout 30s"
}

restart_gw() { # restart_gw SELECT FTP-PORTS
  sc_stop_ftp_alg
  gw_config "$1" "$2" >"$W/gw-$1-${2// /-}.conf"
  sc_start_ftp_alg "$W/gw-$1-${2// /-}.conf" || { sc_fail "ftp-alg-$1" "did not start"; sc_finish; }
}

declare -A SEEN=()      # server index -> sessions
declare -A CLIENT_AT=() # client name -> the servers its sessions met
ACTIVE_DATA=0 DATA=0 CONTROL=0

# ftplib_case NAME NS FAMILY MODE: one lb_ftplib.py session; every channel must name one server.
ftplib_case() {
  local name=$1 ns=$2 fam=$3 mode=$4 vip=$VIP4 out="$W/out/$1.txt" n want_cmd bad_cmd
  [[ $fam == 6 ]] && vip=$VIP6
  timeout $T ip netns exec "$ns" "$PY" "$PROBE" --host "$vip" --mode "$mode" >"$out" 2>&1
  grep -q '^RESULT ok' "$out" || { sc_fail "$name" "$(grep '^RESULT' "$out" || tail -1 "$out")"; return 1; }
  n=$(sed -n 's/^BANNER server-\([0-9]\) ready$/\1/p' "$out")
  [[ -n $n ]] || { sc_fail "$name" "no server banner: $(grep '^BANNER' "$out")"; return 1; }
  # LIST shows exactly this server's marker; both downloads name it.
  [[ "$(grep '^LIST' "$out" | grep -o 'marker-server-[0-9]' | tr '\n' ' ')" == "marker-server-$n " ]] ||
    { sc_fail "$name" "LIST is not server-$n's: $(grep '^LIST' "$out")"; return 1; }
  [[ $(grep -c "^WHOAMI server-$n$" "$out") == 2 && $(grep -c '^WHOAMI' "$out") == 2 ]] ||
    { sc_fail "$name" "banner server-$n but downloads say: $(grep '^WHOAMI' "$out" | tr '\n' ' ')"; return 1; }
  # Every data connection as this client saw it: from/to the VIP; active ones from port 20.
  [[ $(grep -c '^DATA' "$out") == 3 ]] || { sc_fail "$name" "expected 3 data connections"; return 1; }
  if grep '^DATA' "$out" | grep -qv "^DATA $vip "; then
    sc_fail "$name" "a data connection's peer is not the VIP: $(grep '^DATA' "$out" | tr '\n' ' ')"; return 1
  fi
  if [[ $mode == active ]] && grep '^DATA' "$out" | grep -qv " 20$"; then
    sc_fail "$name" "active data not from source port 20: $(grep '^DATA' "$out" | tr '\n' ' ')"; return 1
  fi
  # The intended data command and no other (docs/TESTING.md); the 227 names the VIP.
  case $fam/$mode in
    4/pasv) want_cmd=PASV ;; 4/active) want_cmd=PORT ;; 6/pasv) want_cmd=EPSV ;; 6/active) want_cmd=EPRT ;;
  esac
  bad_cmd=$(grep -oE "^\*cmd\* '(PORT|EPRT|PASV|EPSV)" "$out" | cut -c8- | sort -u | grep -vx "$want_cmd")
  [[ -z $bad_cmd && $(grep -c "^\*cmd\* '$want_cmd" "$out") == 3 ]] ||
    { sc_fail "$name" "data commands used: $(grep -oE "^\*cmd\* '(PORT|EPRT|PASV|EPSV)" "$out" | tr '\n' ' ')"; return 1; }
  if [[ $want_cmd == PASV ]] && grep "^\*resp\* '227" "$out" | grep -qv "(203,0,113,1,"; then
    sc_fail "$name" "227 does not carry the VIP: $(grep "^\*resp\* '227" "$out" | head -1)"; return 1
  fi
  SEEN[$n]=$((${SEEN[$n]:-0} + 1))
  CLIENT_AT[$ns]="${CLIENT_AT[$ns]:-} $n"
  CONTROL=$((CONTROL + 1)) DATA=$((DATA + 3))
  [[ $mode == active ]] && ACTIVE_DATA=$((ACTIVE_DATA + 3))
  sc_pass "$name (server-$n)"
}

# curl_case NAME NS FAMILY CMD: one download of pub/whoami.txt with the data command CMD.
curl_case() {
  local name=$1 ns=$2 fam=$3 cmd=$4 host=$VIP4 log="$W/out/$1.log" body="$W/out/$1.body" n args=()
  [[ $fam == 6 ]] && host="[$VIP6]"
  case $cmd in
    PASV) args=(--disable-epsv --no-ftp-skip-pasv-ip) ;;
    EPSV) args=() ;;
    PORT) args=(--ftp-port - --disable-eprt) ;;
    EPRT) args=(--ftp-port -) ;;
  esac
  timeout $T ip netns exec "$ns" curl -sS -v --connect-timeout 5 -m 30 -u anonymous:e2e@ "${args[@]}" \
    -o "$body" "ftp://$host/pub/whoami.txt" >"$log" 2>&1 || { sc_fail "$name" "curl: $(grep -E '^curl:|^< [45]' "$log" | tail -1)"; return 1; }
  n=$(sed -n 's/^< 220 server-\([0-9]\) ready.*/\1/p' "$log" | head -1)
  [[ -n $n ]] || { sc_fail "$name" "no server banner"; return 1; }
  [[ "$(cat "$body")" == "server-$n" ]] || { sc_fail "$name" "banner server-$n, data from $(cat "$body")"; return 1; }
  [[ "$(grep -oE '^> (PORT|EPRT|PASV|EPSV)\b' "$log" | cut -c3- | sort -u)" == "$cmd" ]] ||
    { sc_fail "$name" "data commands used: $(grep -oE '^> (PORT|EPRT|PASV|EPSV)\b' "$log" | tr '\n' ' ')"; return 1; }
  if [[ $cmd == PASV ]] && ! grep -q '^< 227 .*(203,0,113,1,' "$log"; then
    sc_fail "$name" "227 does not carry the VIP: $(grep '^< 227' "$log")"; return 1
  fi
  SEEN[$n]=$((${SEEN[$n]:-0} + 1))
  CONTROL=$((CONTROL + 1)) DATA=$((DATA + 1))
  [[ $cmd == PORT || $cmd == EPRT ]] && ACTIVE_DATA=$((ACTIVE_DATA + 1))
  sc_pass "$name (server-$n)"
}

# ---- round-robin: spread, and every data connection on its control connection's server -------------------
restart_gw round-robin "21 2121"
for c in 0 1 2; do
  ns=${CLIENT_NS[$c]}
  ftplib_case "rr-ftplib-pasv-c$c" "$ns" 4 pasv
  ftplib_case "rr-ftplib-active-c$c" "$ns" 4 active
  for cmd in PASV EPSV PORT EPRT; do curl_case "rr-curl-${cmd,,}-c$c" "$ns" 4 "$cmd"; done
done
ftplib_case rr-ftplib-epsv-v6 "$NS_CLI" 6 pasv
ftplib_case rr-ftplib-eprt-v6 "$NS_CLI" 6 active
curl_case rr-curl-epsv-v6 "$NS_C2" 6 EPSV
curl_case rr-curl-eprt-v6 "$NS_C2" 6 EPRT

sc_check rr-spread "sessions met servers: ${!SEEN[*]} (${SEEN[*]})" test "${#SEEN[@]}" -eq 3
used=$(sc_counter_settle expect-used "$DATA") bal=$(sc_counter nat-balanced)
kept=$(sc_counter nat-data-source-port-kept) remapped=$(sc_counter nat-data-source-port-remapped)
sc_check rr-counters "nat-balanced $bal (want $CONTROL control connections), expect-used $used (want $DATA)" \
  test "$bal" -eq "$CONTROL" -a "$used" -eq "$DATA"
# A collision (two sessions' data from port 20 to one client address and port) would be remapped and counted.
sc_check rr-port20-counters "nat-data-source-port-kept $kept + remapped $remapped (want $ACTIVE_DATA)" \
  test $((kept + remapped)) -eq "$ACTIVE_DATA"

# One client, two concurrent sessions on two servers that both offer passive port 40500 (on 2121): the second
# 227 must advertise another port, and each data connection must still reach its own session's server.
out="$W/out/rr-same-port-two-servers.txt"
timeout $T ip netns exec "$NS_CLI" "$PY" "$HERE/e2e/scenarios/lb_pair.py" --host $VIP4 --port 2121 >"$out" 2>&1
pa=$(sed -n 's/^BANNER A server-\([0-9]\) ready$/\1/p' "$out") pb=$(sed -n 's/^BANNER B server-\([0-9]\) ready$/\1/p' "$out")
ports=$(sed -n 's/^PASV [AB] 203\.0\.113\.1 \([0-9]*\)$/\1/p' "$out" | sort -u | tr '\n' ' ')
shifted=$(sc_counter_settle nat-expect-port-shifted 1)
if ! grep -q '^RESULT ok' "$out"; then
  sc_fail rr-same-port-two-servers "$(grep '^RESULT' "$out" || tail -1 "$out")"
elif [[ -z $pa || -z $pb || $pa == "$pb" ]]; then
  sc_fail rr-same-port-two-servers "sessions not on two servers: '$pa' '$pb'"
elif [[ $(wc -w <<<"$ports") != 2 || $ports != *40500* ]]; then
  sc_fail rr-same-port-two-servers "advertised ports '$ports' (want 40500 and another, both on the VIP)"
elif ! grep -qx "WHOAMI A server-$pa" "$out" || ! grep -qx "WHOAMI B server-$pb" "$out"; then
  sc_fail rr-same-port-two-servers "data reached the wrong server: $(grep '^WHOAMI' "$out" | tr '\n' ' ')"
elif ((shifted < 1)); then
  sc_fail rr-same-port-two-servers "nat-expect-port-shifted $shifted"
else
  sc_pass "rr-same-port-two-servers (A server-$pa, B server-$pb, ports $ports)"
fi

# A port nobody negotiated on the VIP stays closed (vsftpd's passive range is open on every server).
if timeout 10 ip netns exec "$NS_CLI" "$PY" -c "import socket; socket.create_connection(('$VIP4', 40000), 3)" 2>/dev/null; then
  sc_fail probe "VIP port 40000 reachable without a negotiation"
else
  sc_pass probe
fi

# ---- client-hash: each client sticks to one server ------------------------------------------------------------
restart_gw client-hash "21 2121"
CLIENT_AT=()
for c in 0 1 2; do
  ns=${CLIENT_NS[$c]}
  ftplib_case "hash-ftplib-pasv-c$c" "$ns" 4 pasv
  ftplib_case "hash-ftplib-active-c$c" "$ns" 4 active
  ftplib_case "hash-ftplib-pasv2-c$c" "$ns" 4 pasv
  at=$(tr ' ' '\n' <<<"${CLIENT_AT[$ns]:-}" | grep . | sort -u | wc -l)
  sc_check "hash-sticky-c$c" "client $c met servers:${CLIENT_AT[$ns]:-}" test "$at" -eq 1
done

# ---- negative control: the ALG off ----------------------------------------------------------------------------
restart_gw round-robin 9
for mode in pasv active; do
  out="$W/out/no-alg-$mode.txt"
  timeout $T ip netns exec "$NS_CLI" "$PY" "$PROBE" --host "$VIP4" --mode "$mode" --timeout 4 >"$out" 2>&1
  if grep -q '^RESULT ok' "$out"; then
    sc_fail "no-alg-$mode" "data worked without the ALG"
  elif ! grep -q "^\*resp\* '230" "$out"; then
    sc_fail "no-alg-$mode" "login failed too (the negative control must fail after login)"
  else
    sc_pass "no-alg-$mode"
  fi
done
sc_finish
