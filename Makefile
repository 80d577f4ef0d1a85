# The two commands a newcomer needs: `make run` and `make test`.
GO      ?= go
BIN     ?= bin
DATA    ?= data
PKGS    := ./...
# Fuzz targets run briefly in `make fuzz`; longer with FUZZTIME=5m.
FUZZTIME ?= 20s

.PHONY: all build run test check fmt vet console-shots fuzz bench bench-quick clean fabric-up fabric-down fabric-test fabric-test-bft fabric-test-addorg fabric-demo

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

## run: the node on the embedded ledger with the demo consortium.
run: build
	$(BIN)/blacklistd --demo --data $(DATA)

## test: formatting, vet, every test with the race detector, the README
## walkthrough, and the Fabric end-to-end suite on a real local network
## (Fabric and fabric-ca are built from their Go modules on first use, about
## 100 s and 30 s), then the BFT-ordered network's tests, then a new bank
## joining a running network.
test: check
	$(GO) test -race -count=1 $(PKGS)
	scripts/walkthrough.sh > /dev/null
	$(MAKE) fabric-test
	$(MAKE) fabric-test-bft
	$(MAKE) fabric-test-addorg

check: fmt vet

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

## console-shots: screenshots of every console page, Chinese and English,
## 1280x800, into docs/console/ (headless Chromium: scripts/install-chromium.sh).
console-shots:
	CONSOLE_SHOTS=$(CURDIR)/docs/console $(GO) test -count=1 -run '^TestConsoleScreenshots$$' ./gateway/console/

## fuzz: each fuzz target for FUZZTIME.
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./chaincode/attestation/
	$(GO) test -run='^$$' -fuzz='^FuzzNormalize$$' -fuzztime=$(FUZZTIME) ./node/subjectkey/

## bench: every benchmark (Go benchmarks and the scripts), each figure beside
## its baseline measured in the same run, interleaved, 5 repetitions; stores
## of 10,000 and 10,000,000 attestations; rewrites docs/benchmarks.md. About
## an hour on 2 cores and 30 GB free under /tmp for a while, on a fresh
## local Fabric network for the Fabric rows (brought up and down here, like
## fabric-test). Not part of `make test`.
bench:
	scripts/network.sh down --clean
	scripts/network.sh up
	BLACKLIST_FABRIC_RUN=$(CURDIR)/network/.run scripts/bench.sh; \
	rc=$$?; scripts/network.sh down --clean; exit $$rc

## bench-quick: the same with 3 repetitions, shorter rows and a 1,000,000
## store, under 3 minutes; writes bin/benchmarks-quick.md (for development).
bench-quick:
	scripts/bench.sh --quick

## fabric-up / fabric-down: the local Fabric network (native processes, one
## loopback address per organisation: network/ports.env).
fabric-up:
	scripts/network.sh up

fabric-down:
	scripts/network.sh down

## fabric-demo: the network up, one blacklistd per organisation in fabric
## mode, and the walkthrough across them (checked).
fabric-demo:
	scripts/fabric-demo.sh

## fabric-test: the Fabric suite on a fresh network (three nodes over HTTP,
## replica crash, replica = peer, the transparency log across organisations);
## then, with the network down, the evidence bundle it kept must still verify
## offline. It starts from a fresh network so that its results do not depend
## on what earlier runs left on the ledger.
fabric-test:
	scripts/network.sh down --clean
	scripts/network.sh up
	rm -rf $(CURDIR)/network/.evidence
	BLACKLIST_FABRIC_RUN=$(CURDIR)/network/.run BLACKLIST_EVIDENCE_OUT=$(CURDIR)/network/.evidence $(GO) test -count=1 -v ./node/fabric/ ; \
	rc=$$?; scripts/network.sh down --clean; \
	if [ $$rc -eq 0 ]; then BLACKLIST_FABRIC_RUN=$(CURDIR)/network/.run BLACKLIST_EVIDENCE_OFFLINE=$(CURDIR)/network/.evidence \
		$(GO) test -count=1 -v -run TestEvidenceVerifiesOffline ./node/fabric/ ; rc=$$?; fi; exit $$rc

## fabric-test-bft: a fresh network ordered by four SmartBFT orderers
## (network.sh up --consensus bft); its fault test (the leader down, then all
## four restarted, writes commit each time), a smoke test of writes and
## reads across two organisations' nodes, and the transparency log with an
## evidence bundle whose blocks carry the consenters' signatures (a quorum
## of three, by consenter id); down. Prints the time it took.
BFT_TESTS := ^(TestBFTOneOrdererDown|TestConsensusRecorded|TestEachOrganisationKeepsToItsDirectory|TestAgainstARunningNetwork|TestTransparencyLogAcrossOrganisations)$$
fabric-test-bft:
	@start=$$(date +%s); \
	scripts/network.sh down --clean && scripts/network.sh up --consensus bft && \
	BLACKLIST_FABRIC_RUN=$(CURDIR)/network/.run $(GO) test -count=1 -v -run '$(BFT_TESTS)' ./node/fabric/ ; \
	rc=$$?; scripts/network.sh down --clean; \
	echo "fabric-test-bft: $$(( $$(date +%s) - start )) s (exit $$rc)"; exit $$rc

## fabric-test-addorg: a fresh network; `scripts/network.sh add-org bank3`
## (timed): Bank3 on its own address and directory, with its own CA;
## Bank3 admitted, its node catching up from block 0, looking up Bank1's
## subject by raw ID, filing a default Bank2 sees, endorsed by its own peer
## (node/fabric TestAddedOrganisation); every process, Bank3's included,
## keeping to its organisation's directory; Bank3's blacklistd from
## `network.sh node bank3` ready with the consortium secret; down.
fabric-test-addorg:
	@start=$$(date +%s); \
	scripts/fabric-test-addorg.sh; \
	rc=$$?; echo "fabric-test-addorg: $$(( $$(date +%s) - start )) s (exit $$rc)"; exit $$rc

clean:
	rm -rf $(BIN)
