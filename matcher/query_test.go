// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/merkle"
)

// Tests of the ledger outcomes and proofs (README's architecture and contracts/README.md, docs/api.md "Proofs")
// and of the read side (docs/api.md "Conventions" (visibility), "Lists", GET /v1/books).

// README, "Architecture": the anchorer "submits RecordAnchor (root, tx hash, block), which every
// node applies. Crash at any point: on restart the anchorer cuts the same batch … and
// records it without sending again" — so a replayed outcome must be refused, and the
// matcher checks every outcome itself (it is not the only door).
func TestDesign4_LedgerOutcomeRefusals(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	for i := 0; i < 3; i++ {
		w.confirm(w.receivable(a, core, 1000, 90))
	}
	first, leaves := w.m.PendingLeaves(MaxAnchorBatch)
	rfirst, regs := w.m.PendingRegistrations(MaxRegisterBatch)
	anchor := func(mut func(*RecordAnchor)) Command {
		c := w.anchorCmd(first, leaves)
		c.Payload.(*RecordAnchor).Fence = 5
		mut(c.Payload.(*RecordAnchor))
		return c
	}
	reg := func(mut func(*RecordRegistrations)) Command {
		res := make([]RegResult, len(regs))
		for i, r := range regs {
			res[i] = RegResult{Fingerprint: r.Fingerprint.Hex()}
		}
		c := Command{Payload: &RecordRegistrations{First: rfirst, Results: res}}
		mut(c.Payload.(*RecordRegistrations))
		return c
	}
	// Move the fence to 5 with a valid outcome for the first registration alone.
	w.must(w.sys(reg(func(r *RecordRegistrations) { r.Results, r.Fence = r.Results[:1], 5 })))
	regs, rfirst = regs[1:], rfirst+1
	rows := []struct {
		name  string
		actor string
		cmd   Command
		want  Code
	}{
		{"anchor by the operator", ActorOperator, anchor(func(*RecordAnchor) {}), CodeForbidden},
		{"anchor by a participant", a, anchor(func(*RecordAnchor) {}), CodeForbidden},
		{"anchor from a later leaf", ActorSystem, anchor(func(r *RecordAnchor) { r.FirstLeaf++ }), CodeInvalidState},
		{"anchor from leaf 0", ActorSystem, anchor(func(r *RecordAnchor) { r.FirstLeaf = 0 }), CodeInvalidState},
		{"anchor count 0", ActorSystem, anchor(func(r *RecordAnchor) { r.Count = 0 }), CodeValidation},
		{"anchor count above pending", ActorSystem, anchor(func(r *RecordAnchor) { r.Count = 4 }), CodeValidation},
		{"anchor count above the batch limit", ActorSystem, anchor(func(r *RecordAnchor) { r.Count = MaxAnchorBatch + 1 }), CodeValidation},
		{"anchor root of fewer leaves", ActorSystem, anchor(func(r *RecordAnchor) { r.Root = merkle.Root(leaves[:2]).Hex() }), CodeInvalidState},
		{"anchor root of reordered leaves", ActorSystem, anchor(func(r *RecordAnchor) {
			r.Root = merkle.Root([]common.Hash{leaves[2], leaves[1], leaves[0]}).Hex()
		}), CodeInvalidState},
		{"anchor root upper case", ActorSystem, anchor(func(r *RecordAnchor) { r.Root = strings.ToUpper(r.Root) }), CodeInvalidState},
		{"anchor tx hash short", ActorSystem, anchor(func(r *RecordAnchor) { r.TxHash = r.TxHash[:64] }), CodeValidation},
		{"anchor block 0", ActorSystem, anchor(func(r *RecordAnchor) { r.Block = 0 }), CodeValidation},
		{"anchor with a stale fence", ActorSystem, anchor(func(r *RecordAnchor) { r.Fence = 4 }), CodeInvalidState},
		{"registrations by the operator", ActorOperator, reg(func(r *RecordRegistrations) { r.Fence = 5 }), CodeForbidden},
		{"registrations replayed", ActorSystem, reg(func(r *RecordRegistrations) { r.First, r.Fence = 1, 5 }), CodeInvalidState},
		{"registrations skipping one", ActorSystem, reg(func(r *RecordRegistrations) { r.First, r.Fence = rfirst+1, 5 }), CodeInvalidState},
		{"registrations empty", ActorSystem, reg(func(r *RecordRegistrations) { r.Results, r.Fence = nil, 5 }), CodeValidation},
		{"registrations above pending", ActorSystem, reg(func(r *RecordRegistrations) {
			r.Results, r.Fence = append(r.Results, r.Results[0]), 5
		}), CodeValidation},
		{"registrations for another fingerprint", ActorSystem, reg(func(r *RecordRegistrations) {
			r.Results[0].Fingerprint, r.Fence = common.Hash{1}.Hex(), 5
		}), CodeValidation},
		{"duplicate without its ref", ActorSystem, reg(func(r *RecordRegistrations) { r.Results[0].Duplicate, r.Fence = true, 5 }), CodeValidation},
		{"registrations with a stale fence", ActorSystem, reg(func(r *RecordRegistrations) { r.Fence = 4 }), CodeInvalidState},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			w.wantCode(w.as(row.actor, row.cmd), row.want, w.hash())
		})
	}
	w.tb = t
	good := anchor(func(*RecordAnchor) {})
	w.must(w.sys(good))
	w.wantCode(w.sys(good), CodeInvalidState, w.hash()) // replayed: no second batch
	goodReg := reg(func(r *RecordRegistrations) { r.Fence = 6 })
	w.must(w.sys(goodReg))
	w.wantCode(w.sys(goodReg), CodeInvalidState, w.hash())
	if len(w.m.s.Batches) != 1 || w.m.s.Anchored != 3 || w.m.s.RegsDone != 3 || w.m.s.Ledger.Fence != 6 {
		t.Fatalf("batches %d anchored %d regs %d fence %d", len(w.m.s.Batches), w.m.s.Anchored, w.m.s.RegsDone, w.m.s.Ledger.Fence)
	}
	if l, r := w.m.PendingCounts(); l != 0 || r != 0 {
		t.Fatalf("pending %d leaves %d registrations, want none", l, r)
	}
}

