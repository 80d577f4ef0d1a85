// Package store is the one list of the node store's keys, and the few
// badger helpers every package of the node reads and writes with.
//
// The node store (badger, <data>/node) is shared by several packages:
// the node's clients, signing keys and query audit, the watchlists, the
// alerts and the webhooks. Each kind of key starts with a prefix listed
// here, and no prefix starts another (the package test checks it), so a
// prefix scan by one package never reads another package's keys. A new
// kind of key gets its prefix here first. The bytes are those the stores
// already hold: changing one orphans what is on disk.
//
// The embedded ledger's and the replica's stores are other badger
// databases with keys of their own; only the helpers are shared with them.
package store

// Prefix starts every key of one kind in the node store. A single key
// (a head, a counter) is listed as its own prefix: nothing else may start
// with it either.
type Prefix string

// The node store's keys. <seq> is a big-endian uint64; hashes are hex.
const (
	// Clients: "c/<SHA-256 of the API key>" holds the client (JSON).
	Clients Prefix = "c/"
	// ClientNames: "cn/<client name>" holds the hash of its API key.
	ClientNames Prefix = "cn/"
	// ClientCerts: "cf/<SHA-256 of a certificate's DER>" holds the hash of
	// the API key of the client it is bound to.
	ClientCerts Prefix = "cf/"
	// SigningKeys: "k/<member>" holds the key the node signs attestations
	// with for the member (kid and private PEM, JSON).
	SigningKeys Prefix = "k/"

	// LegacyAudit and LegacyAuditHead held the single node-wide audit
	// chain of earlier versions ("a/<seq>" entries, "ah" head). They are
	// no longer written or read; a store that has them keeps them, and no
	// other key may start with them.
	LegacyAudit     Prefix = "a/"
	LegacyAuditHead Prefix = "ah"

	// The query audit log (package node/audit). L(s) is a 2-byte length
	// and then s, so that no member or subject is a prefix of another.
	// AuditKey: the node's MAC key for audit entries.
	AuditKey Prefix = "au/key"
	// AuditSeq: the last sequence number across the node.
	AuditSeq Prefix = "au/seq"
	// AuditHeads: "au/h/"L(member) holds the member's chain head (JSON).
	AuditHeads Prefix = "au/h/"
	// AuditAnchored: "au/a/"L(member) holds the size last anchored on the
	// ledger.
	AuditAnchored Prefix = "au/a/"
	// AuditEntries: "au/e/<seq>" holds a block of entries from seq on
	// (or one entry, JSON, in stores written before blocks).
	AuditEntries Prefix = "au/e/"
	// AuditByMember: "au/m/"L(member)<pos> holds the <seq> of the member's
	// entry at chain position pos, then how many positions from pos on
	// follow at consecutive sequence numbers (absent: one).
	AuditByMember Prefix = "au/m/"
	// AuditBySubject: "au/x/"L(subject)<seq> marks an entry about the
	// subject (the subject index).
	AuditBySubject Prefix = "au/x/"
	// AuditIndexed: the last sequence number the subject index covers
	// (the indexer writes it with the index keys).
	AuditIndexed Prefix = "au/xs"

	// BudgetCounts: "bu/c/<kind>/<day>/<member>" holds what the member
	// spent of its daily budget of kind (uint64).
	BudgetCounts Prefix = "bu/c/"
	// BudgetReports: "bu/r/<kind>/<day>/<member>" is set once the first
	// excess of the day is on the ledger.
	BudgetReports Prefix = "bu/r/"

	// WatchEntries: "w/<member>/<subject key>" holds a watchlist entry
	// (JSON).
	WatchEntries Prefix = "w/"
	// WatchIndex: "ws/<subject key>/<member>" marks that the member
	// watches the subject, so that the watchers of a subject are one
	// prefix scan.
	WatchIndex Prefix = "ws/"

	// Alerts: "al/a/<member>/<seq>" holds an alert (JSON).
	Alerts Prefix = "al/a/"
	// AlertMarkers: "al/x/<member>/<attestation id>" marks a default the
	// member was alerted of, so that it is not alerted twice.
	AlertMarkers Prefix = "al/x/"
	// AlertSeq: the last alert sequence number raised on this node.
	AlertSeq Prefix = "al/seq"
	// AlertPos: the ledger feed position alert derivation continues from.
	AlertPos Prefix = "al/pos"

	// Webhooks: "wh/<member>" holds the member's webhook (URL, secret,
	// JSON).
	Webhooks Prefix = "wh/"
	// WebhookCursors: "whc/<member>" holds the <seq> of the last alert the
	// member's receiver acknowledged.
	WebhookCursors Prefix = "whc/"

	// The association-wide statistics (package node/stats): counters kept
	// up to date from the ledger's feed and the query audit log's writes,
	// never computed by scanning the ledger.
	// StatsPos: the ledger feed position counting continues from.
	StatsPos Prefix = "st/pos"
	// StatsCounters: "st/c/<period>/<metric>/<dim>/<value>" holds a count
	// (uint64); period is "w2026-W48", "m2026-11" or "d2026-11-30".
	StatsCounters Prefix = "st/c/"
	// StatsLookups: "st/q/<day>/<dim>/<value>" holds the subjects looked
	// up on day (Asia/Shanghai), in total ("t/"), by purpose ("p/<purpose>")
	// and by member ("m/<member>").
	StatsLookups Prefix = "st/q/"
	// StatsListedDays: "st/ld/<day>" holds the number of listed subjects
	// at the end of day (written on days it changed).
	StatsListedDays Prefix = "st/ld/"
	// StatsListedNow: the number of listed subjects now (as far as counted).
	StatsListedNow Prefix = "st/ln"
	// StatsListedSubjects: "st/ls/<subject key>" marks a subject counted as
	// listed.
	StatsListedSubjects Prefix = "st/ls/"
	// StatsDisputes: "st/dp/<dispute id>" holds an open dispute's due time
	// (RFC 3339).
	StatsDisputes Prefix = "st/dp/"
	// StatsDisputesDue: "st/dd/<due time>/<dispute id>" indexes the open
	// disputes by due time, so overdue ones are one scan of open disputes.
	StatsDisputesDue Prefix = "st/dd/"

	// AlertRules: "ar/<member>" holds the member's alert rules (package
	// node/rules; JSON, as saved).
	AlertRules Prefix = "ar/"

	// ConsoleSessions: "cs/<SHA-256 of the session token>" holds a web
	// console session (client, CSRF token, expiry; JSON), written with a
	// badger TTL so an expired session disappears by itself.
	ConsoleSessions Prefix = "cs/"
	// The transparency log (package node/translog). <n> is a big-endian
	// uint64.
	// TranslogHashes: "tl/h/<n>" holds the tree's stored hash n (32 bytes,
	// golang.org/x/mod/sumdb/tlog's storage order).
	TranslogHashes Prefix = "tl/h/"
	// TranslogLeaves: "tl/l/<n>" holds leaf n's data.
	TranslogLeaves Prefix = "tl/l/"
	// TranslogTags: "tl/t/"L(tag)<n> marks that leaf n is about tag (an
	// attestation id, a member), so a bundle finds its leaves by one scan.
	TranslogTags Prefix = "tl/t/"
	// TranslogCursor: the feed position the log continues from and its
	// size (JSON), written with the leaves they cover.
	TranslogCursor Prefix = "tl/cur"
	// TranslogHeads: "tl/p/<tag>" holds the <n> of the last leaf tagged
	// tag (a chain's head), from which the next leaf's prev is set.
	TranslogHeads Prefix = "tl/p/"
	// PoolHistory: "po/h/<member>/<seq>" holds one of the member's recent
	// pools (digest, size, time; JSON), for the overlap check of pool
	// statistics (package node/pool).
	PoolHistory Prefix = "po/h/"
	// PoolSketches: "po/s/<member>/<seq><chunk>" holds a stretch of that
	// pool's sketch: sorted 8-byte prefixes of its subject keys.
	PoolSketches Prefix = "po/s/"

	// Publications of the blacklist to credit agencies (node/publish.go).
	// <n> is the publication number, a big-endian uint64.
	// PublicationHeads: "pb/h/<n>" holds the header, its signed note, the
	// schedule slot and whether it is recorded on the ledger (JSON).
	PublicationHeads Prefix = "pb/h/"
	// PublicationEntries: "pb/e/<n><subject key>" holds the entry's
	// canonical encoding.
	PublicationEntries Prefix = "pb/e/"
	// PublicationDiffs: "pb/d/<n><subject key>" holds the diff line's
	// canonical encoding.
	PublicationDiffs Prefix = "pb/d/"
	// PublicationPushes: "pp/c/<client>" holds an agency client's push
	// endpoint (URL, secret, JSON; node/pubpush.go).
	PublicationPushes Prefix = "pp/c/"
	// PublicationPushCursors: "pp/n/<client>" holds the number of the last
	// publication its endpoint acknowledged (uint64).
	PublicationPushCursors Prefix = "pp/n/"

	// WitnessCosigs: "wc/<witness name>" holds the latest cosignature a
	// configured witness gave the association's checkpoints: size, root,
	// its signature lines (JSON; node/witnesses.go).
	WitnessCosigs Prefix = "wc/"
)

