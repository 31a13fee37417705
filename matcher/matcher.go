// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
)

// Config holds the rules that are parameters. Every replica must run with the same
// Config: it is part of the state machine's definition, like its code.
type Config struct {
	MaxTermDays      int // payment term cap: due date at most this many days after issue (docs/api.md: 365)
	MinListTenorDays int // a listing needs at least this many days to run (docs/api.md: 15)
	OverdueGraceDays int // a claim is overdue this many days after its due date
	IdemRetentionMs  int64
	// MaxIdemRecords bounds the idempotency records of one caller: a caller past it
	// loses its own oldest keys, never another caller's.
	MaxIdemRecords int
}

// Defaults that docs/api.md states.
const (
	DefaultMaxTermDays      = 365
	DefaultMinListTenorDays = 15
	DefaultOverdueGraceDays = 3
	DefaultIdemRetentionMs  = 24 * 60 * 60 * 1000 // docs/api.md: keys are kept at least 24 hours
	DefaultMaxIdemRecords   = 100_000             // per caller: 24 h of more than one keyed request a second
)

// DefaultConfig is the configuration of docs/api.md.
func DefaultConfig() Config {
	return Config{
		MaxTermDays:      DefaultMaxTermDays,
		MinListTenorDays: DefaultMinListTenorDays,
		OverdueGraceDays: DefaultOverdueGraceDays,
		IdemRetentionMs:  DefaultIdemRetentionMs,
		MaxIdemRecords:   DefaultMaxIdemRecords,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.MaxTermDays <= 0 {
		c.MaxTermDays = d.MaxTermDays
	}
	if c.MinListTenorDays <= 0 {
		c.MinListTenorDays = d.MinListTenorDays
	}
	if c.OverdueGraceDays < 0 {
		c.OverdueGraceDays = d.OverdueGraceDays
	}
	if c.IdemRetentionMs <= 0 {
		c.IdemRetentionMs = d.IdemRetentionMs
	}
	if c.MaxIdemRecords <= 0 {
		c.MaxIdemRecords = d.MaxIdemRecords
	}
	return c
}

// Entry is a journal record handed to Apply: its sequence, its time and its command.
type Entry struct {
	Seq    uint64
	TimeMs int64
	Cmd    Command
}

// Result is what a command did: the objects it created or changed (copies), or the
// error that refused it.
type Result struct {
	Seq         uint64       `json:"seq"`
	Err         *Error       `json:"err,omitempty"`
	Replayed    bool         `json:"replayed,omitempty"`
	Cluster     *Cluster     `json:"cluster,omitempty"`
	Participant *Participant `json:"participant,omitempty"`
	Receivable  *Receivable  `json:"receivable,omitempty"`
	Listing     *Listing     `json:"listing,omitempty"`
	Match       *Match       `json:"match,omitempty"`
	Offer       *Offer       `json:"offer,omitempty"`
	Token       *Token       `json:"token,omitempty"`   // a token issued or revoked
	Webhook     *Webhook     `json:"webhook,omitempty"` // a webhook registered or deleted
	Matches     []Match      `json:"matches,omitempty"`
	// Auctions are the reports of a ClearAuction, a book each.
	Auctions []AuctionReport `json:"auctions,omitempty"`
	// Score and Anchors are Receivable's as of this entry, so that an idempotent
	// replay answers exactly what the first request got.
	Score   *Score   `json:"score,omitempty"`
	Anchors []Anchor `json:"anchors,omitempty"`
	// Anchor work the command created, so the node can wake the anchorer.
	NewLeaves int `json:"new_leaves,omitempty"`
	NewRegs   int `json:"new_regs,omitempty"`
}

// LedgerConfig is the chain this platform anchors on.
type LedgerConfig struct {
	ChainID  uint64         `json:"chain_id"`
	Registry common.Address `json:"registry"`
	Platform common.Hash    `json:"platform"`
	Anchorer common.Address `json:"anchorer"`
	Fence    uint64         `json:"fence"`
}

type counters struct {
	Cluster     uint64 `json:"cluster"`
	Participant uint64 `json:"participant"`
	Receivable  uint64 `json:"receivable"`
	Listing     uint64 `json:"listing"`
	Offer       uint64 `json:"offer"`
	Match       uint64 `json:"match"`
}

// state is everything that the state hash covers; indexes derived from it live in
// Matcher and are rebuilt by Restore.
type state struct {
	Counters     counters               `json:"counters"`
	Ledger       *LedgerConfig          `json:"ledger"`
	Clusters     table[Cluster]         `json:"clusters"`
	Participants table[Participant]     `json:"participants"`
	Receivables  table[Receivable]      `json:"receivables"`
	Listings     table[Listing]         `json:"listings"`
	Offers       table[Offer]           `json:"offers"`
	Matches      table[Match]           `json:"matches"`
	Fingerprints map[common.Hash]string `json:"fingerprints"` // fingerprint → tier-1 receivable
	USCCs        map[string]string      `json:"usccs"`        // USCC → participant
	Salts        map[string]bool        `json:"salts"`        // holder|salt of accepted transfers
	Leaves       []Leaf                 `json:"leaves"`
	Anchored     uint64                 `json:"anchored"`      // leaves 1..Anchored are anchored
	Cut          *Cut                   `json:"cut,omitempty"` // the batch being anchored, if cut
	Batches      []Batch                `json:"batches"`
	Regs         []Registration         `json:"regs"`
	RegsDone     uint64                 `json:"regs_done"`            // registrations 1..RegsDone answered
	BookModes    map[string]string      `json:"book_modes,omitempty"` // core → BookAuction; absent: continuous
	Webhooks     map[string]*Webhook    `json:"webhooks,omitempty"`   // webhooks.go
	WebhookSeq   uint64                 `json:"webhook_seq,omitempty"`
	Idem         map[string]*idemRecord `json:"idem"`
	IdemByCaller map[string][]string    `json:"idem_by_caller"` // caller → its keys in Idem, oldest first
	// LegacyIdemOrder is the one queue of every caller's keys that snapshots before
	// per-caller limits kept; Restore splits it into IdemByCaller.
	LegacyIdemOrder []string `json:"idem_order,omitempty"`
}

type idemRecord struct {
	Hash   string `json:"hash"`
	AtMs   int64  `json:"at_ms"`
	Result Result `json:"result"`
}

// Matcher is the deterministic state machine of scfx. It is not safe for concurrent
// use: the node applies entries from one goroutine and serialises reads with a lock.
type Matcher struct {
	cfg        Config
	appliedSeq uint64
	nowMs      int64
	s          state
	ix         indexes
	// released is scratch for settle and tick: the offers whose line they gave back,
	// in the order they did (not state: empty between commands).
	released []*Offer
	ev       events         // events.go: not state
	sigCheck SignatureCheck // signer.go: not state
	hs       stateHasher    // statehash.go: the running state hash
	alloc    rowAlloc       // slab.go: not state
}

// New returns an empty matcher.
func New(cfg Config) *Matcher {
	m := &Matcher{cfg: cfg.withDefaults()}
	m.s = state{
		Clusters:     newTable[Cluster](prefixCluster),
		Participants: newTable[Participant](prefixParticipant),
		Receivables:  newTable[Receivable](prefixReceivable),
		Listings:     newTable[Listing](prefixListing),
		Offers:       newTable[Offer](prefixOffer),
		Matches:      newTable[Match](prefixMatch),
		Fingerprints: map[common.Hash]string{},
		USCCs:        map[string]string{},
		Salts:        map[string]bool{},
		Idem:         map[string]*idemRecord{},
		IdemByCaller: map[string][]string{},
		BookModes:    map[string]string{},
	}
	m.ix = newIndexes()
	return m
}

// Config is the matcher's configuration.
func (m *Matcher) Config() Config { return m.cfg }

// AppliedSeq is the sequence of the last entry applied.
func (m *Matcher) AppliedSeq() uint64 { return m.appliedSeq }

// NowMs is the time of the last entry applied: the matcher's only clock.
func (m *Matcher) NowMs() int64 { return m.nowMs }

// Today is the UTC day of the last entry applied.
func (m *Matcher) Today() Date { return DayOf(m.nowMs) }

// Ledger is the chain configuration, nil until SetLedger.
func (m *Matcher) Ledger() *LedgerConfig {
	if m.s.Ledger == nil {
		return nil
	}
	l := *m.s.Ledger
	return &l
}

// ApplyRaw decodes a journal record and applies it. A record that does not decode
// still takes its sequence: it is applied as a rejected command.
func (m *Matcher) ApplyRaw(seq uint64, timeMs int64, data []byte) Result {
	return m.applyRaw(seq, timeMs, data, true)
}

// ApplyRawUnanswered applies a record whose result no caller here waits for: another
// replica's command, or a replay. The state changes exactly as with ApplyRaw —
// idempotency records, which a retry on this replica answers from, are whole — but
// what only a response needs is not made: the result holds the seq, the error and the
// work counts (NewLeaves, NewRegs), no objects, score or anchors (a command with an
// Idempotency-Key excepted). Every replica applies every entry, and most are not its
// own.
func (m *Matcher) ApplyRawUnanswered(seq uint64, timeMs int64, data []byte) Result {
	return m.applyRaw(seq, timeMs, data, false)
}

// ApplyRefused applies a journal record that the caller could not unwrap as a
// command: it takes its sequence (and moves the clock) as a refused command, with
// detail as the error.
func (m *Matcher) ApplyRefused(seq uint64, timeMs int64, detail string) Result {
	m.advance(seq, timeMs)
	return Result{Seq: seq, Err: errorf(CodeValidation, "%s", detail)}
}

func (m *Matcher) applyRaw(seq uint64, timeMs int64, data []byte, answered bool) Result {
	cmd, err := DecodeCommand(data)
	if err != nil {
		m.advance(seq, timeMs)
		return Result{Seq: seq, Err: asError(err)}
	}
	return m.apply(Entry{Seq: seq, TimeMs: timeMs, Cmd: cmd}, answered)
}

func asError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Code: CodeValidation, Detail: err.Error()}
}

