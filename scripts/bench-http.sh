#!/usr/bin/env bash
# Lookups over HTTP against a trivial gin handler (the ceiling), in the same
# run: starts blacklistd (embedded ledger, demo consortium, one listed
# subject, rate limit off) and blload's trivial gin server, both on
# 127.0.0.1, and loads them alternately with blload, RUNS times: single
# lookups on CONNS connections, then 10,000-subject lookups on 2. Both
# servers run pinned to one core and blload to another (bench-lib.sh's
# on_server, on_loader; BENCH_PIN=0 turns it off), so the ratio compares
# what one core serves with the node against what it serves with gin.
#
# Prints Go benchmark format on stdout (req/s, p50-ms, p99-ms per row; see
# cmd/benchreport), progress on stderr.
#
#   scripts/bench-http.sh                              # 5 runs of 5 s per row
#   RUNS=3 DURATION=1500ms scripts/bench-http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5s}
RUNS=${RUNS:-5}
CONNS=${CONNS:-32}
. scripts/bench-lib.sh
bench_init bench-http ./cmd/blacklistd ./cmd/blload
# Not 8080 or the ports of network/ports.env, and not those of
# bench-store.sh, so that it runs beside a demo, a Fabric network or
# another benchmark.
NODE=127.0.0.1:18590 CEIL=127.0.0.1:18591
"${on_server[@]}" "$bin/blacklistd" --demo --data "$work/data" --listen $NODE --rate 0 --log-level error >"$work/node.log" 2>&1 &
pids+=($!)
node_pid=$!
"${on_server[@]}" "$bin/blload" --serve-trivial $CEIL &
pids+=($!)
ceil_pid=$!
for _ in $(seq 100); do
  curl -fs http://$NODE/readyz >/dev/null 2>&1 && curl -fs -o /dev/null http://$CEIL/v1/subjects/x 2>/dev/null && break
  sleep 0.1
done

creds="$work/data/demo-credentials.json"
key=$(sed -n '/"bank1-app"/,/apiKey/ s/.*"apiKey": "\(.*\)".*/\1/p' "$creds")
subject=$(curl -fs -H "Authorization: Bearer $key" http://$NODE/v1/subject-keys \
  -d '{"idType":"cn-ric","idNumber":"11010519491231002X"}' | sed 's/.*"subjectKey":"\([0-9a-f]*\)".*/\1/')
# The demo policy's daily budget (200,000 subjects per member) would refuse
# the later runs' 10,000-subject lookups: raise it to the contract's
# maximum, so that the rows measure lookups, not refusals.
admin=$(sed -n '/"assoc-admin"/,/apiKey/ s/.*"apiKey": "\(.*\)".*/\1/p' "$creds")
curl -fs -H "Authorization: Bearer $admin" http://$NODE/v1/policy | jq -c '.dailyLookups = 100000000 | del(.updatedAt)' |
  curl -fs -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' --data-binary @- http://$NODE/v1/policy
loan=$(printf 'bench-loan' | sha256sum | cut -d' ' -f1)
curl -fs -o /dev/null -H "Authorization: Bearer $key" http://$NODE/v1/attestations -d '{"attestation":{"type":"default",
  "subject":"'"$subject"'","loanRef":"'"$loan"'","product":"consumer","amount":100000,"currency":"CNY",
  "overdueSince":"'"$(date -u -d '-120 days' +%F)"'","daysPastDue":110,"noticeDate":"'"$(date -u -d '-90 days' +%F)"'"}}'

# blload prints "label  N req/s  p50 D  p99 D  N requests  N errors" with Go
# durations; benchmark format wants numbers with units. Each row also
# reports the CPU time the server spent per request (from its
# /proc/PID/stat before and after the row): on a shared machine it moves
# far less than a rate, because waiting for a core is not in it.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
row() { # NAME SERVER_PID BLLOAD_ARGS...
  local name=$1 pid=$2 t0 out
  shift 2
  settle
  t0=$(ticks "$pid")
  out=$("${L[@]}" "$@")
  echo "$out" | as_bench "$name" "$(($(ticks "$pid") - t0))"
}
as_bench() {
  awk -F'\t' -v name="$1" -v ticks="$2" -v hz="$hz" '
    function ms(d) {
      if (d ~ /ms$/) return d + 0
      if (d ~ /(µs|us)$/) return (d + 0) / 1000
      if (d ~ /ns$/) return (d + 0) / 1e6
      if (d ~ /s$/) return (d + 0) * 1000
      return d + 0
    }
    { rate = $2 + 0; sub(/^p50 /, "", $3); sub(/^p99 /, "", $4); n = $5 + 0
      printf "Benchmark%s\t%d\t%.0f ns/op\t%.1f req/s\t%.3f p50-ms\t%.3f p99-ms\t%.1f server-cpu-us/req\n", name, n, (rate > 0 ? 1e9 / rate : 0), rate, ms($3), ms($4), (n > 0 ? ticks * 1e6 / hz / n : 0) }'
}
# settle: before each row, wait until the node's query audit subject index
# has caught up (the blacklist_audit_unindexed_entries gauge at 0; at most
# 60 s). The index is written behind the log, so a 10,000-subject row
# leaves about 200,000 entries to index, and that work would otherwise run
# on the servers' core during the next row and be charged to it.
settle() {
  local _
  for _ in $(seq 600); do
    [ "$(curl -fs http://$NODE/metrics | awk '$1 == "blacklist_audit_unindexed_entries" { print $2 }')" = 0 ] && return
    sleep 0.1
  done
  echo "bench-http: the audit subject index did not catch up in 60 s" >&2
}
L=("${on_loader[@]}" "$bin/blload")
auth=(--credentials "$creds" --client bank2-app)
echo "# command: RUNS=$RUNS DURATION=$DURATION CONNS=$CONNS scripts/bench-http.sh"
echo "# runs: $RUNS, trivial gin and node alternating, $bench_pinning"
# Every single-lookup repetition runs before the first 10,000-subject row.
# Each of those rows writes 50,000-70,000 audit entries a second, and the
# node's store compacts them for minutes after: on the one core the server
# is pinned to, that took most of its CPU from the single-lookup rows that
# came after them (docs/benchmarks.md, "Sustained 10,000-subject lookups").
for r in $(seq "$RUNS"); do
  echo "bench-http: single lookups, run $r of $RUNS" >&2
  row HTTP/gin/single "$ceil_pid" -c "$CONNS" -d "$DURATION" --url "http://$CEIL/v1/subjects/$subject?purpose=loan-approval"
  row HTTP/node/single "$node_pid" -c "$CONNS" -d "$DURATION" "${auth[@]}" --url "http://$NODE/v1/subjects/$subject?purpose=loan-approval"
done
for r in $(seq "$RUNS"); do
  echo "bench-http: 10,000-subject lookups, run $r of $RUNS" >&2
  row HTTP/gin/batch=10000 "$ceil_pid" -c 2 -d "$DURATION" --method POST --lookup-subjects 10000 --url "http://$CEIL/v1/lookups"
  row HTTP/node/batch=10000 "$node_pid" -c 2 -d "$DURATION" --method POST --lookup-subjects 10000 "${auth[@]}" --url "http://$NODE/v1/lookups"
done
