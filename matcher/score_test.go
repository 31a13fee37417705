// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"testing"
)

// Tests of chain-position scoring (docs/scoring.md), settlement and maturity (docs/api.md
// POST /v1/receivables/{id}/settle, README, "Architecture" "Time").

var (
	allCerts    = []Certification{CertNone, CertInnovative, CertSpecialized, CertLittleGiant} // worst first
	allClusters = []string{"", LevelProvincial, LevelNational}                                // worst first
	maxTiers    = 5
	maxTenor    = 365
	maxDefaults = 3
)

// eachInput calls fn on every combination of scoring inputs: tier 1..5, every rating,
// every certification, cluster none/provincial/national, tenor 1..365, defaults 0..3.
// (An expired certification or cluster is "none" by the time it is an input: see
// TestDesign5_ExpiredCountsAsNone.)
func eachInput(fn func(scoreInputs)) {
	for tier := 1; tier <= maxTiers; tier++ {
		for _, rating := range ratings {
			for _, cert := range allCerts {
				for _, cl := range allClusters {
					for tenor := 1; tenor <= maxTenor; tenor++ {
						for d := 0; d <= maxDefaults; d++ {
							fn(scoreInputs{tier: tier, rating: rating, cert: cert, clusterLevel: cl, tenorDays: tenor, defaults: d})
						}
					}
				}
			}
		}
	}
}

// docs/scoring.md: "score = Σ components, 0..1000, each component returned with its name,
// value and reason, and the policy version"; "Bands: A >= 800, B 650..799, C 500..649,
// D < 500".
func TestDesign5_TotalIsSumOfComponents(t *testing.T) {
	n := 0
	eachInput(func(in scoreInputs) {
		n++
		if testing.Short() && n%7 != 0 {
			return
		}
		s := in.explain()
		sum := 0
		for _, c := range s.Components {
			if c.Name == "" || c.Reason == "" || c.Value < 0 {
				t.Fatalf("%+v: component %+v lacks a name, a reason or is negative", in, c)
			}
			sum += c.Value
		}
		if s.Total != sum || s.Total != in.total() || s.Total < 0 || s.Total > maxScore {
			t.Fatalf("%+v: total %d, components sum %d, total() %d: want equal and in 0..1000", in, s.Total, sum, in.total())
		}
		if s.Band != Band(s.Total) || s.Policy != PolicyVersion {
			t.Fatalf("%+v: band %s policy %s", in, s.Band, s.Policy)
		}
	})
}

// docs/scoring.md: "Other things equal, a shallower tier never scores below a deeper one; a
// better core rating never below a worse; little_giant >= specialized >= innovative >=
// none; a national cluster >= provincial >= none; a shorter remaining tenor never below a
// longer; a clean settlement history never below a default."
func TestDesign5_MonotoneInEachDimension(t *testing.T) {
	type dim struct {
		name string
		// worse returns in moved one step worse, or false at the worst end.
		worse func(scoreInputs) (scoreInputs, bool)
	}
	dims := []dim{
		{"shallower tier ≥ deeper", func(in scoreInputs) (scoreInputs, bool) { in.tier++; return in, in.tier <= maxTiers+1 }},
		{"better rating ≥ worse", func(in scoreInputs) (scoreInputs, bool) {
			i, _ := ratingRank(in.rating)
			if i == 0 {
				return in, false
			}
			in.rating = ratings[len(ratings)-i] // one rank lower
			return in, true
		}},
		{"higher certification ≥ lower", func(in scoreInputs) (scoreInputs, bool) {
			r, _ := certRank(in.cert)
			if r == 0 {
				return in, false
			}
			in.cert = allCerts[r-1]
			return in, true
		}},
		{"national ≥ provincial ≥ none", func(in scoreInputs) (scoreInputs, bool) {
			for i, c := range allClusters {
				if c == in.clusterLevel && i > 0 {
					in.clusterLevel = allClusters[i-1]
					return in, true
				}
			}
			return in, false
		}},
		{"shorter tenor ≥ longer", func(in scoreInputs) (scoreInputs, bool) { in.tenorDays++; return in, in.tenorDays <= maxTenor+1 }},
		{"clean history ≥ default", func(in scoreInputs) (scoreInputs, bool) { in.defaults++; return in, in.defaults <= maxDefaults+1 }},
	}
	for _, d := range dims {
		t.Run(d.name, func(t *testing.T) {
			eachInput(func(in scoreInputs) {
				if worse, ok := d.worse(in); ok && worse.total() > in.total() {
					t.Fatalf("%+v scores %d, one step worse %+v scores %d", in, in.total(), worse, worse.total())
				}
			})
		})
	}
	// The rating order itself: AAA, AA+, AA, AA-, A+, A, BBB (README, "What the market does").
	for i := 1; i < len(ratings); i++ {
		better, _ := ratingRank(ratings[i-1])
		worse, _ := ratingRank(ratings[i])
		if better <= worse {
			t.Fatalf("rank(%s) = %d, rank(%s) = %d", ratings[i-1], better, ratings[i], worse)
		}
	}
}

