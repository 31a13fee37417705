// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/internal/gethtest"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/uscc"
)

// runID keeps this test process's USCCs and invoice numbers apart from any other's
// (a child process, a geth data directory reused by mistake).
var runID = func() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:])) // USCC bodies are upper case
}()

var seq atomic.Uint64

func nextUSCC(t tb) string {
	t.Helper()
	n := seq.Add(1)
	code, err := uscc.Make('9', '1', "330100", fmt.Sprintf("%s%03d", runID[:6], n%1000))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func nextInvoice() string { return fmt.Sprintf("I%s-%07d", runID, seq.Add(1)) }

// openNode opens a real node over a real file journal in dir.
func openNode(t tb, dir string) *node.Node {
	t.Helper()
	j, err := journal.OpenFile(filepath.Join(dir, "journal"), journal.FileOptions{})
	if err != nil {
		t.Fatalf("journal.OpenFile: %v", err)
	}
	n, err := node.Open(context.Background(), node.Config{Journal: j, SnapshotDir: filepath.Join(dir, "snapshots")})
	if err != nil {
		t.Fatalf("node.Open: %v", err)
	}
	return n
}

// market is a little supply chain on one node: a core enterprise, two SMEs and a
// lender, with the keys they sign with.
type market struct {
	t      tb
	n      *node.Node
	keys   map[string]*ecdsa.PrivateKey
	core   string
	sme    string
	sme2   string
	lender string
}

// newMarket onboards the participants; coreUSCC and smeUSCC may be "" for fresh ones
// (two platforms that share an invoice pass the same codes).
func newMarket(t tb, n *node.Node, coreUSCC, smeUSCC string) *market {
	t.Helper()
	m := &market{t: t, n: n, keys: map[string]*ecdsa.PrivateKey{}}
	m.core = m.participant("core", coreUSCC)
	m.sme = m.participant("sme", smeUSCC)
	m.sme2 = m.participant("sme", "")
	m.lender = m.participant("lender", "")
	return m
}

func (m *market) must(cmd matcher.Command) matcher.Result {
	m.t.Helper()
	res, err := m.n.Submit(context.Background(), cmd)
	if err != nil {
		m.t.Fatalf("Submit(%s): %v", cmd.Kind(), err)
	}
	if res.Err != nil {
		m.t.Fatalf("Submit(%s) = %v", cmd.Kind(), res.Err)
	}
	return res
}

func (m *market) participant(role, code string) string {
	m.t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		m.t.Fatal(err)
	}
	if code == "" {
		code = nextUSCC(m.t)
	}
	c := &matcher.CreateParticipant{Name: role + " " + code, USCC: code, Role: role, TokenHash: fmt.Sprintf("%064x", seq.Add(1))}
	if role != "lender" {
		c.Address = crypto.PubkeyToAddress(key.PublicKey).Hex()
	}
	if role == "core" {
		c.Rating = "AAA"
	}
	res := m.must(matcher.Command{Actor: matcher.ActorOperator, Payload: c})
	m.keys[res.Participant.ID] = key
	return res.Participant.ID
}

// invoice submits an invoice of the SME on the core; number "" picks a fresh one.
func (m *market) invoice(number string) string {
	m.t.Helper()
	if number == "" {
		number = nextInvoice()
	}
	today := time.Now().UTC()
	res := m.must(matcher.Command{Actor: m.sme, Payload: &matcher.SubmitReceivable{
		DebtorID: m.core, InvoiceNumber: number, Amount: 1_000_000_00, Currency: "CNY",
		IssueDate: today.Format("2006-01-02"), DueDate: today.AddDate(0, 0, 90).Format("2006-01-02"),
	}})
	return res.Receivable.ID
}

func (m *market) domain(mm *matcher.Matcher) eip712.Domain {
	l := mm.Ledger()
	return eip712.Domain{ChainID: l.ChainID, VerifyingContract: l.Registry}
}

