// SPDX-License-Identifier: Apache-2.0

package demo

// The market the demo builds: who takes part and what they do.

// Sizes and rates of the market.
const (
	listMaxBps     = 800 // what most holders accept
	greedyMaxBps   = 400 // one holder asks for less than anyone quotes
	tenorMaxDays   = 180
	clusterYears   = 3
	certYears      = 2
	lenderDivision = "330200"
)

type clusterSpec struct{ name, county, level, industry string }

// Two certified clusters in two of the pilot industries: a national 汽车零部件 cluster
// (Ningbo Beilun) and a provincial 电气机械 one (Yueqing).
var clusters = []clusterSpec{
	{"宁波市北仑区汽车零部件产业集群", "330206", "national", "汽车零部件及配件制造"},
	{"乐清市电气机械和器材产业集群", "330382", "provincial", "电气机械和器材制造"},
}

type smeSpec struct {
	name, division string
	cluster        int // index in clusters, -1: none
	cert           string
}

// chainSpec is one supply chain: a core, its tier 1-3 suppliers, one invoice of
// the tier-1 supplier and the parts passed up to tiers 2 and 3.
type chainSpec struct {
	core, coreDivision, rating string
	smes                       [3]smeSpec
	amountFen                  int64
	toTier2Fen, toTier3Fen     int64
	dueDays                    int
	tier2MaxBps                int64 // what the tier-2 holder accepts
	// tier1MinFillFen is the tier-1 holder's minimum fill (0: the whole amount from
	// one lender): set, its claim may be shared by several lenders' lines.
	tier1MinFillFen int64
}

var chains = []chainSpec{{
	core: "甬海汽车集团股份有限公司", coreDivision: "330206", rating: "AAA",
	smes: [3]smeSpec{
		{"宁波北仑精工汽车零部件有限公司", "330206", 0, "little_giant"},
		{"宁波甬信精密模具有限公司", "330206", 0, "specialized"},
		{"余姚市恒达五金冲压厂", "330281", -1, "none"},
	},
	amountFen: 860_000_000, toTier2Fen: 240_000_000, toTier3Fen: 90_000_000, dueDays: 120, tier2MaxBps: listMaxBps,
	tier1MinFillFen: 100_000_000,
}, {
	core: "瓯江电气集团有限公司", coreDivision: "330382", rating: "AA",
	smes: [3]smeSpec{
		{"乐清智联电器有限公司", "330382", 1, "specialized"},
		{"温州瓯越精密电子有限公司", "330302", 1, "innovative"},
		{"乐清市柳市宏达开关配件厂", "330382", -1, "none"},
	},
	amountFen: 520_000_000, toTier2Fen: 180_000_000, toTier3Fen: 60_000_000, dueDays: 90, tier2MaxBps: greedyMaxBps,
}}

var lenders = []string{"东海银行宁波分行", "甬江农村商业银行", "瓯江银行温州分行"}

// offerSpec: a lender's line on a chain's core, its rates for bands A, B and C,
// and its filters (the core's own cluster, a minimum certification). The rural bank's
// cheap line for its own cluster is smaller than chain 0's tier-1 claim, so that
// claim, listed with a minimum fill, is shared with the first bank's line.
type offerSpec struct {
	lender, chain int
	lineFen       int64
	a, b, c       int64
	ownCluster    bool
	minCert       string
}

var offers = []offerSpec{
	{lender: 0, chain: 0, lineFen: 2_000_000_000, a: 340, b: 410, c: 520},
	{lender: 1, chain: 0, lineFen: 400_000_000, a: 310, b: 380, c: 480, ownCluster: true},
	{lender: 2, chain: 1, lineFen: 800_000_000, a: 380, b: 460, c: 560, minCert: "innovative"},
	{lender: 0, chain: 1, lineFen: 500_000_000, a: 420, b: 500, c: 620},
}
