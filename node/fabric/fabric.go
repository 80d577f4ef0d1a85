// Package fabric is the node's Fabric backend: writes go to the channel's
// peers through the Fabric Gateway service (fabric-gateway), reads come from
// the node's replica (package replica), which follows the channel's blocks.
//
// A node acts for one organisation: it holds that organisation's client
// certificate and key, and every transaction it submits is created by that
// identity, so the chaincode sees the organisation's MSP ID as creator. A
// submit returns once the transaction is committed AND the replica has
// applied its block, so a lookup right after a report sees it
// (read-your-writes). Refusals by the chaincode come back as the same
// *contract.Error values the embedded ledger returns.
//
// A submit rides out what passes by itself and nothing else: endorsement
// is asked for again while too few organisations' peers can endorse (a
// restarted peer's gossip has not found the others yet), for at most
// Options.EndorseRetry; ordering is retried while no orderer takes the
// transaction (a Raft election); the same transaction is ordered again
// when no commit status comes (a leader change dropped it); and a
// transaction whose reads changed before commit is endorsed anew. What
// remains after that is ErrUnavailable or the gateway's error, which the
// HTTP gateway answers with 503.
package fabric

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/internal/backoff"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/replica"
	"github.com/assoc-ledger/blacklist/node/store"
)

// maxMessage is the largest gRPC message the node accepts from its peer.
const maxMessage = 64 << 20

// Options says how to reach the organisation's peer and who the node is.
type Options struct {
	PeerEndpoint string // host:port of the organisation's peer (Gateway service)
	TLSCACert    string // PEM file: the peer's TLS CA
	ServerName   string // TLS server name override; empty: the endpoint's host
	MSPID        string // the organisation's MSP ID
	CertFile     string // PEM file: the client identity's certificate
	KeyFile      string // PEM file: its private key
	Channel      string
	Chaincode    string
	ReplicaDir   string
	// MVCCRetries is how often a submit whose reads changed before commit
	// is endorsed again (default 3).
	MVCCRetries int
	// EndorseRetry is how long a submit keeps asking for endorsement while
	// the gateway cannot gather enough organisations' endorsements for a
	// reason that passes by itself: right after a peer restart its gossip
	// has not rediscovered the other organisations' peers yet (about 5-25 s
	// here), an endorsing peer is unreachable, or peers at different
	// heights endorsed different results. Default DefaultEndorseRetry;
	// negative: no retry. After it the submit fails with the last error,
	// which the HTTP gateway answers with 503.
	EndorseRetry time.Duration
	// Logf reports the follower's reconnects; silent when nil.
	Logf func(format string, args ...any)
	// ReplicaTuning sizes the replica store's caches and memtables.
	ReplicaTuning store.Tuning
}

// Ledger is the Fabric backend of a node.
type Ledger struct {
	opts     Options
	conn     *grpc.ClientConn
	gw       *client.Gateway
	contract *client.Contract
	network  *client.Network
	replica  *replica.Replica
	stop     context.CancelFunc
	done     chan struct{}
}

var _ ledger.Ledger = (*Ledger)(nil)

// ErrUnavailable means the peer could not be reached.
var ErrUnavailable = errors.New("the Fabric network is unreachable")

// DefaultEndorseRetry is Options.EndorseRetry's default: longer than gossip
// needs to find the other organisations after a peer restart (its alive
// messages and reconnects run every 5 s in network/config and
// scripts/network.sh), short enough that a client waiting on a write gets
// its 503 within a typical HTTP timeout.
const DefaultEndorseRetry = 30 * time.Second