// confirm signs the receivable's Confirmation as its debtor and submits it.
// confirmedInvoices submits k invoices and confirms each; it returns their ids.
func (m *market) confirmedInvoices(k int) []string {
	m.t.Helper()
	ids := make([]string, k)
	for i := range ids {
		ids[i] = m.invoice("")
		m.confirm(ids[i])
	}
	return ids
}

func (m *market) confirm(id string) matcher.Result {
	m.t.Helper()
	return m.must(m.confirmCommand(id))
}

// confirmCommand is the debtor's signed Confirm of receivable id.
func (m *market) confirmCommand(id string) matcher.Command {
	m.t.Helper()
	var digest common.Hash
	var debtor string
	m.n.View(func(mm *matcher.Matcher) {
		r, err := mm.Receivable(matcher.ActorOperator, id)
		if err != nil {
			m.t.Fatalf("Receivable(%s): %v", id, err)
		}
		debtor = r.DebtorID
		digest = eip712.ConfirmationDigest(m.domain(mm), mm.ConfirmationOf(r))
	})
	return matcher.Command{Actor: debtor, Payload: &matcher.Confirm{ReceivableID: id, Signature: m.sign(debtor, digest)}}
}

func (m *market) sign(signer string, digest common.Hash) string {
	m.t.Helper()
	sig, err := eip712.Sign(m.keys[signer], digest)
	if err != nil {
		m.t.Fatal(err)
	}
	return hexutil.Encode(sig)
}

// transfer splits amount of parent to the second SME and returns the child's id.
func (m *market) transfer(parent string, amount int64) string {
	m.t.Helper()
	var salt common.Hash
	_, _ = rand.Read(salt[:])
	var digest common.Hash
	var holder string
	m.n.View(func(mm *matcher.Matcher) {
		r, _ := mm.Receivable(matcher.ActorOperator, parent)
		to, _ := mm.Participant(matcher.ActorOperator, m.sme2)
		holder = r.HolderID
		digest = eip712.TransferDigest(m.domain(mm), mm.TransferOf(r, to, amount, salt))
	})
	res := m.must(matcher.Command{Actor: holder, Payload: &matcher.Transfer{
		ReceivableID: parent, ToID: m.sme2, Amount: amount, Salt: salt.Hex(), Signature: m.sign(holder, digest),
	}})
	return res.Receivable.ID
}

// finance lists id, has the lender's offer take it and funds the match: the claim is
// assigned to the lender (an assignment leaf).
func (m *market) finance(id string) {
	m.t.Helper()
	m.must(matcher.Command{Actor: m.lender, Payload: &matcher.PostOffer{
		CoreID: m.core, LineAmount: 10_000_000_000_00, RatesBps: matcher.Rates{A: 300, B: 400, C: 500}, MaxTenorDays: 365,
	}})
	var holder string
	m.n.View(func(mm *matcher.Matcher) {
		r, _ := mm.Receivable(matcher.ActorOperator, id)
		holder = r.HolderID
	})
	res := m.must(matcher.Command{Actor: holder, Payload: &matcher.List{ReceivableID: id, MaxRateBps: 2000}})
	if res.Match == nil {
		m.t.Fatalf("listing %s matched nothing", id)
	}
	m.must(matcher.Command{Actor: m.lender, Payload: &matcher.Fund{MatchID: res.Match.ID, Reference: "SWIFT-1"}})
}

func status(n *node.Node, id string) matcher.Status {
	var st matcher.Status
	n.View(func(mm *matcher.Matcher) {
		if r, err := mm.Receivable(matcher.ActorOperator, id); err == nil {
			st = r.Status
		}
	})
	return st
}