// contracts/README.md: "A tier-1 receivable becomes financeable when its confirmation is
// valid, its fingerprint registration came back clean, and its confirmation leaf is
// anchored." "A Duplicate makes the root (and so every fragment) rejected_duplicate."
func TestDesign4_FinanceableNeedsCleanRegistrationAndAnchor(t *testing.T) {
	rows := []struct {
		name  string
		steps string // r: registration clean, d: registration duplicate, a: anchor
		want  Status
	}{
		{"nothing yet", "", StatusConfirmed},
		{"registration alone", "r", StatusConfirmed},
		{"anchor alone", "a", StatusConfirmed},
		{"registration then anchor", "ra", StatusFinanceable},
		{"anchor then registration", "ar", StatusFinanceable},
		{"duplicate then anchor", "da", StatusDuplicate},
		{"anchor then duplicate", "ad", StatusDuplicate},
		{"duplicate alone", "d", StatusDuplicate},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w := newWorld(t)
			sme, sme2, core := w.sme("", ""), w.sme("", ""), w.core("AAA")
			w.offer(w.lender(), core, 10_000_000, 100, 100, 100)
			id := w.receivable(sme, core, 1_000_000, 90)
			w.confirm(id)
			for i, s := range row.steps {
				if i > 0 && w.rcv(id).Status == StatusFinanceable {
					t.Fatalf("financeable after only %q", row.steps[:i])
				}
				switch s {
				case 'r':
					w.register()
				case 'd':
					w.register(w.rcv(id).Fingerprint)
				case 'a':
					w.anchor()
				}
			}
			if got := w.rcv(id).Status; got != row.want {
				t.Fatalf("status after %q = %s, want %s", row.steps, got, row.want)
			}
			if row.want == StatusFinanceable {
				return
			}
			// Not financeable: it can be neither listed nor transferred.
			w.wantCode(w.as(sme, listCmd(id, 10_000)), CodeInvalidState, w.hash())
			w.wantCode(w.as(sme, w.transferCmd(id, sme2, 1, salt(1))), CodeInvalidState, w.hash())
			if row.want == StatusDuplicate {
				// A duplicate is never financeable, whatever the ledger does next.
				w.settleLedger()
				if got := w.rcv(id).Status; got != StatusDuplicate {
					t.Fatalf("duplicate became %s", got)
				}
				if sc := w.m.ScoreOf(w.rcv(id)); sc.Total != 0 || sc.Band != "D" {
					t.Fatalf("duplicate scored %+v", sc)
				}
				w.wantCode(w.as(w.rcv(id).DebtorID, settleCmd(id)), CodeInvalidState, w.hash())
			}
			w.checkInvariants()
		})
	}
}

