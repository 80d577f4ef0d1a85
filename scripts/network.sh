#!/usr/bin/env bash
# A local Hyperledger Fabric network for the blacklist chaincode, as native
# processes on loopback addresses, one per organisation (no Docker): three
# etcdraft orderers (OrdererMSP),
# or four SmartBFT ones with `up --consensus bft`,
# one peer each for AssocMSP, Bank1MSP and Bank2MSP, and one blacklist-cc
# chaincode-as-a-service process that serves every peer. `add-org NAME`
# adds a bank organisation to the running channel, with its own address,
# directory, fabric-ca-server and peer (decision 0014).
#
# Everything generated lives in network/.run (git-ignored): crypto/, channel/
# and chaincode/ are what the organisations' CAs and the association make
# (cryptogen output, the genesis block, the chaincode package); each
# organisation's processes then read only its own directory, network/.run/ORG
# (orderer, assoc, bank1, bank2, and any added bank: its crypto, trusted TLS
# CAs, config, genesis block, data, logs, pids; an added bank's CA too),
# which is what its operator would copy to its own
# host (docs/operations.md); binaries come from
# scripts/fabric-build.sh (network/.build/bin); ports from network/ports.env.
# See docs/fabric-network.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NET="$ROOT/network"
RUN="$NET/.run"
BIN="$NET/.build/bin"
CFG="$NET/config"
CRYPTO="$RUN/crypto"
CHANNEL_DIR="$RUN/channel"
GENESIS="$CHANNEL_DIR/genesis.block"
CC_DIR="$RUN/chaincode"

CHANNEL=blacklist
CC_NAME=blacklist
CC_VERSION=1
CC_LABEL=${CC_NAME}_${CC_VERSION}
ASSOCIATION=AssocMSP

# How long (seconds) each readiness wait may take before `up` gives up.
READY_TIMEOUT=${READY_TIMEOUT:-120}
# How long `down` waits after SIGTERM before SIGKILL.
STOP_TIMEOUT=${STOP_TIMEOUT:-15}

# shellcheck source=../network/ports.env
. "$NET/ports.env"

# The organisations of the genesis block (cryptogen's); add-org appends the
# ones it added to ORGS and PEERS (load_added_orgs).
FOUNDING_ORGS=(assoc bank1 bank2)
ORGS=("${FOUNDING_ORGS[@]}")
PEERS=(peer-assoc peer-bank1 peer-bank2)
# ORDERERS, ALL_PROCS and CONSENSUS: set_consensus (raft: orderer0-2,
# bft: orderer0-3). A network's consensus is chosen by the `up` that makes
# its genesis block and recorded in RUN/consensus; every later command reads
# it from there.
CONSENSUS_FILE="$RUN/consensus"
ORDERERS=(); ALL_PROCS=(); CONSENSUS=""

ORDERER_DOMAIN=orderer.example.com
# The ordering organisation's admin (osnadmin) in its own directory.
ORDERER_ADMIN_TLS="$RUN/orderer/crypto/users/Admin@$ORDERER_DOMAIN/tls"
# The orderers' TLS CA as the association holds it; another organisation's
# admin uses its own copy (orderer_tlsca ORG).
ORDERER_TLSCA="$RUN/assoc/trust/orderer-tlsca.pem"

# ---------------------------------------------------------------- helpers

t_start=$SECONDS
log()  { printf '[network %3ds] %s\n' "$((SECONDS - t_start))" "$*"; }
warn() { printf '[network %3ds] WARNING: %s\n' "$((SECONDS - t_start))" "$*" >&2; }
die()  { printf 'network.sh: error: %s\n' "$*" >&2; exit 1; }

org_msp()    { case $1 in assoc) echo AssocMSP ;; bank1) echo Bank1MSP ;; bank2) echo Bank2MSP ;; *) added_msp "$1" ;; esac; }
org_domain() { echo "$1.example.com"; }
org_var()    { local v="${1^^}_$2"; echo "${!v}"; }   # org_var assoc PEER_PORT -> $ASSOC_PEER_PORT
# org_dir ORG: ORG's own directory (ORG: orderer, assoc, bank1, bank2, or
# an added bank).
org_dir()    { echo "$RUN/$1"; }
# org_crypto ORG: ORG's crypto, copied from cryptogen's output (its CA's),
# or, for an organisation add-org added, enrolled there from its own CA.
org_crypto() { echo "$(org_dir "$1")/crypto"; }
peer_dir()   { local d; d=$(org_domain "$1"); echo "$(org_crypto "$1")/peers/peer0.$d"; }
# peer_tlsca ORG [VIEWER]: the TLS CA certificate of ORG's peer as VIEWER
# (default: the association) holds it, in VIEWER's trust/ directory.
peer_tlsca() { echo "$(org_dir "${2:-assoc}")/trust/$1-tlsca.pem"; }
# orderer_tlsca VIEWER: the ordering organisation's TLS CA as VIEWER holds it.
orderer_tlsca() { echo "$(org_dir "$1")/trust/orderer-tlsca.pem"; }
org_host()   { org_var "$1" HOST; }                  # org_host bank1 -> $BANK1_HOST
peer_addr()  { echo "$(org_host "$1"):$(org_var "$1" PEER_PORT)"; }

# set_consensus raft|bft: the orderers of that kind of network.
set_consensus() {
  case $1 in
    raft) ORDERERS=(orderer0 orderer1 orderer2) ;;
    bft) ORDERERS=(orderer0 orderer1 orderer2 orderer3) ;;
    *) die "unknown consensus '$1' (raft or bft)" ;;
  esac
  CONSENSUS=$1
  ALL_PROCS=("${ORDERERS[@]}" "${PEERS[@]}" chaincode)
}
# The consensus recorded for the network in RUN (raft when there is none).
recorded_consensus() { if [ -s "$CONSENSUS_FILE" ]; then cat "$CONSENSUS_FILE"; else echo raft; fi; }
# The configtx.yaml profile of the channel for the consensus.
channel_profile() { if [ "$CONSENSUS" = bft ]; then echo BlacklistChannelBFT; else echo BlacklistChannel; fi; }

orderer_index() { echo "${1#orderer}"; }
orderer_var()   { local v="ORDERER$(orderer_index "$1")_$2"; echo "${!v}"; }
orderer_dir()   { echo "$(org_crypto orderer)/orderers/$1.$ORDERER_DOMAIN"; }

# The address a process listens on (network/ports.env: one per
# organisation, as if each ran on its own host).
proc_host() {
  case $1 in
    orderer*) echo "$ORDERER_HOST" ;;
    peer-*) org_host "${1#peer-}" ;;
    ca-*) org_host "${1#ca-}" ;;
    chaincode) echo "$CHAINCODE_HOST" ;;
    node-*) local a; a=$(node_field "${1#node-}" ADDR); echo "${a%:*}" ;;
    *) die "unknown process '$1' (one of: ${ALL_PROCS[*]})" ;;
  esac
}

# Main (client-facing) port of a process, for the port checks.
proc_port() {
  case $1 in
    orderer*) orderer_var "$1" PORT ;;
    peer-*) org_var "${1#peer-}" PEER_PORT ;;
    ca-*) org_var "${1#ca-}" CA_PORT ;;
    chaincode) echo "$CHAINCODE_PORT" ;;
    node-*) node_port "${1#node-}" ;;
    *) die "unknown process '$1' (one of: ${ALL_PROCS[*]})" ;;
  esac
}
proc_ports() {
  case $1 in
    orderer*) echo "$(orderer_var "$1" PORT) $(orderer_var "$1" ADMIN_PORT) $(orderer_var "$1" OPS_PORT)" ;;
    peer-*) local o=${1#peer-}; echo "$(org_var "$o" PEER_PORT) $(org_var "$o" CC_PORT) $(org_var "$o" OPS_PORT)" ;;
    ca-*) echo "$(org_var "${1#ca-}" CA_PORT) $(org_var "${1#ca-}" CA_OPS_PORT)" ;;
    chaincode) echo "$CHAINCODE_PORT" ;;
    node-*) node_port "${1#node-}" ;;
  esac
}

# port_open PORT [HOST]: something listens on HOST:PORT (HOST an IPv4
# address, default 127.0.0.1), or on PORT of every address. Read from the
# kernel's socket table rather than by connecting, which would leave a "TLS
# handshake failed" error in the node's log for every check.
port_open() {
  local host=${2:-127.0.0.1}
  [[ $host =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || host=127.0.0.1   # a node's ADDR may name a host
  if [ -r /proc/net/tcp ]; then
    local hex a b c d; hex=$(printf '%04X' "$1")
    IFS=. read -r a b c d <<<"$host"
    grep -qE "^ *[0-9]+: ($(printf '%02X%02X%02X%02X' "$d" "$c" "$b" "$a")|00000000):$hex [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp 2>/dev/null
  else
    (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null
  fi
}

# proc_org NAME: the organisation whose directory holds process NAME's pid
# and log (the chaincode service is the association's; an added bank's CA,
# ca-ORG, is ORG's).
proc_org() {
  case $1 in
    orderer*) echo orderer ;;
    peer-*) echo "${1#peer-}" ;;
    ca-*) echo "${1#ca-}" ;;
    chaincode) echo assoc ;;
    node-*) echo "${1#node-}" ;;
    *) die "unknown process '$1'" ;;
  esac
}
pid_file() { echo "$(org_dir "$(proc_org "$1")")/pids/$1.pid"; }
log_file() { echo "$(org_dir "$(proc_org "$1")")/logs/$1.log"; }

# pid_of NAME: prints the pid of our running process NAME, fails otherwise.
# A pid counts only if its command line runs one of our binaries, so a
# recycled pid is never mistaken for ours.
pid_of() {
  local f pid
  f=$(pid_file "$1")
  [ -f "$f" ] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == "$BIN/"* ]] || return 1
  echo "$pid"
}

sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# retry TIMEOUT WHAT CMD...: runs CMD until it succeeds, with backoff from
# 0.2 s up to RETRY_MAX_MS (3 s) between attempts, for at most TIMEOUT seconds. The output
# of the last attempt is in $OUT. Output matching $FATAL_RE (the chaincode
# refusing the request) stops at once: retrying cannot help. Call it as
# FATAL_RE= retry ... to retry whatever the output.
OUT=""
RETRY_MAX_MS=3000
FATAL_RE='(invalid-argument|forbidden|conflict|not-found|unknown-function|failed-precondition):'
retry() {
  local timeout=$1 what=$2; shift 2
  local start=$SECONDS delay=200 attempt=0 msg
  while :; do
    attempt=$((attempt + 1))
    if "$@" >"$OUT" 2>&1; then
      [ $attempt -gt 1 ] && log "$what: ok after $attempt attempts ($((SECONDS - start)) s)"
      return 0
    fi
    msg=$(grep -m1 -E 'Error|error|Status: [45]' "$OUT" || head -n1 "$OUT" || true)
    if [ -n "$FATAL_RE" ] && grep -qE "$FATAL_RE" "$OUT"; then
      cat "$OUT" >&2
      die "$what failed: ${msg:0:300}"
    fi
    if [ $((SECONDS - start)) -ge "$timeout" ]; then
      cat "$OUT" >&2
      die "$what: still failing after ${timeout} s ($attempt attempts): ${msg:0:300}"
    fi
    if [ $attempt -eq 1 ] || [ $((attempt % 5)) -eq 0 ]; then
      log "$what: not ready yet, retrying (${msg:0:160})"
    fi
    sleep_ms $delay
    delay=$((delay * 2)); [ $delay -gt "$RETRY_MAX_MS" ] && delay=$RETRY_MAX_MS
  done
}

