# Shared helpers for the scenario end-to-end tests in e2e/scenarios/*.sh (PROBLEM.md scenarios 4 to 8), run by
# scripts/ftp-e2e-scenarios. Sourced, never run. Root only; Debian 12. Each scenario script:
#
#   source "$(dirname "$0")/lib.sh"
#   sc_init lb                      # work dir $W, namespace prefix, cleanup trap (namespaces, processes, files)
#   topo_up dnat --gw none --prefix "$TOPO_PREFIX" ...     # scripts/netns-topology, already sourced
#   sc_router_config >"$W/gw.conf"; echo "dnat ..." >>"$W/gw.conf"
#   sc_start_ftp_alg "$W/gw.conf"   # ftp-alg in $NS_GW on gin/gout, counters in $FTP_ALG_STATS
#   ... sc_pass NAME | sc_fail NAME REASON ...
#   sc_finish                       # prints "N passed, M failed", exits 1 on any failure
#
# Rules (CLAUDE brief): traffic only between the namespaces the script creates; documentation address ranges;
# every wait bounded; everything created is removed on exit, even on failure.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY=/usr/bin/python3
# shellcheck source=../../scripts/netns-topology
source "$HERE/scripts/netns-topology"

SC_PASSED=0 SC_FAILED=0
declare -a PIDS=()

# sc_init NAME: work dir, a namespace prefix unique to this run, the cleanup trap.
sc_init() {
  SC_NAME=$1
  [[ $(id -u) -eq 0 ]] || { echo "$SC_NAME: run as root (network namespaces)" >&2; exit 1; }
  TOPO_PREFIX="fs${SC_NAME:0:3}-$$"
  W=$(mktemp -d "/tmp/fa-$SC_NAME.XXXXXX")
  chmod 755 "$W"
  mkdir -p "$W/log" "$W/out"
  trap sc_cleanup EXIT
  trap 'exit 130' INT TERM
}

# Kills what we started, removes the namespaces we made (topo_down, plus any in SC_EXTRA_NS) and the work dir
# (kept when SC_KEEP=1).
declare -a SC_EXTRA_NS=()
sc_cleanup() {
  local p ns
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null; done
  PIDS=()
  for ns in "${SC_EXTRA_NS[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "/etc/netns/$ns"
  done
  topo_down 2>/dev/null
  if [[ "${SC_KEEP:-0}" == 1 ]]; then echo "$SC_NAME: kept $W" >&2; else rm -rf "${W:?}"; fi
}

sc_pass() { echo "PASS $SC_NAME/$1"; SC_PASSED=$((SC_PASSED + 1)); }
sc_fail() { echo "FAIL $SC_NAME/$1: $2"; SC_FAILED=$((SC_FAILED + 1)); }
sc_check() { # sc_check NAME REASON-IF-FAILED COMMAND...: pass when COMMAND succeeds
  local name=$1 reason=$2
  shift 2
  if "$@"; then sc_pass "$name"; else sc_fail "$name" "$reason"; fi
}
sc_finish() {
  echo "$SC_NAME: $SC_PASSED passed, $SC_FAILED failed"
  ((SC_FAILED == 0 && SC_PASSED > 0))
  exit $?
}

# The port lines of a router-mode ftp-alg config for the current topology (topo_up --gw none): gin inside,
# gout outside, with the gateway addresses the topology gave them.
sc_router_config() {
  echo "mode router"
  echo "port inside  interface gin  address $GIN4 address $GIN6"
  echo "port outside interface gout address $GOUT4 address $GOUT6"
}

