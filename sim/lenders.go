// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"math/rand/v2"

	"github.com/scfx/scfx/matcher"
)

// lenderKind is a kind of lender in China's supply-chain finance: the big state banks
// lend cheapest and price by score band, the joint-stock and city banks price by a
// curve of the score (their 供应链金融 platforms grade every claim), factoring
// companies lend dearest, by band, and to all.
type lenderKind struct {
	name string
	// aBps is the band-A rate range of a band lender, the rate at score 1000 of a
	// curve lender; bSpread and cSpread are added for bands B and C (cSpread 0: band C
	// is not priced).
	aBps             [2]int64
	bSpread, cSpread int64
	// curve: prices by score; bpsPer100 is the curve's slope, and its cap is the
	// lender's band-C rate (aBps + bSpread + cSpread). A curve's base is its rate at
	// a perfect 1000, so it sits below a band lender's A rate: at the middle of band A
	// (900) and of band B (~725) the curves quote what these banks quote by band.
	curve      bool
	bpsPer100  int64
	lineWeight int64 // share of a core's lines, relative
}

var lenderKinds = []lenderKind{
	{name: "国有大型银行", aBps: [2]int64{280, 330}, bSpread: 70, lineWeight: 4},
	{name: "股份制银行", aBps: [2]int64{290, 340}, bSpread: 100, cSpread: 180, curve: true, bpsPer100: 50, lineWeight: 3},
	{name: "城市商业银行", aBps: [2]int64{320, 390}, bSpread: 120, cSpread: 220, curve: true, bpsPer100: 55, lineWeight: 2},
	{name: "商业保理公司", aBps: [2]int64{520, 620}, bSpread: 160, cSpread: 260, lineWeight: 1},
}

// lenderMix is the kind of the i-th lender: 8 lenders are 2 state banks, 3
// joint-stock, 2 city banks and a factor.
var lenderMix = []int{0, 1, 2, 0, 1, 2, 1, 3}

var ordinals = []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}

// Line sizing: the lines on a core together cover linesCoverPct of what the core is
// invoiced over the run, less for weaker ratings. Lines revolve (settlement frees
// them), so this is ample unless the cheap lenders' lines run out first.
const (
	linesCoverPct = 90
	maxTenorDays  = 180
	// topUpEveryDays and topUpBelowPct: every so often a lender whose line on a core
	// is nearly used posts another line of the same size.
	topUpEveryDays = 30
	topUpBelowPct  = 20
	minLineFen     = 100_000_000 // 100万 yuan: no bank opens a smaller line
)

// ratingLinePct scales lines by the core's rating (coreRatings order).
var ratingLinePct = []int64{120, 110, 100, 90, 75, 60}

type lenderSpec struct {
	name  string
	kind  int
	rates matcher.Rates
	curve *matcher.RateCurve // set: the lender prices by score, rates unused
}

func genLenders(rng *rand.Rand, n int) []lenderSpec {
	out := make([]lenderSpec, n)
	for i := range out {
		k := lenderMix[i%len(lenderMix)]
		lk := lenderKinds[k]
		a := lk.aBps[0] + rng.Int64N(lk.aBps[1]-lk.aBps[0]+1)
		out[i] = lenderSpec{name: fmt.Sprintf("%s%s", lk.name, ordinal(i)), kind: k}
		if lk.curve {
			out[i].curve = &matcher.RateCurve{BaseBps: a, BpsPer100Points: lk.bpsPer100, MaxBps: a + lk.bSpread + lk.cSpread}
			continue
		}
		out[i].rates = matcher.Rates{A: a, B: a + lk.bSpread}
		if lk.cSpread > 0 {
			out[i].rates.C = out[i].rates.B + lk.cSpread
		}
	}
	return out
}

func ordinal(i int) string {
	if i < len(ordinals) {
		return ordinals[i]
	}
	return fmt.Sprint(i + 1)
}

// lineFen is lender l's line on core c.
func (m *market) lineFen(l, c int) int64 {
	var weights int64
	for _, x := range m.lenders {
		weights += lenderKinds[x.kind].lineWeight
	}
	rank := 0
	for i, r := range coreRatings {
		if r == m.cores[c].rating {
			rank = i
		}
	}
	line := m.faceFen[c] / 100 * linesCoverPct / 100 * ratingLinePct[rank] * lenderKinds[m.lenders[l].kind].lineWeight / weights
	return max(line, minLineFen)
}

// offerCmd is lender l's credit line on core: priced by its curve or its bands.
func (m *market) offerCmd(l int, coreID string, lineFen int64) matcher.PostOffer {
	o := matcher.PostOffer{CoreID: coreID, LineAmount: lineFen, MaxTenorDays: maxTenorDays}
	if c := m.lenders[l].curve; c != nil {
		cc := *c
		o.RateCurve = &cc
	} else {
		o.RatesBps = m.lenders[l].rates
	}
	return o
}
