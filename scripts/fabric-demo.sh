#!/usr/bin/env bash
# The walkthrough across three organisations on a real Fabric network: brings
# the local network up (scripts/network.sh), starts one blacklistd per
# organisation in fabric mode on its own peer (scripts/network.sh node, which
# prints each node's command line), then: the association admits
# Bank2 through its node, both banks' nodes receive the consortium secret
# sealed to their node keys on the ledger, each bank registers its signing
# key through its own node, Bank1 reports a default for an applicant's
# identity number (turned into the subject key by its node), Bank2 finds
# the applicant listed by the same identity number through its own node,
# Bank2 cannot settle Bank1's default (refused by the chaincode), Bank1
# settles, Bank2 sees the change. Every step is checked. The nodes stop
# at the end (or on Ctrl-C) unless KEEP=1; the network stays up
# (scripts/network.sh down).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
orgs=(assoc bank1 bank2)
cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then
    for o in "${orgs[@]}"; do scripts/network.sh node-stop "$o" >/dev/null || true; done
    rm -rf "$work"
  fi
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
expect() { grep -q "$1" || { echo "expected $1" >&2; exit 1; }; }

scripts/network.sh up
# Each organisation's node listens on its organisation's address, like the
# rest of its processes (network/ports.env).
. network/ports.env
host() { local v="${1^^}_HOST"; echo "${!v}"; }
go build -o "$work/" ./cmd/blctl
PATH="$work:$PATH"

# One node per organisation, its data and API key (roles admin for the
# association, reporter,querier for a bank) in $work/data-ORG. The
# association's node holds the secret network.sh made for Init; a bank's
# node is up at once and ready once it holds the secret, sealed to it on
# the ledger by the association's node.
scripts/network.sh node assoc "$ASSOC_HOST:8181" "$work/data-assoc"
scripts/network.sh node bank1 "$BANK1_HOST:8182" "$work/data-bank1"
scripts/network.sh node bank2 "$BANK2_HOST:8183" "$work/data-bank2"
as() { BLACKLIST_SERVER=http://$(host "$1"):$2 BLACKLIST_API_KEY=$(cat "$work/data-$1/api-key") blctl "${@:3}"; }
# ready ORG PORT: wait (up to 60 s) until the node holds the consortium secret.
ready() {
  for _ in $(seq 600); do curl -fs "http://$(host "$1"):$2/readyz" >"$work/$1.ready" 2>/dev/null && return; sleep 0.1; done
  curl -s "http://$(host "$1"):$2/readyz" >&2; echo "node $1 did not become ready (scripts/network.sh logs node-$1)" >&2; exit 1
}
# bank2_sees LISTED PURPOSE: Bank2's node answers "listed": LISTED for the
# applicant's identity number. The writing bank's node answers at once
# (read-your-writes); Bank2's node follows its own peer, which commits the
# same block on its own schedule: allow it a few seconds.
bank2_sees() {
  local i out
  for i in $(seq 20); do
    out=$(as bank2 8183 --output json lookup --purpose "$2" --file "$work/applicant.ndjson")
    grep -q "\"listed\": *$1" <<<"$out" && return
    sleep 0.5
  done
  echo "Bank2's node does not answer listed: $1 after 10 s" >&2
  exit 1
}

step "1. The association admits Bank2 through its node (already a member after a rerun)"
as assoc 8181 members admit --msp Bank2MSP --legal-name "Bank Two" --credit-code 91110000600037341L --roles reporter,querier || true
as assoc 8181 members list

step "1b. Each bank's node registers its encryption key; the association's node seals the consortium secret to it"
ready assoc 8181
for b in bank1:8182 bank2:8183; do
  ready "${b%%:*}" "${b##*:}"
done
for org in assoc bank1 bank2; do
  printf '%s node: subject-key check value %s\n' "$org" "$(grep -o '"subjectKeyCheck":"[0-9a-f]*"' "$work/$org.ready" | cut -d'"' -f4)"
done
[ "$(grep -ho '"subjectKeyCheck":"[0-9a-f]*"' "$work"/*.ready | sort -u | wc -l)" = 1 ] || { echo "the nodes hold different secrets" >&2; exit 1; }

step "2. Each bank registers its own ES256 key through its own node"
for b in bank1:Bank1MSP:8182 bank2:Bank2MSP:8183; do
  IFS=: read -r org msp port <<<"$b"
  blctl keygen --out "$work/$org" >/dev/null
  kid="$org-demo-$(date +%s)"; echo "$kid" >"$work/$org.kid"
  as "$org" "$port" members add-key "$msp" --kid "$kid" --pubkey "$work/$org.pub" >/dev/null
  echo "$msp registered $kid"
done

# ric: a valid PRC resident identity number (region 110105, a random birth
# date and sequence) with its ISO 7064 MOD 11-2 check character.
ric() {
  local body w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) sum=0 i
  body=$(printf '110105%04d%02d%02d%03d' $((1950 + RANDOM % 50)) $((1 + RANDOM % 12)) $((1 + RANDOM % 28)) $((RANDOM % 1000)))
  for i in $(seq 0 16); do sum=$((sum + ${body:i:1} * w[i])); done
  echo "$body$(echo 10X98765432 | cut -c$((sum % 11 + 1)))"
}
ID=$(ric)

