#!/usr/bin/env bash
# The README's five-minute walkthrough as a script: starts blacklistd --demo
# on a temporary data directory (or uses API=... and DATA=... of a running
# one), then reports a default, looks it up from the other bank, settles it,
# looks again, opens and resolves a dispute, reads the audit log and
# watches the subject for post-loan alerts, with
# curl and blctl. Every step checks its answer; the script fails on the
# first surprise. `make test` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/" ./cmd/blacklistd ./cmd/blctl
PATH="$work:$PATH"

if [ -z "${API:-}" ]; then
  DATA="$work/data"; API=http://127.0.0.1:18088
  blacklistd --demo --data "$DATA" --listen 127.0.0.1:18088 >"$work/out" 2>"$work/log" &
  pid=$!
  for _ in $(seq 100); do curl -fs "$API/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
fi
DATA=${DATA:-data}

step() { printf '\n== %s\n' "$*"; }
field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -1; }
expect() { grep -q "$1" || { echo "expected $1" >&2; exit 1; }; }
key() { sed -n "/\"$1\"/,/apiKey/ s/.*\"apiKey\": \"\(.*\)\".*/\1/p" "$DATA/demo-credentials.json"; }
B1=$(key bank1-app); B2=$(key bank2-app); AU=$(key auditor)
export BLACKLIST_SERVER=$API

step "1. Bank1 turns an identity number into a subject key"
S=$(BLACKLIST_API_KEY=$B1 blctl subject-key --id-type cn-ric --id-number 11010519491231002X)
echo "$S"

step "2. Bank1 reports a default; the node signs it with Bank1's key"
LOAN=$(printf 'LN-2026-000123' | sha256sum | cut -d' ' -f1)
OVERDUE=$(date -u -d '-130 days' +%F); NOTICE=$(date -u -d '-100 days' +%F)
default() { printf '{"attestation": {"type": "default", "subject": "%s", "loanRef": "%s", "product": "consumer", "amount": 1250000, "currency": "CNY", "overdueSince": "%s", "daysPastDue": 120, "noticeDate": "%s"}}' "$S" "$1" "$OVERDUE" "$NOTICE"; }
R=$(curl -s -H "Authorization: Bearer $B1" "$API/v1/attestations" -d "$(default "$LOAN")")
echo "$R"; echo "$R" | expect '"status":"accepted"'
D=$(echo "$R" | field id)

step "3. Bank2 checks the applicant before lending"
BLACKLIST_API_KEY=$B2 blctl lookup --purpose loan-approval "$S"
BLACKLIST_API_KEY=$B2 blctl --output json lookup --purpose loan-approval "$S" | expect '"listed": *true'

step "4. Bank2 cannot settle Bank1's default; Bank1 can"
SETTLE=$(printf '{"attestation": {"type": "settlement", "subject": "%s", "refersTo": "%s", "settledOn": "%s", "kind": "full", "amount": 1250000}}' "$S" "$D" "$(date -u +%F)")
R=$(curl -s -H "Authorization: Bearer $B2" "$API/v1/attestations" -d "$SETTLE")
echo "$R"; echo "$R" | expect '"status":403'
R=$(curl -s -H "Authorization: Bearer $B1" "$API/v1/attestations" -d "$SETTLE")
echo "$R"; echo "$R" | expect '"type":"settlement"'
BLACKLIST_API_KEY=$B2 blctl --output json lookup --purpose post-loan "$S" | expect '"listed": *false'

step "5. A second default, disputed on the subject's behalf by Bank2, upheld by Bank1"
D2=$(curl -s -H "Authorization: Bearer $B1" "$API/v1/attestations" -d "$(default "$(printf 'LN-2026-000124' | sha256sum | cut -d' ' -f1)")" | field id)
printf 'I never borrowed from Bank1.' > "$work/statement.txt"
P=$(BLACKLIST_API_KEY=$B2 blctl --output json dispute open --attestation "$D2" --reason-code not-mine --statement-file "$work/statement.txt")
echo "$P"; P=$(echo "$P" | field id)
BLACKLIST_API_KEY=$B1 blctl --output json dispute resolve "$P" --outcome upheld --note "filed against a namesake" | expect '"state": *"upheld"'
BLACKLIST_API_KEY=$B2 blctl --output json lookup --purpose dispute-handling "$S" | expect '"listed": *false'

step "6. The auditor reads who looked up whom, and why"
BLACKLIST_API_KEY=$AU blctl audit --subject "$S"
BLACKLIST_API_KEY=$AU blctl --output json audit --subject "$S" | expect '"purpose": *"dispute-handling"'

step "7. Post-loan monitoring: Bank2 watches its borrower; Bank1 files a new default; Bank2 is alerted"
curl -s -X PUT -H "Authorization: Bearer $B2" "$API/v1/watchlist/$S" -d '{"label": "cust-000042"}' | expect '"added":true'
D3=$(curl -s -H "Authorization: Bearer $B1" "$API/v1/attestations" -d "$(default "$(printf 'LN-2026-000125' | sha256sum | cut -d' ' -f1)")" | field id)
for _ in $(seq 50); do
  R=$(curl -s -H "Authorization: Bearer $B2" "$API/v1/alerts")
  echo "$R" | grep -q "$D3" && break
  sleep 0.1
done
echo "$R"; echo "$R" | expect '"kind":"default"'; echo "$R" | expect "\"attestationId\":\"$D3\""; echo "$R" | expect '"label":"cust-000042"'
printf '\nwalkthrough: all steps answered as expected\n'
