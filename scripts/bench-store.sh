#!/usr/bin/env bash
# Lookups and node memory by store size: generates a SMALL and a LARGE
# store with blgen (straight into the embedded ledger's store, not through
# the API), then
#   1. runs the contract's status queries in-process on both
#      (BenchmarkSubjectStatus -stores), and the node's lookups with their
#      audit (BenchmarkNodeLookup -lookup-store), RUNS times, alternating
#      stores;
#   2. serves each store with its own blacklistd (127.0.0.1:18592 small,
#      :18593 large) and looks up random stored subjects over HTTP (single
#      lookups, 16 connections; 10,000-subject lookups, 1 connection),
#      RUNS times, small and large alternating, every answer checked. The
#      nodes are not pinned (unlike bench-http.sh's): a 10,000-subject
#      lookup is answered by both cores (node/badgerstate), and these rows
#      compare store sizes under the same conditions, not two servers;
#   3. times each web console page on the large store (blgen console);
#   4. reads each node's memory from /proc/PID/status.
# Prints Go benchmark format on stdout (the in-process results to
# STATUS_OUT and NODE_OUT when set), progress on stderr. Data lives under a temporary
# directory in ${TMPDIR:-/tmp} (up to about 25 GB while 10,000,000 are generated, 18 GB after: the ledger's tables are uncompressed) and is removed
# at exit, with the processes.
#
#   scripts/bench-store.sh                                   # 10,000 against 10,000,000: about 8 minutes
#   SMALL=10000 MIDS=100000 LARGE=1000000 RUNS=3 DURATION=1500ms BATCH_DURATION=1s STATUS_BENCHTIME=300ms scripts/bench-store.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${SMALL:-10000}
LARGE=${LARGE:-10000000}
# MIDS: more store sizes between, for the scaling curves (HTTP lookups and
# memory only; cmd/benchreport draws them).
MIDS=${MIDS:-}
read -r -a sizes <<<"$SMALL $MIDS $LARGE"
RUNS=${RUNS:-5}
DURATION=${DURATION:-5s}
BATCH_DURATION=${BATCH_DURATION:-10s}
STATUS_BENCHTIME=${STATUS_BENCHTIME:-1s}
NODE_LOOKUPS=${NODE_LOOKUPS:-10x}
# Lookups never verify signatures, and signing ten million attestations
# would double the generation time; blgen then writes random bytes of the
# same size instead (the store's shape and size are the same).
SIGN=${SIGN:-false}
STATUS_OUT=${STATUS_OUT:-}
NODE_OUT=${NODE_OUT:-}
# POOL_OUT: where the pool statistics rows go (default: with the others).
POOL_OUT=${POOL_OUT:-}
POOL_SIZE=${POOL_SIZE:-1000000}
# CONSOLE_N: GETs of each console page per run.
CONSOLE_N=${CONSOLE_N:-50}

. scripts/bench-lib.sh
bench_init bench-store ./cmd/blacklistd ./cmd/blgen
embedded_test=$(bench_test_bin ./node/embedded)
node_test=$(bench_test_bin ./node)

status_out() { if [ -n "$STATUS_OUT" ]; then cat >>"$STATUS_OUT"; else cat; fi; }
node_out() { if [ -n "$NODE_OUT" ]; then cat >>"$NODE_OUT"; else cat; fi; }
pool_out() { if [ -n "$POOL_OUT" ]; then cat >>"$POOL_OUT"; else cat; fi; }

echo "# command: SMALL=$SMALL MIDS='$MIDS' LARGE=$LARGE RUNS=$RUNS DURATION=$DURATION BATCH_DURATION=$BATCH_DURATION scripts/bench-store.sh"
echo "# runs: $RUNS, small and large store alternating, not pinned"
printf '%s\n' "# command: go test ./node/embedded -run '^\$' -bench SubjectStatus -benchtime $STATUS_BENCHTIME -args -stores SMALL_DIR,LARGE_DIR (stores of $SMALL and $LARGE by blgen)" \
  "# runs: $RUNS, one process each, stores alternating" | status_out
printf '%s\n' "# command: go test ./node -run '^\$' -bench NodeLookup -benchtime $NODE_LOOKUPS -args -lookup-store SMALL_DIR,LARGE_DIR (stores of $SMALL and $LARGE by blgen)" \
  "# runs: $RUNS, one process each, stores alternating" | node_out

for n in "${sizes[@]}"; do
  echo "bench-store: generating $n attestations" >&2
  start=$(date +%s%N)
  "$bin/blgen" --data "$work/s$n" --n "$n" --sign="$SIGN" --progress 30s >&2
  ns=$(($(date +%s%N) - start))
  mb=$(jq '.storeBytes / 1e6' "$work/s$n/blgen.json")
  awk -v n="$n" -v ns="$ns" -v mb="$mb" 'BEGIN { printf "BenchmarkGenerate/stored=%d\t1\t%.0f ns/op\t%.0f attestations/s\t%.1f s\t%.0f store-MB\n", n, ns, n / (ns / 1e9), ns / 1e9, mb }'