# wait_until TIMEOUT WHAT CMD...: retry for cheap checks, whatever their
# output, polling at least every second.
wait_until() { FATAL_RE='' RETRY_MAX_MS=1000 retry "$@"; }

need_bins() {
  local b
  for b in peer orderer configtxgen cryptogen osnadmin blacklist-cc; do
    [ -x "$BIN/$b" ] || die "$BIN/$b is missing: run scripts/fabric-build.sh (or scripts/network.sh up)"
  done
}

# Render network/configtx.yaml (a template) into RUN/channel with the ports.
render_configtx() { render_template configtx.yaml "$CHANNEL_DIR/configtx.yaml"; }

# render_template NAME DEST: network/NAME with each ${VAR} replaced by its
# value from network/ports.env (addresses and ports), written to DEST.
render_template() {
  local text v
  text=$(<"$NET/$1")
  for v in $(sed -n 's/^\([A-Z0-9_]*\)=.*/\1/p' "$NET/ports.env"); do
    text=${text//"\${$v}"/${!v}}
  done
  local unknown
  unknown=$(grep -v '^[[:space:]]*#' <<<"$text" | grep -o '\${[A-Za-z0-9_]*}' | sort -u | tr '\n' ' ' || true)
  [ -z "$unknown" ] || die "network/$1 uses variables that network/ports.env does not define: $unknown"
  printf '%s\n' "$text" >"$2"
}

# ---------------------------------------------------------------- CLI identities

# as_admin ORG CMD...: runs the peer CLI as ORG's admin against ORG's peer.
as_admin() {
  local org=$1; shift
  local d; d=$(org_domain "$org")
  FABRIC_CFG_PATH="$(org_dir "$org")/config" \
  CORE_PEER_LOCALMSPID="$(org_msp "$org")" \
  CORE_PEER_MSPCONFIGPATH="$(org_crypto "$org")/users/Admin@$d/msp" \
  CORE_PEER_ADDRESS="$(peer_addr "$org")" \
  CORE_PEER_TLS_ENABLED=true \
  CORE_PEER_TLS_ROOTCERT_FILE="$(peer_tlsca "$org" "$org")" \
  FABRIC_LOGGING_SPEC="${CLI_LOGGING_SPEC:-info}" \
    "$@"
}

# set_orderer_args [ORG]: the orderer options of the peer CLI run by ORG's
# admin (default: the association's), with ORG's copy of the orderer TLS CA.
ORDERER_ARGS=()
set_orderer_args() {
  ORDERER_ARGS=(-o "$ORDERER_HOST:$ORDERER0_PORT" --tls --cafile "$(orderer_tlsca "${1:-assoc}")")
}

# peer_args ORG...: --peerAddresses/--tlsRootCertFiles for each org's peer,
# the TLS CAs as PEER_ARGS_AS (the organisation running the CLI; default
# the association) holds them.
peer_args() {
  local o
  for o in "$@"; do printf '%s\n' --peerAddresses "$(peer_addr "$o")" --tlsRootCertFiles "$(peer_tlsca "$o" "${PEER_ARGS_AS:-assoc}")"; done
}

osnadmin_() {
  local o=$1; shift
  "$BIN/osnadmin" channel "$@" -o "$ORDERER_HOST:$(orderer_var "$o" ADMIN_PORT)" \
    --ca-file "$(orderer_tlsca orderer)" --client-cert "$ORDERER_ADMIN_TLS/client.crt" --client-key "$ORDERER_ADMIN_TLS/client.key"
}

# ---------------------------------------------------------------- generation

generate_crypto() {
  if [ -f "$CRYPTO/.complete" ]; then
    log "crypto: using existing material in ${CRYPTO#"$ROOT"/}"
    return
  fi
  log "crypto: generating with cryptogen (network/crypto-config.yaml)"
  rm -rf "$CRYPTO"
  mkdir -p "$RUN"
  # A template too: each organisation's TLS certificates name its address.
  render_template crypto-config.yaml "$RUN/crypto-config.yaml"
  "$BIN/cryptogen" generate --config "$RUN/crypto-config.yaml" --output "$CRYPTO" >"$OUT" 2>&1 || { cat "$OUT" >&2; die "cryptogen failed"; }
  touch "$CRYPTO/.complete"
}

generate_genesis() {
  if [ -s "$GENESIS" ]; then
    log "channel: using existing genesis block ${GENESIS#"$ROOT"/}"
    return
  fi
  log "channel: generating genesis block for '$CHANNEL' ($CONSENSUS, profile $(channel_profile)) with configtxgen (network/configtx.yaml)"
  mkdir -p "$CHANNEL_DIR"
  render_configtx
  "$BIN/configtxgen" -configPath "$CHANNEL_DIR" -profile "$(channel_profile)" -channelID "$CHANNEL" \
    -outputBlock "$GENESIS.tmp" >"$OUT" 2>&1 || { cat "$OUT" >&2; die "configtxgen failed"; }
  echo "$CONSENSUS" >"$CONSENSUS_FILE"
  mv "$GENESIS.tmp" "$GENESIS"
}

# install_org_dirs: each organisation's own directory from what the CAs and
# configtxgen made: its own crypto (copied once), the TLS CA certificates of
# the others (public: trust/ORG-tlsca.pem), its Fabric config (refreshed
# from network/config) and the genesis block. After this, its processes and
# its admin's CLI read nothing outside it (but the binaries and the
# chaincode builder, which are software, not data).
#
# An organisation add-org added has no cryptogen output: its crypto is
# enrolled in its directory by its own CA, and its TLS CA certificate is
# published from there (tlsca_of); it joins from block 0 fetched from the
# ordering service, so it gets no genesis block. Running this again (add-org
# does, once the new bank's CA has issued its identities) hands every
# organisation the newcomer's TLS CA and the newcomer everyone else's.
install_org_dirs() {
  local org src dir o ca
  for org in orderer "${ORGS[@]}"; do
    dir=$(org_dir "$org")
    mkdir -p "$dir/trust" "$dir/config" "$dir/channel"
    if [ "$org" = orderer ]; then src="$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN"; else src="$CRYPTO/peerOrganizations/$(org_domain "$org")"; fi
    if [ "$org" = orderer ] || founding_org "$org"; then
      [ -d "$dir/crypto" ] || cp -a "$src" "$dir/crypto"
      cp "$GENESIS" "$dir/channel/genesis.block"
    fi
    cp "$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN/tlsca/tlsca.$ORDERER_DOMAIN-cert.pem" "$dir/trust/orderer-tlsca.pem"
    for o in "${ORGS[@]}"; do
      ca=$(tlsca_of "$o")
      # An added bank whose CA has not issued its identities yet: nothing to hand out.
      [ -s "$ca" ] || continue
      cp "$ca" "$dir/trust/$o-tlsca.pem"
    done
    if [ "$org" = orderer ]; then cp "$CFG/orderer.yaml" "$dir/config/"; else cp "$CFG/core.yaml" "$dir/config/"; fi
  done
}

# founding_org ORG: ORG is one of the genesis block's organisations.
founding_org() { case " ${FOUNDING_ORGS[*]} " in *" $1 "*) return 0 ;; esac; return 1; }

# tlsca_of ORG: where ORG's TLS CA certificate (public) comes from: its
# cryptogen output, or, for an added bank, what its own CA put in its
# directory.
tlsca_of() {
  local d; d=$(org_domain "$1")
  if founding_org "$1"; then echo "$CRYPTO/peerOrganizations/$d/tlsca/tlsca.$d-cert.pem"; else echo "$(org_crypto "$1")/tlsca/tlsca.$d-cert.pem"; fi
}

# ---------------------------------------------------------------- processes

# start_proc NAME ENV=VALUE... -- CMD ARGS...: starts CMD in its own session
# (so Ctrl-C on the terminal does not reach it), working directory network/,
# output appended to RUN/ORG/logs/NAME.log, pid in RUN/ORG/pids/NAME.pid
# (ORG: proc_org NAME).
start_proc() {
  local name=$1; shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local pid p
  if pid=$(pid_of "$name"); then
    log "$name: already running (pid $pid)"
    return
  fi
  for p in $(proc_ports "$name"); do
    port_open "$p" "$(proc_host "$name")" && die "$name: port $(proc_host "$name"):$p is already in use by another process (see network/ports.env)"
  done
  mkdir -p "$(dirname "$(log_file "$name")")" "$(dirname "$(pid_file "$name")")"
  printf '\n===== %s: starting %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" >>"$(log_file "$name")"
  (cd "$NET" && exec setsid env "${envs[@]}" "$@" >>"$(log_file "$name")" 2>&1 </dev/null) &
  echo $! >"$(pid_file "$name")"
  local lf; lf=$(log_file "$name")
  log "$name: started (pid $!, log ${lf#"$ROOT"/})"
}

# check_ports NAME...: before starting anything, fail if a port of a process
# that is not running already is taken by some other program.
check_ports() {
  local name p busy=""
  for name in "$@"; do
    pid_of "$name" >/dev/null && continue
    for p in $(proc_ports "$name"); do
      port_open "$p" "$(proc_host "$name")" && busy+=" $(proc_host "$name"):$p ($name)"
    done
  done
  [ -z "$busy" ] || die "ports already in use by other programs:$busy; stop them or change network/ports.env"
}

# Where an orderer keeps its consensus write-ahead log (SmartBFT uses the
# same Consensus.WALDir setting as etcdraft).
consensus_dir() { if [ "$CONSENSUS" = bft ]; then echo smartbft; else echo etcdraft; fi; }

start_orderer() {
  local o=$1 d data
  d=$(orderer_dir "$o"); data="$(org_dir orderer)/data/$o"
  mkdir -p "$data"
  start_proc "$o" \
    FABRIC_CFG_PATH="$(org_dir orderer)/config" \
    FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-info}" \
    ORDERER_GENERAL_LISTENADDRESS="$ORDERER_HOST" \
    ORDERER_GENERAL_LISTENPORT="$(orderer_var "$o" PORT)" \
    ORDERER_GENERAL_LOCALMSPID=OrdererMSP \
    ORDERER_GENERAL_LOCALMSPDIR="$d/msp" \
    ORDERER_GENERAL_TLS_ENABLED=true \
    ORDERER_GENERAL_TLS_CERTIFICATE="$d/tls/server.crt" \
    ORDERER_GENERAL_TLS_PRIVATEKEY="$d/tls/server.key" \
    ORDERER_GENERAL_TLS_ROOTCAS="[$d/tls/ca.crt]" \
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$d/tls/server.crt" \
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$d/tls/server.key" \
    ORDERER_FILELEDGER_LOCATION="$data/ledger" \
    ORDERER_CONSENSUS_WALDIR="$data/$(consensus_dir)/wal" \
    ORDERER_CONSENSUS_SNAPDIR="$data/$(consensus_dir)/snapshot" \
    ORDERER_OPERATIONS_LISTENADDRESS="$ORDERER_HOST:$(orderer_var "$o" OPS_PORT)" \
    ORDERER_METRICS_PROVIDER=prometheus \
    ORDERER_ADMIN_LISTENADDRESS="$ORDERER_HOST:$(orderer_var "$o" ADMIN_PORT)" \
    ORDERER_ADMIN_TLS_ENABLED=true \
    ORDERER_ADMIN_TLS_CERTIFICATE="$d/tls/server.crt" \
    ORDERER_ADMIN_TLS_PRIVATEKEY="$d/tls/server.key" \
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
    ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$d/tls/ca.crt]" \
    $(profile_env ORDERER_GENERAL_PROFILE_ENABLED ORDERER_GENERAL_PROFILE_ADDRESS "$ORDERER_HOST" "$(orderer_var "$o" OPS_PORT)") \
    -- "$BIN/orderer"
}

