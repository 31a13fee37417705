// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"math/rand/v2"
	"testing"

	"github.com/scfx/scfx/eip712"
)

func init() {
	goldenCommands = append(goldenCommands,
		golden{"post_offer_servicing", Command{Actor: "par_3", Payload: &PostOffer{CoreID: "par_2", LineAmount: 9, MaxTenorDays: 90,
			RatesBps: Rates{A: 300}, LateRateBps: 1800, Recourse: true}},
			"b10a706f73745f6f66666572057061725f33000028057061725f3212d804000000b4010000000000901c01"},
		golden{"post_offer_servicing_curve", Command{Actor: "par_3", Payload: &PostOffer{CoreID: "par_2", LineAmount: 9, MaxTenorDays: 90,
			RateCurve: &RateCurve{BaseBps: 300, BpsPer100Points: 12, MaxBps: 600}, LateRateBps: 1800}},
			"b10a706f73745f6f66666572057061725f33000028057061725f321200000000b4010000000001d80418b009901c00"},
		golden{"reject_receivable", Command{Actor: "par_2", Payload: &RejectReceivable{ReceivableID: "rcv_1", Reason: "货物未到"}},
			"b11172656a6563745f72656365697661626c65057061725f32000029057263765f310ce8b4a7e789a9e69caae588b0"},
		golden{"credit_note", Command{Actor: "par_2", Payload: &IssueCreditNote{ReceivableID: "rcv_1", Amount: 5000, Reason: "退货",
			Salt: "0x01", Signature: "0x02"}},
			"b10b6372656469745f6e6f7465057061725f3200002a057263765f31904e06e98080e8b4a704307830310430783032"},
		golden{"record_payment", Command{Actor: "par_2", Payload: &RecordPayment{ReceivableID: "rcv_2", MatchID: "mat_1", Amount: 7, Reference: "r"}},
			"b10e7265636f72645f7061796d656e74057061725f3200002b057263765f32056d61745f310e0172"},
		golden{"confirm_repayment", Command{Actor: "par_3", Payload: &ConfirmRepayment{MatchID: "mat_1", Amount: 7, Reference: "r"}},
			"b111636f6e6669726d5f72657061796d656e74057061725f3300002c056d61745f310e0172"},
		golden{"exercise_recourse", Command{Actor: "par_3", Payload: &ExerciseRecourse{MatchID: "mat_1", Reason: "r"}},
			"b11165786572636973655f7265636f75727365057061725f3300002d056d61745f310172"},
		golden{"write_off", Command{Actor: "par_3", Payload: &WriteOff{MatchID: "mat_1", Reason: "r"}},
			"b10977726974655f6f6666057061725f3300002e056d61745f310172"},
		golden{"update_participant", Command{Actor: ActorOperator, Payload: &UpdateParticipant{ParticipantID: "par_2", Rating: "AA",
			Certification: "specialized", CertificationValidUntil: "2028-01-01", ClusterID: "none", Reason: "年审"}},
			"b1127570646174655f7061727469636970616e74086f70657261746f7200002f057061725f320241410b7370656369616c697a65640a323032382d30312d3031046e6f6e6506e5b9b4e5aea1"},
	)
}

// market is a core, its SMEs and a lender whose offer finances every band at 500 bps
// with late interest at 1800 bps and recourse.
type servicingMarket struct {
	*world
	core, a, b, c, lender, offer string
}

func newServicingMarket(t *testing.T) *servicingMarket {
	w := newWorld(t)
	s := &servicingMarket{world: w, core: w.core("AAA"), a: w.sme("", ""), b: w.sme("", ""), c: w.sme("", ""), lender: w.lender()}
	s.offer = w.offerWith(s.lender, s.core, 1e12, 500, func(p *PostOffer) { p.LateRateBps, p.Recourse = 1800, true }).Offer.ID
	return s
}

func (s *servicingMarket) creditNoteCmd(id string, amount int64, n int) Command {
	r := s.rcv(id)
	msg := CreditNoteOf(r, amount, "退货", salt(n))
	return Command{Payload: &IssueCreditNote{ReceivableID: id, Amount: amount, Reason: "退货", Salt: salt(n).Hex(),
		Signature: s.sign(r.DebtorID, eip712.CreditNoteDigest(s.domain(), msg))}}
}

// financed lists id and funds its one fill; it returns the match.
func (s *servicingMarket) financed(id string) *Match {
	s.tb.Helper()
	res := s.list(id, 1000)
	if res.Match == nil {
		s.tb.Fatalf("listing of %s was not matched", id)
	}
	s.fund(res.Match.ID)
	return s.m.s.Matches.get(res.Match.ID)
}

