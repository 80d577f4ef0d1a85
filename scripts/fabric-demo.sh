#!/usr/bin/env bash
# The walkthrough across three organisations on a real Fabric network: brings
# the local network up (scripts/network.sh), starts one blacklistd per
# organisation in fabric mode on its own peer, then: the association admits
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
ROOT=$PWD
work=$(mktemp -d)
pids=()
cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
expect() { grep -q "$1" || { echo "expected $1" >&2; exit 1; }; }

scripts/network.sh up
go build -o "$work/" ./cmd/blacklistd ./cmd/blctl
PATH="$work:$PATH"
. network/ports.env
CRYPTO=$ROOT/network/.run/crypto/peerOrganizations

# node ORG MSP HTTPPORT PEERPORT ROLES [FLAGS]: one organisation's node, with
# an API client whose API key is kept in $work/ORG.apikey. It is up once it
# answers /healthz; it is ready (/readyz) once it holds the consortium secret.
node() {
  local org=$1 msp=$2 port=$3 peer=$4 d=$CRYPTO/$1.example.com data=$work/data-$1
  blacklistd client add --data "$data" --name app --member "$msp" --roles "$5" >"$work/$org.apikey"
  blacklistd --ledger fabric --data "$data" --listen "127.0.0.1:$port" --log-level warn "${@:6}" \
    --fabric-peer "127.0.0.1:$peer" --fabric-msp "$msp" --fabric-tls-ca "$d/peers/peer0.$org.example.com/tls/ca.crt" \
    --fabric-cert "$d/users/Admin@$org.example.com/msp/signcerts/Admin@$org.example.com-cert.pem" \
    --fabric-key "$d/users/Admin@$org.example.com/msp/keystore/priv_sk" 2>"$work/$org.log" &
  pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  cat "$work/$org.log" >&2; echo "node $org did not start" >&2; exit 1
}
# ready ORG PORT: wait (up to 60 s) until the node holds the consortium secret.
ready() {
  for _ in $(seq 600); do curl -fs "http://127.0.0.1:$2/readyz" >"$work/$1.ready" 2>/dev/null && return; sleep 0.1; done
  curl -s "http://127.0.0.1:$2/readyz" >&2; cat "$work/$1.log" >&2; echo "node $1 did not become ready" >&2; exit 1
}
# The association's node holds the secret network.sh made for Init.
node assoc AssocMSP 8181 "$ASSOC_PEER_PORT" admin --consortium-secret "$ROOT/network/.run/consortium.secret"
node bank1 Bank1MSP 8182 "$BANK1_PEER_PORT" reporter,querier
node bank2 Bank2MSP 8183 "$BANK2_PEER_PORT" reporter,querier
as() { BLACKLIST_SERVER=http://127.0.0.1:$2 BLACKLIST_API_KEY=$(cat "$work/$1.apikey") blctl "${@:3}"; }

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
as bank2 8183 lookup --purpose loan-approval --file "$work/applicant.ndjson"
as bank2 8183 --output json lookup --purpose loan-approval --file "$work/applicant.ndjson" | expect '"listed": *true'

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
as bank2 8183 --output json lookup --purpose post-loan --file "$work/applicant.ndjson" | expect '"listed": *false'
as bank2 8183 lookup --purpose post-loan --file "$work/applicant.ndjson"
printf '\nfabric demo: all steps answered as expected (nodes on 127.0.0.1:8181 association, :8182 Bank1, :8183 Bank2; KEEP=1 leaves them running)\n'