# profile_env ENABLED_VAR ADDRESS_VAR HOST OPS_PORT: with FABRIC_PROFILE=1,
# the settings that turn on a node's Go pprof server (net/http/pprof,
# plain HTTP) on HOST at its operations port + 1 (orderer0 7053, peer-assoc
# 7153, ...: unused in network/ports.env's scheme); otherwise an inert
# setting, so the command line keeps its shape. For profiling at
# saturation (docs/benchmarks.md's notes); off by default, as in Fabric's
# sampleconfig.
profile_env() {
  if [ "${FABRIC_PROFILE:-}" = 1 ]; then
    echo "$1=true $2=$3:$(($4 + 1))"
  else
    echo "$1=false"
  fi
}

start_peer() {
  local org=$1 d data addr
  d=$(peer_dir "$org"); data="$(org_dir "$org")/data/peer-$org"; addr=$(peer_addr "$org")
  mkdir -p "$data"
  start_proc "peer-$org" \
    FABRIC_CFG_PATH="$(org_dir "$org")/config" \
    FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-info}" \
    CORE_PEER_ID="peer0.$(org_domain "$org")" \
    CORE_PEER_LOCALMSPID="$(org_msp "$org")" \
    CORE_PEER_MSPCONFIGPATH="$d/msp" \
    CORE_PEER_ADDRESS="$addr" \
    CORE_PEER_LISTENADDRESS="$addr" \
    CORE_PEER_CHAINCODEADDRESS="$(org_host "$org"):$(org_var "$org" CC_PORT)" \
    CORE_PEER_CHAINCODELISTENADDRESS="$(org_host "$org"):$(org_var "$org" CC_PORT)" \
    CORE_PEER_GOSSIP_BOOTSTRAP="$addr" \
    CORE_PEER_GOSSIP_EXTERNALENDPOINT="$addr" \
    CORE_PEER_GOSSIP_RECONNECTINTERVAL=5s \
    CORE_PEER_GOSSIP_MEMBERSHIPTRACKERINTERVAL=1s \
    CORE_PEER_GATEWAY_ENABLED=true \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_CERT_FILE="$d/tls/server.crt" \
    CORE_PEER_TLS_KEY_FILE="$d/tls/server.key" \
    CORE_PEER_TLS_ROOTCERT_FILE="$d/tls/ca.crt" \
    CORE_PEER_FILESYSTEMPATH="$data" \
    CORE_LEDGER_SNAPSHOTS_ROOTDIR="$data/snapshots" \
    CORE_OPERATIONS_LISTENADDRESS="$(org_host "$org"):$(org_var "$org" OPS_PORT)" \
    CORE_METRICS_PROVIDER=prometheus \
    $(profile_env CORE_PEER_PROFILE_ENABLED CORE_PEER_PROFILE_LISTENADDRESS "$(org_host "$org")" "$(org_var "$org" OPS_PORT)") \
    -- "$BIN/peer" node start
}

start_chaincode() {
  local id=$1 pid
  if pid=$(pid_of chaincode); then
    local running
    running=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^CHAINCODE_ID=//p')
    if [ "$running" = "$id" ] && [ ! "$BIN/blacklist-cc" -nt "$(pid_file chaincode)" ]; then
      log "chaincode: already running (pid $pid) as $id"
      return
    fi
    log "chaincode: restarting (package id or binary changed)"
    stop_procs chaincode
  fi
  start_proc chaincode \
    CHAINCODE_ID="$id" \
    CHAINCODE_SERVER_ADDRESS="$CHAINCODE_HOST:$CHAINCODE_PORT" \
    BLACKLIST_ASSOCIATION="$ASSOCIATION" \
    BLACKLIST_CC_PPROF="$([ "${FABRIC_PROFILE:-}" = 1 ] && echo "$CHAINCODE_HOST:$((CHAINCODE_PORT + 1))")" \
    -- "$BIN/blacklist-cc"
}

# wait_ports NAME...: waits until every port of each process accepts TCP
# connections; fails early, with the log's tail, when a process dies.
wait_ports() {
  local name p start=$SECONDS delay=100
  for name in "$@"; do
    for p in $(proc_ports "$name"); do
      while ! port_open "$p" "$(proc_host "$name")"; do
        if ! kill -0 "$(cat "$(pid_file "$name")" 2>/dev/null || echo 0)" 2>/dev/null; then
          tail -n 30 "$(log_file "$name")" >&2 || true
          die "$name exited during start-up (log: $(log_file "$name"))"
        fi
        [ $((SECONDS - start)) -ge "$READY_TIMEOUT" ] && die "$name: port $p not open after ${READY_TIMEOUT} s (log: $(log_file "$name"))"
        sleep_ms $delay
        delay=$((delay * 2)); [ $delay -gt 1000 ] && delay=1000
      done
    done
  done
  log "ports open: $*"
}