// docs/scoring.md "Bands: A >= 800, B 650..799, C 500..649, D < 500".
func TestDesign5_BandBoundaries(t *testing.T) {
	for _, c := range []struct {
		score int
		band  string
	}{{0, "D"}, {499, "D"}, {500, "C"}, {649, "C"}, {650, "B"}, {799, "B"}, {800, "A"}, {1000, "A"}} {
		if got := Band(c.score); got != c.band {
			t.Errorf("Band(%d) = %s, want %s", c.score, got, c.band)
		}
	}
}

// docs/scoring.md 信用穿透: "a financeable receivable on an AAA core with at least 30 days to
// run is band C or better at any tier up to 3, whatever its holder's certification or
// cluster."
func TestDesign5_CreditPassThrough(t *testing.T) {
	eachInput(func(in scoreInputs) {
		if in.rating != "AAA" || in.tenorDays < 30 || in.tier > 3 {
			return
		}
		if b := Band(in.total()); b == "D" {
			t.Fatalf("%+v scores %d (band D), want C or better", in, in.total())
		}
	})
}

// docs/scoring.md, end to end: a tier-3 fragment held by an uncertified SME in no cluster,
// on an AAA core with a defaulted history and a year to run, is band C or better; the
// explanation names each fact of the receivable.
func TestDesign5_CreditPassThroughEndToEnd(t *testing.T) {
	w := newWorld(t)
	a, b, c, core := w.sme("", ""), w.sme("", ""), w.sme("", ""), w.core("AAA")
	for i := 0; i < 3; i++ { // three invoices on the core go overdue
		w.financeable(a, core, 1000, 16)
	}
	w.advanceDays(16 + DefaultOverdueGraceDays + 1)
	w.must(w.tick())
	if got := w.m.s.Participants.get(core).Defaulted; got != 3 {
		t.Fatalf("core defaulted %d, want 3", got)
	}
	root := w.financeable(a, core, 1_000_000, 365)
	f2 := w.transfer(root, b, 500_000)
	w.anchor()
	f3 := w.transfer(f2, c, 200_000)
	w.anchor()
	r := w.rcv(f3)
	s := w.m.ScoreOf(r)
	if r.Tier != 3 || r.Status != StatusFinanceable || s.Band == "D" {
		t.Fatalf("tier-%d %s fragment scored %d band %s, want C or better", r.Tier, r.Status, s.Total, s.Band)
	}
	want := scoreInputs{tier: 3, rating: "AAA", cert: CertNone, tenorDays: 365, defaults: 3}
	if s.Total != want.total() || len(s.Components) != 6 || s.Policy != PolicyVersion {
		t.Fatalf("ScoreOf = %+v, want the score of %+v", s, want)
	}
	sum := 0
	for _, c := range s.Components {
		sum += c.Value
	}
	if sum != s.Total {
		t.Fatalf("components sum %d, total %d", sum, s.Total)
	}
	w.checkInvariants()
}

