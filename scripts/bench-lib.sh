# Sourced by the benchmark scripts (bench-http.sh, bench-store.sh).
#
# bench_init NAME PKG...: a work directory under TMPDIR, removed on exit
# together with every process whose pid the script appends to pids, and
# the binaries of PKG... in $bin: the ones make bench built once (BENCH_BIN)
# or built here.
bench_init() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  shift
  pids=()
  trap bench_cleanup EXIT
  bin=${BENCH_BIN:-}
  if [ -z "$bin" ]; then
    bin="$work/bin"
    go build -o "$bin/" "$@"
  fi
}

# bench_test_bin PKG: the path of PKG's compiled test binary, compiled the
# first time it is asked for. The binaries live in BENCH_TESTS (make
# bench's run shares one directory between its scripts, so a package's
# tests compile once a run) or in this script's work directory.
bench_test_bin() {
  local dir=${BENCH_TESTS:-$work} name
  name=$(echo "${1#./}" | tr / -)
  if [ ! -x "$dir/$name.test" ]; then
    mkdir -p "$dir"
    go test -c -o "$dir/$name.test" "$1" >&2
  fi
  echo "$dir/$name.test"
}

bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

# Pinning: on a machine of two or more cores the servers run on core
# SERVER_CPU (0) and the load generator on LOADER_CPU (1), so that the
# loader never takes CPU time from the server it measures, nor the server
# from its loader; the trivial gin baseline is pinned the same way, so a
# ratio compares one server core against one server core. BENCH_PIN=0
# turns it off (as do one core or no taskset). Go sizes GOMAXPROCS to the
# cores a process may use, so each side runs with GOMAXPROCS=1.
#
# "${on_server[@]}" CMD... / "${on_loader[@]}" CMD...: run CMD on its
# core (taskset execs CMD, so $! of a backgrounded one is CMD's pid).
# bench_pinning says which way the run went, for the report.
SERVER_CPU=${SERVER_CPU:-0}
LOADER_CPU=${LOADER_CPU:-1}
if [ "${BENCH_PIN:-1}" != 0 ] && command -v taskset >/dev/null && [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
  on_server=(taskset -c "$SERVER_CPU")
  on_loader=(taskset -c "$LOADER_CPU")
  bench_pinning="server on core $SERVER_CPU, load generator on core $LOADER_CPU (taskset)"
else
  on_server=(env)
  on_loader=(env)
  bench_pinning="not pinned: server and load generator share the cores"
fi