# stop_procs NAME...: SIGTERM to each running process at once, then wait,
# SIGKILL whatever is still there after STOP_TIMEOUT seconds.
stop_procs() {
  local name pid pids=() names=()
  for name in "$@"; do
    if pid=$(pid_of "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    fi
    rm -f "$(pid_file "$name")"
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  log "stopping ${names[*]} (SIGTERM)"
  local start=$SECONDS i alive
  while :; do
    alive=()
    for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null && alive+=("$i"); done
    [ ${#alive[@]} -eq 0 ] && break
    if [ $((SECONDS - start)) -ge "$STOP_TIMEOUT" ]; then
      for i in "${alive[@]}"; do
        warn "${names[$i]} (pid ${pids[$i]}) ignored SIGTERM for ${STOP_TIMEOUT} s: SIGKILL"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
      done
      break
    fi
    sleep 0.1
  done
  log "stopped ${names[*]} in $((SECONDS - start)) s"
}

# ---------------------------------------------------------------- channel

orderer_joined() { local out; out=$(osnadmin_ "$1" list --channelID "$CHANNEL" 2>&1) || true; grep -q 'Status: 200' <<<"$out"; }

# osn_join ORDERER: one join attempt; "already exists" (an earlier attempt
# that went through) counts as success.
osn_join() {
  local out
  out=$(osnadmin_ "$1" join --channelID "$CHANNEL" --config-block "$(org_dir orderer)/channel/genesis.block" 2>&1) || true
  printf '%s\n' "$out"
  grep -q 'Status: 201' <<<"$out" || grep -q 'already exists' <<<"$out"
}

join_orderers() {
  local o
  for o in "${ORDERERS[@]}"; do
    if orderer_joined "$o"; then
      log "$o: already a member of channel '$CHANNEL'"
      continue
    fi
    FATAL_RE='' retry "$READY_TIMEOUT" "$o: osnadmin channel join" osn_join "$o"
    log "$o: joined channel '$CHANNEL'"
  done
}

# The ordering service has a leader when one orderer's metrics say
# is_leader 1 (consensus_etcdraft_is_leader, or consensus_BFT_is_leader).
leader_metric() { if [ "$CONSENSUS" = bft ]; then echo consensus_BFT_is_leader; else echo consensus_etcdraft_is_leader; fi; }
raft_leader() {
  local o m
  for o in "${ORDERERS[@]}"; do
    m=$(curl -fsS "http://$ORDERER_HOST:$(orderer_var "$o" OPS_PORT)/metrics" 2>/dev/null) || continue
    grep -q "^$(leader_metric){channel=\"$CHANNEL\"} 1" <<<"$m" && { echo "$CONSENSUS leader: $o"; return 0; }
  done
  echo "no $CONSENSUS leader yet"; return 1
}

peer_joined() { as_admin "$1" "$BIN/peer" channel getinfo -c "$CHANNEL" >/dev/null 2>&1; }

join_peers() {
  local org
  for org in "${ORGS[@]}"; do
    if ! founding_org "$org"; then
      join_added_peer "$org"
      continue
    fi
    if peer_joined "$org"; then
      log "peer-$org: already joined channel '$CHANNEL'"
      continue
    fi
    retry "$READY_TIMEOUT" "peer-$org: peer channel join" as_admin "$org" "$BIN/peer" channel join -b "$(org_dir "$org")/channel/genesis.block"
    log "peer-$org: joined channel '$CHANNEL'"
  done
}

# Gateway clients get "no combination of peers can be derived which satisfy
# the endorsement policy" until the peers know each other by gossip: wait
# until each peer knows the other two on the channel. The metric is refreshed
# every membershipTrackerInterval (5 s by default, 1 s here).
gossip_ready() {
  local org m n want=$((${#ORGS[@]} - 1)) out=""
  for org in "${ORGS[@]}"; do
    m=$(curl -fsS "http://$(org_host "$org"):$(org_var "$org" OPS_PORT)/metrics" 2>/dev/null) || m=""
    n=$(sed -n "s/^gossip_membership_total_peers_known{channel=\"$CHANNEL\"} \([0-9]*\).*/\1/p" <<<"$m")
    out+="peer-$org knows ${n:-0}; "
    [ "${n:-0}" -ge "$want" ] || { echo "gossip: $out"; return 1; }
  done
  echo "gossip: $out"
}

channel_height() { as_admin "$1" "$BIN/peer" channel getinfo -c "$CHANNEL" 2>/dev/null | sed -n 's/.*"height":\([0-9]*\).*/\1/p'; }

# ---------------------------------------------------------------- chaincode

PKG_ID=""
# A reproducible chaincode-as-a-service package: same bytes every time, so
# the same package ID (label:sha256 of the file).
build_package() {
  local src="$CC_DIR/src" pkg="$CC_DIR/pkg" file="$CC_DIR/$CC_LABEL.tar.gz"
  local tarflags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=u=rw,go=r --format=ustar)
  rm -rf "$src" "$pkg"; mkdir -p "$src" "$pkg"
  printf '{"address":"%s:%s","dial_timeout":"10s","tls_required":false}\n' "$CHAINCODE_HOST" "$CHAINCODE_PORT" >"$src/connection.json"
  printf '{"type":"ccaas","label":"%s"}\n' "$CC_LABEL" >"$pkg/metadata.json"
  tar -C "$src" "${tarflags[@]}" -cf - connection.json | gzip -n -9 >"$pkg/code.tar.gz"
  tar -C "$pkg" "${tarflags[@]}" -cf - code.tar.gz metadata.json | gzip -n -9 >"$file.tmp"
  mv "$file.tmp" "$file"
  PKG_ID="$CC_LABEL:$(sha256sum "$file" | cut -d' ' -f1)"
  local prev=""
  [ -f "$CC_DIR/package-id" ] && prev=$(<"$CC_DIR/package-id")
  if [ -n "$prev" ] && [ "$prev" != "$PKG_ID" ]; then
    warn "chaincode package id changed: $prev -> $PKG_ID (connection.json changed?); deploy will upgrade the definition"
  fi
  echo "$PKG_ID" >"$CC_DIR/package-id"
  log "chaincode: package ${file#"$ROOT"/}, id $PKG_ID"
}

install_chaincode() {
  local org
  for org in "${ORGS[@]}"; do
    local installed
    installed=$(as_admin "$org" "$BIN/peer" lifecycle chaincode queryinstalled -O json 2>/dev/null) || installed=""
    if grep -q "\"$PKG_ID\"" <<<"$installed"; then
      log "peer-$org: chaincode package already installed"
      continue
    fi
    # The organisation installs its own copy of the (public) package.
    mkdir -p "$(org_dir "$org")/chaincode"; cp "$CC_DIR/$CC_LABEL.tar.gz" "$(org_dir "$org")/chaincode/"
    retry "$READY_TIMEOUT" "peer-$org: install chaincode" \
      as_admin "$org" "$BIN/peer" lifecycle chaincode install "$(org_dir "$org")/chaincode/$CC_LABEL.tar.gz"
    grep -q "$PKG_ID" "$OUT" || { cat "$OUT" >&2; die "peer-$org installed a package with an unexpected id (expected $PKG_ID)"; }
    log "peer-$org: chaincode installed"
  done
}

committed_sequence() {
  local out
  out=$(as_admin assoc "$BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" -O json 2>&1) || {
    grep -q 'not defined\|404' <<<"$out" && { echo 0; return 0; }
    echo "$out" >&2; return 1
  }
  sed -n 's/.*"sequence": *\([0-9]*\).*/\1/p' <<<"$out" | head -n1
}

approved_with_package() { # ORG SEQUENCE
  local out
  out=$(as_admin "$1" "$BIN/peer" lifecycle chaincode queryapproved -C "$CHANNEL" -n "$CC_NAME" --sequence "$2" -O json 2>/dev/null) || return 1
  grep -q "\"$PKG_ID\"" <<<"$out"
}

define_chaincode() {
  local seq org todo=0
  retry "$READY_TIMEOUT" "query committed chaincode definition" committed_sequence
  seq=$(tail -n1 "$OUT")
  [[ $seq =~ ^[0-9]+$ ]] || die "cannot read the committed sequence of '$CC_NAME': $(cat "$OUT")"
  if [ "$seq" -gt 0 ]; then
    for org in "${ORGS[@]}"; do approved_with_package "$org" "$seq" || todo=1; done
    if [ $todo -eq 0 ]; then
      log "chaincode: definition '$CC_NAME' sequence $seq already committed with this package"
      return
    fi
  fi
  seq=$((seq + 1))
  for org in "${ORGS[@]}"; do
    set_orderer_args "$org"
    if approved_with_package "$org" "$seq"; then
      log "$(org_msp "$org"): already approved '$CC_NAME' sequence $seq"
      continue
    fi
    # No --signature-policy: the channel's default /Channel/Application/Endorsement
    # (MAJORITY Endorsement) applies. No --init-required: Init is an
    # ordinary transaction of this chaincode.
    retry "$READY_TIMEOUT" "$(org_msp "$org"): approve '$CC_NAME' sequence $seq" \
      as_admin "$org" "$BIN/peer" lifecycle chaincode approveformyorg "${ORDERER_ARGS[@]}" \
      --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --package-id "$PKG_ID" --sequence "$seq"
    log "$(org_msp "$org"): approved '$CC_NAME' sequence $seq"
  done
  local pargs; mapfile -t pargs < <(peer_args "${ORGS[@]}")
  set_orderer_args assoc
  retry "$READY_TIMEOUT" "commit '$CC_NAME' sequence $seq" \
    as_admin assoc "$BIN/peer" lifecycle chaincode commit "${ORDERER_ARGS[@]}" \
    --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --sequence "$seq" "${pargs[@]}"
  log "chaincode: definition '$CC_NAME' sequence $seq committed"
}

json_escape() { local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "$s"; }

# cc_query ORG FUNCTION JSON [PEER_ORG]: evaluates as ORG's admin on
# PEER_ORG's peer (default: ORG's own).
cc_query() {
  local pargs; mapfile -t pargs < <(PEER_ARGS_AS=$1 peer_args "${4:-$1}")
  as_admin "$1" "$BIN/peer" chaincode query -C "$CHANNEL" -n "$CC_NAME" "${pargs[@]}" \
    -c "{\"Args\":[\"$2\",\"$(json_escape "$3")\"]}"
}

# cc_invoke ORG FUNCTION JSON ENDORSING_ORG...: submits as ORG's admin,
# endorsed by the given orgs' peers, and waits until they committed it.
cc_invoke() {
  local org=$1 fn=$2 arg=$3; shift 3
  local pargs; mapfile -t pargs < <(PEER_ARGS_AS=$org peer_args "$@")
  set_orderer_args "$org"
  as_admin "$org" "$BIN/peer" chaincode invoke "${ORDERER_ARGS[@]}" -C "$CHANNEL" -n "$CC_NAME" \
    "${pargs[@]}" --waitForEvent --waitForEventTimeout 30s \
    -c "{\"Args\":[\"$fn\",\"$(json_escape "$arg")\"]}"
}

# Query GetPolicy; succeeds with "initialised" or "not initialised" on stdout
# once the chaincode answers at all.
init_state() {
  local out
  if out=$(cc_query assoc GetPolicy '{}' 2>&1); then echo initialised; return 0; fi
  if grep -q 'ledger not initialised' <<<"$out"; then echo "not initialised"; return 0; fi
  echo "$out"; return 1
}

init_ledger() {
  wait_until "$READY_TIMEOUT" "chaincode answers (GetPolicy)" init_state
  if grep -q '^initialised' "$OUT"; then
    log "chaincode: ledger already initialised"
    return
  fi
  # The association's consortium secret (docs/decisions/0007): made once,
  # kept in the association's directory for its node (--consortium-secret);
  # only its key-check value goes on the ledger.
  local secret; secret="$(org_dir assoc)/consortium.secret"
  local kcv
  if [ -f "$secret" ]; then
    kcv=$(cd "$ROOT" && go run ./cmd/blacklistd secret check --in "$secret")
  else
    kcv=$(cd "$ROOT" && go run ./cmd/blacklistd secret new --out "$secret")
  fi
  log "chaincode: Init as $ASSOCIATION, subject-key check value $kcv (endorsed by AssocMSP and Bank1MSP peers: a majority)"
  retry "$READY_TIMEOUT" "Init" cc_invoke assoc Init \
    "{\"association\":\"$ASSOCIATION\",\"legalName\":\"Credit Association\",\"subjectKeyCheck\":\"$kcv\"}" assoc bank1
  log "chaincode: ledger initialised"
}

# The part of deploy that needs the peers only (no orderer).
deploy_peers() {
  need_bins
  build_package
  start_chaincode "$PKG_ID"
  wait_ports chaincode
  install_chaincode
}

# The part that orders transactions (needs a consensus leader).
deploy_channel() {
  define_chaincode
  init_ledger
}

deploy() {
  deploy_peers
  wait_until "$READY_TIMEOUT" "$CONSENSUS leader for '$CHANNEL'" raft_leader
  deploy_channel
}

BANK1_ADMISSION='{"mspId":"Bank1MSP","legalName":"Bank One","creditCode":"91350100M000100Y43","roles":["reporter","querier"],"keys":[]}'

# admit_once: one AdmitMember Bank1MSP submit; "already on the ledger" (an
# earlier attempt that committed after all) counts as success.
admit_once() {
  local out rc=0
  out=$(cc_invoke assoc AdmitMember "$BANK1_ADMISSION" $(majority_of assoc bank2) 2>&1) || rc=$?
  printf '%s\n' "$out"
  [ $rc -eq 0 ] || grep -q 'already on the ledger' <<<"$out"
}

# Proves the channel takes submits: evaluate GetPolicy, then submit (and wait
# for the commit of) AdmitMember Bank1MSP, or, when Bank1MSP is already a
# member (a restart), SetPolicy with the unchanged policy. Both are endorsed
# by AssocMSP and Bank2MSP (and more organisations' peers when add-org made
# them fewer than a majority).
smoke_test() {
  retry "$READY_TIMEOUT" "evaluate GetPolicy" cc_query assoc GetPolicy '{}'
  local policy member
  policy=$(tail -n1 "$OUT")
  log "GetPolicy: $policy"
  if member=$(cc_query assoc GetMember '{"mspId":"Bank1MSP"}' 2>&1); then
    log "Bank1MSP is already a member: submitting SetPolicy (unchanged policy) instead of AdmitMember"
    retry "$READY_TIMEOUT" "submit SetPolicy" cc_invoke assoc SetPolicy "$policy" $(majority_of assoc bank2)
  else
    grep -q 'not-found' <<<"$member" || { echo "$member" >&2; die "GetMember Bank1MSP failed unexpectedly"; }
    log "submitting AdmitMember Bank1MSP"
    retry "$READY_TIMEOUT" "submit AdmitMember Bank1MSP" admit_once
  fi
  if grep -q 'committed with status (VALID)' "$OUT"; then
    log "submit committed: $(grep -o 'txid \[[0-9a-f]*\] committed with status ([A-Z_]*)' "$OUT" | head -n1)"
  elif grep -q 'already on the ledger' "$OUT"; then
    log "submit: Bank1MSP was admitted by an earlier attempt"
  else
    cat "$OUT" >&2
    die "the submit did not report a VALID commit"
  fi
  retry "$READY_TIMEOUT" "evaluate GetMember Bank1MSP on peer-bank2" cc_query assoc GetMember '{"mspId":"Bank1MSP"}' bank2
  log "GetMember Bank1MSP (on peer-bank2): $(tail -n1 "$OUT")"
}

# ---------------------------------------------------------------- blacklistd nodes

# One blacklistd per organisation in fabric mode (`node ORG ADDR DATADIR`),
# managed like the network's processes: pid in RUN/ORG/pids/node-ORG.pid,
# log in RUN/ORG/logs/node-ORG.log. RUN/nodes/ORG.env records its address and data
# directory for `status` and the port checks.
NODES=(node-assoc node-bank1 node-bank2)
NODE_DIR="$RUN/nodes"

node_env()   { echo "$NODE_DIR/$1.env"; }
node_field() { local f; f=$(node_env "$1"); [ -f "$f" ] && sed -n "s/^$2=//p" "$f"; return 0; }
node_port()  { local a; a=$(node_field "$1" ADDR); echo "${a##*:}"; }
# The association's node administers membership; a bank's node reports and
# looks up.
node_roles() { if [ "$1" = assoc ]; then echo admin; else echo reporter,querier; fi; }

# node_cmdline ORG ADDR DATADIR: sets NODE_CMD to the blacklistd command
# line of ORG's node, the one place it is built (the start and the line
# printed for operators both use it; new blacklistd settings go here).
# The node signs as the organisation's User1, a client identity: it needs
# only to submit and read, never the Admin's power over channel
# configuration and chaincode definitions.
NODE_CMD=()
node_cmdline() {
  local org=$1 addr=$2 data=$3 domain user
  domain=$(org_domain "$org")
  user="$(org_crypto "$org")/users/User1@$domain/msp"
  NODE_CMD=("$BIN/blacklistd" --ledger fabric --data "$data" --listen "$addr"
    --fabric-peer "$(peer_addr "$org")" --fabric-msp "$(org_msp "$org")"
    --fabric-tls-ca "$(peer_tlsca "$org" "$org")"
    --fabric-cert "$user/signcerts/User1@$domain-cert.pem"
    --fabric-key "$user/keystore/priv_sk")
  # The operations services the console's network health probes: the
  # organisation's own peer and every orderer (plain HTTP /healthz).
  local ops o
  ops="peer=http://$(org_host "$org"):$(org_var "$org" OPS_PORT)"
  for o in "${ORDERERS[@]}"; do ops+=",$o=http://$ORDERER_HOST:$(orderer_var "$o" OPS_PORT)"; done
  NODE_CMD+=(--fabric-ops-endpoints "$ops")
  # The association's node holds the consortium secret made for Init; a
  # bank's node receives it sealed to its node key through the ledger.
  if [ "$org" = assoc ]; then
    NODE_CMD+=(--consortium-secret "$(org_dir assoc)/consortium.secret")
  fi
}

# node_ready NAME ADDR: the node answers /readyz; prints "NAME has exited"
# with its log's tail when it died, which stops the wait.
node_ready() {
  # kill -0 rather than pid_of: right after the start the pid may still be
  # the shell that is about to exec blacklistd.
  if ! kill -0 "$(cat "$(pid_file "$1")" 2>/dev/null || echo 0)" 2>/dev/null; then
    echo "$1 has exited; the end of its log:"
    tail -n 20 "$(log_file "$1")" 2>/dev/null || true
    return 1
  fi
  # Up is enough: a bank's node is ready (/readyz 200) only once the
  # association's node has sealed the consortium secret to it, which
  # needs the bank to be admitted first.
  curl -fsS -o /dev/null "http://$2/healthz" || return 1
  curl -sS -o /dev/null -w 'readyz %{http_code}\n' "http://$2/readyz"
}

# node_client ORG DATADIR: an API client "api" for ORG's node, its key in
# DATADIR/api-key (mode 600), unless that file exists. Run while the node
# is stopped: blacklistd opens its store exclusively.
node_client() {
  local org=$1 data=$2
  if [ -s "$data/api-key" ]; then
    log "node-$org: API client exists (key in $data/api-key)"
    return
  fi
  if "$BIN/blacklistd" client list --data "$data" 2>/dev/null | grep -q '^api[[:space:]]'; then
    die "node-$org: $data has an API client \"api\" but no api-key file; use another DATADIR, or add a client with: blacklistd client add --data $data --name NAME --member $(org_msp "$org") --roles $(node_roles "$org")"
  fi
  (umask 077 && "$BIN/blacklistd" client add --data "$data" --name api --member "$(org_msp "$org")" \
    --roles "$(node_roles "$org")" >"$data/api-key.tmp") || { rm -f "$data/api-key.tmp"; die "node-$org: blacklistd client add failed"; }
  mv "$data/api-key.tmp" "$data/api-key"
  log "node-$org: API client \"api\" ($(org_msp "$org"), roles $(node_roles "$org")), key in $data/api-key"
}

# ---------------------------------------------------------------- added organisations

# `add-org NAME` adds a bank organisation to the running channel (decision
# 0014, docs/fabric-network.md). It gets what a founding bank has (its own
# address NAME_HOST and ports in network/ports.env, its own directory
# RUN/NAME), but its identities come from its own fabric-ca-server (RUN/NAME/ca,
# process ca-NAME on NAME's address), as a real new member's would, not from
# cryptogen; they are laid out like cryptogen's in RUN/NAME/crypto (msp/,
# tlsca/, peers/peer0.NAME.example.com with tls/, users/Admin@ and User1@),
# so everything here that acts as an organisation's admin, peer or node
# (as_admin, start_peer, node_cmdline) serves it unchanged.
# RUN/orgs/NAME.env (MSP=...) records the organisation from add-org's first
# step on, so that down, up, status and node know it; RUN/orgs/NAME.added
# marks that add-org completed (the network's records, like RUN/consensus,
# read by no process).
ADDED_DIR="$RUN/orgs"
CAS=()

added_env() { echo "$ADDED_DIR/$1.env"; }
added_msp() {
  local f; f=$(added_env "$1")
  [ -f "$f" ] || die "unknown org $1"
  sed -n 's/^MSP=//p' "$f"
}
known_org() { case " ${ORGS[*]} " in *" $1 "*) return 0 ;; esac; return 1; }

# load_added_orgs: the organisations add-org added (or began to add) join
# ORGS, PEERS, ALL_PROCS and NODES; their CAs are CAS.
load_added_orgs() {
  local f o
  for f in "$ADDED_DIR"/*.env; do
    [ -f "$f" ] || continue
    o=$(basename "$f" .env)
    known_org "$o" && continue
    ORGS+=("$o"); PEERS+=("peer-$o"); ALL_PROCS+=("peer-$o"); NODES+=("node-$o"); CAS+=("ca-$o")
  done
}

# An added organisation's CA: its state in RUN/ORG/ca, listening on ORG's
# address.
ca_dir()  { echo "$(org_dir "$1")/ca"; }
ca_url()  { echo "https://$(org_host "$1"):$(org_var "$1" CA_PORT)"; }
ca_cert() { echo "$(ca_dir "$1")/server/ca-cert.pem"; }

# start_ca ORG: ORG's fabric-ca-server, one CA (root) that issues both the
# enrolment certificates and, through its "tls" signing profile, the TLS
# certificates; its API is served over TLS with a certificate it issues
# itself. The first start initialises it with a bootstrap registrar whose
# password stays in RUN/ORG/ca/registrar.secret (mode 600).
start_ca() {
  local org=$1 dir host
  dir="$(ca_dir "$org")/server"; host=$(org_host "$org")
  if [ ! -s "$dir/ca-cert.pem" ]; then
    mkdir -p "$dir"; chmod 700 "$(ca_dir "$org")"
    (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$(ca_dir "$org")/registrar.secret")
    FABRIC_CA_SERVER_BOOT="registrar:$(<"$(ca_dir "$org")/registrar.secret")" \
      "$BIN/fabric-ca-server" init -H "$dir" --csr.cn "ca.$(org_domain "$org")" --csr.hosts "localhost,$host" \
      >"$OUT" 2>&1 || { cat "$OUT" >&2; die "ca-$org: fabric-ca-server init failed"; }
    log "ca-$org: initialised ($(openssl x509 -in "$dir/ca-cert.pem" -noout -subject 2>/dev/null || echo "${dir#"$ROOT"/}/ca-cert.pem"))"
  fi
  start_proc "ca-$org" \
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="$host:$(org_var "$org" CA_OPS_PORT)" \
    -- "$BIN/fabric-ca-server" start -H "$dir" --address "$host" --port "$(org_var "$org" CA_PORT)" \
    --tls.enabled --csr.hosts "localhost,$host"
}

# ca_client ORG HOME ARGS...: fabric-ca-client with its state in HOME,
# against ORG's CA over TLS.
ca_client() {
  local org=$1 home=$2; shift 2
  "$BIN/fabric-ca-client" "$@" -H "$home" --tls.certfiles "$(ca_cert "$org")"
}

# nodeou_config MSPDIR CACERT: the config.yaml that turns NodeOUs on, the
# way cryptogen writes it: an identity's role (client, peer, admin,
# orderer) is the OU the CA put in its certificate (fabric-ca adds the
# registered type as an OU).
nodeou_config() {
  local ou
  {
    echo "NodeOUs:"
    echo "  Enable: true"
    for ou in Client Peer Admin Orderer; do
      echo "  ${ou}OUIdentifier:"
      echo "    Certificate: $2"
      echo "    OrganizationalUnitIdentifier: ${ou,,}"
    done
  } >"$1/config.yaml"
}

# enrol ORG ID TYPE NAME DIR: registers ID (TYPE peer, admin or client) with
# ORG's CA and enrols it into DIR/msp laid out like cryptogen's
# (signcerts/NAME-cert.pem, keystore/priv_sk, cacerts, tlscacerts,
# config.yaml); a peer also gets its TLS certificate and key (DIR/tls:
# server.crt, server.key, ca.crt) from the CA's tls profile, valid for
# localhost and ORG's address.
enrol() {
  local org=$1 id=$2 type=$3 name=$4 dir=$5 d url secret tmp host
  d=$(org_domain "$org"); url=$(ca_url "$org"); host=$(org_host "$org")
  secret=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  tmp="$(ca_dir "$org")/clients/$id"
  rm -rf "$tmp"; mkdir -p "$tmp"
  ca_client "$org" "$(ca_dir "$org")/clients/registrar" register -u "$url" \
    --id.name "$id" --id.secret "$secret" --id.type "$type" >"$OUT" 2>&1 || { cat "$OUT" >&2; die "ca-$org: register $id failed"; }
  ca_client "$org" "$tmp" enroll -u "https://$id:$secret@${url#https://}" -M "$tmp/msp" \
    --csr.cn "$id" --csr.hosts "$id,localhost,$host" --csr.names "O=${org^}" >"$OUT" 2>&1 || { cat "$OUT" >&2; die "ca-$org: enrol $id failed"; }
  mkdir -p "$dir/msp/cacerts" "$dir/msp/tlscacerts" "$dir/msp/signcerts" "$dir/msp/keystore"
  cat "$tmp"/msp/cacerts/*.pem >"$dir/msp/cacerts/ca.$d-cert.pem"
  cp "$dir/msp/cacerts/ca.$d-cert.pem" "$dir/msp/tlscacerts/tlsca.$d-cert.pem"
  cp "$tmp/msp/signcerts/cert.pem" "$dir/msp/signcerts/$name-cert.pem"
  (umask 077 && cat "$tmp"/msp/keystore/*_sk >"$dir/msp/keystore/priv_sk")
  nodeou_config "$dir/msp" "cacerts/ca.$d-cert.pem"
  if [ "$type" = peer ]; then
    ca_client "$org" "$tmp" enroll -u "https://$id:$secret@${url#https://}" -M "$tmp/tls" --enrollment.profile tls \
      --csr.cn "$id" --csr.hosts "$id,localhost,$host" --csr.names "O=${org^}" >"$OUT" 2>&1 || { cat "$OUT" >&2; die "ca-$org: TLS enrolment of $id failed"; }
    mkdir -p "$dir/tls"
    cp "$tmp/tls/signcerts/cert.pem" "$dir/tls/server.crt"
    (umask 077 && cat "$tmp"/tls/keystore/*_sk >"$dir/tls/server.key")
    cat "$tmp"/tls/tlscacerts/*.pem >"$dir/tls/ca.crt"
  fi
  rm -rf "$tmp/msp/keystore" "$tmp/tls/keystore"
  log "ca-$org: enrolled $id ($type) into ${dir#"$ROOT"/}"
}

# org_identities ORG: ORG's CA running, and its organisation MSP, peer,
# Admin and User1 (the node's client identity) enrolled into
# RUN/ORG/crypto, unless an earlier add-org finished this step. A half-done
# earlier attempt starts over: its identities were never used on the
# channel.
org_identities() {
  local org=$1 d base
  d=$(org_domain "$org"); base=$(org_crypto "$org")
  if [ -f "$base/.complete" ]; then
    log "ca-$org: identities already enrolled in ${base#"$ROOT"/}"
    start_ca "$org"; wait_ports "ca-$org"
    return
  fi
  stop_procs "ca-$org"
  rm -rf "$(ca_dir "$org")" "$base"
  start_ca "$org"
  wait_ports "ca-$org"
  retry "$READY_TIMEOUT" "ca-$org: enrol the registrar" ca_client "$org" "$(ca_dir "$org")/clients/registrar" enroll \
    -u "https://registrar:$(<"$(ca_dir "$org")/registrar.secret")@$(org_host "$org"):$(org_var "$org" CA_PORT)"
  mkdir -p "$base/msp/cacerts" "$base/msp/tlscacerts" "$base/ca" "$base/tlsca"
  cp "$(ca_cert "$org")" "$base/msp/cacerts/ca.$d-cert.pem"
  cp "$(ca_cert "$org")" "$base/msp/tlscacerts/tlsca.$d-cert.pem"
  # The public CA certificates, where cryptogen puts them: tlsca/ is what
  # the other organisations receive for their trust/ (install_org_dirs).
  cp "$(ca_cert "$org")" "$base/ca/ca.$d-cert.pem"
  cp "$(ca_cert "$org")" "$base/tlsca/tlsca.$d-cert.pem"
  nodeou_config "$base/msp" "cacerts/ca.$d-cert.pem"
  enrol "$org" peer0 peer "peer0.$d" "$base/peers/peer0.$d"
  enrol "$org" admin admin "Admin@$d" "$base/users/Admin@$d"
  enrol "$org" user1 client "User1@$d" "$base/users/User1@$d"
  touch "$base/.complete"
}

# org_definition ORG FILE: ORG's channel definition as configtxgen -printOrg
# writes it, in ORG's own directory, from a one-organisation configtx.yaml:
# its MSP (public certificates only), the policies every organisation of
# network/configtx.yaml has, and its anchor peer on its address. This is
# what the new bank hands the association.
org_definition() {
  local org=$1 out=$2 msp addr dir
  msp=$(org_msp "$org"); addr=$(peer_addr "$org"); dir="$(org_dir "$org")/channel"
  mkdir -p "$dir"
  cat >"$dir/configtx.yaml" <<EOF
# Generated by scripts/network.sh add-org $org: $msp's organisation
# definition (configtxgen -printOrg $msp), as the organisations in
# network/configtx.yaml.
Organizations:
  - Name: $msp
    ID: $msp
    MSPDir: $(org_crypto "$org")/msp
    Policies:
      Readers: {Type: Signature, Rule: "OR('$msp.admin', '$msp.peer', '$msp.client')"}
      Writers: {Type: Signature, Rule: "OR('$msp.admin', '$msp.client')"}
      Admins: {Type: Signature, Rule: "OR('$msp.admin')"}
      Endorsement: {Type: Signature, Rule: "OR('$msp.peer')"}
    AnchorPeers:
      - Host: ${addr%:*}
        Port: ${addr##*:}
EOF
  "$BIN/configtxgen" -configPath "$dir" -printOrg "$msp" >"$dir/$org.json" 2>"$OUT" || { cat "$OUT" >&2; die "configtxgen -printOrg $msp failed"; }
  cp "$dir/$org.json" "$out"
}

# fetch_config ORG DIR: the channel's newest configuration block, fetched
# from the ordering service as ORG's admin, decoded into DIR/config.json.
fetch_config() {
  local org=$1 dir=$2
  set_orderer_args "$org"
  as_admin "$org" "$BIN/peer" channel fetch config "$dir/config_block.pb" -c "$CHANNEL" "${ORDERER_ARGS[@]}" &&
    "$BIN/configtxlator" proto_decode --input "$dir/config_block.pb" --type common.Block --output "$dir/config_block.json" &&
    jq '.data.data[0].payload.data.config' "$dir/config_block.json" >"$dir/config.json"
}

# config_has_org ORG DIR MSP: the channel's configuration, fetched as ORG's
# admin, lists MSP among its application organisations.
config_has_org() {
  fetch_config "$1" "$2" && jq -e --arg m "$3" '.channel_group.groups.Application.groups | has($m)' "$2/config.json"
}

# add_org_to_channel ORG: the configuration update that adds ORG's
# definition (with its anchor peer) to the channel's Application group,
# prepared by the association in its directory (RUN/assoc/channel/add-ORG),
# signed by a majority of the current application organisations' admins
# (/Channel/Application/Admins is MAJORITY Admins), each on a copy in its
# own directory handed back, as the envelope would travel between hosts;
# the last of them submits it, which counts as its signature.
add_org_to_channel() {
  local org=$1 msp dir
  msp=$(org_msp "$org"); dir="$(org_dir assoc)/channel/add-$org"
  rm -rf "$dir"; mkdir -p "$dir"
  retry "$READY_TIMEOUT" "fetch the channel configuration" fetch_config assoc "$dir"
  if jq -e --arg m "$msp" '.channel_group.groups.Application.groups | has($m)' "$dir/config.json" >/dev/null; then
    log "channel: $msp is already in the configuration of '$CHANNEL'"
    return
  fi
  org_definition "$org" "$dir/org.json"
  jq --arg m "$msp" --slurpfile org "$dir/org.json" '.channel_group.groups.Application.groups[$m] = $org[0]' \
    "$dir/config.json" >"$dir/modified.json"
  local t
  for t in config modified; do
    "$BIN/configtxlator" proto_encode --input "$dir/$t.json" --type common.Config --output "$dir/$t.pb"
  done
  "$BIN/configtxlator" compute_update --channel_id "$CHANNEL" --original "$dir/config.pb" --updated "$dir/modified.pb" --output "$dir/update.pb"
  "$BIN/configtxlator" proto_decode --input "$dir/update.pb" --type common.ConfigUpdate --output "$dir/update.json"
  jq --arg ch "$CHANNEL" '{payload: {header: {channel_header: {channel_id: $ch, type: 2}}, data: {config_update: .}}}' \
    "$dir/update.json" >"$dir/update_envelope.json"
  "$BIN/configtxlator" proto_encode --input "$dir/update_envelope.json" --type common.Envelope --output "$dir/update_envelope.pb"

  local current signers=() o need copy
  current=" $(jq -r '.channel_group.groups.Application.groups | keys | join(" ")' "$dir/config.json") "
  need=$(($(wc -w <<<"$current") / 2 + 1))
  for o in "${ORGS[@]}"; do
    [ ${#signers[@]} -lt "$need" ] || break
    [[ $current == *" $(org_msp "$o") "* ]] && signers+=("$o")
  done
  [ ${#signers[@]} -eq "$need" ] || die "channel: $need admins must sign, only ${#signers[@]} of this network's organisations are in the channel ($current)"
  log "channel: adding $msp needs $need of the $(wc -w <<<"$current") application organisations' admins: $(for o in "${signers[@]}"; do printf '%s ' "$(org_msp "$o")"; done)"
  for o in "${signers[@]:0:need-1}"; do
    copy="$(org_dir "$o")/channel/add-$org-update.pb"
    cp "$dir/update_envelope.pb" "$copy"
    as_admin "$o" "$BIN/peer" channel signconfigtx -f "$copy" >"$OUT" 2>&1 || { cat "$OUT" >&2; die "$(org_msp "$o"): signconfigtx failed"; }
    cp "$copy" "$dir/update_envelope.pb"
    log "channel: $(org_msp "$o") signed the update"
  done
  o=${signers[need-1]}
  copy="$(org_dir "$o")/channel/add-$org-update.pb"
  [ "$copy" -ef "$dir/update_envelope.pb" ] || cp "$dir/update_envelope.pb" "$copy"
  set_orderer_args "$o"
  retry "$READY_TIMEOUT" "$(org_msp "$o"): submit the configuration update" \
    as_admin "$o" "$BIN/peer" channel update -f "$copy" -c "$CHANNEL" "${ORDERER_ARGS[@]}"
  wait_until "$READY_TIMEOUT" "channel: $msp in the configuration" config_has_org assoc "$dir" "$msp"
  log "channel: $msp added to '$CHANNEL' (signed by $need admins, submitted by $(org_msp "$o"))"
}

# join_added_peer ORG: ORG's peer joins the channel from its block 0,
# fetched from the ordering service as ORG's admin into ORG's directory
# (which works only now that the channel's configuration lets ORG read),
# then pulls every block.
join_added_peer() {
  local org=$1 block
  block="$(org_dir "$1")/channel/block0.pb"
  if peer_joined "$org"; then
    log "peer-$org: already joined channel '$CHANNEL'"
    return
  fi
  set_orderer_args "$org"
  retry "$READY_TIMEOUT" "peer-$org: fetch block 0 from the ordering service" \
    as_admin "$org" "$BIN/peer" channel fetch 0 "$block" -c "$CHANNEL" "${ORDERER_ARGS[@]}"
  retry "$READY_TIMEOUT" "peer-$org: peer channel join" as_admin "$org" "$BIN/peer" channel join -b "$block"
  log "peer-$org: joined channel '$CHANNEL'"
}

# approve_for_org ORG: the chaincode package installed on ORG's peer and
# the committed definition (its sequence, unchanged) approved for ORG, so
# that ORG's peer runs and endorses the chaincode. Nothing is committed
# again: the definition's default endorsement policy (MAJORITY Endorsement)
# counts ORG from the configuration update on.
approve_for_org() {
  local org=$1 seq
  [ -s "$CC_DIR/package-id" ] || die "no chaincode package id in ${CC_DIR#"$ROOT"/}: run scripts/network.sh deploy"
  PKG_ID=$(<"$CC_DIR/package-id")
  install_chaincode
  retry "$READY_TIMEOUT" "query committed chaincode definition" committed_sequence
  seq=$(tail -n1 "$OUT")
  [[ $seq =~ ^[1-9][0-9]*$ ]] || die "chaincode '$CC_NAME' is not committed on '$CHANNEL' (sequence '$seq'): run scripts/network.sh deploy"
  if approved_with_package "$org" "$seq"; then
    log "$(org_msp "$org"): already approved '$CC_NAME' sequence $seq"
  else
    set_orderer_args "$org"
    retry "$READY_TIMEOUT" "$(org_msp "$org"): approve '$CC_NAME' sequence $seq" \
      as_admin "$org" "$BIN/peer" lifecycle chaincode approveformyorg "${ORDERER_ARGS[@]}" \
      --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --package-id "$PKG_ID" --sequence "$seq"
    log "$(org_msp "$org"): approved '$CC_NAME' sequence $seq"
  fi
  # Its peer answers once it has caught up to the approval.
  # (Asked by the association: ORG is not a member of the blacklist yet.)
  wait_until "$READY_TIMEOUT" "peer-$org: chaincode answers (GetPolicy)" cc_query assoc GetPolicy '{}' "$org"
}

# majority_of ORG...: the given organisations, and more of ORGS after them
# when they are not a majority of ORGS: endorsers that satisfy the default
# endorsement policy however many organisations add-org added.
majority_of() {
  local picked=("$@") o need=$((${#ORGS[@]} / 2 + 1))
  for o in "${ORGS[@]}"; do
    [ ${#picked[@]} -lt "$need" ] || break
    [[ " ${picked[*]} " == *" $o "* ]] || picked+=("$o")
  done
  echo "${picked[*]}"
}

# ---------------------------------------------------------------- commands

usage() {
  cat <<'EOF'
Usage: scripts/network.sh COMMAND [OPTIONS]

A local Hyperledger Fabric network for the blacklist chaincode: 3 etcdraft
orderers (or 4 SmartBFT ones), one peer each for AssocMSP, Bank1MSP, Bank2MSP
(and each bank add-org adds, with its own CA), and the blacklist-cc chaincode
service, all native processes, each
organisation's on its own loopback address (addresses and ports:
network/ports.env). Data, logs and pids: network/.run.

Commands:
  up [--consensus raft|bft]
                  build, generate crypto and channel if missing, start, join,
                  deploy, and prove the channel takes a submit
  down [--clean]  stop every process (--clean also deletes network/.run)
  deploy          (re)package, install, approve, commit and Init the chaincode
                  on a running network; restarts blacklist-cc if rebuilt
  status          processes, pids, liveness, ports, channel height per peer
  stop NAME...    stop orderers or peers (fault tests); SIGTERM, then SIGKILL
  start NAME...   start stopped orderers or peers again and wait for their ports
  node ORG ADDR DATADIR
                  start ORG's blacklistd (assoc, bank1, bank2, or one that
                  add-org added) in fabric mode on ADDR with its data in
                  DATADIR and an API client whose key is in DATADIR/api-key;
                  print its command line
  node-stop ORG   stop ORG's blacklistd (its data stays)
  add-org NAME    add bank organisation NAME (e.g. bank3: Bank3MSP, on
                  BANK3_HOST) to the running channel: its own CA, identities,
                  configuration update signed by a majority of admins, its
                  peer joined, the chaincode approved for it
  logs NAME [-n N] [-f]
                  show the last N (100) lines of one process's log; -f follows.
                  NAME: orderer0 orderer1 orderer2 (orderer3: BFT) peer-assoc
                  peer-bank1 peer-bank2 chaincode node-assoc node-bank1 node-bank2
                  (and an added bank's peer-NAME, ca-NAME, node-NAME)

Run `scripts/network.sh COMMAND --help` for details.
EOF
}

help_up() {
  cat <<EOF
Usage: scripts/network.sh up [--consensus raft|bft]

Brings the network up, from nothing or on existing data in network/.run:
  1. scripts/fabric-build.sh (skips up-to-date binaries)
  2. cryptogen (network/crypto-config.yaml) and configtxgen
     (network/configtx.yaml, profile BlacklistChannel, or BlacklistChannelBFT
     for bft) unless network/.run already holds their output
  3. starts the orderers (raft: orderer0-2; bft: orderer0-3) and the three
     peers (skips running ones), waits for their ports
  4. joins the orderers (osnadmin, mutual TLS) and peers (peer channel join)
     to channel '$CHANNEL' unless already joined; waits for a Raft (or
     SmartBFT) leader
  5. deploy (see: scripts/network.sh deploy --help)
  6. waits until the peers know each other by gossip, evaluates GetPolicy
     and submits AdmitMember Bank1MSP (or, when already a member, SetPolicy
     with the unchanged policy), waiting for the commit

  --consensus raft   three etcdraft orderers: crash fault tolerant, one may
                     stop (the default)
  --consensus bft    four SmartBFT orderers: byzantine fault tolerant, one may
                     stop or lie (docs/fabric-network.md, decision 0012)
The consensus is fixed when the genesis block is made (recorded in
network/.run/consensus); on an existing network --consensus must match it
(down --clean first to change it).

Environment: READY_TIMEOUT (seconds per readiness wait, default 120),
FABRIC_LOGGING_SPEC (node log level, default info), FABRIC_PROFILE=1 (each
orderer, peer and blacklist-cc started by this `up` also serves Go pprof,
plain HTTP, at its operations port + 1 on its address, blacklist-cc at
CHAINCODE_PORT + 1: for profiling only; `down` first so that every process
restarts with it).
EOF
}

help_down() {
  cat <<'EOF'
Usage: scripts/network.sh down [--clean]

Stops the processes started by `up`, by the pids in network/.run/ORG/pids: the
peers and blacklist-cc first, then the orderers, each group in parallel,
SIGTERM then SIGKILL after STOP_TIMEOUT seconds (default 15).

  --clean   also delete network/.run (crypto, channel, ledgers, logs)
EOF
}

help_deploy() {
  cat <<EOF
Usage: scripts/network.sh deploy

On a running network: builds the chaincode-as-a-service package
(network/.run/chaincode/$CC_LABEL.tar.gz, reproducible, so its package id is
stable), starts blacklist-cc with CHAINCODE_ID = that id (restarts it when the
id or the binary changed), installs the package on the peers that lack it,
approves the definition for each organisation and commits it (default
endorsement policy: MAJORITY Endorsement) unless that sequence is already
committed with this package, and invokes Init as $ASSOCIATION when the ledger
is not initialised yet.
EOF
}

help_node() {
  cat <<EOF
Usage: scripts/network.sh node ORG ADDR DATADIR
       scripts/network.sh node-stop ORG

Starts one blacklistd in fabric mode for ORG (assoc, bank1, bank2, or an
organisation that add-org added) on the running network, listening on ADDR (host:port, e.g. 127.0.0.4:8182 for bank1: its address in network/ports.env), with
its data (replica, node store, API clients) in DATADIR:
  1. builds blacklistd into network/.build/bin (quick when up to date)
  2. unless DATADIR/api-key exists: adds an API client "api" for ORG's MSP
     with roles admin (assoc) or reporter,querier (a bank) and writes its
     key to DATADIR/api-key (mode 600)
  3. starts the node (pid and log like the network's processes:
     network/.run/ORG/pids/node-ORG.pid, network/.run/ORG/logs/node-ORG.log), as
     ORG's User1 client identity through ORG's own peer; the association's
     node with --consortium-secret network/.run/assoc/consortium.secret (made for
     Init by up)
  4. waits until it answers (READY_TIMEOUT seconds) and prints its /readyz
     status: a bank's node answers 503 secret-unavailable until the
     association's node has sealed the consortium secret to it, which needs
     the bank admitted (decision 0007)
  5. prints the blacklistd command line, which is what ORG's operator runs
     on ORG's own host with that host's paths

Running it again while ORG's node runs with the same ADDR and DATADIR only
waits and prints; with others it fails. node-stop stops the node (SIGTERM,
then SIGKILL after STOP_TIMEOUT seconds); down stops all nodes too.
EOF
}

help_status() {
  cat <<'EOF'
Usage: scripts/network.sh status

For each process: pid, whether it is alive, whether its main port accepts
connections; then the channel height on each peer and the orderers' view.
Exit status 0 when every process is alive with its port open, 3 otherwise.
EOF
}

help_logs() {
  cat <<'EOF'
Usage: scripts/network.sh logs NAME [-n N] [-f|--follow]

Shows the last N (default 100) lines of network/.run/ORG/logs/NAME.log; -f keeps
following it. NAME: orderer0 orderer1 orderer2 peer-assoc peer-bank1
peer-bank2 chaincode node-assoc node-bank1 node-bank2; for a bank that
add-org added, peer-NAME, ca-NAME and node-NAME.
EOF
}

cmd_up() {
  local want=""
  while [ $# -gt 0 ]; do
    case $1 in
      -h|--help) help_up; return ;;
      --consensus) [ $# -ge 2 ] || die "up: --consensus needs raft or bft"; want=$2; shift ;;
      --consensus=*) want=${1#*=} ;;
      *) die "up: unexpected argument '$1' (see up --help)" ;;
    esac
    shift
  done
  case $want in
    ""|raft|bft) ;;
    *) die "up: unknown consensus '$want' (raft or bft)" ;;
  esac
  if [ -s "$GENESIS" ]; then
    [ -z "$want" ] || [ "$want" = "$CONSENSUS" ] ||
      die "up: network/.run holds a $CONSENSUS network; run scripts/network.sh down --clean to start a $want one"
  elif [ -n "$want" ]; then
    set_consensus "$want"
  fi
  "$ROOT/scripts/fabric-build.sh"
  need_bins
  check_ports "${ALL_PROCS[@]}"
  generate_crypto
  generate_genesis
  install_org_dirs
  local o org
  log "consensus: $CONSENSUS (${ORDERERS[*]})"
  for o in "${ORDERERS[@]}"; do start_orderer "$o"; done
  for org in "${ORGS[@]}"; do start_peer "$org"; done
  # Organisations added by add-org keep their CAs running too.
  for org in "${CAS[@]#ca-}"; do if [ -s "$(ca_cert "$org")" ]; then start_ca "$org"; fi; done
  wait_ports "${ORDERERS[@]}" "${PEERS[@]}" "${CAS[@]}"
  join_orderers
  join_peers
  # Installing needs no orderer: do it while the leader election runs.
  deploy_peers
  wait_until "$READY_TIMEOUT" "$CONSENSUS leader for '$CHANNEL'" raft_leader
  log "$(tail -n1 "$OUT")"
  deploy_channel
  wait_until "$READY_TIMEOUT" "gossip membership" gossip_ready
  log "$(tail -n1 "$OUT")"
  smoke_test
  log "network is up: channel '$CHANNEL', chaincode '$CC_NAME' ($PKG_ID), heights: $(for org in "${ORGS[@]}"; do printf 'peer-%s=%s ' "$org" "$(channel_height "$org")"; done)"
}

cmd_down() {
  local clean=false
  for a in "$@"; do
    case $a in
      --clean) clean=true ;;
      -h|--help) help_down; return ;;
      *) die "down: unexpected argument '$a' (see down --help)" ;;
    esac
  done
  stop_procs "${NODES[@]}"
  rm -rf "$NODE_DIR"
  stop_procs "${PEERS[@]}" "${CAS[@]}" chaincode
  stop_procs "${ORDERERS[@]}"
  if $clean; then
    rm -rf "$RUN"
    log "removed ${RUN#"$ROOT"/}"
  fi
  log "network is down"
}

cmd_deploy() {
  case ${1:-} in
    -h|--help) help_deploy; return ;;
    "") ;;
    *) die "deploy: unexpected argument '$1' (see deploy --help)" ;;
  esac
  [ -f "$CRYPTO/.complete" ] || die "no network in ${RUN#"$ROOT"/}: run scripts/network.sh up"
  local p
  for p in "${PEERS[@]}" "${ORDERERS[@]}"; do pid_of "$p" >/dev/null || die "$p is not running: run scripts/network.sh up"; done
  "$ROOT/scripts/fabric-build.sh"
  deploy
}

cmd_status() {
  case ${1:-} in
    -h|--help) help_status; return ;;
    "") ;;
    *) die "status: unexpected argument '$1' (see status --help)" ;;
  esac
  local name pid alive port open rc=0
  printf '%-11s %-8s %-6s %-16s %s\n' PROCESS PID ALIVE PORT OPEN
  for name in "${ALL_PROCS[@]}" "${CAS[@]}"; do
    port=$(proc_port "$name")
    if pid=$(pid_of "$name"); then alive=yes; else alive=no; pid=$( [ -f "$(pid_file "$name")" ] && cat "$(pid_file "$name")" || echo -); fi
    if port_open "$port" "$(proc_host "$name")"; then open=yes; else open=no; fi
    [ "$alive" = yes ] && [ "$open" = yes ] || rc=3
    printf '%-11s %-8s %-6s %-16s %s\n' "$name" "$pid" "$alive" "$(proc_host "$name"):$port" "$open"
  done
  local org addr
  for org in "${ORGS[@]}"; do
    [ -f "$(node_env "$org")" ] || continue
    addr=$(node_field "$org" ADDR)
    if pid=$(pid_of "node-$org"); then alive=yes; else alive=no; pid=-; fi
    if port_open "${addr##*:}" "${addr%:*}"; then open=yes; else open=no; fi
    printf '%-11s %-8s %-6s %-16s %s   (data %s)\n' "node-$org" "$pid" "$alive" "$addr" "$open" "$(node_field "$org" DATA)"
  done
  [ -f "$CRYPTO/.complete" ] || { echo "no network data in ${RUN#"$ROOT"/}"; return $rc; }
  echo
  echo "consensus: $CONSENSUS (${ORDERERS[*]})"
  echo "channel '$CHANNEL' height:"
  local h
  for org in "${ORGS[@]}"; do
    h=$(channel_height "$org" || true)
    printf '  %-11s %s\n' "peer-$org" "${h:-unavailable}"
  done
  local o out rel st
  for o in "${ORDERERS[@]}"; do
    out=$(osnadmin_ "$o" list --channelID "$CHANNEL" 2>/dev/null) || out=""
    h=$(sed -n 's/.*"height": *\([0-9]*\).*/\1/p' <<<"$out")
    rel=$(sed -n 's/.*"consensusRelation": *"\([a-z]*\)".*/\1/p' <<<"$out")
    st=$(sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' <<<"$out")
    if [ -n "$h" ]; then printf '  %-11s %s (%s, %s)\n' "$o" "$h" "$rel" "$st"; else printf '  %-11s unavailable\n' "$o"; fi
  done
  if [ -f "$CC_DIR/package-id" ]; then
    echo
    echo "chaincode package id: $(<"$CC_DIR/package-id")"
  fi
  return $rc
}

cmd_logs() {
  local name="" n=100 follow=false
  while [ $# -gt 0 ]; do
    case $1 in
      -h|--help) help_logs; return ;;
      -f|--follow) follow=true ;;
      -n) [ $# -ge 2 ] || die "logs: -n needs a number"; n=$2; shift ;;
      -*) die "logs: unknown option '$1' (see logs --help)" ;;
      *) [ -z "$name" ] || die "logs: one NAME only (see logs --help)"; name=$1 ;;
    esac
    shift
  done
  [ -n "$name" ] || die "logs: which process? one of: ${ALL_PROCS[*]} ${NODES[*]} ${CAS[*]}"
  case " ${ALL_PROCS[*]} ${NODES[*]} ${CAS[*]} " in
    *" $name "*) ;;
    *) die "logs: unknown process '$name' (one of: ${ALL_PROCS[*]} ${NODES[*]} ${CAS[*]})" ;;
  esac
  local f; f=$(log_file "$name")
  [ -f "$f" ] || die "no log for $name yet ($f)"
  if $follow; then exec tail -n "$n" -F "$f"; else tail -n "$n" "$f"; fi
}