done

echo "bench-store: in-process status queries, $RUNS runs" >&2
for r in $(seq "$RUNS"); do
  (cd node/embedded && "$embedded_test" -test.run '^$' -test.bench 'SubjectStatus' -test.benchtime "$STATUS_BENCHTIME" \
    -stores "$work/s$SMALL,$work/s$LARGE") | grep '^Benchmark' | status_out
  # The node's whole read path (role check, budget, query, audit with
  # its sync), without HTTP.
  (cd node && "$node_test" -test.run '^$' -test.bench 'NodeLookup' -test.benchtime "$NODE_LOOKUPS" \
    -lookup-store "$work/s$SMALL,$work/s$LARGE") | grep '^Benchmark' | node_out
done

# Pool statistics (node.PoolStatistics, in-process, as an analyst) of a
# pool of POOL_SIZE stored subjects (capped at the store's) of the large
# store: decoding, overlap check, computation over one snapshot, audit.
# Its rows carry s/pool (target < 10 s) and cpu-s/pool, the process's CPU
# time while the clock runs: on a shared machine the wall time is that over
# the cores left to it.
printf '%s\n' "# command: go test ./node -run '^\$' -bench PoolStatistics -benchtime 1x -args -pool-store LARGE_DIR -pool-size $POOL_SIZE (store of $LARGE by blgen)" \
  "# runs: $RUNS, one process each" | pool_out
echo "bench-store: pool statistics, $RUNS runs" >&2
for r in $(seq "$RUNS"); do
  (cd node && "$node_test" -test.run '^$' -test.bench 'PoolStatistics' -test.benchtime 1x \
    -pool-store "$work/s$LARGE" -pool-size "$POOL_SIZE") | grep '^Benchmark' | pool_out
done

# 18592 the small store, 18593 the large one, 18594... those between.
declare -A node_port
next_port=18594
for n in "${sizes[@]}"; do
  if [ "$n" = "$SMALL" ]; then node_port[$n]=18592; elif [ "$n" = "$LARGE" ]; then node_port[$n]=18593; else node_port[$n]=$((next_port++)); fi
done
port() { echo "${node_port[$1]}"; }
declare -A node_pid
for n in "${sizes[@]}"; do
  "$bin/blacklistd" --demo --data "$work/s$n" --listen "127.0.0.1:$(port "$n")" --rate 0 --log-level error >"$work/node$n.log" 2>&1 &
  pids+=($!)
  node_pid[$n]=$!
done
for n in "${sizes[@]}"; do
  for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$(port "$n")/readyz" >/dev/null 2>&1 && break
    kill -0 "${node_pid[$n]}" 2>/dev/null || { cat "$work/node$n.log" >&2; exit 1; }
    sleep 0.1
  done
done

lookup() { # size batch conns duration seed
  "$bin/blgen" lookup --data "$work/s$1" --url "http://127.0.0.1:$(port "$1")" --batch "$2" -c "$3" -d "$4" --min-requests 3 --seed "$5"
}
echo "bench-store: warming the nodes up" >&2
for n in "${sizes[@]}"; do lookup "$n" 1 16 1s 0 >/dev/null; done
echo "bench-store: HTTP lookups, $RUNS runs" >&2
for r in $(seq "$RUNS"); do
  for n in "${sizes[@]}"; do lookup "$n" 1 16 "$DURATION" "$r"; done
  for n in "${sizes[@]}"; do lookup "$n" 10000 1 "$BATCH_DURATION" "$r"; done
done

# The web console's pages on the large store: signed in once as the
# association's administrator and as Bank1's client, each page GET
# CONSOLE_N times, one request at a time (blgen console). blgen filled the
# statistics counters with the generated defaults, so the overview reads
# real figures.
echo "bench-store: console pages, $RUNS runs" >&2
for r in $(seq "$RUNS"); do
  "$bin/blgen" console --data "$work/s$LARGE" --url "http://127.0.0.1:$(port "$LARGE")" -n "$CONSOLE_N"
done

# VmRSS and VmHWM count the store's tables that badger has mapped into
# memory (RssFile, page cache the kernel can reclaim) beside the node's
# own heap (RssAnon), so all four are reported.
for n in "${sizes[@]}"; do
  awk -v n="$n" '/^(VmRSS|VmHWM|RssAnon|RssFile):/ { sub(":", "", $1); v[$1] = $2 / 1024 }
    END { printf "BenchmarkStoreRSS/stored=%d\t1\t%.0f VmRSS-MB\t%.0f VmHWM-MB\t%.0f RssAnon-MB\t%.0f RssFile-MB\n", n, v["VmRSS"], v["VmHWM"], v["RssAnon"], v["RssFile"] }' \
    "/proc/${node_pid[$n]}/status"
done