step "3. Bank1 reports a default for applicant $ID: its node turns the number into the subject key"
S=$(printf '%s\n' "$ID" | as bank1 8182 subject-key --id-type cn-ric --id-number -)
echo "subject key at Bank1: $S"
LOAN=$(printf 'LN-%s' "$S" | sha256sum | cut -d' ' -f1)
printf '{"v":1,"type":"default","reporter":"Bank1MSP","subject":"%s","issuedAt":"%s","loanRef":"%s","product":"consumer","amount":1250000,"currency":"CNY","overdueSince":"%s","daysPastDue":120,"noticeDate":"%s"}\n' \
  "$S" "$(date -u +%FT%TZ)" "$LOAN" "$(date -u -d '-130 days' +%F)" "$(date -u -d '-100 days' +%F)" >"$work/default.json"
D=$(blctl sign --key "$work/bank1.key" --kid "$(cat "$work/bank1.kid")" --in "$work/default.json" 2>&1 >"$work/default.jws" | grep -o '[0-9a-f]\{64\}' | head -1)
printf '{"jws":"%s"}\n' "$(cat "$work/default.jws")" >"$work/default.ndjson"
as bank1 8182 submit --state "$work/s1" "$work/default.ndjson"

step "4. Bank2 looks the applicant up by the same identity number through its own node"
printf '%s\n' "$ID" | as bank2 8183 subject-key --id-type cn-ric --id-number - | expect "^$S\$"
printf '{"idType":"cn-ric","idNumber":"%s"}\n' "$ID" >"$work/applicant.ndjson"
bank2_sees true loan-approval
as bank2 8183 lookup --purpose loan-approval --file "$work/applicant.ndjson"

step "5. Bank2 cannot settle Bank1's default: the chaincode refuses"
settle() { printf '{"v":1,"type":"settlement","reporter":"%s","subject":"%s","issuedAt":"%s","refersTo":"%s","settledOn":"%s","kind":"full","amount":1250000}\n' "$1" "$S" "$(date -u +%FT%TZ)" "$D" "$(date -u +%F)"; }
settle Bank2MSP >"$work/s2.ndjson"
if as bank2 8183 submit --state "$work/st2" --key "$work/bank2.key" --kid "$(cat "$work/bank2.kid")" "$work/s2.ndjson"; then
  echo "Bank2 settled Bank1's default" >&2; exit 1
fi
grep -q forbidden "$work/s2.ndjson.rejected.ndjson" && cat "$work/s2.ndjson.rejected.ndjson"

step "6. Bank1 settles; Bank2 sees the change"
settle Bank1MSP >"$work/s1.ndjson"
as bank1 8182 submit --state "$work/st1" --key "$work/bank1.key" --kid "$(cat "$work/bank1.kid")" "$work/s1.ndjson"
bank2_sees false post-loan
as bank2 8183 lookup --purpose post-loan --file "$work/applicant.ndjson"
printf '\nfabric demo: all steps answered as expected (nodes on %s:8181 association, %s:8182 Bank1, %s:8183 Bank2; KEEP=1 leaves them running: scripts/network.sh node-stop ORG)\n' "$ASSOC_HOST" "$BANK1_HOST" "$BANK2_HOST"
