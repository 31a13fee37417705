// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/merkle"
	"github.com/scfx/scfx/uscc"
)

// t0 is the first simulated day, 2026-03-02 00:00 UTC: fixed, so a seed's output
// does not depend on when it runs.
const (
	t0Ms     = int64(1772409600000)
	msPerDay = int64(24 * 60 * 60 * 1000)
	// Certificates outlive any run (maxDays + the longest term).
	clusterValidDays = 3 * 365
	certValidDays    = 2 * 365
	lenderDivision   = "310000" // the banks' head offices: Shanghai
)

// run is one mode's replay of the market through a fresh matcher, driven the way the
// node drives it: entries with increasing sequence numbers and the day's time.
type run struct {
	cfg   Config
	mk    *market
	sg    *signer
	mode  Clearing
	m     *matcher.Matcher
	seq   uint64
	nowMs int64
	dom   eip712.Domain

	clusterIDs, coreIDs, smeIDs, lenderIDs []string
	claimIDs                               []string       // receivable id of each claim, once made
	claimOf                                map[string]int // receivable id → claim (lookups only)
	listedFen                              []int64        // per claim: what its listing asked to finance
	offerIDs                               [][]string     // lender × core → the latest line's offer id
	trades                                 []trade
	auctions                               []matcher.AuctionReport
}

// trade is a funded match.
type trade struct {
	claim                           int
	amountFen, rateBps, discountFen int64
}

func runMode(cfg Config, mk *market, sg *signer, mode Clearing) (*run, error) {
	r := &run{
		cfg: cfg, mk: mk, sg: sg, mode: mode, m: matcher.New(matcher.DefaultConfig()), nowMs: t0Ms,
		claimIDs: make([]string, len(mk.claims)), claimOf: make(map[string]int, len(mk.claims)),
		listedFen: make([]int64, len(mk.claims)),
	}
	if err := r.setup(); err != nil {
		return nil, err
	}
	byDay := r.schedule()
	for day := range cfg.Days {
		r.nowMs = t0Ms + int64(day)*msPerDay
		if err := r.day(day, byDay[day]); err != nil {
			return nil, fmt.Errorf("day %d: %w", day, err)
		}
	}
	return r, nil
}

// dayWork is what happens on one day: invoices issued, claims handled (paid up the
// chain, then listed), invoices due.
type dayWork struct {
	invoices, claims, due []int
}

// schedule places the market's events on days: an invoice is issued and confirmed on
// its day; a tier-t claim is handled t days later, once the ledger has anchored the
// transfer that made it (the ledger settles at the end of each day); the core pays
// on the due date.
func (r *run) schedule() []dayWork {
	out := make([]dayWork, r.cfg.Days)
	for i, inv := range r.mk.invoices {
		out[inv.day].invoices = append(out[inv.day].invoices, i)
		if due := inv.day + inv.termDays; due < r.cfg.Days {
			out[due].due = append(out[due].due, i)
		}
	}
	for i, c := range r.mk.claims {
		if d := r.mk.invoices[c.invoice].day + c.tier; d < r.cfg.Days {
			out[d].claims = append(out[d].claims, i)
		}
	}
	return out
}

func (r *run) day(day int, w dayWork) error {
	for _, i := range w.due {
		inv := r.mk.invoices[i]
		res, err := r.apply(r.coreIDs[inv.core], matcher.Command{Payload: &matcher.Settle{
			ReceivableID: r.claimIDs[inv.claim], Reference: "PAY-" + inv.number,
		}})
		if err != nil {
			return err
		}
		if err := r.fundAll(res); err != nil { // a repaid line serves what rested
			return err
		}
	}
	res, err := r.apply(matcher.ActorSystem, matcher.Command{Payload: &matcher.Tick{}})
	if err != nil {
		return err
	}
	if err := r.fundAll(res); err != nil {
		return err
	}
	if day > 0 && day%topUpEveryDays == 0 {
		if err := r.topUp(); err != nil {
			return err
		}
	}
	for _, i := range w.invoices {
		if err := r.invoice(i); err != nil {
			return err
		}
	}
	for _, c := range w.claims {
		if err := r.handle(c); err != nil {
			return err
		}
	}
	if err := r.clearDay(); err != nil {
		return err
	}
	return r.settleLedger()
}

