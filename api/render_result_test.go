// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/matcher"
)

// randomMatcherReceivable is a receivable of the matcher's with every field the
// view reads set at random (strings that need escapes, empty optional ones, nil and
// empty slices, dates and instants across eras), with a score and anchors.
func randomMatcherReceivable(rng *rand.Rand) (*matcher.Receivable, matcher.Score, []matcher.Anchor) {
	strs := []string{"", "par_1", "INV-00000001", "a\"b", `a\b`, "<script>&", "集群", "\u2028\u2029", "\x00\x1f\x7f",
		"bad\xffutf8", "tab\there\n", "2026-01-01T00:00:00.000Z", "\u00e9\ufffd"}
	s := func() string { return strs[rng.IntN(len(strs))] }
	hash := func() common.Hash {
		var h common.Hash
		for i := range h {
			h[i] = byte(rng.UintN(256))
		}
		return h
	}
	optHash := func() *common.Hash {
		if rng.IntN(2) == 0 {
			return nil
		}
		h := hash()
		return &h
	}
	ms := func() int64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return -rng.Int64N(1 << 40)
		default:
			return rng.Int64N(1 << 45) // to the year ~3085
		}
	}
	n := func() int { return rng.IntN(4) - 1 } // -1: nil slice
	r := &matcher.Receivable{
		ID: s(), ParentID: s(), Tier: rng.IntN(5), CreditorID: s(), HolderID: s(), AssigneeID: s(), DebtorID: s(),
		InvoiceNumber: s(), Fingerprint: hash(), AmountFen: rng.Int64() - rng.Int64(), RemainingFen: -rng.Int64N(1000),
		Currency: s(), IssueDate: matcher.Date(rng.Int32N(1<<20) - 1<<18), DueDate: matcher.Date(rng.Int32N(100_000)),
		Status: matcher.Status(s()), CreatedMs: ms(), RejectReason: s(), CreditedFen: rng.Int64N(1 << 40), HolderPaidFen: rng.Int64(),
	}
	if rng.IntN(2) == 0 {
		var a common.Address
		copy(a[:], hash().Bytes())
		r.Confirmation = &matcher.Signed{Signer: a, Signature: s(), Digest: hash(), AtMs: ms()}
	}
	if k := n(); k >= 0 {
		r.CreditNotes = make([]matcher.CreditNote, k)
		for i := range r.CreditNotes {
			cn := matcher.CreditNote{AmountFen: rng.Int64(), Reason: s(), AtMs: ms(),
				Signed: matcher.Signed{Signature: s(), Digest: hash(), Salt: optHash()}}
			if k := n(); k >= 0 {
				cn.Allocations = make([]matcher.Allocation, k)
				for j := range cn.Allocations {
					cn.Allocations[j] = matcher.Allocation{ReceivableID: s(), MatchID: s(), AmountFen: rng.Int64()}
				}
			}
			r.CreditNotes[i] = cn
		}
	}
	if k := n(); k >= 0 {
		r.Payments = make([]matcher.Payment, k)
		for i := range r.Payments {
			r.Payments[i] = matcher.Payment{MatchID: s(), AmountFen: rng.Int64() - rng.Int64(), Reference: s(), AtMs: ms()}
		}
	}
	sc := matcher.Score{Total: rng.IntN(200) - 100, Band: s(), Policy: s()}
	if k := n(); k >= 0 {
		sc.Components = make([]matcher.Component, k)
		for i := range sc.Components {
			sc.Components[i] = matcher.Component{Name: s(), Value: rng.IntN(100) - 50, Reason: s()}
		}
	}
	var anchors []matcher.Anchor
	if k := n(); k >= 0 {
		anchors = make([]matcher.Anchor, k)
		for i := range anchors {
			anchors[i] = matcher.Anchor{Kind: s(), Leaf: hash(), Root: optHash(), TxHash: optHash(), Anchored: rng.IntN(2) == 0}
			if rng.IntN(2) == 0 {
				anchors[i].Block = rng.Uint64()
			}
		}
	}
	return r, sc, anchors
}

// TestAppendReceivableOfIsMarshal: the answer written straight from a command's
// result is, byte for byte, json.Marshal of the view the handlers used to build
// (viewReceivableAt), for 5,000 random receivables.
func TestAppendReceivableOfIsMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 5000; i++ {
		r, sc, anchors := randomMatcherReceivable(rng)
		want, err := json.Marshal(viewReceivableAt(r, sc, anchors))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendReceivableOf(nil, r, sc, anchors); !bytes.Equal(got, want) {
			t.Fatalf("appendReceivableOf:\n%s\njson.Marshal(viewReceivableAt):\n%s", got, want)
		}
	}
}

// TestGetReceivableIsViewMarshal: GET /v1/receivables/{id}, written straight from
// the state, answers json.Marshal of the receivable's view byte for byte — for every
// receivable of a market with confirmations, transfers, listings, matches and anchors
// — and an unknown id still gets its problem.
func TestGetReceivableIsViewMarshal(t *testing.T) {
	e := newTestEnv(t)
	w := newBadInputWorld(e)
	ids := e.collectReceivables(e.Admin.Token, "", 100)
	if len(ids) < 5 {
		t.Fatalf("the market has %d receivables, want at least 5", len(ids))
	}
	for _, id := range ids {
		var want []byte
		e.view(func(m *matcher.Matcher) {
			r, me := m.Receivable(e.Admin.ID, id)
			if me != nil {
				t.Fatalf("Receivable(%s): %v", id, me)
			}
			var err error
			if want, err = json.Marshal(viewReceivable(m, r)); err != nil {
				t.Fatal(err)
			}
		})
		got := e.get(e.Admin.Token, "/v1/receivables/"+id)
		e.mustStatus(got, http.StatusOK, nil)
		if !bytes.Equal(got.Body, want) {
			t.Fatalf("GET %s:\n%s\njson.Marshal(viewReceivable):\n%s", id, got.Body, want)
		}
		if ct := got.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", id, ct)
		}
	}
	if got := e.get(w.smeB.Token, "/v1/receivables/rcv_999999"); got.Status != http.StatusNotFound {
		t.Errorf("GET an unknown receivable: %s", got)
	}
}
