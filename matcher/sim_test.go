// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// The simulation of STYLE.md (TigerBeetle): a seed drives random valid and invalid
// commands over many participants; after every step the invariants of docs/matching.md §5
// hold and a rejected command changes nothing; at the end, replaying the journal
// from empty and from a mid-run snapshot gives the same StateHash.
var (
	simSeed  = flag.Uint64("sim.seed", 0, "simulation seed (0: from the clock)")
	simSteps = flag.Int("sim.steps", 3000, "simulation steps per run")
	simRuns  = flag.Int("sim.runs", 2, "simulation runs, each with its own seed (make sim: 200 of 400 steps; SIM_RUNS=10000 for the long sweep)")
)

type recorded struct {
	timeMs int64
	data   []byte
}

type sim struct {
	*world
	rng     *rand.Rand
	log     []recorded
	smes    []string
	cores   []string
	lenders []string
	clus    []string
	rejects map[Code]int
	oks     map[Kind]int
	lastGen Command
}

// livenessSteps: a run this long must reach funding, transfers and settlement; a
// shorter one (make sim's sweep of many short runs) need not — books in auction mode,
// minimum fills and refusals can keep one short run from funding — but most runs of a
// sweep must.
const livenessSteps = 1000

func TestSimulation(t *testing.T) {
	lively := 0
	for run := 0; run < *simRuns; run++ {
		seed := *simSeed
		if seed == 0 {
			seed = uint64(time.Now().UnixNano()) + uint64(run)
		}
		steps := *simSteps
		if testing.Short() {
			// make check's race pass: the full run is make test's; here the point is
			// the race detector over every path, which 800 steps reach.
			steps = min(steps, 800)
		}
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			if runSimulation(t, seed, steps) {
				lively++
			}
		})
		if *simSeed != 0 {
			return
		}
	}
	if *simRuns > 1 && lively*10 < *simRuns*8 {
		t.Fatalf("%d of %d runs reached funding, transfers and settlement, want at least 80%%", lively, *simRuns)
	}
}

