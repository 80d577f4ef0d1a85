#!/usr/bin/env bash
# make bench / make bench-quick: runs every benchmark, each figure beside
# its baseline, and writes the report (cmd/benchreport).
#
#   scripts/bench.sh           # full: 5 runs, stores of 10,000 and 10,000,000; rewrites docs/benchmarks.md (about an hour on 2 cores with the Fabric rows of make bench: 57 min on 2026-11-30)
#   scripts/bench.sh --quick   # 3 runs, 10,000 and 1,000,000, shorter rows; writes bin/benchmarks-quick.md (under 3 min)
#
# Each suite writes one results file in Go benchmark format. A figure and
# its baseline run interleaved: a Go suite is compiled once and its test
# binary run once per repetition with every benchmark of the suite (A B A B
# rather than -count's A A B B), and the scripts alternate their rows the
# same way. Nothing here asserts a timing; targets are only reported.
#
# Environment: BENCH_OUT (report path), BENCH_KEEP=1 (keep the raw results
# and print where), BLACKLIST_FABRIC_RUN (a running local Fabric network's
# network/.run: enables the Fabric rows; this script never starts, stops or
# cleans a network), FABRIC_SUBMIT_N, FABRIC_CATCHUP_N, FABRIC_LOOKUP_N,
# FABRIC_ALERT_N, FABRIC_SATURATION_N, FABRIC_SATURATION_BATCHED_N
# (-benchtime of each Fabric benchmark), FABRIC_SATURATION_RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
case "${1:-}" in
--quick) mode=quick ;;
"") ;;
*)
  echo "usage: scripts/bench.sh [--quick]" >&2
  exit 2
  ;;
esac

if [ $mode = quick ]; then
  # No store between the small and the large one (the curves need make
  # bench), shorter log and import rows, fewer console GETs: under 3
  # minutes on an idle machine (the report's "time by step" says where).
  RUNS=3 SMALL=10000 MIDS="" LARGE=1000000
  HTTP_DURATION=1500ms STORE_DURATION=1500ms STORE_BATCH_DURATION=1s STATUS_BENCHTIME=300ms NODE_LOOKUPS=2x
  SUBMIT_N=3000x GATEWAY_N=10000x ATTESTATION_N=2000x IMPORT_N=50000x ALERT_N=20x
  TRANSLOG_TIME=100ms TRANSLOG_N=5x TRANSLOG_RUNS=1 CONSOLE_N=10
  OUT=${BENCH_OUT:-bin/benchmarks-quick.md} EXPECTED="under 3 minutes"
else
  RUNS=5 SMALL=10000 MIDS="100000 1000000" LARGE=10000000
  HTTP_DURATION=5s STORE_DURATION=5s STORE_BATCH_DURATION=10s STATUS_BENCHTIME=1s NODE_LOOKUPS=10x
  SUBMIT_N=20000x GATEWAY_N=40000x ATTESTATION_N=20000x IMPORT_N=1000000x ALERT_N=300x
  TRANSLOG_TIME=1s TRANSLOG_N=100x TRANSLOG_RUNS=$RUNS CONSOLE_N=50
  OUT=${BENCH_OUT:-docs/benchmarks.md} EXPECTED="about an hour with the Fabric rows"
fi