# sc_start_ftp_alg CONF [extra run args...]: ftp-alg in the gateway namespace; waits (bounded) for its first
# counters. Sets GW_PID and FTP_ALG_STATS. No state directory unless SC_STATE_DIR names one (a scenario must not
# restore another's connections, nor take /var/lib/ftp-alg's lock from a parallel run).
sc_start_ftp_alg() {
  local conf=$1 i
  shift
  FTP_ALG_STATS="$W/ftp-alg.stats"
  rm -f "$FTP_ALG_STATS"
  local offl=() state=(--no-state)
  [[ "${FTP_ALG_OFFLOADS:-on}" == off ]] && offl=(--offloads refuse) # netns-topology --offloads off: wire frames
  [[ -n "${SC_STATE_DIR:-}" ]] && state=(--state-dir "$SC_STATE_DIR")
  ip netns exec "$NS_GW" "$HERE/scripts/ftp-alg" run --config "$conf" "${state[@]}" --stats-file "$FTP_ALG_STATS" "${offl[@]}" "$@" \
    >>"$W/log/ftp-alg.log" 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
  for ((i = 0; i < 300; i++)); do
    [[ -s "$FTP_ALG_STATS" ]] && return 0
    kill -0 "$GW_PID" 2>/dev/null || { echo "$SC_NAME: ftp-alg did not start:" >&2; tail -5 "$W/log/ftp-alg.log" >&2; return 1; }
    sleep 0.2
  done
  echo "$SC_NAME: ftp-alg wrote no counters within 60 s" >&2
  return 1
}

# sc_stop_ftp_alg: SIGTERM, bounded wait.
sc_stop_ftp_alg() {
  [[ -n "${GW_PID:-}" ]] || return 0
  kill "$GW_PID" 2>/dev/null
  timeout 10 tail --pid="$GW_PID" -f /dev/null 2>/dev/null
  GW_PID=""
}

# sc_counter NAME: one counter from ftp-alg's stats file, after the next rewrite of the file (written every
# second), so that it is current. Prints 0 for a counter not in the file.
sc_counter() {
  local f=$FTP_ALG_STATS m i
  m=$(stat -c %y "$f" 2>/dev/null)
  for ((i = 0; i < 30; i++)); do
    [[ "$(stat -c %y "$f" 2>/dev/null)" != "$m" ]] && break
    sleep 0.1
  done
  awk -v n="$1" '$1==n{v=$2} END{print v+0}' "$f"
}

# sc_counter_settle NAME WANT: the counter once it reaches WANT, or its value after about 10 stats-file rewrites
# (the file is written every second and may trail the last packets).
sc_counter_settle() {
  local i v
  for ((i = 0; i < 10; i++)); do
    v=$(sc_counter "$1")
    ((v >= $2)) && break
  done
  echo "$v"
}

# sc_vsftpd NS PORT ROOT LOGNAME [extra vsftpd.conf lines...]: an anonymous vsftpd (both families) in NS,
# serving ROOT (not writable; upload/ writable), passive ports 40000-40199, data from port 20 in active mode.
sc_vsftpd() {
  local ns=$1 port=$2 root=$3 name=$4 i
  shift 4
  mkdir -p "$W/empty"
  {
    cat <<CONF
listen=NO
listen_ipv6=YES
listen_port=$port
background=NO
anonymous_enable=YES
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_umask=022
no_anon_password=YES
anon_root=$root
ftp_username=ftp
secure_chroot_dir=$W/empty
seccomp_sandbox=NO
pasv_enable=YES
port_enable=YES
pasv_min_port=40000
pasv_max_port=40199
connect_from_port_20=YES
connect_timeout=5
accept_timeout=5
data_connection_timeout=120
idle_session_timeout=120
ssl_enable=NO
max_clients=64
max_per_ip=64
log_ftp_protocol=YES
vsftpd_log_file=$W/log/$name.log
CONF
    printf '%s\n' "$@"
  } >"$W/$name.conf"
  ip netns exec "$ns" /usr/sbin/vsftpd "$W/$name.conf" >>"$W/log/$name.out" 2>&1 &
  PIDS+=($!)
  for ((i = 0; i < 50; i++)); do
    ip netns exec "$ns" ss -ltnH | grep -q ":$port " && return 0
    sleep 0.1
  done
  echo "$SC_NAME: vsftpd $name did not listen on $port in $ns" >&2
  return 1
}

# sc_tree DIR: an FTP root (not writable by the ftp user) with pub/ and a writable upload/.
sc_tree() {
  mkdir -p "$1/pub" "$1/upload"
  chown ftp "$1/upload" 2>/dev/null || chmod 777 "$1/upload"
  chmod -R a+rX "$1"
}

sc_sha() { sha256sum <"$1" | cut -d' ' -f1; }