// docs/scoring.md: "expired counts as none" for a certification; a cluster past its
// valid_until is no cluster. Both change the score the day after they lapse.
func TestDesign5_ExpiredCountsAsNone(t *testing.T) {
	w := newWorld(t)
	cl := w.clusterUntil(LevelNational, 20)
	holder := w.smeCert(cl, CertLittleGiant, 20)
	core := w.core("AA")
	id := w.financeable(holder, core, 1_000_000, 200)
	in := w.m.inputs(w.rcv(id))
	if in.cert != CertLittleGiant || in.clusterLevel != LevelNational {
		t.Fatalf("inputs %+v, want little_giant in a national cluster", in)
	}
	w.passDays(20) // the last valid day
	if in := w.m.inputs(w.rcv(id)); in.cert != CertLittleGiant || in.clusterLevel != LevelNational {
		t.Fatalf("on the last valid day: %+v", in)
	}
	w.passDays(1)
	in = w.m.inputs(w.rcv(id))
	if in.cert != CertNone || in.clusterLevel != "" {
		t.Fatalf("after expiry: %+v, want no certification and no cluster", in)
	}
	if got := w.m.ScoreOf(w.rcv(id)).Total; got != in.total() {
		t.Fatalf("ScoreOf = %d, want %d", got, in.total())
	}
}

// docs/scoring.md "(expired counts as none)", over every combination of tier, rating,
// tenor and history: a holder whose certification or cluster has lapsed scores exactly
// as one with none, and on its last valid day at least as well. This drives the real
// inputs() on a bare state, so the expiry rule itself is under test.
func TestDesign5_ExpiredCountsAsNone_AllCombinations(t *testing.T) {
	m := New(DefaultConfig())
	m.nowMs = t0
	today := m.Today()
	cl := &Cluster{ID: "clu_1"}
	holder := &Participant{ID: "par_1", Role: RoleSME}
	debtor := &Participant{ID: "par_2", Role: RoleCore}
	m.s.Clusters.put(cl.ID, cl)
	m.s.Participants.put(holder.ID, holder)
	m.s.Participants.put(debtor.ID, debtor)
	r := &Receivable{HolderID: holder.ID, DebtorID: debtor.ID}
	score := func(cert Certification, certUntil Date, level string, clusterUntil Date) int {
		holder.Certification, holder.CertificationValidUntil, holder.ClusterID = cert, certUntil, ""
		if level != "" {
			holder.ClusterID, cl.Level, cl.ValidUntil = cl.ID, level, clusterUntil
		}
		return m.inputs(r).total()
	}
	for tier := 1; tier <= maxTiers; tier++ {
		for _, rating := range ratings {
			for tenor := 1; tenor <= maxTenor; tenor++ {
				for d := 0; d <= maxDefaults; d++ {
					r.Tier, debtor.Rating, r.DueDate, debtor.Defaulted = tier, rating, today+Date(tenor), d
					none := score(CertNone, 0, "", 0)
					for _, c := range allCerts[1:] {
						for _, lv := range allClusters[1:] {
							if got := score(c, today-1, lv, today-1); got != none {
								t.Fatalf("tier %d %s %dd %d defaults: expired %s in an expired %s cluster scores %d, none %d", tier, rating, tenor, d, c, lv, got, none)
							}
							if got := score(c, today, lv, today); got < none {
								t.Fatalf("valid %s in a %s cluster scores %d below none %d", c, lv, got, none)
							}
						}
						if got := score(c, today-1, "", 0); got != none {
							t.Fatalf("expired %s scores %d, none %d", c, got, none)
						}
					}
					for _, lv := range allClusters[1:] {
						if got := score(CertNone, 0, lv, today-1); got != none {
							t.Fatalf("expired %s cluster scores %d, none %d", lv, got, none)
						}
					}
				}
			}
		}
	}
}