. scripts/bench-lib.sh # for bench_pinning
begin=$(date +%s)
# step NAME: the seconds since the previous step ended, kept for the
# report ("time by step"), so that a run that grows shows where.
step_end=$begin
steps=""
step() {
  local now
  now=$(date +%s)
  steps="$steps${steps:+, }$1 $((now - step_end)) s"
  step_end=$now
}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
res="$work/results"
mkdir -p "$res" "$(dirname "$OUT")"
cleanup() {
  # A run that fails or is stopped keeps what it measured (an hour's
  # work in a full run), as BENCH_KEEP=1 does for any run.
  local rc=$?
  if [ "${BENCH_KEEP:-}" = 1 ] || [ "$rc" -ne 0 ]; then
    echo "bench: raw results kept in $res" >&2
    rm -rf "$work/bin" "$work/tests"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
# Stopped by a signal, the EXIT trap would see status 0 and remove them.
trap 'exit 130' INT
trap 'exit 143' TERM

dirty=""
git diff --quiet HEAD 2>/dev/null || dirty=" (with uncommitted changes)"
{
  echo "mode: $mode"
  echo "runs: $RUNS"
  echo "store-small: $SMALL"
  echo "store-large: $LARGE"
  echo "console-n: $CONSOLE_N"
  echo "expected-duration: $EXPECTED"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "go: $(go version | cut -d' ' -f3-)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$dirty"
  echo "load-start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "pinning: $bench_pinning"
} >"$res/facts.txt"

echo "bench: building" >&2
bin="$work/bin"
go build -o "$bin/" ./cmd/blacklistd ./cmd/blload ./cmd/blgen ./cmd/benchreport
# Test binaries compile once a run, whichever script asks first.
export BENCH_TESTS="$work/tests"
step build

# go_suite NAME PKG REGEX BENCHTIME: RUNS processes of PKG's test binary,
# each running every benchmark REGEX matches, in the package directory as
# go test would.
go_suite() {
  local name=$1 pkg=$2 regex=$3 benchtime=$4 out="$res/$1.txt"
  echo "bench: $name ($pkg, $RUNS runs)" >&2
  local test
  test=$(bench_test_bin "$pkg")
  {
    echo "# command: go test $pkg -run '^\$' -bench '$regex' -benchtime $benchtime"
    echo "# runs: $RUNS, one process per run"
  } >"$out"
  for _ in $(seq "$RUNS"); do
    (cd "$pkg" && "$test" -test.run '^$' -test.bench "$regex" -test.benchtime "$benchtime") >"$work/$name.last" 2>&1 ||
      { cat "$work/$name.last" >&2; return 1; }
    grep '^Benchmark' "$work/$name.last" >>"$out" || true
  done
  step "$name"
}

skip() { echo "# skipped: $2" >"$res/$1.txt"; }

go_suite submit ./node/embedded '^Benchmark(ES256Verify|Submit)$' "$SUBMIT_N"
go_suite gateway ./gateway '^Benchmark(LookupHandler|TrivialGin)$' "$GATEWAY_N"
go_suite attestation ./chaincode/attestation . "$ATTESTATION_N"
# The transparency log and evidence (issue 13). TRANSLOG_N transactions of
# 100 defaults for each commit row; EXPORT_N bundles of the 10,000-loan book.
# Rows without targets: one run each in bench-quick (TRANSLOG_RUNS).
RUNS=$TRANSLOG_RUNS go_suite translog ./chaincode/translog '^Benchmark(LeafHash|Append|InclusionProof|VerifyInclusion|HeadsTree)$' "$TRANSLOG_TIME"
RUNS=$TRANSLOG_RUNS go_suite translog-log ./node/translog '^BenchmarkInclusionProof$' "$TRANSLOG_TIME"
RUNS=$TRANSLOG_RUNS go_suite evidence ./chaincode/evidence '^BenchmarkVerify$' "$TRANSLOG_TIME"
RUNS=$TRANSLOG_RUNS go_suite translog-node ./node '^Benchmark(TransparencyLog|EvidenceExport)$' "$TRANSLOG_N"

echo "bench: HTTP lookups against trivial gin" >&2
BENCH_BIN="$bin" RUNS=$RUNS DURATION=$HTTP_DURATION scripts/bench-http.sh >"$res/http.txt"
step http

echo "bench: stores of $SMALL and $LARGE attestations" >&2
BENCH_BIN="$bin" SMALL=$SMALL MIDS="$MIDS" LARGE=$LARGE RUNS=$RUNS DURATION=$STORE_DURATION BATCH_DURATION=$STORE_BATCH_DURATION \
  STATUS_BENCHTIME=$STATUS_BENCHTIME NODE_LOOKUPS=$NODE_LOOKUPS STATUS_OUT="$res/status.txt" NODE_OUT="$res/nodelookup.txt" \
  POOL_OUT="$res/pool.txt" CONSOLE_N=$CONSOLE_N scripts/bench-store.sh >"$res/store.txt"
step store

# ---- Hooks: rows whose benchmarks belong to the watchlist, alert and Fabric
# work. Each runs if its benchmark exists and otherwise leaves its row "not
# measured"; a hook's failure is reported in its row, not fatal, because
# these benchmarks are still changing under their own work.
hook() { # NAME PKG BENCHMARK BENCHTIME
  local list test
  if ! test=$(bench_test_bin "$2" 2>"$work/$1.build"); then
    skip "$1" "$2 does not build: $(grep -m1 -v '^#' "$work/$1.build" || true)"
  elif ! list=$(cd "$2" && "$test" -test.list "^$3\$" 2>&1); then
    skip "$1" "$2 does not list its tests: $(echo "$list" | head -1)"
  elif ! echo "$list" | grep -qx "$3"; then
    skip "$1" "$2 has no $3 yet"
  elif ! go_suite "$1" "$2" "^$3\$" "$4"; then
    skip "$1" "$2 $3 failed (see the output of make bench)"
  fi
}
hook watchlist ./node/watchlist BenchmarkImport "$IMPORT_N"
hook node-import ./node/alert BenchmarkImport "$IMPORT_N"
hook alert-latency ./node/alert BenchmarkAlertLatency "$ALERT_N"
# The Fabric benchmarks read the network from BLACKLIST_FABRIC_RUN, which
# their test binaries inherit.
fabric_suites="fabric-submit fabric-catchup fabric-lookup fabric-alert fabric-saturation fabric-saturation-batched"
if [ -n "${BLACKLIST_FABRIC_RUN:-}" ]; then
  hook fabric-submit ./node/fabric BenchmarkFabricSubmit "${FABRIC_SUBMIT_N:-200x}"
  hook fabric-catchup ./node/fabric BenchmarkReplicaCatchUp "${FABRIC_CATCHUP_N:-1x}"
  hook fabric-lookup ./node/fabric BenchmarkLookup "${FABRIC_LOOKUP_N:-1000x}"
  hook fabric-alert ./node/fabric BenchmarkAlertLatency "${FABRIC_ALERT_N:-50x}"
  # Throughput at saturation (issue 18): each run sweeps the transactions
  # in flight (8-512 unbatched, 2-64 batched: a level needs twice its
  # count), so one run is a curve, not a point: FABRIC_SATURATION_RUNS
  # (default 1) runs, about 4 + 4 minutes at 100 tx/s and 350
  # attestations/s.
  RUNS=${FABRIC_SATURATION_RUNS:-1} hook fabric-saturation ./node/fabric BenchmarkFabricSaturation "${FABRIC_SATURATION_N:-1024x}"
  RUNS=${FABRIC_SATURATION_RUNS:-1} hook fabric-saturation-batched ./node/fabric BenchmarkFabricSaturationBatched "${FABRIC_SATURATION_BATCHED_N:-128x}"
else
  for s in $fabric_suites; do
    skip "$s" "needs a running Fabric network: make bench brings one up; or make fabric-up, then BLACKLIST_FABRIC_RUN=\$PWD/network/.run scripts/bench.sh"
  done
fi
# ---- End of hooks.

# Every other package with benchmarks, so that a new one is not left out
# (full mode only: their cost is unknown).
if [ $mode = full ]; then
  covered=" ./node/embedded ./gateway ./chaincode/attestation ./node/watchlist ./node/alert ./node/fabric ./chaincode/translog ./node/translog ./chaincode/evidence ./node "
  # ./node's other benchmarks: the store-size ones run in bench-store.sh.
  go_suite node-statistics ./node '^BenchmarkStatisticsCount$' 1s
  for dir in $(grep -rl --include='*_test.go' '^func Benchmark' . | xargs -r -n1 dirname | sort -u); do
    case "$covered" in *" $dir "*) continue ;; esac
    go_suite "other-$(echo "${dir#./}" | tr / -)" "$dir" . 1s
  done
fi

took=$(($(date +%s) - begin))
{
  echo "load-end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "took: $((took / 60)) min $((took % 60)) s"
  echo "steps: $steps"
} >>"$res/facts.txt"
"$bin/benchreport" --results "$res" --out "$OUT" --notes-from docs/benchmarks.md
echo "bench: wrote $OUT in $((took / 60)) min $((took % 60)) s" >&2
