#!/usr/bin/env bash
# Drives a running blacklistd (embedded ledger, demo consortium, rate limit
# off) with blload and prints lookups/s and p50/p99 for single and
# 10,000-subject lookups, beside the same load on a trivial gin handler
# (the ceiling), measured in the same run.
#
#   scripts/bench-http.sh            # 10 s per measurement
#   DURATION=3s scripts/bench-http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/" ./cmd/blacklistd ./cmd/blload
NODE=127.0.0.1:18480 CEIL=127.0.0.1:18481
"$work/blacklistd" --demo --data "$work/data" --listen $NODE --rate 0 --log-level error >/dev/null &
pids+=($!)
"$work/blload" --serve-trivial $CEIL &
pids+=($!)
for _ in $(seq 100); do
  curl -fs http://$NODE/readyz >/dev/null 2>&1 && curl -fs -o /dev/null http://$CEIL/v1/subjects/x 2>/dev/null && break
  sleep 0.1
done

creds="$work/data/demo-credentials.json"
key=$(sed -n '/"bank1-app"/,/apiKey/ s/.*"apiKey": "\(.*\)".*/\1/p' "$creds")
subject=$(curl -fs -H "Authorization: Bearer $key" http://$NODE/v1/subject-keys \
  -d '{"idType":"cn-ric","idNumber":"11010519491231002X"}' | sed 's/.*"subjectKey":"\([0-9a-f]*\)".*/\1/')
loan=$(printf 'bench-loan' | sha256sum | cut -d' ' -f1)
curl -fs -o /dev/null -H "Authorization: Bearer $key" http://$NODE/v1/attestations -d '{"attestation":{"type":"default",
  "subject":"'"$subject"'","loanRef":"'"$loan"'","product":"consumer","amount":100000,"currency":"CNY",
  "overdueSince":"'"$(date -u -d '-120 days' +%F)"'","daysPastDue":110,"noticeDate":"'"$(date -u -d '-90 days' +%F)"'"}}'

L="$work/blload"
auth=(--credentials "$creds" --client bank2-app)
echo "# $(nproc) cores, $(go version | cut -d' ' -f3), ${DURATION} per row, ${CONNS} connections for single lookups"
"$L" --label "trivial gin, single" -c "$CONNS" -d "$DURATION" --url "http://$CEIL/v1/subjects/$subject?purpose=loan-approval"
"$L" --label "blacklistd, single lookup" -c "$CONNS" -d "$DURATION" "${auth[@]}" --url "http://$NODE/v1/subjects/$subject?purpose=loan-approval"
"$L" --label "trivial gin, 10,000-subject body" -c 2 -d "$DURATION" --method POST --lookup-subjects 10000 --url "http://$CEIL/v1/lookups"
"$L" --label "blacklistd, 10,000-subject lookup" -c 2 -d "$DURATION" --method POST --lookup-subjects 10000 "${auth[@]}" --url "http://$NODE/v1/lookups"