// advance moves the sequence and the clock. Entries must come in order: a gap or a
// repeat means the caller lost its place in the journal, which is a bug.
func (m *Matcher) advance(seq uint64, timeMs int64) {
	if seq != m.appliedSeq+1 {
		panic(fmt.Sprintf("matcher: applied %d, got entry %d", m.appliedSeq, seq))
	}
	m.appliedSeq = seq
	if timeMs > m.nowMs {
		m.nowMs = timeMs
	}
}

// Apply applies one entry. A rejected command returns its error and changes nothing
// but the applied sequence, the clock and, under an idempotency key, the record that
// answers its retries.
func (m *Matcher) Apply(e Entry) Result { return m.apply(e, true) }

func (m *Matcher) apply(e Entry, answered bool) Result {
	m.advance(e.Seq, e.TimeMs)
	m.trackRows(true)
	defer m.trackRows(false)
	c := &e.Cmd
	var idemKey string
	if c.IdemKey != "" {
		idemKey = idemRecordKey(c.Actor, c.IdemKey)
		if rec, ok := m.s.Idem[idemKey]; ok {
			if rec.Hash != c.IdemHash {
				return Result{Seq: e.Seq, Err: errorf(CodeIdempotencyConflict, "idempotency key %q was used with another request", c.IdemKey)}
			}
			r := rec.Result
			r.Replayed = true
			r.Seq = e.Seq
			return r
		}
	}
	r, err := m.dispatch(c)
	r.Seq = e.Seq
	if err != nil {
		m.discardEvents()
		if idemKey != "" && err.Code != CodeUnavailable {
			// A refusal is remembered too: a retry of the same request gets the same
			// answer, and the key used again with another body is a conflict.
			m.remember(c.Actor, idemKey, c.IdemHash, Result{Err: err})
		}
		return Result{Seq: e.Seq, Err: err}
	}
	m.commitEvents(e.Seq)
	if !answered && idemKey == "" {
		// Nobody reads this result (another replica's command): no copies for it.
		r.Receivable, r.Listing, r.Offer, r.Match = nil, nil, nil, nil
		return r
	}
	if r.Receivable != nil {
		sc := m.ScoreOf(r.Receivable)
		r.Score, r.Anchors = &sc, m.Anchors(r.Receivable)
	}
	r.detach()
	if idemKey != "" {
		m.remember(c.Actor, idemKey, c.IdemHash, r)
	}
	return r
}

