#!/usr/bin/env bash
# Builds the native binaries of the local Fabric network into network/.build/bin:
#   peer, orderer, configtxgen, cryptogen, osnadmin, configtxlator
#       from the Fabric version pinned in network/tools/go.mod
#   fabric-ca-server, fabric-ca-client
#       from the fabric-ca version pinned in network/tools/ca/go.mod, a module
#       of its own (see network/tools/ca/tools.go); for scripts/network.sh add-org
#   blacklist-cc
#       from this repository (cmd/blacklist-cc)
# A Fabric binary is rebuilt only when network/tools/go.mod or go.sum (or
# this script) is newer than it; blacklist-cc is built every time and
# replaced when it differs (Go's build cache makes that a link step).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/fabric-build.sh [--force] [--help]

Builds peer, orderer, configtxgen, cryptogen, osnadmin and configtxlator
from the Fabric version pinned in network/tools/go.mod, fabric-ca-server and
fabric-ca-client from the fabric-ca version pinned in network/tools/ca/go.mod,
and blacklist-cc from this module, into network/.build/bin (git-ignored). Up-to-date Fabric
binaries are skipped; blacklist-cc is always built and replaced when it differs.

  --force   rebuild everything
  --help    show this text

Environment: BIN_DIR overrides the output directory.
EOF
}

force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fabric-build.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/network/tools"
BIN=${BIN_DIR:-$ROOT/network/.build/bin}
FABRIC_TOOLS=(peer orderer configtxgen cryptogen osnadmin configtxlator)
# fabric-ca has semantic-versioned tags: its binaries know their version.
CA_TOOLS="$TOOLS/ca"
FABRIC_CA_TOOLS=(fabric-ca-server fabric-ca-client)
# The release the pseudo-version in network/tools/go.mod is cut from. The
# module proxy only knows Fabric by pseudo-versions (Fabric's v2/v3 tags are
# not semantic-import-versioned), so the binaries would otherwise report
# Version "latest" and CommitSHA "development build" (the defaults in
# common/metadata/metadata.go, which Fabric's own Makefile overrides the same
# way). Change these two together with go.mod.
FABRIC_VERSION=3.1.1
FABRIC_COMMIT=435a7f1a780a

command -v go >/dev/null || { echo "fabric-build.sh: go is not on PATH" >&2; exit 1; }
[ -f "$TOOLS/go.mod" ] || { echo "fabric-build.sh: $TOOLS/go.mod is missing" >&2; exit 1; }
mkdir -p "$BIN"

# stale BINARY FILE... : true when BINARY is missing or older than any FILE.
stale() {
  local bin=$1; shift
  $force && return 0
  [ -x "$bin" ] || return 0
  local f
  for f in "$@"; do
    [ "$f" -nt "$bin" ] && return 0
  done
  return 1
}

start=$SECONDS

# --- Fabric binaries, one `go build` for all stale ones (shared compile graph)
todo=()
for t in "${FABRIC_TOOLS[@]}"; do
  if stale "$BIN/$t" "$TOOLS/go.mod" "$TOOLS/go.sum" "$ROOT/scripts/fabric-build.sh"; then
    todo+=("github.com/hyperledger/fabric/cmd/$t")
  else
    echo "fabric-build: $t is up to date"
  fi
done
if [ ${#todo[@]} -gt 0 ]; then
  echo "fabric-build: building ${todo[*]##*/} (Fabric $FABRIC_VERSION, $(sed -n 's/^require github.com\/hyperledger\/fabric //p' "$TOOLS/go.mod")) into $BIN"
  t0=$SECONDS
  ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION"
  ldflags+=" -X github.com/hyperledger/fabric/common/metadata.CommitSHA=$FABRIC_COMMIT"
  (cd "$TOOLS" && go build -ldflags "$ldflags" -o "$BIN/" "${todo[@]}")
  # go build leaves an unchanged binary's mtime alone; mark them as fresh.
  for p in "${todo[@]}"; do touch "$BIN/${p##*/}"; done
  echo "fabric-build: Fabric binaries built in $((SECONDS - t0)) s"
fi

# --- fabric-ca binaries (cgo: go-sqlite3), from their own module
todo=()
for t in "${FABRIC_CA_TOOLS[@]}"; do
  if stale "$BIN/$t" "$CA_TOOLS/go.mod" "$CA_TOOLS/go.sum" "$ROOT/scripts/fabric-build.sh"; then
    todo+=("github.com/hyperledger/fabric-ca/cmd/$t")
  else
    echo "fabric-build: $t is up to date"
  fi
done
if [ ${#todo[@]} -gt 0 ]; then
  echo "fabric-build: building ${todo[*]##*/} (fabric-ca $(cd "$CA_TOOLS" && go list -m -f '{{.Version}}' github.com/hyperledger/fabric-ca)) into $BIN"
  t0=$SECONDS
  (cd "$CA_TOOLS" && go build -o "$BIN/" "${todo[@]}")
  for p in "${todo[@]}"; do touch "$BIN/${p##*/}"; done
  echo "fabric-build: fabric-ca binaries built in $((SECONDS - t0)) s"
fi

# --- blacklist-cc from the main module: always built (Go's build cache
# makes it a link step), and replaced only when it differs, so a copied or
# restored network/.build never keeps a chaincode older than the sources
# (a modification time says nothing about a copied file).
cd "$ROOT"
t0=$SECONDS
go build -o "$BIN/blacklist-cc.new" ./cmd/blacklist-cc
if [ -e "$BIN/blacklist-cc" ] && cmp -s "$BIN/blacklist-cc.new" "$BIN/blacklist-cc"; then
  rm -f "$BIN/blacklist-cc.new"
  echo "fabric-build: blacklist-cc is up to date ($((SECONDS - t0)) s)"
else
  mv -f "$BIN/blacklist-cc.new" "$BIN/blacklist-cc"
  echo "fabric-build: blacklist-cc built in $((SECONDS - t0)) s"
fi

echo "fabric-build: done in $((SECONDS - start)) s; binaries in $BIN"