// clearDay ends the day's clearing. Continuous and treds clear each listing as it
// arrives (matcher.List matches at once with the best lines), so there is nothing
// left to do. In auction mode the day's listings, and any left over from earlier
// days, rest until the node's schedule clears every book here; the lenders fund
// every fill.
func (r *run) clearDay() error {
	if r.mode != Auction {
		return nil
	}
	res, err := r.apply(matcher.ActorSystem, matcher.Command{Payload: &matcher.ClearAuction{}})
	if err != nil {
		return err
	}
	r.auctions = append(r.auctions, res.Auctions...)
	return r.fundAll(res)
}

// lists says whether a mode lists a claim at tier.
func (c Clearing) lists(tier int) bool {
	if c == TReDS {
		return tier == 1
	}
	return true
}

// minFillPct: a holder listing on scfx takes fills of at least this share of its
// claim, so a large claim can be shared by several lines without being cut into
// crumbs. TReDS takes one bid per invoice: the whole amount.
const minFillPct = 25

// listCmd is a holder's listing of claim c: everything it kept, at its max rate.
func (r *run) listCmd(c int) *matcher.List {
	cl := r.mk.claims[c]
	l := &matcher.List{ReceivableID: r.claimIDs[c], MaxRateBps: cl.maxRateBps}
	if r.mode != TReDS {
		l.MinFillFen = max(1, cl.heldFen*minFillPct/100)
	}
	return l
}

// apply applies one command as actor. Every command the simulation sends is one a
// correct client would send: a refusal is a bug (here or in the matcher) and ends
// the run.
func (r *run) apply(actor string, c matcher.Command) (matcher.Result, error) {
	c.Actor = actor
	r.seq++
	res := r.m.Apply(matcher.Entry{Seq: r.seq, TimeMs: r.nowMs, Cmd: c})
	if r.cfg.Record != nil {
		r.cfg.Record(matcher.Entry{Seq: r.seq, TimeMs: r.nowMs, Cmd: c})
	}
	if res.Err != nil {
		return res, fmt.Errorf("%s: %w", c, res.Err)
	}
	return res, nil
}

func (r *run) date(offsetDays int) string {
	return (matcher.DayOf(r.nowMs) + matcher.Date(offsetDays)).String()
}

// setup onboards the ledger, clusters, cores, SMEs and lenders and posts the lines.
func (r *run) setup() error {
	if _, err := r.apply(matcher.ActorSystem, matcher.Command{Payload: &matcher.SetLedger{
		ChainID: 1337, Registry: "0x00000000000000000000000000000000005cf0c5",
		Platform: "0x" + hex.EncodeToString(make([]byte, 31)) + "01",
	}}); err != nil {
		return err
	}
	l := r.m.Ledger()
	r.dom = eip712.Domain{ChainID: l.ChainID, VerifyingContract: l.Registry}
	for _, c := range r.mk.clusters {
		res, err := r.apply(matcher.ActorOperator, matcher.Command{Payload: &matcher.CreateCluster{
			Name: c.name, CountyCode: c.county, Level: c.level, Industry: industries[c.industry].name, ValidUntil: r.date(clusterValidDays),
		}})
		if err != nil {
			return err
		}
		r.clusterIDs = append(r.clusterIDs, res.Cluster.ID)
	}
	if err := r.onboard(); err != nil {
		return err
	}
	if r.mode == Auction {
		for _, core := range r.coreIDs {
			if _, err := r.apply(matcher.ActorOperator, matcher.Command{Payload: &matcher.SetBookMode{CoreID: core, Mode: matcher.BookAuction}}); err != nil {
				return err
			}
		}
	}
	return r.postLines()
}