// SetLedger binds signatures to a chain and registry: "neither may move once set"; the
// anchorer's account may. Only the node itself sets it.
func TestDesign4_SetLedger(t *testing.T) {
	w := newWorld(t)
	cur := w.m.Ledger()
	set := func(mut func(*SetLedger)) Command {
		c := &SetLedger{ChainID: cur.ChainID, Registry: cur.Registry.Hex(), Platform: cur.Platform.Hex()}
		mut(c)
		return Command{Payload: c}
	}
	w.wantCode(w.op(set(func(*SetLedger) {})), CodeForbidden, w.hash())
	w.wantCode(w.sys(set(func(c *SetLedger) { c.ChainID = 1 })), CodeInvalidState, w.hash())
	w.wantCode(w.sys(set(func(c *SetLedger) { c.Registry = "0x000000000000000000000000000000000000beef" })), CodeInvalidState, w.hash())
	w.wantCode(w.sys(set(func(c *SetLedger) { c.Platform = common.Hash{9}.Hex() })), CodeInvalidState, w.hash())
	w.wantCode(w.sys(set(func(c *SetLedger) { c.ChainID = 0 })), CodeValidation, w.hash())
	w.must(w.sys(set(func(c *SetLedger) { c.Anchorer = "0x000000000000000000000000000000000000a11c" })))
	if got := w.m.Ledger().Anchorer; got != common.HexToAddress("0xa11c") {
		t.Fatalf("anchorer %s", got.Hex())
	}
}

// docs/api.md GET /v1/receivables/{id}/proof: "{leaf, root, proof, tx_hash, block_number} for
// its confirmation; ?kind=transfer on a fragment …, ?kind=assignment on a funded
// receivable … 409 invalid_state while the leaf is not anchored yet"; contracts/README.md
// verify is sorted-pair keccak256 (merkle.Verify).
func TestAPI_ProofVerifiesForEachKind(t *testing.T) {
	w := newWorld(t)
	a, b, core, l := w.sme("", ""), w.sme("", ""), w.core("AAA"), w.lender()
	var ids []string
	for i := 0; i < 5; i++ { // one batch of five confirmations
		id := w.receivable(a, core, 1_000_000, 90)
		w.confirm(id)
		ids = append(ids, id)
	}
	w.settleLedger()
	f1, f2 := w.transfer(ids[0], b, 100), w.transfer(ids[0], b, 200)
	w.offer(l, core, 10_000_000, 300, 300, 300)
	mt := w.list(ids[1], 10_000).Match
	w.fund(mt.ID)
	if _, err := w.m.Proof(ids[1], merkle.KindAssignment); err == nil || err.Code != CodeInvalidState {
		t.Fatalf("Proof of an unanchored assignment = %v, want invalid_state", err)
	}
	w.anchor() // one batch: two transfers and the assignment
	sigOf := func(s *Signed) []byte { return hexutil.MustDecode(s.Signature) }
	cases := []struct {
		id   string
		kind byte
		leaf common.Hash
	}{}
	for _, id := range ids {
		r := w.rcv(id)
		cases = append(cases, struct {
			id   string
			kind byte
			leaf common.Hash
		}{id, merkle.KindConfirmation, merkle.ConfirmationLeaf(id, r.Confirmation.Digest, sigOf(r.Confirmation))})
	}
	for _, f := range []string{f1, f2} {
		r := w.rcv(f)
		cases = append(cases, struct {
			id   string
			kind byte
			leaf common.Hash
		}{f, merkle.KindTransfer, merkle.TransferLeaf(f, r.ParentID, r.Transfer.Digest, sigOf(r.Transfer))})
	}
	m := w.m.s.Matches.get(mt.ID)
	cases = append(cases, struct {
		id   string
		kind byte
		leaf common.Hash
	}{ids[1], merkle.KindAssignment, merkle.AssignmentLeaf(ids[1], mt.ID, l, m.AmountFen, m.FundedMs)})
	for _, c := range cases {
		p, err := w.m.Proof(c.id, c.kind)
		if err != nil {
			t.Fatalf("Proof(%s, %s) = %v", c.id, LeafKindName(c.kind), err)
		}
		if p.Leaf != c.leaf || !merkle.Verify(p.Root, p.Leaf, p.Proof) {
			t.Fatalf("Proof(%s, %s): leaf %s (want %s) does not verify against %s", c.id, LeafKindName(c.kind), p.Leaf.Hex(), c.leaf.Hex(), p.Root.Hex())
		}
		found := false
		for _, b := range w.m.s.Batches {
			found = found || (b.Root == p.Root && b.TxHash == p.TxHash && b.Block == p.Block)
		}
		if !found {
			t.Fatalf("Proof(%s) root %s is not a recorded batch", c.id, p.Root.Hex())
		}
	}
	if _, err := w.m.Proof("rcv_999", merkle.KindConfirmation); err == nil || err.Code != CodeNotFound {
		t.Fatalf("Proof of nothing = %v, want not_found", err)
	}
	if _, err := w.m.Proof(ids[0], merkle.KindTransfer); err == nil || err.Code != CodeInvalidState {
		t.Fatalf("transfer proof of a tier-1 receivable = %v, want invalid_state", err)
	}
	for _, an := range w.m.Anchors(w.rcv(ids[1])) {
		if !an.Anchored || an.Root == nil || an.TxHash == nil {
			t.Fatalf("anchor %+v of an anchored leaf", an)
		}
	}
}