// docs/scoring.md: "Unconfirmed, or confirmation not yet anchored and registered: not
// financeable" — and so not scored.
func TestDesign5_NotFinanceableShowsNoScore(t *testing.T) {
	rows := []struct {
		name  string
		setup func(w *world, a, b, core string) string
	}{
		{"pending_confirmation", func(w *world, a, b, core string) string { return w.receivable(a, core, 1000, 90) }},
		{"confirmed, ledger pending", func(w *world, a, b, core string) string {
			id := w.receivable(a, core, 1000, 90)
			w.confirm(id)
			return id
		}},
		{"registered, not anchored", func(w *world, a, b, core string) string {
			id := w.receivable(a, core, 1000, 90)
			w.confirm(id)
			w.register()
			return id
		}},
		{"anchored, not registered", func(w *world, a, b, core string) string {
			id := w.receivable(a, core, 1000, 90)
			w.confirm(id)
			w.anchor()
			return id
		}},
		{"rejected_duplicate", func(w *world, a, b, core string) string {
			id := w.receivable(a, core, 1000, 90)
			w.confirm(id)
			w.settleLedger(w.rcv(id).Fingerprint)
			return id
		}},
		{"fragment before its transfer is anchored", func(w *world, a, b, core string) string {
			return w.transfer(w.financeable(a, core, 1000, 90), b, 500)
		}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w := newWorld(t)
			a, b, core := w.sme("", ""), w.sme("", ""), w.core("AAA")
			id := row.setup(w, a, b, core)
			if s := w.m.ScoreOf(w.rcv(id)); s.Total != 0 || s.Band != "D" || len(s.Components) != 1 || s.Components[0].Name != "eligibility" {
				t.Fatalf("%s (%s) scored %+v, want no score", id, w.rcv(id).Status, s)
			}
			w.settleLedger()
			if st := w.rcv(id).Status; st == StatusFinanceable {
				if s := w.m.ScoreOf(w.rcv(id)); s.Total == 0 || len(s.Components) != 6 {
					t.Fatalf("financeable receivable scored %+v", s)
				}
			}
		})
	}
}