// Open connects to the peer, opens the replica and starts following the
// channel from the replica's checkpoint.
func Open(opts Options) (*Ledger, error) {
	if opts.MVCCRetries == 0 {
		opts.MVCCRetries = 3
	}
	if opts.EndorseRetry == 0 {
		opts.EndorseRetry = DefaultEndorseRetry
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	caPEM, err := os.ReadFile(opts.TLSCACert)
	if err != nil {
		return nil, fmt.Errorf("peer TLS CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("peer TLS CA %s: no certificates", opts.TLSCACert)
	}
	certPEM, err := os.ReadFile(opts.CertFile)
	if err != nil {
		return nil, fmt.Errorf("client certificate: %w", err)
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(opts.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("client key: %w", err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	id, err := identity.NewX509Identity(opts.MSPID, cert)
	if err != nil {
		return nil, err
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, err
	}
	// gRPC refuses messages over 4 MB by default, and a block may reach the
	// channel's AbsoluteMaxBytes (9 MB in network/configtx.yaml) plus its
	// metadata: the block stream would stop at such a block, silently,
	// again after every reconnect. Endorsing a 1,000-attestation batch
	// also returns a few megabytes.
	conn, err := grpc.NewClient("dns:///"+opts.PeerEndpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, opts.ServerName)),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage)))
	if err != nil {
		return nil, err
	}
	gw, err := client.Connect(id, client.WithSign(sign), client.WithHash(hash.SHA256), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(30*time.Second), client.WithEndorseTimeout(30*time.Second),
		client.WithSubmitTimeout(30*time.Second), client.WithCommitStatusTimeout(2*time.Minute))
	if err != nil {
		conn.Close()
		return nil, err
	}
	rep, err := replica.OpenTuned(opts.ReplicaDir, opts.Chaincode, opts.ReplicaTuning)
	if err != nil {
		gw.Close()
		conn.Close()
		return nil, err
	}
	network := gw.GetNetwork(opts.Channel)
	ctx, stop := context.WithCancel(context.Background())
	l := &Ledger{opts: opts, conn: conn, gw: gw, network: network, contract: network.GetContract(opts.Chaincode),
		replica: rep, stop: stop, done: make(chan struct{})}
	go l.follow(ctx)
	return l, nil
}

// Close stops following the channel and closes the connection and replica.
func (l *Ledger) Close() error {
	l.stop()
	<-l.done
	l.gw.Close()
	l.conn.Close()
	return l.replica.Close()
}

// Replica is the node's copy of the world state.
func (l *Ledger) Replica() *replica.Replica { return l.replica }

// Height is the number of blocks the replica has applied.
func (l *Ledger) Height() uint64 { return l.replica.Height() }

// maxCatchUp is the most blocks the follower applies in one batch.
const maxCatchUp = 256

// follow applies the channel's blocks to the replica from its checkpoint,
// reconnecting with backoff whenever the stream ends (peer restarted,
// network down): the replica's own checkpoint says where to resume.
func (l *Ledger) follow(ctx context.Context) {
	defer close(l.done)
	bo := backoff.New(100*time.Millisecond, 5*time.Second)
	for ctx.Err() == nil {
		start := l.replica.Height()
		streamCtx, cancel := context.WithCancel(ctx)
		blocks, err := l.network.BlockEvents(streamCtx, client.WithStartBlock(start))
		if err == nil {
			// Blocks that have already arrived are applied together (up
			// to maxCatchUp): catching up from block 0 then costs one
			// replica commit per batch, not per block, while a node that
			// is current still applies each block as it comes.
			batch := make([]*common.Block, 0, maxCatchUp)
			for b := range blocks {
				batch = append(batch[:0], b)
			drain:
				for len(batch) < maxCatchUp {
					select {
					case b, ok := <-blocks:
						if !ok {
							break drain
						}
						batch = append(batch, b)
					default:
						break drain
					}
				}
				if _, err = l.replica.ApplyBlocks(batch); err != nil {
					break
				}
				bo.Reset()
			}
		}
		cancel()
		if blocks != nil {
			// fabric-gateway's receiving goroutine may be blocked
			// handing over a block nobody reads; once it is taken, the
			// cancelled stream ends and the channel closes. Left alone,
			// each reconnect leaked a goroutine and its block.
			for range blocks {
			}
		}
		if ctx.Err() != nil {
			return
		}
		wait := bo.Next()
		l.opts.Logf("block stream from %d ended (%v); reconnecting in %s", start, err, wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
	}
}

// Submit endorses, orders and commits fn as the node's organisation and
// waits until the replica has applied the commit's block. creator must be
// the node's own MSP ID: a node never acts for another organisation.
func (l *Ledger) Submit(ctx context.Context, creator, fn string, arg []byte) (ledger.Result, error) {
	if creator != l.opts.MSPID {
		return ledger.Result{}, &contract.Error{Code: contract.CodeForbidden,
			Msg: fmt.Sprintf("this node acts for %s, not %s", l.opts.MSPID, creator)}
	}
	if contract.IsReadOnly(fn) {
		return ledger.Result{}, fmt.Errorf("%s is a query: use Evaluate", fn)
	}
	for attempt := 0; ; attempt++ {
		proposal, err := l.contract.NewProposal(fn, client.WithArguments(string(arg)))
		if err != nil {
			return ledger.Result{}, err
		}
		tx, err := l.endorse(ctx, proposal)
		if err != nil {
			return ledger.Result{}, mapError(err)
		}
		if changesNothing(tx, l.opts.Chaincode) {
			return ledger.Result{Height: l.replica.Height(), Payload: tx.Result(), Unchanged: true}, nil
		}
		st, err := l.commit(ctx, tx)
		if err != nil {
			return ledger.Result{}, mapError(err)
		}
		out := tx.Result()
		if st.Successful {
			if err := l.replica.WaitForHeight(ctx, st.BlockNumber+1); err != nil {
				return ledger.Result{}, err
			}
			return ledger.Result{TxID: st.TransactionID, Height: st.BlockNumber + 1, Payload: out}, nil
		}
		// Another transaction changed what this one read: endorse it again
		// on the new state. Attestation ids make a repeat idempotent.
		if st.Code == peer.TxValidationCode_MVCC_READ_CONFLICT && attempt < l.opts.MVCCRetries {
			continue
		}
		code := contract.CodeConflict
		if st.Code != peer.TxValidationCode_MVCC_READ_CONFLICT && st.Code != peer.TxValidationCode_PHANTOM_READ_CONFLICT {
			code = contract.CodeFailedPrecondition
		}
		return ledger.Result{}, &contract.Error{Code: code, Msg: fmt.Sprintf("transaction %s was not committed: %s", st.TransactionID, st.Code)}
	}
}

// endorse asks the gateway to endorse proposal, again while the refusal is
// one that passes by itself (retryableEndorsement), for at most
// Options.EndorseRetry. Asking again is safe: nothing was ordered yet, and
// the proposal keeps its transaction id.
func (l *Ledger) endorse(ctx context.Context, proposal *client.Proposal) (*client.Transaction, error) {
	deadline := time.Now().Add(l.opts.EndorseRetry)
	bo := backoff.New(250*time.Millisecond, 2*time.Second)
	for {
		tx, err := proposal.EndorseWithContext(ctx)
		wait := bo.Next()
		if err == nil || !retryableEndorsement(err) || time.Now().Add(wait).After(deadline) {
			return tx, err
		}
		l.opts.Logf("endorsing %s failed (%v); retrying in %s", proposal.TransactionID(), err, wait)
		if backoff.Sleep(ctx, wait) != nil {
			// The caller gave up: the endorsement error says more than
			// the context's.
			return nil, err
		}
	}
}

// Messages of gateway refusals that pass by themselves: the peer's
// discovery service (fed by gossip) does not know peers of enough
// organisations yet, or those it knows are unreachable (Fabric v3.1's
// internal/pkg/gateway registry.go and endorse.go).
var transientPlanErrors = []string{
	"no combination of peers can be derived which satisfy the endorsement policy",
	"due to unavailability of peers",
	"failed to find any endorsing peers",
}

// Per-endorser messages (gateway ErrorDetail) that pass by themselves: the
// peer could not be reached, peers at different heights endorsed different
// results, or the chaincode process was restarting.
var transientEndorserErrors = []string{
	"code = Unavailable",
	"ProposalResponsePayloads do not match",
	"chaincode stream terminated",
}

// retryableEndorsement tells the endorsement failures worth asking again
// for from refusals, which every later attempt would repeat: a chaincode
// refusal (its message carries "chaincode response"), an access-control
// or signature failure, an invalid proposal.
func retryableEndorsement(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	st := status.Convert(err)
	switch st.Code() {
	case codes.Unavailable:
		return true
	case codes.FailedPrecondition:
		return containsAny(st.Message(), transientPlanErrors)
	case codes.Aborted:
		n := 0
		for _, d := range st.Details() {
			detail, ok := d.(*gwproto.ErrorDetail)
			if !ok {
				continue
			}
			if !containsAny(detail.Message, transientEndorserErrors) {
				return false
			}
			n++
		}
		return n > 0
	}
	return false
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// orderTimeout bounds how long an endorsed transaction is offered to the
// ordering service: long enough for a Raft election after an orderer fails.
const orderTimeout = 30 * time.Second

// order sends an endorsed transaction to the ordering service, again and
// again while no orderer takes it (a Raft election after an orderer went
// down). Resending is safe: it is the same signed transaction, and a
// transaction id commits at most once.
func (l *Ledger) order(ctx context.Context, tx *client.Transaction) (*client.Commit, error) {
	deadline := time.Now().Add(orderTimeout)
	bo := backoff.New(200*time.Millisecond, 2*time.Second)
	for {
		commit, err := tx.SubmitWithContext(ctx)
		var se *client.SubmitError
		if err == nil || !errors.As(err, &se) || time.Now().After(deadline) {
			return commit, err
		}
		wait := bo.Next()
		l.opts.Logf("ordering %s failed (%v); retrying in %s", tx.TransactionID(), err, wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// statusWait is how long an ordered transaction may go without a commit
// status before it is sent again. An orderer's acceptance is no promise of
// a block: a Raft leader that loses its leadership (an election after an
// orderer restart or a slow disk) discards the batch it was cutting and
// the blocks it had not yet proposed (becomeFollower in Fabric v3.1's
// orderer/consensus/etcdraft/chain.go), and then no status ever comes.
// Fabric leaves re-submission to the client; this is it. (It was added
// for the 2023 snapshot's Raft restart deadlock, Fabric #4199, but the
// loss on leader change exists in every release.)
const statusWait = 15 * time.Second

// commit orders tx and waits for its commit status, ordering it again
// whenever none came within statusWait. A repeat is harmless: the
// transaction id commits once, and a second copy is marked DUPLICATE_TXID
// while the status reported is the first copy's.
func (l *Ledger) commit(ctx context.Context, tx *client.Transaction) (*client.Status, error) {
	for {
		c, err := l.order(ctx, tx)
		if err != nil {
			return nil, err
		}
		wait, cancel := context.WithTimeout(ctx, statusWait)
		st, err := c.StatusWithContext(wait)
		cancel()
		if err == nil || ctx.Err() != nil || wait.Err() == nil {
			return st, err
		}
		l.opts.Logf("no commit status for %s after %s; ordering it again", tx.TransactionID(), statusWait)
	}
}

// Lag is how many blocks the replica is behind the organisation's peer,
// asked of the peer's query system chaincode.
func (l *Ledger) Lag(ctx context.Context) (uint64, error) {
	out, err := l.network.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(l.opts.Channel))
	if err != nil {
		return 0, mapError(err)
	}
	info := &common.BlockchainInfo{}
	if err := proto.Unmarshal(out, info); err != nil {
		return 0, err
	}
	if h := l.replica.Height(); info.Height > h {
		return info.Height - h, nil
	}
	return 0, nil
}

// Evaluate runs a query on the replica.
func (l *Ledger) Evaluate(creator, fn string, arg []byte) (ledger.Result, error) {
	return l.replica.Evaluate(creator, fn, arg)
}

// View runs fn on one read-only snapshot of the replica.
func (l *Ledger) View(fn func(ledger.Snapshot) error) error { return l.replica.View(fn) }

// EvaluateOnPeer runs a query on the organisation's peer instead of the
// replica, for comparison; the height is the replica's at the time.
func (l *Ledger) EvaluateOnPeer(ctx context.Context, fn string, arg []byte) (ledger.Result, error) {
	h := l.replica.Height()
	out, err := l.contract.EvaluateWithContext(ctx, fn, client.WithArguments(string(arg)))
	if err != nil {
		return ledger.Result{}, mapError(err)
	}
	return ledger.Result{Height: h, Payload: out}, nil
}

// mapError turns a gateway error into the contract's refusal when a peer's
// chaincode refused, and into ErrUnavailable when the network is down.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	st := status.Convert(err)
	for _, d := range st.Details() {
		if detail, ok := d.(*gwproto.ErrorDetail); ok {
			if ce := contractError(detail.Message); ce != nil {
				return ce
			}
		}
	}
	if ce := contractError(st.Message()); ce != nil {
		return ce
	}
	switch st.Code() {
	case codes.Unavailable, codes.DeadlineExceeded:
		return fmt.Errorf("%w: %s", ErrUnavailable, st.Message())
	}
	return err
}

// contractError recovers a *contract.Error from a peer's message such as
// "chaincode response 500, forbidden: only Bank1MSP ...".
func contractError(msg string) *contract.Error {
	if i := strings.LastIndex(msg, "chaincode response 500, "); i >= 0 {
		msg = msg[i+len("chaincode response 500, "):]
	}
	code, rest, ok := strings.Cut(msg, ": ")
	if !ok {
		return nil
	}
	switch code {
	case contract.CodeInvalidArgument, contract.CodeForbidden, contract.CodeNotFound, contract.CodeConflict,
		contract.CodeFailedPrecondition, contract.CodeUnknownFunction, contract.CodeInternal:
		return &contract.Error{Code: code, Msg: rest}
	}
	return nil
}

// Changes implements ledger.Feed with the replica's committed events, so
// what another organisation's node wrote reaches this node's alerts.
func (l *Ledger) Changes(from uint64, fn func(ledger.Change) error) (uint64, error) {
	return l.replica.Changes(from, fn)
}

// WaitForChanges implements ledger.Feed.
func (l *Ledger) WaitForChanges(ctx context.Context, next uint64) error {
	return l.replica.WaitForChanges(ctx, next)
}
