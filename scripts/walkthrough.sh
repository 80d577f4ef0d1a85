#!/usr/bin/env bash
# Runs the README's walkthrough block as it stands in README.md (the ```sh
# block after the "walkthrough:" marker), not a copy: the block is taken out
# of the README, cut into its numbered steps, and each step runs verbatim,
# in order, in one shell, against a fresh `blacklistd --demo` on a free
# loopback port, in a temporary directory laid out like a clone after
# `make run` (bin/ and data/). BLACKLIST_SERVER points the block at that
# node. Each step's output is then checked; the script fails at the first
# step whose answer is not the expected one, printing that output.
# `make test` runs it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pid=
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
(cd "$repo" && go build -o "$work/bin/" ./cmd/blacklistd ./cmd/blctl)

# The block: from the fence after the marker to the closing fence.
awk '/<!-- walkthrough:/ {m=1; next} m && /^```sh$/ {b=1; next} b && /^```$/ {exit} b {print}' \
  "$repo/README.md" > "$work/block.sh"
[ -s "$work/block.sh" ] || { echo "walkthrough: no walkthrough block in README.md" >&2; exit 1; }

# Step files: step 0 is what precedes "# 1.", step N starts at "# N.".
awk -v dir="$work" 'BEGIN {n=0} /^# [0-9]+\. / {n=$2+0} {print > (dir "/step." n)}' "$work/block.sh"
steps=$(ls "$work"/step.* | sed 's/.*step\.//' | sort -n)

# A free port: one nothing answers on.
port=
for p in $(shuf -i 20000-29999 -n 50); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "walkthrough: no free port found" >&2; exit 1; }
server=http://127.0.0.1:$port
"$work/bin/blacklistd" --demo --data "$work/data" --listen "127.0.0.1:$port" >"$work/node.out" 2>"$work/node.log" &
pid=$!
for _ in $(seq 200); do curl -fs "$server/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$server/readyz" >/dev/null || { cat "$work/node.log" >&2; echo "walkthrough: the node did not start" >&2; exit 1; }

# One shell runs every step, each with its output in out.N.
{
  for n in $steps; do
    printf '{\n'; cat "$work/step.$n"; printf '\n} >%q 2>&1\n' "$work/out.$n"
  done
} > "$work/run.sh"
(cd "$work" && BLACKLIST_SERVER=$server bash "$work/run.sh")

hex='[0-9a-f]\{64\}'
failed() { printf '\nwalkthrough: step %s: expected %s; its output:\n' "$1" "$2" >&2; cat "$work/out.$1" >&2; exit 1; }
# expect N PATTERN...: step N's output matches every (grep) pattern.
expect() {
  local n=$1; shift
  for pat in "$@"; do grep -q -- "$pat" "$work/out.$n" || failed "$n" "$pat"; done
}
# expect_not N PATTERN: no line of step N's output matches.
expect_not() { ! grep -q -- "$2" "$work/out.$1" || failed "$1" "no line matching $2"; }

for n in $steps; do expect_not "$n" '^blctl'; done # blctl's own errors start so
expect 1 "^subject key: $hex\$"
expect 2 "^default: $hex\$"
expect 3 ' yes  *1  *Bank1MSP  *12,500.00 CNY$' '^110105\*\*\*\*\*\*\*\*002X  .* 是  *1  *Bank1MSP  *¥12,500.00$'
expect 4 '"status":403' '"type":"settlement","status":"accepted"' ' no  *0  *- '
expect 5 '^state  *upheld$' ' no  *0  *- '
expect 6 ' loan-approval  *status ' ' post-loan  *status ' ' dispute-handling  *status '
expect 7 '^added  *yes$' '^accepted  *1$' " default  .* Bank1MSP  .* cust-000042\$"
for n in $steps; do
  printf '\n== step %s\n' "$n"; cat "$work/out.$n"
done
printf '\nwalkthrough: every step of the README block answered as expected\n'