// All lists every prefix above, for tests and tools that walk the store.
func All() []Prefix {
	return []Prefix{Clients, ClientNames, ClientCerts, SigningKeys, LegacyAudit, LegacyAuditHead,
		AuditKey, AuditSeq, AuditHeads, AuditAnchored, AuditEntries, AuditByMember, AuditBySubject, AuditIndexed,
		BudgetCounts, BudgetReports, WatchEntries, WatchIndex,
		Alerts, AlertMarkers, AlertSeq, AlertPos, Webhooks, WebhookCursors,
		StatsPos, StatsCounters, StatsLookups, StatsListedDays, StatsListedNow, StatsListedSubjects, StatsDisputes, StatsDisputesDue,
		AlertRules,
		ConsoleSessions,
		TranslogHashes, TranslogLeaves, TranslogTags, TranslogCursor, TranslogHeads,
		PoolHistory, PoolSketches,
		PublicationHeads, PublicationEntries, PublicationDiffs, PublicationPushes, PublicationPushCursors,
		WitnessCosigs}
}

// Bytes is the prefix itself: a scan's prefix, or the key of a single key.
func (p Prefix) Bytes() []byte { return []byte(p) }

// Key is the prefix followed by rest; parts after the first are joined
// with "/" ("w/" + member + "/" + subject is WatchEntries.Key(member, subject)).
func (p Prefix) Key(rest ...string) []byte {
	n := len(p) + len(rest)
	for _, r := range rest {
		n += len(r)
	}
	k := make([]byte, 0, n)
	k = append(k, p...)
	for i, r := range rest {
		if i > 0 {
			k = append(k, '/')
		}
		k = append(k, r...)
	}
	return k
}