func TestRejectReceivable(t *testing.T) {
	s := newServicingMarket(t)
	id := s.receivable(s.a, s.core, 100_000_00, 90)
	before := s.hash()
	s.wantCode(s.as(s.a, Command{Payload: &RejectReceivable{ReceivableID: id, Reason: "no"}}), CodeForbidden, before)
	s.wantCode(s.as(s.core, Command{Payload: &RejectReceivable{ReceivableID: id, Reason: " "}}), CodeValidation, before)
	other := s.world.core("AA")
	before = s.hash()
	s.wantCode(s.as(other, Command{Payload: &RejectReceivable{ReceivableID: id, Reason: "no"}}), CodeNotFound, before)
	r := s.must(s.as(s.core, Command{Payload: &RejectReceivable{ReceivableID: id, Reason: "货物未到"}})).Receivable
	if r.Status != StatusRejected || r.RejectReason != "货物未到" {
		t.Fatalf("rejected receivable is %s (%q), want rejected with the reason", r.Status, r.RejectReason)
	}
	before = s.hash()
	s.wantCode(s.as(s.core, s.confirmCmd(id)), CodeInvalidState, before)
	s.wantCode(s.as(s.core, Command{Payload: &RejectReceivable{ReceivableID: id, Reason: "again"}}), CodeInvalidState, before)
	// After confirmation no dispute changes the claim: rejection is refused.
	id2 := s.financeable(s.a, s.core, 100_000_00, 90)
	before = s.hash()
	s.wantCode(s.as(s.core, Command{Payload: &RejectReceivable{ReceivableID: id2, Reason: "dispute"}}), CodeInvalidState, before)
	s.checkInvariants()
}

// docs/api.md "Credit notes": root's unfinanced part first, then unfinanced
// fragments pro rata, then financed fills, whose shortfall the seller owes.
func TestCreditNoteDilutionOrder(t *testing.T) {
	s := newServicingMarket(t)
	root := s.financeable(s.a, s.core, 1_000_000, 90)
	fb := s.transfer(root, s.b, 300_000)
	fc := s.transfer(root, s.c, 200_000)
	s.settleLedger()
	mt := s.financed(fb)
	s.checkInvariants()

	before := s.hash()
	bad := s.creditNoteCmd(root, 100, 1)
	bad.Payload.(*IssueCreditNote).Amount = 101 // signed for 100
	s.wantCode(s.as(s.core, bad), CodeInvalidSignature, before)
	s.wantCode(s.as(s.core, s.creditNoteCmd(root, 1_000_001, 1)), CodeInsufficientAmount, before)
	s.wantCode(s.as(s.core, s.creditNoteCmd(fb, 10, 1)), CodeInvalidState, before)
	s.wantCode(s.as(s.a, s.creditNoteCmd(root, 10, 1)), CodeForbidden, before)

	res := s.must(s.as(s.core, s.creditNoteCmd(root, 800_000, 1)))
	n := res.Receivable.CreditNotes[0]
	want := []Allocation{{ReceivableID: root, AmountFen: 500_000}, {ReceivableID: fc, AmountFen: 200_000},
		{ReceivableID: fb, MatchID: mt.ID, AmountFen: 100_000}}
	if len(n.Allocations) != len(want) {
		t.Fatalf("allocations %+v, want %+v", n.Allocations, want)
	}
	for i := range want {
		if n.Allocations[i] != want[i] {
			t.Fatalf("allocation %d = %+v, want %+v", i, n.Allocations[i], want[i])
		}
	}
	if r := s.rcv(root); r.RemainingFen != 0 || r.CreditedFen != 500_000 || r.Status != StatusTransferred {
		t.Fatalf("root: remaining %d credited %d %s", r.RemainingFen, r.CreditedFen, r.Status)
	}
	if r := s.rcv(fc); r.RemainingFen != 0 || r.Status != StatusCredited {
		t.Fatalf("fragment c: remaining %d %s, want 0 credited", r.RemainingFen, r.Status)
	}
	if m := s.m.s.Matches.get(mt.ID); m.DilutionFen != 100_000 || m.Status != MatchFunded {
		t.Fatalf("fill: dilution %d %s, want 100000 funded: the lender's claim stays whole", m.DilutionFen, m.Status)
	}
	if got := s.m.treeOwed(s.rcv(root)); got != 200_000 {
		t.Fatalf("the core owes %d, want 200000", got)
	}
	if a := s.m.Anchors(res.Receivable); a[len(a)-1].Kind != "credit_note" {
		t.Fatalf("last leaf is %s, want credit_note", a[len(a)-1].Kind)
	}
	before = s.hash()
	s.wantCode(s.as(s.core, s.creditNoteCmd(root, 5, 1)), CodeInvalidState, before) // salt reused
	s.checkInvariants()
}

