package sim

import (
	"fmt"
	"math/rand/v2"

	"github.com/scfx/scfx/matcher"
)

// lenderKind is a kind of lender in China's supply-chain finance: the big state banks
// lend cheapest and only to the best bands, factoring companies dearest and to all.
type lenderKind struct {
	name string
	// aBps is the band-A rate range; bSpread and cSpread are added for B and C
	// (cSpread 0: band C is not priced).
	aBps             [2]int64
	bSpread, cSpread int64
	lineWeight       int64 // share of a core's lines, relative
}

var lenderKinds = []lenderKind{
	{"国有大型银行", [2]int64{280, 330}, 70, 0, 4},
	{"股份制银行", [2]int64{320, 380}, 100, 180, 3},
	{"城市商业银行", [2]int64{360, 430}, 120, 220, 2},
	{"商业保理公司", [2]int64{520, 620}, 160, 260, 1},
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
}

func genLenders(rng *rand.Rand, n int) []lenderSpec {
	out := make([]lenderSpec, n)
	for i := range out {
		k := lenderMix[i%len(lenderMix)]
		lk := lenderKinds[k]
		a := lk.aBps[0] + rng.Int64N(lk.aBps[1]-lk.aBps[0]+1)
		r := matcher.Rates{A: a, B: a + lk.bSpread}
		if lk.cSpread > 0 {
			r.C = r.B + lk.cSpread
		}
		out[i] = lenderSpec{name: fmt.Sprintf("%s%s", lk.name, ordinal(i)), kind: k, rates: r}
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

// offerCmd is lender l's credit line on core: priced by band today.
//
// Seam: when the matcher's offers take a RateCurve (base_bps at score 1000,
// bps_per_100_points, max_bps), this is the one place that chooses bands or a curve
// per lender (e.g. lenderKind gets a curve, and some lenders keep bands).
func (m *market) offerCmd(l int, coreID string, lineFen int64) matcher.PostOffer {
	return matcher.PostOffer{
		CoreID: coreID, LineAmount: lineFen, RatesBps: m.lenders[l].rates, MaxTenorDays: maxTenorDays,
	}
}
