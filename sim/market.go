// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"math/rand/v2"
)

// The generated market: every participant, every invoice and every payment up the
// chain is drawn here, before any mode runs, so that each clearing mode sees the same
// market and differs only in how it takes claims to trades.

// industry is one of the seed document's manufacturing lines (README, "What the market does" clusters),
// with the places whose certified clusters make it.
type industry struct {
	name     string
	product  string // what its SMEs make, for their names
	clusters []clusterSite
}

type clusterSite struct {
	place      string // county-level district, as in the cluster's name
	countyCode string
	level      string
}

// industries are the five of the seed's 中小企业特色产业集群 list; the places are
// counties known for the line, national clusters first.
var industries = []industry{
	{"汽车零部件", "汽车零部件", []clusterSite{
		{"宁波市北仑区", "330206", "national"}, {"瑞安市", "330381", "provincial"}, {"诸城市", "370782", "provincial"}}},
	{"医药和化学制造", "医药化工", []clusterSite{
		{"台州市椒江区", "331002", "national"}, {"淄博市临淄区", "370305", "provincial"}}},
	{"通用和专用设备制造", "机械设备", []clusterSite{
		{"温岭市", "331081", "national"}, {"常州市武进区", "320412", "provincial"}}},
	{"电气机械和器材制造", "电气", []clusterSite{
		{"乐清市", "330382", "national"}, {"宜兴市", "320282", "provincial"}}},
	{"计算机和通信电子", "电子", []clusterSite{
		{"昆山市", "320583", "national"}, {"深圳市宝安区", "440306", "provincial"}}},
}

// coreRatings spreads the cores over AAA..A (scoring.md: 300..150 points).
var coreRatings = []string{"AAA", "AA+", "AA", "AA-", "A+", "A"}

// Shares of the SMEs by tier, in percent: the chain widens as it goes up.
const (
	tier1SharePct = 15
	tier2SharePct = 35
)

// Cluster membership and the 专精特新 ladder, in per mille. The seed's national
// targets are 1万 小巨人 : 10万 专精特新 : 100万 创新型 among tens of millions of
// SMEs; in a certified cluster — whose rules require 优质中小企业梯度培育成效显著 —
// the rungs are far more common, so members are drawn from the first row, others
// from the second.
const inClusterPermille = 700

var (
	certInCluster = [4]int{20, 100, 280, 600} // little_giant, specialized, innovative, none
	certOutside   = [4]int{5, 40, 150, 805}
	certNames     = [4]string{"little_giant", "specialized", "innovative", "none"}
)

// Invoices: a tier-1 supplier bills its core about every invoiceEveryDays days; terms
// are the usual 30..180 days, amounts in three bands of 10万 to 1000万 yuan.
const invoiceEveryDays = 12

var (
	termDays    = []int{30, 45, 60, 90, 90, 120, 180}
	amountBands = []struct {
		weightPct        int
		minYuan, maxYuan int64
	}{{45, 100_000, 500_000}, {40, 500_000, 2_000_000}, {15, 2_000_000, 10_000_000}}
)

// Payments up the chain: a holder pays each of its suppliers with this chance a
// fraction of the claim, and keeps the rest.
const (
	payChancePct  = 60
	payMinPct     = 15
	payMaxPct     = 40
	listChancePct = 85 // a holder lists what it kept: most SMEs want the cash
)

// A holder's max rate is its alternative cost of funds, higher deeper in the chain.
var maxRateBps = [4][2]int64{{}, {450, 900}, {550, 1100}, {650, 1400}}

// tailDays: invoices stop this many days before the end, so the last ones' chains
// (one hop a day) are complete before the report is read.
const tailDays = 3

type coreSpec struct {
	name, rating string
	industry     int
}

type smeSpec struct {
	name      string
	tier      int
	core      int // the core at the top of its chain
	customer  int // the SME it supplies (tiers 2, 3); -1 at tier 1
	cluster   int // index in market.clusters; -1: none
	cert      string
	county    string
	suppliers []int
}

type clusterSpec struct {
	name, county, level string
	industry            int
}

// claimSpec is one receivable: an invoice (tier 1) or a payment split from its
// parent's claim. held is what its holder keeps after paying its own suppliers.
type claimSpec struct {
	invoice    int
	parent     int // -1 for the invoice itself
	tier       int
	holder     int
	amountFen  int64
	heldFen    int64
	children   []int
	lists      bool
	maxRateBps int64
}

type invoiceSpec struct {
	day      int
	sme      int
	core     int
	termDays int
	number   string
	claim    int // the tier-1 claim
}

type market struct {
	clusters []clusterSpec
	cores    []coreSpec
	smes     []smeSpec
	lenders  []lenderSpec
	invoices []invoiceSpec
	claims   []claimSpec
	// faceFen is each core's invoiced total over the run: lines are sized from it.
	faceFen []int64
}

// generate draws the whole market from the seed.
func generate(cfg Config) *market {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5cf0))
	m := &market{}
	for i, ind := range industries {
		for _, s := range ind.clusters {
			m.clusters = append(m.clusters, clusterSpec{
				name: s.place + ind.name + "产业集群", county: s.countyCode, level: s.level, industry: i,
			})
		}
	}
	for i := range cfg.Cores {
		ind := i % len(industries)
		m.cores = append(m.cores, coreSpec{
			name:     fmt.Sprintf("%s%s集团有限公司", coreBrands[i%len(coreBrands)], industries[ind].product),
			rating:   coreRatings[i*len(coreRatings)/cfg.Cores],
			industry: ind,
		})
	}
	m.genSMEs(rng, cfg)
	m.lenders = genLenders(rng, cfg.Lenders)
	m.faceFen = make([]int64, cfg.Cores)
	m.genInvoices(rng, cfg)
	return m
}