// walk pages through a list until next is empty and returns the ids seen, failing on a
// repeat, an oversized page or a cursor the server would refuse.
func walk[T any](t *testing.T, name string, limit int, page func(cursor uint64, limit int) Page[T], id func(T) string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	var cursor uint64
	for pages := 0; ; pages++ {
		if pages > 10_000 {
			t.Fatalf("%s: no last page", name)
		}
		p := page(cursor, limit)
		if p.Items == nil || len(p.Items) > clampLimit(limit) {
			t.Fatalf("%s limit %d: page of %d items (nil: %v)", name, limit, len(p.Items), p.Items == nil)
		}
		for _, it := range p.Items {
			if seen[id(it)] {
				t.Fatalf("%s limit %d: %s twice", name, limit, id(it))
			}
			seen[id(it)] = true
		}
		if p.Next == "" {
			return seen
		}
		c, err := ParseCursor(p.Next)
		if err != nil {
			t.Fatalf("%s: next cursor %q refused: %v", name, p.Next, err)
		}
		cursor = c
	}
}

func sameSet(t *testing.T, name string, got, want map[string]bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d items, want %d", name, len(got), len(want))
	}
	for id := range want {
		if !got[id] {
			t.Fatalf("%s: %s missing", name, id)
		}
	}
}

