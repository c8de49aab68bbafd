#!/usr/bin/env bash
# Scenario 8 (docs: PROBLEM.md): active-mode data from port 20, or N-1 when the control port is N, through
# ftp-alg. Root only; run by scripts/ftp-e2e-scenarios (--only 'port20*').
#
#   SERVER-side host 192.0.2.20 (inside)  -- gin  ftp-alg  gout --  198.51.100.10 (outside)
#
# One dnat topology, used both ways:
#   dnat-*   vsftpd inside on 2121 with data from 2120 (N-1), published as 203.0.113.1 port 21 and port 2121
#            (also 2001:db8:ff::1): the outside client must see the active data connection come from the public
#            address, port 20 for control port 21 (N-1 carried over to the outside control port) and 2120 for
#            control port 2121.
#   snat-*   the inside host as a client behind source NAT, three vsftpd outside: on 21 (data from 20), on 2121
#            (data from 2120) and on 2122 (data from an ephemeral port). With 'ftp data-source-port any' (the
#            default) all three pass; with 'strict' the ephemeral one is refused and counted
#            (ftp-data-source-port-refused), the others pass.
# The firewall admits new connections only to the control ports: data connections need an expectation.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
sc_init port20

VIP4=203.0.113.1 VIP6=2001:db8:ff::1 OUT4=198.51.100.10
PROBE="$HERE/e2e/scenarios/lb_ftplib.py"
T=40

topo_up dnat --gw none --prefix "$TOPO_PREFIX" || { sc_fail topology "netns-topology up failed"; sc_finish; }

for n in in out; do
  sc_tree "$W/root-$n"
  echo "server-$n" >"$W/root-$n/pub/whoami.txt"
  chmod -R a+rX "$W/root-$n"
done
# Inside: N-1 for N = 2121. Outside: the three conventions.
sc_vsftpd "$NS_SRV" 2121 "$W/root-in" vs-in-2121 "ftp_data_port=2120" &&
  sc_vsftpd "$NS_CLI" 21 "$W/root-out" vs-out-21 &&
  sc_vsftpd "$NS_CLI" 2121 "$W/root-out" vs-out-2121 "ftp_data_port=2120" &&
  sc_vsftpd "$NS_CLI" 2122 "$W/root-out" vs-out-2122 "connect_from_port_20=NO" ||
  { sc_fail vsftpd "did not start"; sc_finish; }

gw_config() { # gw_config any|strict
  sc_router_config
  echo "dnat proto tcp to $VIP4 port 21 -> 192.0.2.20 port 2121"
  echo "dnat proto tcp to $VIP4 port 2121 -> 192.0.2.20 port 2121"
  echo "dnat proto tcp to $VIP6 port 21 -> 2001:db8:1::20 port 2121"
  echo "snat from 192.0.2.0/24 to $VIP4"
  echo "snat from 2001:db8:1::/64 to $VIP6"
  echo "firewall inbound deny"
  echo "firewall outbound ports 21 2121 2122"
  echo "ftp ports 21 2121 2122"
  echo "ftp data-source-port $1"
  echo "ftp expect-timeout 30s"
}

# active_case NAME NS HOST PORT WANT-PEER WANT-PORT|any|fail: one ftplib active session (3 data connections).
active_case() {
  local name=$1 ns=$2 host=$3 port=$4 peer=$5 want=$6 out="$W/out/$1.txt" got
  timeout $T ip netns exec "$ns" "$PY" "$PROBE" --host "$host" --port "$port" --mode active --timeout 5 >"$out" 2>&1
  if [[ $want == fail ]]; then
    if grep -q '^RESULT ok' "$out"; then
      sc_fail "$name" "data connection admitted"
    elif ! grep -q "^\*resp\* '230" "$out"; then
      sc_fail "$name" "login failed (must fail only at the data connection)"
    else
      sc_pass "$name"
    fi
    return
  fi
  grep -q '^RESULT ok' "$out" || { sc_fail "$name" "$(grep '^RESULT' "$out" || tail -1 "$out")"; return; }
  got=$(grep '^DATA' "$out" | sort -u | tr '\n' ' ')
  if [[ $(grep -c '^DATA' "$out") != 3 ]] || grep '^DATA' "$out" | grep -qv "^DATA $peer "; then
    sc_fail "$name" "data peers: $got (want $peer)"
  elif [[ $want != any ]] && grep '^DATA' "$out" | grep -qv " $want$"; then
    sc_fail "$name" "data source ports: $got (want $want)"
  elif [[ $want == any ]] && grep '^DATA' "$out" | grep -qE " (20|2120)$"; then
    sc_fail "$name" "expected an ephemeral source port: $got"
  else
    sc_pass "$name ($got)"
  fi
}

# ---- any (default) ------------------------------------------------------------------------------------------
gw_config any >"$W/gw-any.conf"
sc_start_ftp_alg "$W/gw-any.conf" || { sc_fail ftp-alg "did not start"; sc_finish; }
active_case dnat-21-from-2120-seen-as-20 "$NS_CLI" $VIP4 21 $VIP4 20
active_case dnat-2121-from-2120-kept "$NS_CLI" $VIP4 2121 $VIP4 2120
active_case dnat-v6-21-seen-as-20 "$NS_CLI" $VIP6 21 $VIP6 20
kept=$(sc_counter_settle nat-data-source-port-kept 9)
sc_check dnat-counter "nat-data-source-port-kept $kept (want 9)" test "$kept" -eq 9
active_case snat-any-port20 "$NS_SRV" $OUT4 21 $OUT4 20
active_case snat-any-n-1 "$NS_SRV" $OUT4 2121 $OUT4 2120
active_case snat-any-ephemeral "$NS_SRV" $OUT4 2122 $OUT4 any

# ---- strict -----------------------------------------------------------------------------------------------------
sc_stop_ftp_alg
gw_config strict >"$W/gw-strict.conf"
sc_start_ftp_alg "$W/gw-strict.conf" || { sc_fail ftp-alg-strict "did not start"; sc_finish; }
active_case snat-strict-port20 "$NS_SRV" $OUT4 21 $OUT4 20
active_case snat-strict-n-1 "$NS_SRV" $OUT4 2121 $OUT4 2120
active_case snat-strict-ephemeral-refused "$NS_SRV" $OUT4 2122 - fail
refused=$(sc_counter_settle ftp-data-source-port-refused 1)
sc_check strict-counter "ftp-data-source-port-refused $refused (want >= 1)" test "$refused" -ge 1
active_case dnat-strict-21-seen-as-20 "$NS_CLI" $VIP4 21 $VIP4 20
sc_finish