# cmd_stop / cmd_start: orderers or peers down and up again, for fault
# tests; the rest of the network keeps running. Several names are stopped
# (or started) together: SIGTERM to all, then the wait.
some_procs() { # COMMAND NAME...
  local cmd=$1 n; shift
  case ${1:-} in
    -h|--help|"") echo "Usage: scripts/network.sh $cmd NAME...   (NAME: ${ORDERERS[*]} ${PEERS[*]})"; return 1 ;;
  esac
  for n in "$@"; do
    case " ${ORDERERS[*]} ${PEERS[*]} " in
      *" $n "*) ;;
      *) die "$cmd: unknown process '$n' (one of: ${ORDERERS[*]} ${PEERS[*]})" ;;
    esac
  done
  [ -f "$CRYPTO/.complete" ] || die "no network in ${RUN#"$ROOT"/}: run scripts/network.sh up"
}

cmd_stop() {
  some_procs stop "$@" || return 0
  stop_procs "$@"
}

cmd_start() {
  some_procs start "$@" || return 0
  local n
  for n in "$@"; do
    case $n in
      orderer*) start_orderer "$n" ;;
      peer-*) start_peer "${n#peer-}" ;;
    esac
  done
  wait_ports "$@"
}

cmd_node() {
  case ${1:-} in
    -h|--help) help_node; return ;;
  esac
  [ $# -eq 3 ] || die "node: ORG ADDR DATADIR (see node --help)"
  local org=$1 addr=$2 data=$3 name pid
  known_org "$org" || die "node: unknown organisation '$org' (${ORGS[*]})"
  [[ $addr =~ ^[^:]+:[0-9]+$ ]] || die "node: ADDR must be host:port, got '$addr'"
  [ -f "$CRYPTO/.complete" ] || die "no network in ${RUN#"$ROOT"/}: run scripts/network.sh up"
  pid_of "peer-$org" >/dev/null || die "node: peer-$org is not running: run scripts/network.sh up"
  data=$(realpath -m -- "$data")
  name=node-$org
  if pid=$(pid_of "$name"); then
    if [ "$(node_field "$org" ADDR)" != "$addr" ] || [ "$(node_field "$org" DATA)" != "$data" ]; then
      die "$name is already running (pid $pid) on $(node_field "$org" ADDR) with data $(node_field "$org" DATA): run scripts/network.sh node-stop $org first"
    fi
    log "$name: already running (pid $pid)"
  else
    log "$name: building blacklistd"
    (cd "$ROOT" && go build -o "$BIN/blacklistd" ./cmd/blacklistd) || die "building blacklistd failed"
    mkdir -p "$data" "$NODE_DIR"
    node_client "$org" "$data"
    printf 'ADDR=%s\nDATA=%s\n' "$addr" "$data" >"$(node_env "$org")"
    node_cmdline "$org" "$addr" "$data"
    start_proc "$name" -- "${NODE_CMD[@]}"
  fi
  FATAL_RE='has exited' RETRY_MAX_MS=1000 retry "$READY_TIMEOUT" "$name: up on $addr" node_ready "$name" "$addr"
  log "$name: ready on http://$addr ($(org_msp "$org"), API key in $data/api-key)"
  node_cmdline "$org" "$addr" "$data"
  echo "On $(org_msp "$org")'s own host, its operator runs this node as (paths are that host's):"
  printf '%q' "${NODE_CMD[0]##*/}"
  printf ' %q' "${NODE_CMD[@]:1}"
  printf '\n'
}