// runSimulation runs one seed and reports whether it reached funding, transfers and
// settlement (required of a run of livenessSteps or more).
func runSimulation(t *testing.T, seed uint64, steps int) (lively bool) {
	t.Logf("simulation seed %d (rerun: go test ./matcher -run '^TestSimulation$' -sim.seed=%d -sim.steps=%d)", seed, seed, steps)
	s := &sim{world: newWorld(t), rng: rand.New(rand.NewPCG(seed, seed^0x5cf)), rejects: map[Code]int{}, oks: map[Kind]int{}}
	// The world's own setup entry is part of the journal too.
	s.record(w0Entry(s.world))
	s.populate()
	s.m.EnableEvents()
	var snap []byte
	var snapAt int
	for i := 0; i < steps; i++ {
		c := s.next()
		before := businessHash(s.m)
		r := s.step(c)
		evs := s.m.TakeEvents()
		if r.Err != nil {
			s.rejects[r.Err.Code]++
			// A refusal changes nothing but, under an Idempotency-Key, its record.
			if after := businessHash(s.m); after != before {
				t.Fatalf("seed %d step %d: rejected %s (%v) changed the state", seed, i, c.Kind(), r.Err)
			}
			if len(evs) > 0 {
				t.Fatalf("seed %d step %d: rejected %s (%v) made events %+v", seed, i, c.Kind(), r.Err, evs)
			}
		} else {
			s.oks[c.Kind()]++
			checkChangeEvents(t, seed, i, c, r, evs)
		}
		if err := s.m.CheckInvariants(); err != nil {
			t.Fatalf("seed %d step %d after %s: %v", seed, i, c.Kind(), err)
		}
		checkStateHash(t, s.m, fmt.Sprintf("seed %d step %d: %s", seed, i, c.Kind()))
		if i == steps/2 {
			var err error
			if snap, err = s.m.Snapshot(); err != nil {
				t.Fatal(err)
			}
			snapAt = len(s.log)
		}
	}
	t.Logf("accepted %v; rejected %v", s.oks, s.rejects)
	lively = s.oks[KindFund] > 0 && s.oks[KindTransfer] > 0 && s.oks[KindSettle] > 0
	if !lively && steps >= livenessSteps {
		t.Fatalf("seed %d: the simulation never reached funding, transfers or settlement: %v", seed, s.oks)
	}
	want := s.m.StateHash()
	if got := replay(t, New(DefaultConfig()), s.log, 0); got != want {
		t.Fatalf("seed %d: replay from empty gives %x, want %x", seed, got, want)
	}
	// Applied unanswered (as replicas apply each other's entries): the same state.
	quiet := New(DefaultConfig())
	for i, r := range s.log {
		quiet.ApplyRawUnanswered(uint64(i+1), r.timeMs, r.data)
	}
	if got := quiet.StateHash(); got != want {
		t.Fatalf("seed %d: the log applied unanswered gives %x, want %x", seed, got, want)
	}
	checkSimEvents(t, seed, s.m, s.log, snap, snapAt)
	m, err := Restore(DefaultConfig(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if got := replay(t, m, s.log, snapAt); got != want {
		t.Fatalf("seed %d: replay from the snapshot at entry %d gives %x, want %x", seed, snapAt, got, want)
	}
	return lively
}

func w0Entry(w *world) recorded {
	b, _ := EncodeCommand(Command{Actor: ActorSystem, Payload: &SetLedger{
		ChainID: w.m.Ledger().ChainID, Registry: w.m.Ledger().Registry.Hex(), Platform: w.m.Ledger().Platform.Hex(),
	}})
	return recorded{timeMs: t0, data: b}
}

func (s *sim) record(r recorded) { s.log = append(s.log, r) }

// step applies c through its journal encoding, as the node does.
func (s *sim) step(c Command) Result {
	b, err := EncodeCommand(c)
	if err != nil {
		s.tb.Fatal(err)
	}
	s.record(recorded{timeMs: s.nowMs, data: b})
	s.seq++
	return s.m.ApplyRaw(s.seq, s.nowMs, b)
}

func replay(t *testing.T, m *Matcher, log []recorded, from int) [32]byte {
	t.Helper()
	for i := from; i < len(log); i++ {
		m.ApplyRaw(uint64(i+1), log[i].timeMs, log[i].data)
	}
	if err := m.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	return m.StateHash()
}

func (s *sim) populate() {
	for _, lvl := range []string{LevelNational, LevelProvincial, LevelNational} {
		s.clus = append(s.clus, s.viaLog(func() string { return s.cluster(lvl) }))
	}
	for _, rating := range []string{"AAA", "AA", "A+", "BBB"} {
		s.cores = append(s.cores, s.viaLog(func() string { return s.core(rating) }))
	}
	certs := []string{"none", "innovative", "specialized", "little_giant"}
	for i := 0; i < 12; i++ {
		cl := ""
		if i%4 != 3 {
			cl = s.clus[i%len(s.clus)]
		}
		s.smes = append(s.smes, s.viaLog(func() string { return s.sme(cl, certs[i%len(certs)]) }))
	}
	for i := 0; i < 4; i++ {
		s.lenders = append(s.lenders, s.viaLog(s.lender))
	}
}

// viaLog runs a world helper and records the entries it applied.
func (s *sim) viaLog(f func() string) string {
	start := s.seq
	id := f()
	if s.seq != start+1 {
		s.tb.Fatalf("setup helper applied %d entries", s.seq-start)
	}
	s.record(recorded{timeMs: s.nowMs, data: s.lastCmd})
	return id
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// idsWhere lists receivable ids in a status, in id order (never map order).
func (s *sim) idsWhere(pred func(*Receivable) bool) []string {
	var out []string
	for _, id := range s.m.s.Receivables.ids() {
		if pred(s.m.s.Receivables.get(id)) {
			out = append(out, id)
		}
	}
	return out
}

func (s *sim) anyActor() string {
	all := slices.Concat(s.smes, s.cores, s.lenders, []string{ActorOperator, ActorSystem, "par_999"})
	return pick(s.rng, all)
}

// next draws one command: mostly ones that can succeed, some that must fail.
func (s *sim) next() Command {
	var c Command
	switch k := s.rng.IntN(100); {
	case k < 14:
		c = s.genSubmit()
	case k < 24:
		c = s.genConfirm()
	case k < 34:
		c = s.genLedger()
	case k < 44:
		c = s.genTransfer()
	case k < 56:
		c = s.genList()
	case k < 60:
		c = s.genCancelListing()
	case k < 68:
		c = s.genOffer()
	case k < 71:
		c = s.genCancelOffer()
	case k < 80:
		c = s.genFund()
	case k < 86:
		c = s.genSettle()
	case k < 91:
		if s.rng.IntN(3) == 0 {
			s.advanceDays(s.rng.IntN(20))
		}
		c = Command{Actor: ActorSystem, Payload: &Tick{}}
	case k < 94:
		c = s.genAuction()
	case k < 98:
		c = s.genServicing()
	default:
		c = s.genRepeat()
	}
	if s.rng.IntN(25) == 0 { // the wrong party tries it
		c.Actor = s.anyActor()
	}
	if s.rng.IntN(10) == 0 {
		c.IdemKey, c.IdemHash = fmt.Sprint("k", s.rng.IntN(20)), fmt.Sprint(s.rng.IntN(2))
	}
	s.lastGen = c
	return c
}

func (s *sim) genSubmit() Command {
	sme := pick(s.rng, s.smes)
	amount := []int64{1, 100_00, 5_000_000_00, 1e15, 0, 1e15 + 1}[s.rng.IntN(6)]
	if s.rng.IntN(2) == 0 {
		amount = 1 + s.rng.Int64N(50_000_000_00)
	}
	due := []int{30, 60, 90, 120, 200, 365, 366, 0, -3}[s.rng.IntN(9)]
	c := s.submitCmd(pick(s.rng, append(s.cores, s.smes[0])), amount, due)
	c.Actor = sme
	return c
}

func (s *sim) genConfirm() Command {
	ids := s.idsWhere(func(r *Receivable) bool { return r.Status == StatusPending })
	if len(ids) == 0 {
		return s.genSubmit()
	}
	id := pick(s.rng, ids)
	c := s.confirmCmd(id)
	c.Actor = s.m.s.Receivables.get(id).DebtorID
	if s.rng.IntN(10) == 0 { // signed by the wrong key
		c.Payload.(*Confirm).Signature = s.sign(s.smes[0], crypto.Keccak256Hash([]byte(id)))
	}
	return c
}

func (s *sim) genLedger() Command {
	if first, regs := s.m.PendingRegistrations(MaxRegisterBatch); len(regs) > 0 && s.rng.IntN(2) == 0 {
		n := 1 + s.rng.IntN(len(regs))
		res := make([]RegResult, n)
		for i := range res {
			res[i] = RegResult{Fingerprint: regs[i].Fingerprint.Hex()}
			if s.rng.IntN(15) == 0 {
				res[i].Duplicate, res[i].ExistingRef = true, common.HexToHash("0x0bad").Hex()
			}
		}
		if s.rng.IntN(10) == 0 {
			first-- // a replayed outcome
		}
		return Command{Actor: ActorSystem, Payload: &RecordRegistrations{First: first, Results: res}}
	}
	first, leaves := s.m.PendingLeaves(MaxAnchorBatch)
	if len(leaves) == 0 {
		return Command{Actor: ActorSystem, Payload: &Tick{}}
	}
	leaves = leaves[:1+s.rng.IntN(len(leaves))]
	if cf, cut, ok := s.m.PendingCut(); ok && s.rng.IntN(5) != 0 {
		first, leaves = cf, cut // the anchorer finishes the batch it cut
	} else if s.rng.IntN(2) == 0 {
		return Command{Actor: ActorSystem, Payload: &CutBatch{FirstLeaf: first, Count: len(leaves)}}
	}
	c := s.anchorCmd(first, leaves)
	c.Actor = ActorSystem
	if s.rng.IntN(10) == 0 {
		c.Payload.(*RecordAnchor).Root = common.HexToHash("0x1234").Hex() // a wrong root
	}
	return c
}

func (s *sim) genTransfer() Command {
	ids := s.idsWhere(func(r *Receivable) bool { return r.Status == StatusFinanceable })
	if len(ids) == 0 {
		return s.genLedger()
	}
	id := pick(s.rng, ids)
	r := s.m.s.Receivables.get(id)
	amount := 1 + s.rng.Int64N(r.RemainingFen+r.RemainingFen/5+1)
	if s.rng.IntN(4) == 0 {
		amount = r.RemainingFen
	}
	c := s.transferCmd(id, pick(s.rng, s.smes), amount, salt(s.rng.IntN(400)))
	c.Actor = r.HolderID
	return c
}

func (s *sim) genList() Command {
	ids := s.idsWhere(func(r *Receivable) bool { return r.Status == StatusFinanceable })
	if len(ids) == 0 {
		return s.genTransfer()
	}
	id := pick(s.rng, ids)
	c := listCmd(id, []int64{300, 450, 600, 1200, 0}[s.rng.IntN(5)])
	r := s.m.s.Receivables.get(id)
	c.Actor = r.HolderID
	// Half the listings accept partial fills (docs/matching.md), some with a bad minimum.
	if s.rng.IntN(2) == 0 {
		c.Payload.(*List).MinFillFen = []int64{1, r.RemainingFen / 3, r.RemainingFen / 2, r.RemainingFen, r.RemainingFen + 1, -1}[s.rng.IntN(6)]
	}
	return c
}

func (s *sim) genCancelListing() Command {
	var ids []string
	for _, id := range s.m.s.Listings.ids() {
		if s.m.s.Listings.get(id).Status == ListingResting || s.rng.IntN(8) == 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return s.genList()
	}
	l := s.m.s.Listings.get(pick(s.rng, ids))
	return Command{Actor: l.HolderID, Payload: &CancelListing{ListingID: l.ID}}
}

func (s *sim) genOffer() Command {
	c := s.offerCmd(pick(s.rng, s.cores), []int64{1e6, 5e9, 2e11, 0}[s.rng.IntN(4)], 300+s.rng.Int64N(300), 0, 0)
	c.Actor = pick(s.rng, s.lenders)
	p := c.Payload.(*PostOffer)
	if s.rng.IntN(2) == 0 {
		p.RatesBps.B = p.RatesBps.A + s.rng.Int64N(200)
	}
	if s.rng.IntN(3) == 0 {
		p.RatesBps.C = p.RatesBps.A + 200 + s.rng.Int64N(300)
	}
	if s.rng.IntN(4) == 0 {
		p.MinScore = 500 + s.rng.IntN(400)
	}
	if s.rng.IntN(4) == 0 {
		p.MaxTenorDays = 30 + s.rng.IntN(200)
	}
	if s.rng.IntN(4) == 0 {
		p.ClusterIDs = []string{pick(s.rng, s.clus)}
	}
	if s.rng.IntN(4) == 0 {
		p.MinCertification = pick(s.rng, []string{"innovative", "specialized", "little_giant", "bogus"})
	}
	if s.rng.IntN(5) == 0 {
		p.MaxTicket = 1 + s.rng.Int64N(1e9)
	}
	if s.rng.IntN(3) == 0 { // servicing terms (docs/api.md), now and then invalid
		p.LateRateBps, p.Recourse = []int64{0, 1200, 1800, -1, 10_001}[s.rng.IntN(5)], s.rng.IntN(2) == 0
	}
	if s.rng.IntN(3) == 0 { // price by score (docs/matching.md §2), now and then invalid
		base := 200 + s.rng.Int64N(300)
		p.RatesBps = Rates{}
		p.RateCurve = &RateCurve{BaseBps: base, BpsPer100Points: s.rng.Int64N(40), MaxBps: base + s.rng.Int64N(400) - 20}
	}
	return c
}

func (s *sim) genCancelOffer() Command {
	ids := s.m.s.Offers.ids()
	if len(ids) == 0 {
		return s.genOffer()
	}
	o := s.m.s.Offers.get(pick(s.rng, ids))
	return Command{Actor: o.LenderID, Payload: &CancelOffer{OfferID: o.ID}}
}

func (s *sim) genFund() Command {
	var ids []string
	for _, id := range s.m.s.Matches.ids() {
		if s.m.s.Matches.get(id).Status == MatchMatched || s.rng.IntN(10) == 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return s.genList()
	}
	mt := s.m.s.Matches.get(pick(s.rng, ids))
	return Command{Actor: mt.LenderID, Payload: &Fund{MatchID: mt.ID, Reference: "CNAPS-" + mt.ID}}
}

func (s *sim) genSettle() Command {
	ids := s.idsWhere(func(r *Receivable) bool {
		return r.Status != StatusPending && r.Status != StatusSettled && (r.Tier == 1 || s.rng.IntN(10) == 0)
	})
	if len(ids) == 0 {
		return s.genConfirm()
	}
	r := s.m.s.Receivables.get(pick(s.rng, ids))
	return Command{Actor: r.DebtorID, Payload: &Settle{ReceivableID: r.ID, Reference: "PAY-" + r.ID}}
}

// genRepeat re-sends the last drawn command: a client retry, a double submit.
func (s *sim) genRepeat() Command {
	if s.lastGen.Payload == nil {
		return s.genSubmit()
	}
	return s.lastGen
}

// genAuction switches a book's mode or clears auctions (docs/matching.md §4).
func (s *sim) genAuction() Command {
	core := pick(s.rng, s.cores)
	switch s.rng.IntN(4) {
	case 0:
		mode := []string{BookAuction, BookContinuous, "bogus"}[s.rng.IntN(3)]
		return Command{Actor: ActorOperator, Payload: &SetBookMode{CoreID: core, Mode: mode}}
	case 1:
		return Command{Actor: ActorSystem, Payload: &ClearAuction{}}
	}
	return Command{Actor: ActorOperator, Payload: &ClearAuction{CoreID: core}}
}
