#!/usr/bin/env bash
# Where the CPU goes while a load runs against the local Fabric network:
# the CPU time of each of its processes (orderers, peers, blacklist-cc) and
# of the load itself over one window, the rest of the machine beside them,
# and a Go CPU profile of every network process over the same window.
#
#   FABRIC_PROFILE=1 scripts/network.sh up     # pprof on ops port + 1 (see network.sh up --help)
#   scripts/fabric-profile.sh OUT DELAY SECONDS -- COMMAND [ARG...]
#
# runs COMMAND, waits DELAY seconds (let it reach the level to look at),
# then for SECONDS seconds samples /proc and fetches
# /debug/pprof/profile?seconds=SECONDS from every process, and waits for
# COMMAND to end. OUT gets cpu.txt (per process: CPU seconds in the window
# and its share of all cores), NAME.pprof and NAME.top.txt (go tool pprof
# -top) per process, and COMMAND's output in load.txt. Measuring: run it
# under the bench lock (flock /work/wt/bench.lock ...).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 5 ] && [ "$4" = -- ] || {
  echo "usage: scripts/fabric-profile.sh OUT DELAY SECONDS -- COMMAND [ARG...]" >&2
  exit 2
}
out=$1 delay=$2 secs=$3
shift 4
cmd="$*"
mkdir -p "$out"
NET=network
# shellcheck source=../network/ports.env
. "$NET/ports.env"

# name pid pprof-address, for each running network process.
procs=()
add() { # NAME PIDFILE HOST OPS_PORT
  local pid
  pid=$(cat "$2" 2>/dev/null) || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  procs+=("$1 $pid $3:$(($4 + 1))")
}
for o in 0 1 2 3; do
  v="ORDERER${o}_OPS_PORT"
  add "orderer$o" "$NET/.run/orderer/pids/orderer$o.pid" "$ORDERER_HOST" "${!v}"
done
for org in assoc bank1 bank2 bank3; do
  h="${org^^}_HOST" p="${org^^}_OPS_PORT"
  [ -n "${!p:-}" ] && add "peer-$org" "$NET/.run/$org/pids/peer-$org.pid" "${!h}" "${!p}"
done
add chaincode "$NET/.run/assoc/pids/chaincode.pid" "$CHAINCODE_HOST" "$CHAINCODE_PORT"
[ ${#procs[@]} -gt 0 ] || {
  echo "fabric-profile: no network process is running" >&2
  exit 1
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Every descendant of a pid (the load: go test and its test binary).
tree_ticks() {
  local sum=0 p
  for p in $1 $(pgrep -P "$1" 2>/dev/null || true); do
    [ "$p" = "$1" ] && sum=$((sum + $(ticks "$p"))) || sum=$((sum + $(tree_ticks "$p")))
  done
  echo $sum
}
machine() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

"$@" >"$out/load.txt" 2>&1 &
load=$!
sleep "$delay"
declare -A before
for p in "${procs[@]}"; do
  set -- $p
  before[$1]=$(ticks "$2")
  curl -s -o "$out/$1.pprof" "http://$3/debug/pprof/profile?seconds=$secs" &
done
lb=$(tree_ticks $load) mb=$(machine) t0=$(date +%s.%N) la0=$(cut -d' ' -f1-3 /proc/loadavg)
sleep "$secs"
hz=$(getconf CLK_TCK)
t1=$(date +%s.%N)
# row NAME TICKS: CPU seconds in the window and the share of the 2 cores.
row() { awk -v n="$1" -v d="$2" -v hz="$hz" -v t0="$t0" -v t1="$t1" -v cores="$(nproc)" \
  'BEGIN{printf "%-12s %8.2f %7.1f%%\n", n, d/hz, 100*d/hz/(t1-t0)/cores}'; }
{
  echo "window: ${secs} s after ${delay} s of: $cmd"
  echo "load average before: $la0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-12s %8s %8s\n' process cpu-s "%cores"
  ours=0
  for p in "${procs[@]}"; do
    set -- $p
    d=$(($(ticks "$2") - ${before[$1]}))
    ours=$((ours + d))
    row "$1" "$d"
  done
  d=$(($(tree_ticks $load) - lb))
  ours=$((ours + d))
  row load "$d"
  m=$(($(machine) - mb))
  row "rest" $((m - ours))
  row "machine" "$m"
} >"$out/cpu.txt"
wait $load || echo "fabric-profile: the load exited with $?" >>"$out/cpu.txt"
wait || true
for p in "${procs[@]}"; do
  set -- $p
  go tool pprof -top -nodecount=40 "$out/$1.pprof" >"$out/$1.top.txt" 2>&1 || true
done
cat "$out/cpu.txt"
