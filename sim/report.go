// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/scfx/scfx/matcher"
)

// Report is what a run found: the market's size and, per clearing mode, what each
// tier got. Money is in fen, rates and shares in basis points; a nil rate means
// nothing was financed to take it from.
type Report struct {
	Seed     uint64       `json:"seed"`
	Cores    int          `json:"cores"`
	SMEs     int          `json:"smes"`
	SMEsTier []int        `json:"smes_by_tier"` // tiers 1..3
	Lenders  int          `json:"lenders"`
	Days     int          `json:"days"`
	Invoices int          `json:"invoices"`
	FaceFen  int64        `json:"face_fen"` // what the cores were invoiced
	Modes    []ModeReport `json:"modes"`
}

// ModeReport is one clearing mode on the market.
type ModeReport struct {
	Clearing Clearing     `json:"clearing"`
	Tiers    []TierReport `json:"tiers"`
	All      TierReport   `json:"all"`
	Trades   int          `json:"trades"`
	// SplitListings are the listings filled by two or more lines; MaxFills is the
	// most fills one listing got.
	SplitListings int `json:"split_listings"`
	MaxFills      int `json:"max_fills"`
	// Tiers23OfHeldBps is tiers 2 and 3's financed over what they held: how far up
	// the chain the mode reaches beyond the invoice.
	Tiers23OfHeldBps int64 `json:"tiers23_financed_of_held_bps"`
	// Tier3MinusTier1Bps is, per core, tier 3's amount-weighted rate less tier 1's,
	// the median over the CoresCompared cores where both tiers were financed.
	Tier3MinusTier1Bps *int64 `json:"tier3_minus_tier1_bps"`
	CoresCompared      int    `json:"cores_compared"`
	// Auction sums the batch auctions of auction mode; nil in the other modes.
	Auction *AuctionSummary `json:"auction,omitempty"`
}

// AuctionSummary is what a run's batch auctions did, over every book and day that had
// listings and offers to clear.
type AuctionSummary struct {
	Clearings   int   `json:"clearings"`
	Fills       int   `json:"fills"`
	VolumeFen   int64 `json:"volume_fen"`
	DiscountFen int64 `json:"discount_fen"`
	// MaxGapPpm is the largest gap of one clearing to its LP bound, in millionths of
	// the bound; GapPpm is the run's: the clearings' gaps weighted by their bounds,
	// that is how far the run's total objective falls below the sum of the bounds.
	MaxGapPpm int64 `json:"max_gap_ppm"`
	GapPpm    int64 `json:"gap_ppm"`
	// Exact counts the clearings whose LP optimum needed no rounding; Unbounded those
	// too big for the LP (bound -1), left out of the gaps.
	Exact     int `json:"exact"`
	Unbounded int `json:"unbounded"`
}

// TierReport is what one tier's holders had and got.
type TierReport struct {
	Tier        int   `json:"tier"` // 0 in ModeReport.All
	Receivables int   `json:"receivables"`
	HeldFen     int64 `json:"held_fen"` // what the holders kept after paying their suppliers
	ListedFen   int64 `json:"listed_fen"`
	FinancedFen int64 `json:"financed_fen"`
	// FinancedShareBps is financed over listed: the share of what the holders asked
	// to finance that they got. FinancedOfHeldBps is financed over held.
	FinancedShareBps  int64  `json:"financed_share_bps"`
	FinancedOfHeldBps int64  `json:"financed_of_held_bps"`
	RateBps           *int64 `json:"rate_bps"` // amount-weighted over funded trades
	DiscountFen       int64  `json:"discount_fen"`
}

const simTiers = 3

func newReport(cfg Config, mk *market) *Report {
	rep := &Report{
		Seed: cfg.Seed, Cores: cfg.Cores, SMEs: len(mk.smes), SMEsTier: make([]int, simTiers),
		Lenders: cfg.Lenders, Days: cfg.Days, Invoices: len(mk.invoices),
	}
	for _, s := range mk.smes {
		rep.SMEsTier[s.tier-1]++
	}
	for _, f := range mk.faceFen {
		rep.FaceFen += f
	}
	return rep
}

// weighted is an amount-weighted mean in big integers: amount × rate summed over a
// market can pass 2^63.
type weighted struct{ num, den big.Int }