func (r *run) onboard() error {
	n := 0
	add := func(p matcher.CreateParticipant, division string, key int) (string, error) {
		n++
		code, err := uscc.Make('9', '1', division, fmt.Sprintf("MA%07d", n))
		if err != nil {
			return "", err
		}
		h := sha256.Sum256([]byte(code))
		p.USCC, p.TokenHash = code, hex.EncodeToString(h[:])
		if key >= 0 {
			p.Address = crypto.PubkeyToAddress(r.sg.keys[key].PublicKey).Hex()
		}
		res, err := r.apply(matcher.ActorOperator, matcher.Command{Payload: &p})
		if err != nil {
			return "", err
		}
		return res.Participant.ID, nil
	}
	for i, c := range r.mk.cores {
		id, err := add(matcher.CreateParticipant{Name: c.name, Role: "core", Rating: c.rating},
			industries[c.industry].clusters[0].countyCode, r.coreKey(i))
		if err != nil {
			return err
		}
		r.coreIDs = append(r.coreIDs, id)
	}
	for i, s := range r.mk.smes {
		p := matcher.CreateParticipant{Name: s.name, Role: "sme", Certification: s.cert}
		if s.cluster >= 0 {
			p.ClusterID = r.clusterIDs[s.cluster]
		}
		if s.cert != "none" {
			p.CertificationValidUntil = r.date(certValidDays)
		}
		id, err := add(p, s.county, r.smeKey(i))
		if err != nil {
			return err
		}
		r.smeIDs = append(r.smeIDs, id)
	}
	for _, l := range r.mk.lenders {
		id, err := add(matcher.CreateParticipant{Name: l.name, Role: "lender"}, lenderDivision, -1)
		if err != nil {
			return err
		}
		r.lenderIDs = append(r.lenderIDs, id)
	}
	return nil
}

func (r *run) coreKey(i int) int { return i }
func (r *run) smeKey(i int) int  { return len(r.mk.cores) + i }

