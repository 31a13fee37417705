// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/merkle"
	"github.com/scfx/scfx/uscc"
)

// world drives a matcher the way the node does — entries with increasing sequence
// and time — and keeps the participants' keys so tests sign for real.
type world struct {
	tb    testing.TB
	m     *Matcher
	seq   uint64
	nowMs int64
	keys  map[string]*ecdsa.PrivateKey // participant → key
	n     int                          // for unique USCCs, names and invoice numbers
	// lastCmd is the journal encoding of the last command applied.
	lastCmd []byte
}

// t0 is 2026-03-02 00:00 UTC: a fixed start so dates in tests read naturally.
const t0 = int64(1772409600000)

func newWorld(tb testing.TB) *world {
	tb.Helper()
	w := &world{tb: tb, m: New(DefaultConfig()), nowMs: t0, keys: map[string]*ecdsa.PrivateKey{}}
	w.must(w.sys(Command{Payload: &SetLedger{
		ChainID: 1337, Registry: "0x00000000000000000000000000000000005cf0c5",
		Platform: "0x" + hex.EncodeToString(make([]byte, 31)) + "01",
	}}))
	return w
}

// apply applies one command at the world's time.
func (w *world) apply(c Command) Result {
	b, err := EncodeCommand(c)
	if err != nil {
		w.tb.Fatal(err)
	}
	w.lastCmd = b
	w.seq++
	r := w.m.Apply(Entry{Seq: w.seq, TimeMs: w.nowMs, Cmd: c})
	checkStateHash(w.tb, w.m, string(c.Kind()))
	return r
}

func (w *world) sys(c Command) Result { c.Actor = ActorSystem; return w.apply(c) }
func (w *world) op(c Command) Result  { c.Actor = ActorOperator; return w.apply(c) }
func (w *world) as(actor string, c Command) Result {
	c.Actor = actor
	return w.apply(c)
}

func (w *world) must(r Result) Result {
	w.tb.Helper()
	if r.Err != nil {
		w.tb.Fatalf("command failed: %v", r.Err)
	}
	return r
}

func (w *world) advanceDays(d int) { w.nowMs += int64(d) * msPerDay }

func (w *world) today() Date { return DayOf(w.nowMs) }

func (w *world) date(offsetDays int) string { return (w.today() + Date(offsetDays)).String() }

func (w *world) nextUSCC() string {
	w.n++
	code, err := uscc.Make('9', '1', "330100", fmt.Sprintf("MA%07d", w.n))
	if err != nil {
		w.tb.Fatal(err)
	}
	return code
}

func tokenHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func (w *world) cluster(level string) string {
	w.tb.Helper()
	r := w.must(w.op(Command{Payload: &CreateCluster{
		Name: "宁波汽车零部件产业集群", CountyCode: "330206", Level: level, Industry: "汽车零部件", ValidUntil: w.date(3 * 365),
	}}))
	return r.Cluster.ID
}

// participant onboards one participant with a fresh key.
func (w *world) participant(c CreateParticipant) string {
	w.tb.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		w.tb.Fatal(err)
	}
	c.USCC = w.nextUSCC()
	c.TokenHash = tokenHash(c.USCC)
	if c.Name == "" {
		c.Name = fmt.Sprintf("企业 %d", w.n)
	}
	if c.Role != string(RoleLender) {
		c.Address = crypto.PubkeyToAddress(key.PublicKey).Hex()
	}
	r := w.must(w.op(Command{Payload: &c}))
	w.keys[r.Participant.ID] = key
	return r.Participant.ID
}

func (w *world) core(rating string) string {
	return w.participant(CreateParticipant{Role: "core", Rating: rating})
}

func (w *world) sme(clusterID, cert string) string {
	c := CreateParticipant{Role: "sme", ClusterID: clusterID, Certification: cert}
	if cert != "" && cert != "none" {
		c.CertificationValidUntil = w.date(2 * 365)
	}
	return w.participant(c)
}

func (w *world) lender() string { return w.participant(CreateParticipant{Role: "lender"}) }