// docs/api.md "Lists: ?limit= (default 50, max 500) and ?cursor= … next_cursor null on the
// last page. A caller sees only what it is party to (operator: everything)"; and
// "Visibility: an object the caller is not party to does not exist for it (404)".
func TestAPI_ListsPaginateAndScope(t *testing.T) {
	w := newWorld(t)
	smes := []string{w.sme("", ""), w.sme("", ""), w.sme("", "")}
	cores := []string{w.core("AAA"), w.core("AA")}
	lenders := []string{w.lender(), w.lender()}
	for i := 0; i < 4; i++ {
		w.offer(lenders[i%2], cores[i%2], 3_000_000, 300+int64(i), 300, 300)
	}
	for i := 0; i < 24; i++ {
		holder, core := smes[i%3], cores[i%2]
		switch i % 4 {
		case 0:
			w.receivable(holder, core, 1000, 90)
		case 1:
			w.financeable(holder, core, 1000, 90)
		case 2:
			id := w.financeable(holder, core, 1_000_000, 90)
			w.transfer(id, smes[(i+1)%3], 10)
			w.anchor()
			if mt := w.list(id, 10_000).Match; mt != nil && i%8 == 2 {
				w.fund(mt.ID)
			}
		case 3:
			w.list(w.financeable(holder, core, 1000, 90), 10_000)
		}
	}
	all := func(ids []string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	actors := append(append(append([]string{ActorOperator}, smes...), cores...), lenders...)
	for _, actor := range actors {
		wantR, wantM, wantO, wantP := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
		for id, r := range w.m.s.Receivables.byID() {
			if w.m.isParty(actor, r) {
				wantR[id] = true
			} else if _, err := w.m.Receivable(actor, id); err == nil || err.Code != CodeNotFound {
				t.Fatalf("Receivable(%s, %s) = %v, want not_found for a non-party", actor, id, err)
			}
		}
		for id, mt := range w.m.s.Matches.byID() {
			if actor == ActorOperator || actor == mt.LenderID || actor == mt.HolderID || actor == mt.DebtorID {
				wantM[id] = true
			} else if _, err := w.m.Match(actor, id); err == nil || err.Code != CodeNotFound {
				t.Fatalf("Match(%s, %s) = %v, want not_found", actor, id, err)
			}
		}
		for id, o := range w.m.s.Offers.byID() {
			if actor == ActorOperator || actor == o.LenderID {
				wantO[id] = true
			} else if _, err := w.m.Offer(actor, id); err == nil || err.Code != CodeNotFound {
				t.Fatalf("Offer(%s, %s) = %v, want not_found", actor, id, err)
			}
		}
		for id := range w.m.s.Participants.byID() {
			if actor == ActorOperator || actor == id {
				wantP[id] = true
			} else if _, err := w.m.Participant(actor, id); err == nil || err.Code != CodeNotFound {
				t.Fatalf("Participant(%s, %s) = %v, want not_found", actor, id, err)
			}
		}
		for id, l := range w.m.s.Listings.byID() {
			if _, err := w.m.Listing(actor, id); (err == nil) != (actor == ActorOperator || actor == l.HolderID) {
				t.Fatalf("Listing(%s, %s) = %v", actor, id, err)
			}
		}
		for _, limit := range []int{1, 2, 3, 7, 0, 500, 5000} {
			name := fmt.Sprintf("%s/limit %d", actor, limit)
			sameSet(t, name+"/receivables", walk(t, name, limit, func(c uint64, n int) Page[*Receivable] {
				return w.m.Receivables(actor, "", c, n)
			}, func(r *Receivable) string { return r.ID }), wantR)
			sameSet(t, name+"/matches", walk(t, name, limit, func(c uint64, n int) Page[*Match] { return w.m.Matches(actor, c, n) },
				func(m *Match) string { return m.ID }), wantM)
			sameSet(t, name+"/offers", walk(t, name, limit, func(c uint64, n int) Page[*Offer] { return w.m.Offers(actor, c, n) },
				func(o *Offer) string { return o.ID }), wantO)
			sameSet(t, name+"/participants", walk(t, name, limit, func(c uint64, n int) Page[Participant] { return w.m.Participants(actor, c, n) },
				func(p Participant) string { return p.ID }), wantP)
			for _, st := range []Status{StatusPending, StatusFinanceable, StatusMatched, StatusFunded, StatusListed} {
				want := map[string]bool{}
				for id := range wantR {
					if w.m.s.Receivables.get(id).Status == st {
						want[id] = true
					}
				}
				sameSet(t, name+"/status "+string(st), walk(t, name, limit, func(c uint64, n int) Page[*Receivable] {
					return w.m.Receivables(actor, st, c, n)
				}, func(r *Receivable) string { return r.ID }), want)
			}
		}
	}
	sameSet(t, "clusters", walk(t, "clusters", 2, w.m.Clusters, func(c Cluster) string { return c.ID }), all(nil))
}

// docs/api.md Lists: "limit (default 50, max 500)"; a cursor the server did not issue is
// validation_failed.
func TestAPI_ListLimitsAndCursors(t *testing.T) {
	w := newWorld(t)
	for i := 0; i < MaxPageLimit+20; i++ {
		w.cluster(LevelProvincial)
	}
	if p := w.m.Clusters(0, 10_000); len(p.Items) != MaxPageLimit || p.Next == "" {
		t.Fatalf("limit 10000: %d items, next %q; want 500 and a cursor", len(p.Items), p.Next)
	}
	if p := w.m.Clusters(0, 0); len(p.Items) != DefaultPageLimit {
		t.Fatalf("no limit: %d items, want %d", len(p.Items), DefaultPageLimit)
	}
	if p := w.m.Clusters(0, -3); len(p.Items) != DefaultPageLimit {
		t.Fatalf("negative limit: %d items", len(p.Items))
	}
	sameSet(t, "clusters", walk(t, "clusters", 500, w.m.Clusters, func(c Cluster) string { return c.ID }), func() map[string]bool {
		m := map[string]bool{}
		for id := range w.m.s.Clusters.byID() {
			m[id] = true
		}
		return m
	}())
	for _, bad := range []string{"abc", "-1", "1.5", "0x10", " 1", strings.Repeat("9", 21), "18446744073709551616"} {
		if _, err := ParseCursor(bad); err == nil || err.Code != CodeValidation {
			t.Errorf("ParseCursor(%q) = %v, want validation_failed", bad, err)
		}
	}
	if n, err := ParseCursor(""); n != 0 || err != nil {
		t.Fatalf("ParseCursor(\"\") = %d, %v", n, err)
	}
	// Another participant has a page with nothing on it, never someone else's objects.
	sme := w.sme("", "")
	if p := w.m.Receivables(sme, "", 0, 10); len(p.Items) != 0 || p.Next != "" || p.Items == nil {
		t.Fatalf("empty list = %+v, want [] and no cursor", p)
	}
}

// docs/api.md GET /v1/books/{core_id}: "resting listings (anonymised: band, amount, tenor,
// tier) and live offers' best quote per band".
func TestAPI_BookAnonymisedBestQuotePerBand(t *testing.T) {
	w := newWorld(t)
	a, b, core, l1, l2 := w.sme("", ""), w.sme("", ""), w.core("AAA"), w.lender(), w.lender()
	full := w.offer(l1, core, 1_000_000, 100, 100, 100) // its line will be fully reserved
	w.list(w.financeable(a, core, 1_000_000, 90), 10_000)
	if o := w.m.s.Offers.get(full); o.Available() != 0 {
		t.Fatalf("fixture: offer %s has %d available", full, o.Available())
	}
	r1 := w.financeable(a, core, 700_000, 90)
	r2 := w.financeable(a, core, 2_000_000, 120)
	frag := w.transfer(r2, b, 300_000)
	w.anchor()
	for _, id := range []string{r1, frag} {
		w.list(id, 50) // below every quote: rests
	}
	w.offerWith(l1, core, 5_000_000, 300, func(o *PostOffer) { o.RatesBps = Rates{A: 300, B: 400, C: 500} })
	w.offerWith(l2, core, 4_000_000, 300, func(o *PostOffer) { o.RatesBps = Rates{A: 250, C: 450} })
	gone := w.offerWith(l2, core, 4_000_000, 60, nil).Offer.ID // above the listings' 50
	w.must(w.as(l2, Command{Payload: &CancelOffer{OfferID: gone}}))
	v, ok := w.m.Book(core, 0)
	if !ok || v.CoreID != core {
		t.Fatalf("Book(%s) = %+v, %v", core, v, ok)
	}
	want := []BookQuote{{"A", 250, 2, 9_000_000}, {"B", 400, 1, 5_000_000}, {"C", 450, 2, 9_000_000}}
	if fmt.Sprint(v.Quotes) != fmt.Sprint(want) {
		t.Fatalf("quotes %+v, want %+v (no cancelled or exhausted offer)", v.Quotes, want)
	}
	if len(v.Listings) != 2 || v.Listings[0].AmountFen != 700_000 || v.Listings[1].Tier != 2 || v.Listings[1].TenorDays != 120 {
		t.Fatalf("listings %+v", v.Listings)
	}
	raw, _ := json.Marshal(v.Listings)
	for _, secret := range []string{a, b, r1, frag, "holder", "receivable", "_id"} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("book listings %s reveal %q", raw, secret)
		}
	}
	if _, ok := w.m.Book(a, 0); ok {
		t.Fatal("Book of an SME: ok, want false")
	}
	if v, _ := w.m.Book(core, 1); len(v.Listings) != 1 {
		t.Fatalf("Book limit 1: %d listings", len(v.Listings))
	}
}

