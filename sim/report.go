package sim

import (
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"text/tabwriter"
)

// Report is what a run found: the market's size and, per clearing mode, what each
// tier got. Money is in fen, rates and shares in basis points; a nil rate means
// nothing was financed to take it from.
type Report struct {
	Seed        uint64       `json:"seed"`
	Cores       int          `json:"cores"`
	SMEs        int          `json:"smes"`
	SMEsTier    []int        `json:"smes_by_tier"` // tiers 1..3
	Lenders     int          `json:"lenders"`
	Days        int          `json:"days"`
	Invoices    int          `json:"invoices"`
	FaceFen     int64        `json:"face_fen"` // what the cores were invoiced
	Modes       []ModeReport `json:"modes"`
	Unavailable []Clearing   `json:"unavailable_modes"`
}

// ModeReport is one clearing mode on the market.
type ModeReport struct {
	Clearing Clearing     `json:"clearing"`
	Tiers    []TierReport `json:"tiers"`
	All      TierReport   `json:"all"`
	Trades   int          `json:"trades"`
	// Tier3MinusTier1Bps is, per core, tier 3's amount-weighted rate less tier 1's,
	// the median over the CoresCompared cores where both tiers were financed.
	Tier3MinusTier1Bps *int64 `json:"tier3_minus_tier1_bps"`
	CoresCompared      int    `json:"cores_compared"`
	// AuctionGapBps is the auction's clearing rate less continuous matching's, once an
	// auction mode exists; nil until then.
	AuctionGapBps *int64 `json:"auction_gap_bps"`
}

// TierReport is what one tier's holders had and got.
type TierReport struct {
	Tier        int   `json:"tier"` // 0 in ModeReport.All
	Receivables int   `json:"receivables"`
	HeldFen     int64 `json:"held_fen"` // what the holders kept after paying their suppliers
	ListedFen   int64 `json:"listed_fen"`
	FinancedFen int64 `json:"financed_fen"`
	// FinancedShareBps is financed over held.
	FinancedShareBps int64  `json:"financed_share_bps"`
	RateBps          *int64 `json:"rate_bps"` // amount-weighted over funded trades
	DiscountFen      int64  `json:"discount_fen"`
}

const simTiers = 3

func newReport(cfg Config, mk *market) *Report {
	rep := &Report{
		Seed: cfg.Seed, Cores: cfg.Cores, SMEs: len(mk.smes), SMEsTier: make([]int, simTiers),
		Lenders: cfg.Lenders, Days: cfg.Days, Invoices: len(mk.invoices), Unavailable: []Clearing{Auction},
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
	for _, tr := range r.trades {
		cl := r.mk.claims[tr.claim]
		financed[tr.claim] += tr.amountFen
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
		t.FinancedShareBps = shareBps(t.FinancedFen, t.HeldFen)
		mr.All.Receivables += t.Receivables
		mr.All.HeldFen += t.HeldFen
		mr.All.ListedFen += t.ListedFen
		mr.All.FinancedFen += t.FinancedFen
		mr.All.DiscountFen += t.DiscountFen
	}
	mr.All.RateBps = all.mean()
	mr.All.FinancedShareBps = shareBps(mr.All.FinancedFen, mr.All.HeldFen)
	mr.Tier3MinusTier1Bps, mr.CoresCompared = medianSpread(coreRates)
	return mr, nil
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
// each mode's whole market. Amounts are in millions of yuan.
func WriteTable(w io.Writer, rep *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: %d cores, %d SMEs (tiers 1/2/3: %d/%d/%d), %d lenders, %d days, %d invoices, %s M CNY invoiced\n\n",
		rep.Seed, rep.Cores, rep.SMEs, rep.SMEsTier[0], rep.SMEsTier[1], rep.SMEsTier[2], rep.Lenders, rep.Days,
		rep.Invoices, millions(rep.FaceFen))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clearing\ttier\treceivables\theld M\tlisted M\tfinanced M\tfinanced\trate bps\tdiscount M\tt3-t1 bps\t")
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
	for _, m := range rep.Unavailable {
		fmt.Fprintf(&b, "\n%s: %v (no auction gap to report)\n", m, ErrAuctionUnavailable)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func tierCells(t TierReport) string {
	rate := "n/a"
	if t.RateBps != nil {
		rate = fmt.Sprint(*t.RateBps)
	}
	return fmt.Sprintf("%d\t%s\t%s\t%s\t%s\t%s\t%s", t.Receivables, millions(t.HeldFen), millions(t.ListedFen),
		millions(t.FinancedFen), percent(t.FinancedShareBps), rate, millions(t.DiscountFen))
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