func (w *world) submitCmd(debtor string, amount int64, dueDays int) Command {
	w.n++
	return Command{Payload: &SubmitReceivable{
		DebtorID: debtor, InvoiceNumber: fmt.Sprintf("INV-%08d", w.n), Amount: amount, Currency: "CNY",
		IssueDate: w.date(0), DueDate: w.date(dueDays),
	}}
}

func (w *world) receivable(sme, core string, amount int64, dueDays int) string {
	w.tb.Helper()
	return w.must(w.as(sme, w.submitCmd(core, amount, dueDays))).Receivable.ID
}

func (w *world) domain() eip712.Domain {
	l := w.m.Ledger()
	return eip712.Domain{ChainID: l.ChainID, VerifyingContract: l.Registry}
}

func (w *world) sign(signer string, digest common.Hash) string {
	w.tb.Helper()
	sig, err := eip712.Sign(w.keys[signer], digest)
	if err != nil {
		w.tb.Fatal(err)
	}
	return hexutil.Encode(sig)
}

func (w *world) confirmCmd(id string) Command {
	r := w.m.s.Receivables.get(id)
	digest := eip712.ConfirmationDigest(w.domain(), w.m.ConfirmationOf(r))
	return Command{Payload: &Confirm{ReceivableID: id, Signature: w.sign(r.DebtorID, digest)}}
}

func (w *world) confirm(id string) {
	w.tb.Helper()
	w.must(w.as(w.m.s.Receivables.get(id).DebtorID, w.confirmCmd(id)))
}

func salt(n int) common.Hash { return crypto.Keccak256Hash([]byte(fmt.Sprint("salt", n))) }

func (w *world) transferCmd(parent, to string, amount int64, s common.Hash) Command {
	r := w.m.s.Receivables.get(parent)
	msg := w.m.TransferOf(r, w.m.s.Participants.get(to), amount, s)
	return Command{Payload: &Transfer{
		ReceivableID: parent, ToID: to, Amount: amount, Salt: s.Hex(),
		Signature: w.sign(r.HolderID, eip712.TransferDigest(w.domain(), msg)),
	}}
}

func (w *world) transfer(parent, to string, amount int64) string {
	w.tb.Helper()
	w.n++
	holder := w.m.s.Receivables.get(parent).HolderID
	return w.must(w.as(holder, w.transferCmd(parent, to, amount, salt(w.n)))).Receivable.ID
}

// settleLedger answers every pending registration as clean (or duplicate for the
// fingerprints in dups) and anchors every pending leaf: what the anchorer does.
func (w *world) settleLedger(dups ...common.Hash) {
	w.tb.Helper()
	if first, regs := w.m.PendingRegistrations(MaxRegisterBatch); len(regs) > 0 {
		res := make([]RegResult, len(regs))
		for i, r := range regs {
			res[i] = RegResult{Fingerprint: r.Fingerprint.Hex()}
			for _, d := range dups {
				if d == r.Fingerprint {
					res[i].Duplicate, res[i].ExistingRef = true, common.HexToHash("0xbeef").Hex()
				}
			}
		}
		w.must(w.sys(Command{Payload: &RecordRegistrations{First: first, Results: res}}))
	}
	w.anchor()
}

func (w *world) anchor() {
	w.tb.Helper()
	if first, leaves := w.m.PendingLeaves(MaxAnchorBatch); len(leaves) > 0 {
		w.must(w.sys(w.anchorCmd(first, leaves)))
	}
}

func (w *world) anchorCmd(first uint64, leaves []common.Hash) Command {
	return Command{Payload: &RecordAnchor{
		FirstLeaf: first, Count: len(leaves), Root: merkle.Root(leaves).Hex(),
		TxHash: crypto.Keccak256Hash([]byte(fmt.Sprint(first))).Hex(), Block: first + 10,
	}}
}