// README, "Architecture": "on restart the anchorer cuts the same batch from the same state, finds
// it already on chain, and records it without sending again" — CutBatch fixes that batch
// in the state before its transaction is sent; only that batch may then be recorded.
func TestDesign3_CutBatchFixesTheBatch(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AAA")
	w.confirm(w.receivable(a, core, 1000, 90))
	w.confirm(w.receivable(a, core, 1000, 90))
	w.must(w.sys(Command{Payload: &Tick{}}))
	first, leaves := w.m.PendingLeaves(MaxAnchorBatch)
	cutCmd := func(first uint64, count int, fence uint64) Command {
		return Command{Payload: &CutBatch{FirstLeaf: first, Count: count, Fence: fence}}
	}
	// Raise the fence to 3 with a valid registration outcome.
	_, regs := w.m.PendingRegistrations(1)
	w.must(w.sys(Command{Payload: &RecordRegistrations{
		First: 1, Results: []RegResult{{Fingerprint: regs[0].Fingerprint.Hex()}}, Fence: 3}}))
	for _, c := range []struct {
		name  string
		actor string
		cmd   Command
		want  Code
	}{
		{"by the operator", ActorOperator, cutCmd(first, 2, 3), CodeForbidden},
		{"stale fence", ActorSystem, cutCmd(first, 2, 2), CodeInvalidState},
		{"not the next leaf", ActorSystem, cutCmd(first+1, 1, 3), CodeInvalidState},
		{"count 0", ActorSystem, cutCmd(first, 0, 3), CodeValidation},
		{"count above pending", ActorSystem, cutCmd(first, 3, 3), CodeValidation},
		{"count above the batch limit", ActorSystem, cutCmd(first, MaxAnchorBatch+1, 3), CodeValidation},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.tb = t
			w.wantCode(w.as(c.actor, c.cmd), c.want, w.hash())
		})
	}
	w.tb = t
	if _, _, ok := w.m.PendingCut(); ok {
		t.Fatal("PendingCut before any cut: ok")
	}
	w.must(w.sys(cutCmd(first, 2, 3)))
	w.wantCode(w.sys(cutCmd(first, 1, 3)), CodeInvalidState, w.hash()) // already cut
	w.confirm(w.receivable(a, core, 1000, 90))                         // a leaf after the cut
	cf, cl, ok := w.m.PendingCut()
	if !ok || cf != first || len(cl) != 2 || merkle.Root(cl) != merkle.Root(leaves) {
		t.Fatalf("PendingCut = %d, %d leaves, %v: want the two leaves cut", cf, len(cl), ok)
	}
	// The cut survives a restore: a new anchorer finds the same batch.
	snap, _ := w.m.Snapshot()
	m, err := Restore(DefaultConfig(), snap)
	if err != nil {
		t.Fatal(err)
	}
	w.m = m
	if rf, rl, ok := w.m.PendingCut(); !ok || rf != cf || merkle.Root(rl) != merkle.Root(cl) {
		t.Fatal("restored matcher lost the cut")
	}
	_, all := w.m.PendingLeaves(MaxAnchorBatch)
	other := w.anchorCmd(first, all) // three leaves: not the batch that was cut
	other.Payload.(*RecordAnchor).Fence = 3
	w.wantCode(w.sys(other), CodeInvalidState, w.hash())
	one := w.anchorCmd(first, all[:1])
	one.Payload.(*RecordAnchor).Fence = 3
	w.wantCode(w.sys(one), CodeInvalidState, w.hash())
	good := w.anchorCmd(first, cl)
	good.Payload.(*RecordAnchor).Fence = 3
	w.must(w.sys(good))
	if _, _, ok := w.m.PendingCut(); ok || w.m.s.Anchored != 2 {
		t.Fatalf("after recording the cut batch: cut %v, anchored %d", ok, w.m.s.Anchored)
	}
	w.checkInvariants()
}

// A page of a list that scans rows the caller may not see reads each row by its
// number: no id is formatted per row scanned (a holder's GET /v1/listings scans
// every listing of the market, up to maxPageScan a page).
func TestListPageScansWithoutAllocating(t *testing.T) {
	w, ids := benchBookOffers(t, 0, 300) // one SME's receivables, no offers: they rest
	for _, id := range ids {
		w.list(id, 1000)
	}
	core := w.rcv(ids[0]).DebtorID
	b := w.sme("", "")
	mine := w.financeable(b, core, 100_000, 90)
	w.list(mine, 1000)
	page := w.m.Listings(b, 0, 50)
	if len(page.Items) != 1 || page.Items[0].ReceivableID != mine {
		t.Fatalf("b's listings = %+v", page.Items)
	}
	if n := testing.AllocsPerRun(20, func() { w.m.Listings(b, 0, 50) }); n > 10 {
		t.Fatalf("a page that scans 301 listings allocates %.0f times, want a few (its own)", n)
	}
}