// A credit note on a resting listing takes its amount down with the receivable's.
func TestCreditNoteOnRestingListing(t *testing.T) {
	s := newServicingMarket(t)
	root := s.financeable(s.a, s.core, 1_000_000, 90)
	l := s.must(s.as(s.a, listCmd(root, 100))).Listing // below every quote: rests
	s.must(s.as(s.core, s.creditNoteCmd(root, 400_000, 1)))
	if got := s.m.s.Listings.get(l.ID); got.AmountFen != 600_000 || got.Status != ListingResting {
		t.Fatalf("listing %d %s, want 600000 resting", got.AmountFen, got.Status)
	}
	s.must(s.as(s.core, s.creditNoteCmd(root, 600_000, 2)))
	if got := s.m.s.Listings.get(l.ID); got.Status != ListingCancelled || s.rcv(root).Status != StatusCredited {
		t.Fatalf("listing %s, receivable %s: want cancelled and credited", got.Status, s.rcv(root).Status)
	}
	s.checkInvariants()
}

// Property: the parts of a pro rata split add up to the amount, none exceeds its
// weight, each is within one fen of its exact share, and the split is the same
// every time.
func TestProRataProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	for i := 0; i < 20_000; i++ {
		w := make([]int64, 1+r.IntN(8))
		var total int64
		for j := range w {
			w[j] = r.Int64N([]int64{3, 1000, 1e15}[r.IntN(3)])
			total += w[j]
		}
		amount := int64(0)
		if total > 0 {
			amount = r.Int64N(total + 1)
		}
		parts := proRata(amount, w)
		var sum int64
		for j, p := range parts {
			sum += p
			if p < 0 || p > w[j] {
				t.Fatalf("proRata(%d, %v) = %v: part %d outside [0, weight]", amount, w, parts, j)
			}
			exact := float64(amount) * float64(w[j]) / float64(total)
			if float64(p) < exact-1.01 || float64(p) > exact+1.01 {
				t.Fatalf("proRata(%d, %v) = %v: part %d far from %f", amount, w, parts, j, exact)
			}
		}
		if total > 0 && sum != amount {
			t.Fatalf("proRata(%d, %v) = %v sums to %d", amount, w, parts, sum)
		}
		again := proRata(amount, w)
		for j := range parts {
			if again[j] != parts[j] {
				t.Fatalf("proRata(%d, %v) not deterministic", amount, w)
			}
		}
	}
}

// Property: on random trees with random fills, every credit note takes exactly its
// amount off what the core owes, and the invariants hold after each.
func TestCreditNotesConserveMoney(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2))
	for round := 0; round < 15; round++ {
		s := newServicingMarket(t)
		smes := []string{s.a, s.b, s.c}
		root := s.financeable(s.a, s.core, 1+r.Int64N(10_000_000), 120)
		nodes := []string{root}
		for i := 0; i < 6; i++ {
			p := s.rcv(nodes[r.IntN(len(nodes))])
			if p.Status != StatusFinanceable || p.RemainingFen < 2 {
				continue
			}
			to := smes[r.IntN(3)]
			if to == p.HolderID {
				continue
			}
			nodes = append(nodes, s.transfer(p.ID, to, 1+r.Int64N(p.RemainingFen-1)))
			s.settleLedger()
		}
		for _, id := range nodes {
			if x := s.rcv(id); x.Status == StatusFinanceable && r.IntN(2) == 0 {
				s.as(x.HolderID, listCmd(id, []int64{100, 1000}[r.IntN(2)]))
			}
		}
		for n := 1; n <= 4; n++ {
			owed := s.m.treeOwed(s.rcv(root))
			if owed == 0 {
				break
			}
			amount := 1 + r.Int64N(owed)
			s.must(s.as(s.core, s.creditNoteCmd(root, amount, n)))
			if got := s.m.treeOwed(s.rcv(root)); got != owed-amount {
				t.Fatalf("round %d: owed %d, credit note %d, now owed %d", round, owed, amount, got)
			}
			s.checkInvariants()
		}
	}
}