func (w *weighted) add(amountFen, rateBps int64) {
	var x big.Int
	w.num.Add(&w.num, x.Mul(big.NewInt(amountFen), big.NewInt(rateBps)))
	w.den.Add(&w.den, big.NewInt(amountFen))
}

// mean is rounded half up; nil when nothing was added.
func (w *weighted) mean() *int64 {
	if w.den.Sign() == 0 {
		return nil
	}
	var q big.Int
	q.Mul(&w.num, big.NewInt(2)).Add(&q, &w.den).Quo(&q, new(big.Int).Mul(&w.den, big.NewInt(2)))
	v := q.Int64()
	return &v
}

// report sums the run: holdings from the market, listings and trades from the run,
// and checks that money was conserved on the way.
func (r *run) report() (ModeReport, error) {
	mr := ModeReport{Clearing: r.mode, Trades: len(r.trades), Tiers: make([]TierReport, simTiers)}
	var rates [simTiers]weighted
	var all weighted
	coreRates := make([][simTiers]weighted, len(r.mk.cores))
	for i := range mr.Tiers {
		mr.Tiers[i].Tier = i + 1
	}
	for c, cl := range r.mk.claims {
		t := &mr.Tiers[cl.tier-1]
		t.Receivables++
		t.HeldFen += cl.heldFen
		t.ListedFen += r.listedFen[c]
	}
	financed := make([]int64, len(r.mk.claims))
	fills := make([]int, len(r.mk.claims))
	for _, tr := range r.trades {
		cl := r.mk.claims[tr.claim]
		financed[tr.claim] += tr.amountFen
		if fills[tr.claim]++; fills[tr.claim] == 2 {
			mr.SplitListings++
		}
		mr.MaxFills = max(mr.MaxFills, fills[tr.claim])
		if financed[tr.claim] > r.listedFen[tr.claim] {
			return mr, fmt.Errorf("claim %d financed %d fen, listed %d", tr.claim, financed[tr.claim], r.listedFen[tr.claim])
		}
		t := &mr.Tiers[cl.tier-1]
		t.FinancedFen += tr.amountFen
		t.DiscountFen += tr.discountFen
		rates[cl.tier-1].add(tr.amountFen, tr.rateBps)
		all.add(tr.amountFen, tr.rateBps)
		coreRates[r.mk.invoices[cl.invoice].core][cl.tier-1].add(tr.amountFen, tr.rateBps)
	}
	for i := range mr.Tiers {
		t := &mr.Tiers[i]
		t.RateBps = rates[i].mean()
		t.FinancedShareBps = shareBps(t.FinancedFen, t.ListedFen)
		t.FinancedOfHeldBps = shareBps(t.FinancedFen, t.HeldFen)
		mr.All.Receivables += t.Receivables
		mr.All.HeldFen += t.HeldFen
		mr.All.ListedFen += t.ListedFen
		mr.All.FinancedFen += t.FinancedFen
		mr.All.DiscountFen += t.DiscountFen
	}
	mr.All.RateBps = all.mean()
	mr.All.FinancedShareBps = shareBps(mr.All.FinancedFen, mr.All.ListedFen)
	mr.All.FinancedOfHeldBps = shareBps(mr.All.FinancedFen, mr.All.HeldFen)
	deep := mr.Tiers[1:]
	mr.Tiers23OfHeldBps = shareBps(deep[0].FinancedFen+deep[1].FinancedFen, deep[0].HeldFen+deep[1].HeldFen)
	mr.Tier3MinusTier1Bps, mr.CoresCompared = medianSpread(coreRates)
	if r.mode != Auction {
		return mr, nil
	}
	mr.Auction = summarise(r.auctions)
	// Auction mode trades only in auctions: their reports must add up to the trades.
	if a := mr.Auction; a.Fills != mr.Trades || a.VolumeFen != mr.All.FinancedFen || a.DiscountFen != mr.All.DiscountFen {
		return mr, fmt.Errorf("auctions report %d fills, %d fen, discount %d; the run funded %d, %d fen, discount %d",
			a.Fills, a.VolumeFen, a.DiscountFen, mr.Trades, mr.All.FinancedFen, mr.All.DiscountFen)
	}
	return mr, nil
}