var coreBrands = []string{"华东", "中联", "江南", "宏图", "东方", "远航", "长城", "海岳", "金桥", "天工"}
var smeWords = []string{"精工", "恒达", "华瑞", "永信", "鑫源", "博远", "天成", "宏泰", "瑞丰", "协力", "众诚", "力拓"}

// genSMEs makes the suppliers: tier 1 sells to a core, each tier-2 and tier-3
// supplier to one customer a tier above, spread evenly so every customer has some.
func (m *market) genSMEs(rng *rand.Rand, cfg Config) {
	n1 := max(cfg.Cores, cfg.SMEs*tier1SharePct/100)
	n2 := max(n1, cfg.SMEs*tier2SharePct/100)
	n3 := max(0, cfg.SMEs-n1-n2)
	var byTier [4][]int
	for i := range n1 + n2 + n3 {
		s := smeSpec{tier: 1, customer: -1, core: i % cfg.Cores}
		switch {
		case i >= n1+n2:
			s.tier = 3
		case i >= n1:
			s.tier = 2
		}
		if s.tier > 1 {
			up := byTier[s.tier-1]
			s.customer = up[rng.IntN(len(up))]
			s.core = m.smes[s.customer].core
			m.smes[s.customer].suppliers = append(m.smes[s.customer].suppliers, i)
		}
		m.place(rng, &s, i)
		m.smes = append(m.smes, s)
		byTier[s.tier] = append(byTier[s.tier], i)
	}
}

// place puts an SME in a cluster of its core's industry (or none) and on a rung.
func (m *market) place(rng *rand.Rand, s *smeSpec, i int) {
	ind := m.cores[s.core].industry
	s.cluster, s.county = -1, industries[ind].clusters[0].countyCode
	shares := certOutside
	if rng.IntN(1000) < inClusterPermille {
		var mine []int
		for j, c := range m.clusters {
			if c.industry == ind {
				mine = append(mine, j)
			}
		}
		s.cluster = mine[rng.IntN(len(mine))]
		s.county = m.clusters[s.cluster].county
		shares = certInCluster
	}
	s.cert = certNames[pickPermille(rng, shares[:])]
	s.name = fmt.Sprintf("%s%s%s有限公司（%d）", placeShort(s.county), smeWords[rng.IntN(len(smeWords))],
		industries[ind].product, i+1)
}

func placeShort(county string) string {
	for _, ind := range industries {
		for _, c := range ind.clusters {
			if c.countyCode == county {
				r := []rune(c.place)
				return string(r[:2])
			}
		}
	}
	return ""
}

// pickPermille picks an index with the given weights (they need not sum to 1000).
func pickPermille(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := rng.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// genInvoices draws each tier-1 supplier's invoices and, for each, the payments it
// makes up the chain with it.
func (m *market) genInvoices(rng *rand.Rand, cfg Config) {
	lastDay := cfg.Days - tailDays
	for day := range lastDay {
		for i := range m.smes {
			if m.smes[i].tier != 1 || rng.IntN(invoiceEveryDays) != 0 {
				continue
			}
			inv := invoiceSpec{
				day: day, sme: i, core: m.smes[i].core, termDays: termDays[rng.IntN(len(termDays))],
				number: fmt.Sprintf("INV-%06d", len(m.invoices)+1), claim: len(m.claims),
			}
			amount := drawAmountFen(rng)
			m.faceFen[inv.core] += amount
			m.invoices = append(m.invoices, inv)
			m.addClaim(rng, len(m.invoices)-1, -1, i, amount)
		}
	}
}

func drawAmountFen(rng *rand.Rand) int64 {
	weights := make([]int, len(amountBands))
	for i, b := range amountBands {
		weights[i] = b.weightPct
	}
	b := amountBands[pickPermille(rng, weights)]
	// whole hundreds of yuan, then a few fen: invoices carry tax, so rarely round
	yuan := (b.minYuan + rng.Int64N(b.maxYuan-b.minYuan)) / 100 * 100
	return yuan*100 + rng.Int64N(100)
}

// addClaim adds a claim held by holder and, recursively, the payments it makes to
// its suppliers.
func (m *market) addClaim(rng *rand.Rand, invoice, parent, holder int, amountFen int64) {
	idx := len(m.claims)
	tier := m.smes[holder].tier
	lo, hi := maxRateBps[tier][0], maxRateBps[tier][1]
	m.claims = append(m.claims, claimSpec{
		invoice: invoice, parent: parent, tier: tier, holder: holder, amountFen: amountFen, heldFen: amountFen,
		lists: rng.IntN(100) < listChancePct, maxRateBps: lo + rng.Int64N(hi-lo+1),
	})
	for _, sup := range m.smes[holder].suppliers {
		if rng.IntN(100) >= payChancePct {
			continue
		}
		pay := amountFen * int64(payMinPct+rng.IntN(payMaxPct-payMinPct+1)) / 100
		if pay < 1 || pay >= m.claims[idx].heldFen {
			continue
		}
		m.claims[idx].heldFen -= pay
		m.claims[idx].children = append(m.claims[idx].children, len(m.claims))
		m.addClaim(rng, invoice, idx, sup, pay)
	}
}