// postLines posts every lender's line on every core, before any listing.
func (r *run) postLines() error {
	r.offerIDs = make([][]string, len(r.mk.lenders))
	for l := range r.mk.lenders {
		r.offerIDs[l] = make([]string, len(r.mk.cores))
		for c := range r.mk.cores {
			if err := r.postLine(l, c, r.mk.lineFen(l, c)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *run) postLine(l, c int, lineFen int64) error {
	o := r.mk.offerCmd(l, r.coreIDs[c], lineFen)
	res, err := r.apply(r.lenderIDs[l], matcher.Command{Payload: &o})
	if err != nil {
		return err
	}
	r.offerIDs[l][c] = res.Offer.ID
	return r.fundAll(res)
}

// topUp: a lender whose line on a core is nearly used opens another of the same size.
// The new line takes resting listings at once.
func (r *run) topUp() error {
	for l := range r.mk.lenders {
		for c := range r.mk.cores {
			o, oerr := r.m.Offer(r.lenderIDs[l], r.offerIDs[l][c])
			if oerr != nil {
				return oerr
			}
			if o.Available()*100 < o.LineFen*topUpBelowPct {
				if err := r.postLine(l, c, o.LineFen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// invoice: the tier-1 supplier uploads the invoice and its core confirms it.
func (r *run) invoice(i int) error {
	inv := r.mk.invoices[i]
	res, err := r.apply(r.smeIDs[inv.sme], matcher.Command{Payload: &matcher.SubmitReceivable{
		DebtorID: r.coreIDs[inv.core], InvoiceNumber: inv.number, Amount: r.mk.claims[inv.claim].amountFen,
		Currency: "CNY", IssueDate: r.date(0), DueDate: r.date(inv.termDays),
	}})
	if err != nil {
		return err
	}
	r.claimIDs[inv.claim], r.claimOf[res.Receivable.ID] = res.Receivable.ID, inv.claim
	sig, err := r.sg.sign(r.coreKey(inv.core), eip712.ConfirmationDigest(r.dom, r.m.ConfirmationOf(res.Receivable)))
	if err != nil {
		return err
	}
	_, err = r.apply(r.coreIDs[inv.core], matcher.Command{Payload: &matcher.Confirm{
		ReceivableID: res.Receivable.ID, Signature: sig,
	}})
	return err
}

// handle: the holder of claim c pays its suppliers with parts of it, then lists what
// it kept if it wants cash and the mode lists its tier.
func (r *run) handle(c int) error {
	cl := r.mk.claims[c]
	holder := r.smeIDs[cl.holder]
	for _, ch := range cl.children {
		if err := r.transfer(c, ch); err != nil {
			return err
		}
	}
	if !cl.lists || !r.mode.lists(cl.tier) {
		return nil
	}
	res, err := r.apply(holder, matcher.Command{Payload: r.listCmd(c)})
	if err != nil {
		return err
	}
	if res.Listing.AmountFen != cl.heldFen {
		return fmt.Errorf("listing %s asks %d fen, the holder kept %d", res.Listing.ID, res.Listing.AmountFen, cl.heldFen)
	}
	r.listedFen[c] = res.Listing.AmountFen
	return r.fundAll(res)
}

func (r *run) transfer(parent, child int) error {
	p, ch := r.mk.claims[parent], r.mk.claims[child]
	from, to := r.smeIDs[p.holder], r.smeIDs[ch.holder]
	rcv, rerr := r.m.Receivable(from, r.claimIDs[parent])
	if rerr != nil {
		return rerr
	}
	toP, perr := r.m.Participant(matcher.ActorOperator, to)
	if perr != nil {
		return perr
	}
	salt := crypto.Keccak256Hash([]byte(fmt.Sprint("scfx-sim-salt|", child)))
	digest := eip712.TransferDigest(r.dom, r.m.TransferOf(rcv, toP, ch.amountFen, salt))
	sig, err := r.sg.sign(r.smeKey(p.holder), digest)
	if err != nil {
		return err
	}
	res, err := r.apply(from, matcher.Command{Payload: &matcher.Transfer{
		ReceivableID: rcv.ID, ToID: to, Amount: ch.amountFen, Salt: salt.Hex(), Signature: sig,
	}})
	if err != nil {
		return err
	}
	r.claimIDs[child], r.claimOf[res.Receivable.ID] = res.Receivable.ID, child
	return nil
}

// fundAll: the lender of every fill a command made pays it out, the same day.
// res.Matches holds every fill (res.Match is only the first of them).
func (r *run) fundAll(res matcher.Result) error {
	for _, mt := range res.Matches {
		if err := r.fund(mt); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) fund(mt matcher.Match) error {
	if _, err := r.apply(mt.LenderID, matcher.Command{Payload: &matcher.Fund{
		MatchID: mt.ID, Reference: "LOAN-" + mt.ID,
	}}); err != nil {
		return err
	}
	c, ok := r.claimOf[mt.ReceivableID]
	if !ok {
		return fmt.Errorf("match %s is on %s, which the simulation did not make", mt.ID, mt.ReceivableID)
	}
	r.trades = append(r.trades, trade{claim: c, amountFen: mt.AmountFen, rateBps: mt.RateBps, discountFen: mt.DiscountFen})
	return nil
}

// settleLedger does the anchorer's work at the end of the day: every pending
// fingerprint registers clean (no other platform holds these invoices) and every
// pending leaf is anchored. Only then is a claim financeable (contracts/README.md).
func (r *run) settleLedger() error {
	for {
		first, regs := r.m.PendingRegistrations(matcher.MaxRegisterBatch)
		if len(regs) == 0 {
			break
		}
		res := make([]matcher.RegResult, len(regs))
		for i, g := range regs {
			res[i] = matcher.RegResult{Fingerprint: g.Fingerprint.Hex()}
		}
		if _, err := r.apply(matcher.ActorSystem, matcher.Command{Payload: &matcher.RecordRegistrations{First: first, Results: res}}); err != nil {
			return err
		}
	}
	for {
		first, leaves := r.m.PendingLeaves(matcher.MaxAnchorBatch)
		if len(leaves) == 0 {
			return nil
		}
		tx := crypto.Keccak256Hash([]byte(fmt.Sprint("scfx-sim-anchor|", first)))
		if _, err := r.apply(matcher.ActorSystem, matcher.Command{Payload: &matcher.RecordAnchor{
			FirstLeaf: first, Count: len(leaves), Root: merkle.Root(leaves).Hex(), TxHash: tx.Hex(), Block: first + 10,
		}}); err != nil {
			return err
		}
	}
}
