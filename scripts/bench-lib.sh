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

bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
