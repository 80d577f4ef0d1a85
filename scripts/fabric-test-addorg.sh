#!/usr/bin/env bash
# `make fabric-test-addorg`: a new bank joins the running channel, end to
# end, on a fresh local network (scripts/network.sh down --clean, up):
#   1. scripts/network.sh add-org bank3 (its own CA, identities, the channel
#      configuration update signed by a majority of admins, its peer joined,
#      the chaincode approved for it), timed
#   2. node/fabric TestAddedOrganisation: Bank3 refused until the
#      association admits it; then its node gets the consortium secret,
#      builds its replica from block 0, finds Bank1's subject by raw
#      identity number, files a default that Bank2 sees; Bank3's peer
#      endorsed it. TestEachOrganisationKeepsToItsDirectory: Bank3's CA and
#      peer, like every other process, use only their organisation's
#      directory (network/.run/bank3)
#   3. Bank3's blacklistd as its operator runs it (scripts/network.sh node
#      bank3 on BANK3_HOST, with the association's node sealing the secret
#      to it) becomes ready: /readyz 200 with the consortium's key-check
#      value; the directory test again, now with the two nodes running
# The network goes down (--clean) at the end, whatever the result.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN="$ROOT/network/.run"
# The two blacklistd nodes of step 3 listen on their organisations'
# addresses (network/ports.env), on ports the network does not use.
. network/ports.env
ASSOC_NODE=${ASSOC_NODE:-$ASSOC_HOST:8191}
BANK3_NODE=${BANK3_NODE:-$BANK3_HOST:8193}

work=$(mktemp -d)
cleanup() {
  local rc=$?
  scripts/network.sh down --clean || true
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

scripts/network.sh down --clean
scripts/network.sh up
t0=$SECONDS
scripts/network.sh add-org bank3
add_org_s=$((SECONDS - t0))

BLACKLIST_FABRIC_RUN="$RUN" go test -count=1 -v \
  -run '^(TestAddedOrganisation|TestEachOrganisationKeepsToItsDirectory)$' ./node/fabric/

# The association's node seals the secret to Bank3's node key (Bank3 was
# admitted by the test above); Bank3's node is ready once it has opened it.
scripts/network.sh node assoc "$ASSOC_NODE" "$work/assoc"
scripts/network.sh node bank3 "$BANK3_NODE" "$work/bank3"
ready=""
for _ in $(seq 600); do
  ready=$(curl -fsS "http://$BANK3_NODE/readyz" 2>/dev/null) && break
  sleep 0.1
done
kcv=$(go run ./cmd/blacklistd secret check --in "$RUN/assoc/consortium.secret")
case $ready in
  *'"status":"ready"'*"\"subjectKeyCheck\":\"$kcv\""*) ;;
  *) curl -sS "http://$BANK3_NODE/readyz" >&2 || true
     echo "fabric-test-addorg: Bank3's node (network.sh node bank3) is not ready with the consortium secret $kcv" >&2
     exit 1 ;;
esac
echo "fabric-test-addorg: Bank3's node is ready: $ready"
BLACKLIST_FABRIC_RUN="$RUN" go test -count=1 -v -run '^TestEachOrganisationKeepsToItsDirectory$' ./node/fabric/
scripts/network.sh node-stop bank3
scripts/network.sh node-stop assoc
echo "fabric-test-addorg: passed; add-org bank3 took ${add_org_s} s"