// trackRows turns on, for the length of a command, the marking of every row the
// command reads, which StateHash re-hashes (statehash.go). Readers, who hold the
// node's read lock together, must not mark: off between commands.
func (m *Matcher) trackRows(on bool) {
	m.s.Clusters.rowMarks().track, m.s.Participants.rowMarks().track, m.s.Receivables.rowMarks().track = on, on, on
	m.s.Listings.rowMarks().track, m.s.Offers.rowMarks().track, m.s.Matches.rowMarks().track = on, on, on
}

// detach replaces the objects of a result, which the commands return as they are in
// the state, with copies that stay as they are when later entries change the state.
func (r *Result) detach() {
	if r.Receivable != nil {
		r.Receivable = r.Receivable.copy()
	}
	if r.Listing != nil {
		r.Listing = r.Listing.copy()
	}
	if r.Offer != nil {
		r.Offer = r.Offer.copy()
	}
	if r.Match != nil && (len(r.Matches) == 0 || r.Match != &r.Matches[0]) {
		r.Match = r.Match.copy() // one pointing into Matches is the result's own already
	}
}

// dispatch runs the command. The objects of its result are the state's own (apply
// copies them for whoever reads the result).
func (m *Matcher) dispatch(c *Command) (Result, *Error) {
	if c.Payload == nil {
		return Result{}, errorf(CodeValidation, "command by %q has no payload", c.Actor)
	}
	if m.isAuditor(c.Actor) {
		return Result{}, forbidden("an auditor may only read")
	}
	return c.Payload.apply(m, c.Actor)
}