// summarise adds up the auctions that had something to clear.
func summarise(reps []matcher.AuctionReport) *AuctionSummary {
	a := &AuctionSummary{}
	var gap weighted
	for _, rep := range reps {
		if rep.Listings == 0 || rep.Offers == 0 {
			continue
		}
		a.Clearings++
		a.Fills += rep.Fills
		a.VolumeFen += rep.VolumeFen
		a.DiscountFen += rep.DiscountFen
		if rep.Exact {
			a.Exact++
		}
		if rep.BoundFen < 0 {
			a.Unbounded++
			continue
		}
		a.MaxGapPpm = max(a.MaxGapPpm, rep.GapPpm)
		gap.add(rep.BoundFen, rep.GapPpm)
	}
	if g := gap.mean(); g != nil {
		a.GapPpm = *g
	}
	return a
}

func shareBps(part, whole int64) int64 {
	if whole == 0 {
		return 0
	}
	return new(big.Int).Quo(new(big.Int).Mul(big.NewInt(part), big.NewInt(10_000)), big.NewInt(whole)).Int64()
}

// medianSpread is the median over cores of tier 3's rate less tier 1's, among the
// cores where both were financed; an even count takes the mean of the middle two,
// rounded down.
func medianSpread(coreRates [][simTiers]weighted) (*int64, int) {
	var d []int64
	for i := range coreRates {
		t1, t3 := coreRates[i][0].mean(), coreRates[i][simTiers-1].mean()
		if t1 != nil && t3 != nil {
			d = append(d, *t3-*t1)
		}
	}
	if len(d) == 0 {
		return nil, 0
	}
	slices.Sort(d)
	mid := d[len(d)/2]
	if len(d)%2 == 0 {
		mid = (d[len(d)/2-1] + mid) >> 1
	}
	return &mid, len(d)
}

// WriteTable prints the report as one table: a row per mode and tier, and a row for
// each mode's whole market; then a line per mode on its fills and, for auction mode,
// its auctions. Amounts are in millions of yuan; "financed" is of listed.
func WriteTable(w io.Writer, rep *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: %d cores, %d SMEs (tiers 1/2/3: %d/%d/%d), %d lenders, %d days, %d invoices, %s M CNY invoiced\n\n",
		rep.Seed, rep.Cores, rep.SMEs, rep.SMEsTier[0], rep.SMEsTier[1], rep.SMEsTier[2], rep.Lenders, rep.Days,
		rep.Invoices, millions(rep.FaceFen))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clearing\ttier\treceivables\theld M\tlisted M\tfinanced M\tfinanced\tof held\trate bps\tdiscount M\tt3-t1 bps\t")
	for _, mr := range rep.Modes {
		for _, t := range mr.Tiers {
			fmt.Fprintf(tw, "%s\t%d\t%s\t\t\n", mr.Clearing, t.Tier, tierCells(t))
		}
		spread := "n/a"
		if mr.Tier3MinusTier1Bps != nil {
			spread = fmt.Sprintf("%+d (%d cores)", *mr.Tier3MinusTier1Bps, mr.CoresCompared)
		}
		fmt.Fprintf(tw, "%s\tall\t%s\t%s\t\n", mr.Clearing, tierCells(mr.All), spread)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\n")
	for _, mr := range rep.Modes {
		fmt.Fprintf(&b, "%s: %d fills, %d listings filled by 2+ lines (at most %d); tiers 2-3 financed %s of what they held\n",
			mr.Clearing, mr.Trades, mr.SplitListings, mr.MaxFills, percent(mr.Tiers23OfHeldBps))
		if a := mr.Auction; a != nil {
			fmt.Fprintf(&b, "%s: %d clearings, gap to the LP bound %d ppm bound-weighted, %d ppm at most; %d of %d exact, %d too big to bound\n",
				mr.Clearing, a.Clearings, a.GapPpm, a.MaxGapPpm, a.Exact, a.Clearings, a.Unbounded)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func tierCells(t TierReport) string {
	rate := "n/a"
	if t.RateBps != nil {
		rate = fmt.Sprint(*t.RateBps)
	}
	return fmt.Sprintf("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s", t.Receivables, millions(t.HeldFen), millions(t.ListedFen),
		millions(t.FinancedFen), percent(t.FinancedShareBps), percent(t.FinancedOfHeldBps), rate, millions(t.DiscountFen))
}

// millions renders fen as millions of yuan with one decimal, rounded down.
func millions(fen int64) string {
	tenths := fen / 10_000_000
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// percent renders basis points as a percentage with one decimal, rounded down.
func percent(bps int64) string {
	return fmt.Sprintf("%d.%d%%", bps/100, bps%100/10)
}