// docs/api.md POST /v1/receivables/{id}/settle "(the debtor core) … the tier-1 receivable it
// confirmed and every fragment split from it become settled; funded matches on them
// become settled and unfunded ones cancelled; their lines are released. Only on a tier-1
// receivable (409 invalid_state on a fragment); allowed any time after confirmation."
func TestAPI_Settle(t *testing.T) {
	w := newWorld(t)
	a, b, c, core, otherCore, l1, l2 := w.sme("", ""), w.sme("", ""), w.sme("", ""), w.core("AAA"), w.core("AA"), w.lender(), w.lender()
	root := w.financeable(a, core, 3_000_000, 120)
	f1 := w.transfer(root, b, 1_000_000)
	f2 := w.transfer(root, c, 1_000_000)
	f2b := w.transfer(root, c, 500_000)
	w.anchor()
	f3 := w.transfer(root, c, 100_000) // its transfer leaf stays unanchored
	o1 := w.offer(l1, core, 1_000_000, 300, 300, 300)
	funded := w.list(f1, 10_000).Match
	w.fund(funded.ID)
	o2 := w.offer(l2, core, 1_000_000, 300, 300, 300)
	matched := w.list(f2, 10_000).Match
	resting := w.list(root, 10_000) // no line left: rests
	if funded == nil || matched == nil || resting.Match != nil {
		t.Fatalf("fixture: funded %v matched %v resting %v", funded, matched, resting.Match)
	}
	pending := w.receivable(a, core, 1000, 90)
	dup := w.receivable(a, core, 1000, 90)
	w.confirm(dup)
	w.settleLedger(w.rcv(dup).Fingerprint)
	rows := []struct {
		name  string
		actor string
		cmd   Command
		want  Code
	}{
		{"another core is not a party", otherCore, settleCmd(root), CodeNotFound},
		{"the holder may not", a, settleCmd(root), CodeForbidden},
		{"the lender may not", l1, settleCmd(f1), CodeForbidden},
		{"the operator may not", ActorOperator, settleCmd(root), CodeForbidden},
		{"a fragment", core, settleCmd(f1), CodeInvalidState},
		{"pending_confirmation", core, settleCmd(pending), CodeInvalidState},
		{"rejected_duplicate", core, settleCmd(dup), CodeInvalidState},
		{"no reference", core, Command{Payload: &Settle{ReceivableID: root}}, CodeValidation},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w.tb = t
			w.wantCode(w.as(row.actor, row.cmd), row.want, w.hash())
		})
	}
	w.tb = t
	res := w.must(w.as(core, settleCmd(root)))
	if res.Receivable.Status != StatusSettled {
		t.Fatalf("settle returned %s", res.Receivable.Status)
	}
	for _, id := range []string{root, f1, f2, f2b, f3} {
		if st := w.rcv(id).Status; st != StatusSettled {
			t.Fatalf("%s is %s, want settled", id, st)
		}
	}
	ms := w.m.s.Matches
	if ms.get(funded.ID).Status != MatchSettled || ms.get(matched.ID).Status != MatchCancelled {
		t.Fatalf("matches %s / %s, want settled / cancelled", ms.get(funded.ID).Status, ms.get(matched.ID).Status)
	}
	for _, o := range []string{o1, o2} {
		if off := w.m.s.Offers.get(o); off.UsedFen != 0 || off.ReservedFen != 0 || off.Available() != off.LineFen {
			t.Fatalf("offer %s used %d reserved %d after settlement, want the line released", o, off.UsedFen, off.ReservedFen)
		}
	}
	if l := w.m.s.Listings.get(resting.Listing.ID); l.Status != ListingCancelled {
		t.Fatalf("resting listing is %s, want cancelled", l.Status)
	}
	if bk, _ := w.m.Book(core, 0); len(bk.Listings) != 0 {
		t.Fatalf("book still lists %d", len(bk.Listings))
	}
	if got := w.m.s.Participants.get(core).Settled; got != 1 {
		t.Fatalf("core Settled = %d, want 1", got)
	}
	w.wantCode(w.as(core, settleCmd(root)), CodeInvalidState, w.hash()) // settled twice
	// The unanchored fragment never becomes financeable once paid.
	w.anchor()
	if st := w.rcv(f3).Status; st != StatusSettled {
		t.Fatalf("paid fragment became %s on its anchor", st)
	}
	// "allowed any time after confirmation": before the ledger has answered.
	early := w.receivable(a, core, 1000, 90)
	w.confirm(early)
	w.must(w.as(core, settleCmd(early)))
	w.settleLedger()
	if st := w.rcv(early).Status; st != StatusSettled {
		t.Fatalf("early-paid receivable became %s", st)
	}
	w.checkInvariants()
}