// financeable makes a confirmed, registered and anchored tier-1 receivable.
func (w *world) financeable(sme, core string, amount int64, dueDays int) string {
	w.tb.Helper()
	id := w.receivable(sme, core, amount, dueDays)
	w.confirm(id)
	w.settleLedger()
	if st := w.m.s.Receivables.get(id).Status; st != StatusFinanceable {
		w.tb.Fatalf("receivable %s is %s, want financeable", id, st)
	}
	return id
}

func (w *world) offerCmd(core string, line int64, a, b, c int64) Command {
	return Command{Payload: &PostOffer{
		CoreID: core, LineAmount: line, RatesBps: Rates{A: a, B: b, C: c}, MaxTenorDays: 365,
	}}
}

func (w *world) offer(lender, core string, line int64, a, b, c int64) string {
	w.tb.Helper()
	return w.must(w.as(lender, w.offerCmd(core, line, a, b, c))).Offer.ID
}

func listCmd(id string, maxRate int64) Command {
	return Command{Payload: &List{ReceivableID: id, MaxRateBps: maxRate}}
}

// wantCode checks a result failed with code and that the state did not change.
func (w *world) wantCode(r Result, code Code, before [32]byte) {
	w.tb.Helper()
	if r.Err == nil {
		w.tb.Fatalf("command succeeded, want %s", code)
	}
	if r.Err.Code != code {
		w.tb.Fatalf("command failed with %s (%s), want %s", r.Err.Code, r.Err.Detail, code)
	}
	if w.m.StateHash() != before {
		w.tb.Fatalf("rejected command (%s) changed the state", code)
	}
}

// ---- Helpers added for the rule tests (rules_test.go, market_test.go, score_test.go,
// query_test.go, fuzz_test.go). ----

// newWorldConfig is newWorld with a matcher built from cfg.
func newWorldConfig(tb testing.TB, cfg Config) *world {
	tb.Helper()
	w := &world{tb: tb, m: New(cfg), nowMs: t0, keys: map[string]*ecdsa.PrivateKey{}}
	w.must(w.sys(Command{Payload: &SetLedger{
		ChainID: 1337, Registry: "0x00000000000000000000000000000000005cf0c5",
		Platform: "0x" + hex.EncodeToString(make([]byte, 31)) + "01",
	}}))
	return w
}

// hash is the state hash, taken before a command that must be refused.
func (w *world) hash() [32]byte { return w.m.StateHash() }

// rcv is the live receivable, for assertions.
func (w *world) rcv(id string) *Receivable { return w.m.s.Receivables.get(id) }

// checkInvariants fails the test when docs/matching.md §5 no longer holds.
func (w *world) checkInvariants() {
	w.tb.Helper()
	if err := w.m.CheckInvariants(); err != nil {
		w.tb.Fatalf("CheckInvariants() = %v", err)
	}
}

// participantCmd is a valid, unapplied CreateParticipant of role with a fresh key.
func (w *world) participantCmd(role Role) (CreateParticipant, *ecdsa.PrivateKey) {
	w.tb.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		w.tb.Fatal(err)
	}
	u := w.nextUSCC()
	c := CreateParticipant{Name: "企业 " + u, USCC: u, Role: string(role), TokenHash: tokenHash(u)}
	if role != RoleLender {
		c.Address = crypto.PubkeyToAddress(key.PublicKey).Hex()
	}
	if role == RoleCore {
		c.Rating = "AA"
	}
	return c, key
}

// addParticipant applies c (made by participantCmd) and keeps key for signing.
func (w *world) addParticipant(c CreateParticipant, key *ecdsa.PrivateKey) string {
	w.tb.Helper()
	r := w.must(w.op(Command{Payload: &c}))
	w.keys[r.Participant.ID] = key
	return r.Participant.ID
}

// clusterUntil certifies a cluster valid for days more days.
func (w *world) clusterUntil(level string, days int) string {
	w.tb.Helper()
	return w.must(w.op(Command{Payload: &CreateCluster{
		Name: "集群", CountyCode: "330206", Level: level, Industry: "制造", ValidUntil: w.date(days),
	}})).Cluster.ID
}