// waitStatus waits until receivable id has status want.
func waitStatus(t tb, n *node.Node, id string, want matcher.Status, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st := status(n, id)
		if st == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("receivable %s is %s after %v, want %s", id, st, timeout, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// proofOf is the proof of id's leaf of kind, as the API serves it.
func proofOf(t tb, n *node.Node, id string, kind byte) ProofJSON {
	t.Helper()
	var p ProofJSON
	n.View(func(mm *matcher.Matcher) {
		lp, err := mm.ProvenLeaf(id, kind)
		if err != nil {
			t.Fatalf("Proof(%s, %d): %v", id, kind, err)
		}
		p = NewProofJSON(lp, *mm.Ledger())
	})
	return p
}

// checkOnChain checks a proof with the registry's anchoredAt and verify through b.
func checkOnChain(t tb, b Backend, p ProofJSON) {
	t.Helper()
	ctx := context.Background()
	at, err := b.AnchoredAt(ctx, p.Root)
	if err != nil || at != p.BlockNumber {
		t.Fatalf("anchoredAt(%s) = %d, %v; want %d", p.Root.Hex(), at, err, p.BlockNumber)
	}
	ok, err := b.Verify(ctx, p.Root, p.Leaf, p.Proof)
	if err != nil || !ok {
		t.Fatalf("verify(%s, %s, %d siblings) = %v, %v; want true", p.Root.Hex(), p.Leaf.Hex(), len(p.Proof), ok, err)
	}
	if !merkle.Verify(p.Root, p.Leaf, p.Proof) {
		t.Fatalf("merkle.Verify(%s, %s) = false", p.Root.Hex(), p.Leaf.Hex())
	}
}

// runAnchorer runs a on its own goroutine; stop cancels it and returns Run's error.
func runAnchorer(t tb, a *Anchorer) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var stopped bool
	var err error
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			err = <-done
		}
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// fastAnchoring is an anchorer config for tests: short waits everywhere.
func fastAnchoring() AnchorerConfig {
	return AnchorerConfig{MaxDelay: 20 * time.Millisecond, BackoffMin: 20 * time.Millisecond, BackoffMax: 300 * time.Millisecond, TxTimeout: 30 * time.Second}
}

// configuredChain opens an embedded chain and a node in a temporary directory, both
// closed when the test ends, and configures the node's ledger on the chain.
func configuredChain(t interface {
	tb
	TempDir() string
}) (*Embedded, *node.Node) {
	t.Helper()
	dir := t.TempDir()
	e := openEmbedded(t, dir, 0)
	t.Cleanup(func() { e.Close() })
	n := openNode(t, filepath.Join(dir, "node"))
	t.Cleanup(func() { n.Close() })
	configure(t, n, e, dir)
	return e, n
}

func openEmbedded(t tb, dir string, period uint64) *Embedded {
	t.Helper()
	e, err := OpenEmbedded(context.Background(), EmbeddedConfig{DataDir: dir, BlockPeriod: period, HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("OpenEmbedded: %v", err)
	}
	return e
}

// configure binds n's matcher to b.
func configure(t tb, n *node.Node, b Backend, dir string) matcher.LedgerConfig {
	t.Helper()
	l, err := Configure(context.Background(), n, b, dir)
	if err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return l
}

// registryTxs counts the register and anchor transactions in blocks from..head that
// were sent to b's registry and touch one of fps (register) or roots (anchor).
func registryTxs(t tb, b Backend, client *ethclient.Client, from uint64, fps, roots []common.Hash) (registers, anchors int) {
	t.Helper()
	calls, err := gethtest.RegistryCalls(context.Background(), client, b.Registry(), from)
	if err != nil {
		t.Fatal(err)
	}
	want := map[common.Hash]bool{}
	for _, h := range append(append([]common.Hash{}, fps...), roots...) {
		want[h] = true
	}
	for _, c := range calls {
		if !slices.ContainsFunc(c.Hashes, func(h common.Hash) bool { return want[h] }) {
			continue
		}
		if c.Method == "anchor" {
			anchors++
		} else {
			registers++
		}
	}
	return registers, anchors
}

func fingerprintOf(n *node.Node, id string) common.Hash {
	var fp common.Hash
	n.View(func(mm *matcher.Matcher) {
		r, _ := mm.Receivable(matcher.ActorOperator, id)
		fp = r.Fingerprint
	})
	return fp
}

// The node's owner hands the anchorer a *node.Node.
var _ Node = (*node.Node)(nil)