// isAuditor: actor is a participant of role auditor.
func (m *Matcher) isAuditor(actor string) bool {
	p := m.s.Participants.get(actor)
	return p != nil && p.Role == RoleAuditor
}

// seesAll: the operator and auditors see every object (docs/api.md "Conventions"
// (visibility)).
func (m *Matcher) seesAll(actor string) bool {
	return actor == ActorOperator || m.isAuditor(actor)
}

// idemRecordKey is the key of a caller's idempotency record in state.Idem: keys are
// per caller.
func idemRecordKey(caller, key string) string { return caller + "\x00" + key }

// remember keeps a result under its idempotency key, bounded per caller so that one
// caller's burst cannot evict another's keys before the retention; Tick drops records
// older than the retention.
func (m *Matcher) remember(caller, key, hash string, r Result) {
	m.setIdem(key, &idemRecord{Hash: hash, AtMs: m.nowMs, Result: r})
	m.idemPush(caller, key)
	for keys := m.s.IdemByCaller[caller]; len(keys) > m.cfg.MaxIdemRecords; keys = m.s.IdemByCaller[caller] {
		m.deleteIdem(keys[0])
		m.idemPop(caller)
	}
}

// pruneIdem drops every caller's records older than the retention. Callers are
// independent, so the map's order does not matter.
func (m *Matcher) pruneIdem() {
	for caller, keys := range m.s.IdemByCaller {
		for len(keys) > 0 {
			if rec := m.s.Idem[keys[0]]; rec != nil && m.nowMs-rec.AtMs < m.cfg.IdemRetentionMs {
				break
			}
			m.deleteIdem(keys[0])
			m.idemPop(caller)
			keys = keys[1:]
		}
	}
}

// Ids are a prefix and a counter: opaque to clients, ordered for cursors.
const (
	prefixCluster     = "clu_"
	prefixParticipant = "par_"
	prefixReceivable  = "rcv_"
	prefixListing     = "lst_"
	prefixOffer       = "off_"
	prefixMatch       = "mat_"
)

func makeID(prefix string, n uint64) string { return prefix + strconv.FormatUint(n, 10) }

// idNumber is the counter inside an id of the given prefix (0: not such an id).
func idNumber(prefix, id string) uint64 {
	if len(id) <= len(prefix) || id[:len(prefix)] != prefix {
		return 0
	}
	// strconv.ParseUint(id[len(prefix):], 10, 64), inline: every get parses one.
	var n uint64
	for i := len(prefix); i < len(id); i++ {
		d := id[i] - '0'
		if d > 9 || n > (1<<64-1-uint64(d))/10 {
			return 0 // not a digit, or past 2^64-1
		}
		n = n*10 + uint64(d)
	}
	return n
}

// participant looks up an actor that must be a participant of the given role.
func (m *Matcher) actor(actor string, role Role) (*Participant, *Error) {
	if actor == ActorOperator || actor == ActorSystem {
		return nil, forbidden("%s may not do this; a %s may", actor, role)
	}
	p := m.s.Participants.get(actor)
	if p == nil {
		return nil, errorf(CodeUnauthorized, "unknown actor %q", actor)
	}
	if p.Role != role {
		return nil, forbidden("a %s may not do this; a %s may", p.Role, role)
	}
	if p.Suspended {
		return nil, forbidden("participant %s is suspended", p.ID)
	}
	return p, nil
}

func requireOperator(actor string) *Error {
	if actor != ActorOperator {
		return forbidden("only the operator may do this")
	}
	return nil
}

func requireSystem(actor string) *Error {
	if actor != ActorSystem {
		return forbidden("only the node's ledger and clock may do this")
	}
	return nil
}