// smeCert onboards an SME whose certification is valid for validDays more days.
func (w *world) smeCert(clusterID string, cert Certification, validDays int) string {
	w.tb.Helper()
	return w.participant(CreateParticipant{Role: "sme", ClusterID: clusterID, Certification: string(cert),
		CertificationValidUntil: w.date(validDays)})
}

// register answers every pending registration (duplicates for dups) without anchoring.
func (w *world) register(dups ...common.Hash) {
	w.tb.Helper()
	first, regs := w.m.PendingRegistrations(MaxRegisterBatch)
	if len(regs) == 0 {
		return
	}
	res := make([]RegResult, len(regs))
	for i, r := range regs {
		res[i] = RegResult{Fingerprint: r.Fingerprint.Hex()}
		for _, d := range dups {
			if d == r.Fingerprint {
				res[i].Duplicate, res[i].ExistingRef = true, common.HexToHash("0xbeef").Hex()
			}
		}
	}
	w.must(w.sys(Command{Payload: &RecordRegistrations{First: first, Results: res}}))
}

// restored is the world's state snapshotted and restored into a new matcher.
func (w *world) restored() *Matcher {
	w.tb.Helper()
	snap, err := w.m.Snapshot()
	if err != nil {
		w.tb.Fatal(err)
	}
	m, err := Restore(w.m.Config(), snap)
	if err != nil {
		w.tb.Fatal(err)
	}
	return m
}

func (w *world) tick() Result { return w.sys(Command{Payload: &Tick{}}) }

// list lists id at maxRate as its holder and returns the result.
func (w *world) list(id string, maxRate int64) Result {
	w.tb.Helper()
	return w.must(w.as(w.rcv(id).HolderID, listCmd(id, maxRate)))
}

func fundCmd(matchID string) Command {
	return Command{Payload: &Fund{MatchID: matchID, Reference: "SWIFT-0001"}}
}

func settleCmd(id string) Command {
	return Command{Payload: &Settle{ReceivableID: id, Reference: "PAY-0001"}}
}

// fund funds a match as its lender.
func (w *world) fund(matchID string) Result {
	w.tb.Helper()
	return w.must(w.as(w.m.s.Matches.get(matchID).LenderID, fundCmd(matchID)))
}

// offerWith posts an offer on core, rates for every band, changed by mut.
func (w *world) offerWith(lender, core string, line, rate int64, mut func(*PostOffer)) Result {
	w.tb.Helper()
	c := w.offerCmd(core, line, rate, rate, rate)
	if mut != nil {
		mut(c.Payload.(*PostOffer))
	}
	return w.must(w.as(lender, c))
}

// detParticipant onboards a participant whose key derives from seed, so two worlds
// fed the same steps reach the same state (go-ethereum signs deterministically, RFC 6979).
func (w *world) detParticipant(c CreateParticipant, seed string) string {
	w.tb.Helper()
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("scfx-test-key|" + seed)))
	if err != nil {
		w.tb.Fatal(err)
	}
	c.USCC = w.nextUSCC()
	c.TokenHash = tokenHash(c.USCC)
	c.Name = "企业 " + seed
	if c.Role != string(RoleLender) {
		c.Address = crypto.PubkeyToAddress(key.PublicKey).Hex()
	}
	return w.addParticipant(c, key)
}

// passDays moves the world's clock and applies a Tick, so that the matcher's own clock
// (the time of its last entry) moves too.
func (w *world) passDays(d int) {
	w.tb.Helper()
	w.advanceDays(d)
	w.must(w.tick())
}

// byID is a table as a map, for tests that check sets of ids.
func (t *table[T]) byID() map[string]*T {
	out := make(map[string]*T, len(t.rows))
	for i, r := range t.rows {
		out[makeID(t.prefix, uint64(i+1))] = r
	}
	return out
}

// businessHash is the state hash without the idempotency records: what a refused
// command must leave as it was (its record, under a key, is the one change).
func businessHash(m *Matcher) [32]byte {
	s := m.s
	s.Idem, s.IdemByCaller = nil, nil
	b, err := json.Marshal(&s)
	if err != nil {
		panic(err)
	}
	return sha256.Sum256(b)
}