// README, "Architecture" "Tenor, maturity and overdue are computed from entry time"; lifecycle:
// "every confirmed claim unpaid past its due date plus the grace period goes overdue. A
// funded match keeps its line used until the core pays"; the overdue count is the
// settlement history docs/scoring.md scores.
func TestDesign3_TickOverdue(t *testing.T) {
	w := newWorld(t)
	a, b, core, l := w.sme("", ""), w.sme("", ""), w.core("AA"), w.lender()
	root := w.financeable(a, core, 3_000_000, 30)
	f1 := w.transfer(root, b, 1_000_000)
	f2 := w.transfer(root, b, 1_000_000)
	w.anchor()
	o := w.offer(l, core, 10_000_000, 300, 300, 300)
	funded := w.list(f1, 10_000).Match
	w.fund(funded.ID)
	unfunded := w.list(f2, 10_000).Match
	w.must(w.as(l, Command{Payload: &CancelOffer{OfferID: o}}))
	rest := w.list(root, 10_000).Listing // no live offer: rests
	later := w.financeable(a, core, 1_000_000, 200)
	scoreBefore := w.m.ScoreOf(w.rcv(later)).Total

	for _, actor := range []string{ActorOperator, a, core, l} {
		w.wantCode(w.as(actor, Command{Payload: &Tick{}}), CodeForbidden, w.hash())
	}
	w.advanceDays(30 + DefaultOverdueGraceDays) // due date + grace: not yet overdue
	w.must(w.tick())
	if st := w.rcv(root).Status; st != StatusListed || w.m.s.Participants.get(core).Defaulted != 0 {
		t.Fatalf("on the last day of grace root is %s, defaulted %d", st, w.m.s.Participants.get(core).Defaulted)
	}
	w.advanceDays(1)
	w.must(w.tick())
	for _, id := range []string{root, f1, f2} {
		if st := w.rcv(id).Status; st != StatusOverdue {
			t.Fatalf("%s is %s the day after grace, want overdue", id, st)
		}
	}
	off := w.m.s.Offers.get(o)
	if w.m.s.Matches.get(funded.ID).Status != MatchOverdue || w.m.s.Matches.get(unfunded.ID).Status != MatchCancelled {
		t.Fatalf("matches %s / %s, want overdue / cancelled", w.m.s.Matches.get(funded.ID).Status, w.m.s.Matches.get(unfunded.ID).Status)
	}
	if off.UsedFen != 1_000_000 || off.ReservedFen != 0 {
		t.Fatalf("line used %d reserved %d: the funded claim keeps its line, the unfunded gives it back", off.UsedFen, off.ReservedFen)
	}
	if st := w.m.s.Listings.get(rest.ID).Status; st != ListingCancelled {
		t.Fatalf("resting listing %s, want cancelled", st)
	}
	if got := w.m.s.Participants.get(core).Defaulted; got != 1 {
		t.Fatalf("Defaulted = %d, want 1", got)
	}
	w.advanceDays(5)
	w.must(w.tick())
	if got := w.m.s.Participants.get(core).Defaulted; got != 1 {
		t.Fatalf("Defaulted = %d after a second tick, want still 1", got)
	}
	// A default lowers later scores of the same core's claims.
	if after := w.m.ScoreOf(w.rcv(later)); after.Total >= scoreBefore {
		t.Fatalf("score %d after a default, %d before: want lower", after.Total, scoreBefore)
	}
	if w.rcv(later).Status != StatusFinanceable {
		t.Fatalf("an unrelated receivable went %s", w.rcv(later).Status)
	}
	// The core pays late: the overdue funded match settles and frees its line.
	w.must(w.as(core, settleCmd(root)))
	if w.m.s.Matches.get(funded.ID).Status != MatchSettled || off.UsedFen != 0 {
		t.Fatalf("late payment: match %s used %d", w.m.s.Matches.get(funded.ID).Status, off.UsedFen)
	}
	w.checkInvariants()
}

// Tick: a settled claim never goes overdue, and a pending (unconfirmed) one is not a
// default of its core.
func TestDesign3_TickSkipsPaidAndUnconfirmed(t *testing.T) {
	w := newWorld(t)
	a, core := w.sme("", ""), w.core("AA")
	paid := w.financeable(a, core, 1000, 20)
	w.must(w.as(core, settleCmd(paid)))
	pending := w.receivable(a, core, 1000, 20)
	w.advanceDays(40)
	w.must(w.tick())
	p := w.m.s.Participants.get(core)
	if w.rcv(paid).Status != StatusSettled || w.rcv(pending).Status != StatusPending || p.Defaulted != 0 || p.Settled != 1 {
		t.Fatalf("paid %s pending %s defaulted %d settled %d", w.rcv(paid).Status, w.rcv(pending).Status, p.Defaulted, p.Settled)
	}
}