cmd_node_stop() {
  case ${1:-} in
    -h|--help|"") help_node; return ;;
  esac
  known_org "$1" || die "node-stop: unknown organisation '$1' (${ORGS[*]})"
  [ $# -eq 1 ] || die "node-stop: one ORG only"
  if pid_of "node-$1" >/dev/null; then
    stop_procs "node-$1"
  else
    log "node-$1: not running"
  fi
  # Only the record for status goes; the node's data stays in DATADIR.
  rm -f "$(node_env "$1")"
}

help_add_org() {
  cat <<EOF
Usage: scripts/network.sh add-org NAME

Adds the bank organisation NAME (lower case, e.g. bank3, MSP ID Bank3MSP,
domain bank3.example.com) to channel '$CHANNEL' of the running network, and
prints how long it took. Its address and ports come from network/ports.env
(NAME_HOST, NAME_PEER_PORT, NAME_CC_PORT, NAME_OPS_PORT, NAME_CA_PORT,
NAME_CA_OPS_PORT; bank3's are there); its files go to its own directory,
network/.run/NAME, like a founding bank's.
  1. identities: starts NAME's own fabric-ca-server on NAME_HOST (state in
     network/.run/NAME/ca, process ca-NAME) and enrols its peer (with a TLS
     certificate naming NAME_HOST), its Admin and its User1 client (the
     node's identity) into network/.run/NAME/crypto (NodeOUs on); hands its
     TLS CA certificate to every organisation's trust/ and theirs to its own
  2. channel: fetches the configuration block, adds NAME's MSP definition and
     anchor peer (configtxgen -printOrg, configtxlator compute_update), has a
     majority of the current application organisations' admins sign, the
     last one submitting
  3. starts peer-NAME, joins it from block 0 fetched from the ordering service
  4. installs the chaincode package on it and approves the committed
     definition for NAME's MSP (no new commit); waits until its peer answers
     and the peers know each other by gossip
It does not admit NAME to the blacklist: the association does that on the
ledger (AdmitMember, e.g. POST /v1/members on its node); then
\`scripts/network.sh node NAME ADDR DATADIR\` starts NAME's node, which gets
the consortium secret sealed to its node key and builds its replica from
block 0. Running add-org again resumes or re-checks each step. The
endorsement policy (MAJORITY Endorsement) then counts one more organisation
(docs/fabric-network.md).
EOF
}

cmd_add_org() {
  case ${1:-} in
    -h|--help|"") help_add_org; return ;;
  esac
  [ $# -eq 1 ] || die "add-org: one NAME only (see add-org --help)"
  local org=$1 start=$SECONDS v p
  [[ $org =~ ^[a-z][a-z0-9]{0,15}$ ]] || die "add-org: NAME must be lower-case letters and digits, starting with a letter (e.g. bank3), got '$org'"
  case $org in orderer|orgs|crypto|channel|chaincode|nodes) die "add-org: '$org' names a directory of network/.run, not an organisation" ;; esac
  founding_org "$org" && die "add-org: $org is one of the channel's founding organisations"
  for v in HOST PEER_PORT CC_PORT OPS_PORT CA_PORT CA_OPS_PORT; do
    p="${org^^}_$v"
    [ -n "${!p:-}" ] || die "add-org: network/ports.env has no $p (add ${org^^}_HOST, _PEER_PORT, _CC_PORT, _OPS_PORT, _CA_PORT and _CA_OPS_PORT)"
  done
  [ -f "$CRYPTO/.complete" ] || die "no network in ${RUN#"$ROOT"/}: run scripts/network.sh up"
  for p in "${ORDERERS[@]}" peer-assoc peer-bank1 peer-bank2 chaincode; do
    pid_of "$p" >/dev/null || die "$p is not running: run scripts/network.sh up"
  done
  "$ROOT/scripts/fabric-build.sh"
  need_bins
  for p in configtxlator fabric-ca-server fabric-ca-client; do
    [ -x "$BIN/$p" ] || die "$BIN/$p is missing: run scripts/fabric-build.sh"
  done
  command -v jq >/dev/null || die "add-org needs jq (to edit the channel configuration)"
  mkdir -p "$ADDED_DIR"
  if [ ! -f "$(added_env "$org")" ]; then
    printf 'MSP=%s\n' "${org^}MSP" >"$(added_env "$org")"
    load_added_orgs
  fi
  local msp; msp=$(org_msp "$org")
  log "add-org $org ($msp): 1/4 identities from its own CA on $(org_host "$org")"
  check_ports "ca-$org" "peer-$org"
  org_identities "$org"
  install_org_dirs
  log "add-org $org: every organisation's trust/ holds $msp's TLS CA, and network/.run/$org/trust the others'"
  log "add-org $org: 2/4 channel configuration update"
  add_org_to_channel "$org"
  log "add-org $org: 3/4 peer"
  start_peer "$org"
  wait_ports "peer-$org"
  join_added_peer "$org"
  log "add-org $org: 4/4 chaincode"
  approve_for_org "$org"
  wait_until "$READY_TIMEOUT" "gossip membership" gossip_ready
  log "$(tail -n1 "$OUT")"
  local took=$((SECONDS - start))
  printf 'MSP=%s\nSECONDS=%s\nAT=%s\n' "$msp" "$took" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$ADDED_DIR/$org.added"
  log "add-org $org: $msp is on channel '$CHANNEL' with peer-$org ($(peer_addr "$org"), height $(channel_height "$org")) in $took s; the endorsement policy now needs $((${#ORGS[@]} / 2 + 1)) of ${#ORGS[@]} organisations"
  cat <<EOF
Next: the association admits $msp on the ledger (AdmitMember, e.g. POST
/v1/members on its node), then $msp's node starts with
  scripts/network.sh node $org $(org_host "$org"):PORT DATADIR
and receives the consortium secret sealed to its node key.
EOF
}

main() {
  [ $# -gt 0 ] || { usage >&2; exit 2; }
  local cmd=$1; shift
  case $cmd in
    -h|--help|help) usage; return ;;
  esac
  OUT=$(mktemp "${TMPDIR:-/tmp}/fabric-network.XXXXXX")
  trap 'rm -f "$OUT"' EXIT
  set_consensus "$(recorded_consensus)"
  load_added_orgs
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    deploy) cmd_deploy "$@" ;;
    status) cmd_status "$@" ;;
    stop) cmd_stop "$@" ;;
    start) cmd_start "$@" ;;
    node) cmd_node "$@" ;;
    node-stop) cmd_node_stop "$@" ;;
    logs) cmd_logs "$@" ;;
    add-org) cmd_add_org "$@" ;;
    *) usage >&2; die "unknown command '$cmd'" ;;
  esac
}

main "$@"
