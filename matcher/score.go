// SPDX-License-Identifier: Apache-2.0

package matcher

import "fmt"

// PolicyVersion names the scoring weights below; docs/scoring.md explains them. A
// change of weights is a new version, so a score can always be traced to its policy.
const PolicyVersion = "chain-position/v1"

// Band thresholds (docs/scoring.md).
const (
	bandAMinScore = 800
	bandBMinScore = 650
	bandCMinScore = 500
	maxScore      = 1000
)

// Band maps a score to A, B, C or D.
func Band(score int) string {
	switch {
	case score >= bandAMinScore:
		return "A"
	case score >= bandBMinScore:
		return "B"
	case score >= bandCMinScore:
		return "C"
	}
	return "D"
}

// Component is one named part of a score with the reason for its value.
type Component struct {
	Name   string `json:"name"`
	Value  int    `json:"value"`
	Reason string `json:"reason"`
}

// Score is a receivable's chain-position score, explained.
type Score struct {
	Total      int         `json:"score"`
	Band       string      `json:"score_band"`
	Components []Component `json:"score_components"`
	Policy     string      `json:"score_policy"`
}

// scoreInputs are the facts a score depends on; each maps to one component.
type scoreInputs struct {
	tier         int
	rating       string
	cert         Certification // effective: an expired certification is none
	clusterLevel string        // effective: "" without a valid cluster
	tenorDays    int
	defaults     int // the debtor core's overdue confirmed invoices
}

// The weights of policy v1. Every table is monotone in the direction docs/scoring.md
// demands; the totals add to at most maxScore. Credit passes through the chain:
// an AAA core (300) at tier 3 (180) with the longest tenor (40) scores 520 — band C —
// with no certification, no cluster and even a defaulted history.
var (
	tierPoints    = []int{250, 210, 180, 160, 140} // tier 1, 2, 3, 4, 5 and deeper
	ratingPoints  = map[string]int{"AAA": 300, "AA+": 270, "AA": 240, "AA-": 210, "A+": 180, "A": 150, "BBB": 100}
	certPoints    = map[Certification]int{CertNone: 0, CertInnovative: 40, CertSpecialized: 70, CertLittleGiant: 100}
	clusterPoints = map[string]int{"": 0, LevelProvincial: 60, LevelNational: 100}
	tenorSteps    = []struct{ maxDays, points int }{{30, 150}, {60, 130}, {90, 110}, {180, 80}, {270, 60}}
	tenorFloor    = 40
	historyPoints = []int{100, 50, 0} // 0, 1, 2+ defaults
)

func tierScore(tier int) int {
	if tier < 1 {
		tier = 1
	}
	if tier > len(tierPoints) {
		tier = len(tierPoints)
	}
	return tierPoints[tier-1]
}

func tenorScore(days int) int {
	for _, s := range tenorSteps {
		if days <= s.maxDays {
			return s.points
		}
	}
	return tenorFloor
}

func historyScore(defaults int) int {
	if defaults >= len(historyPoints) {
		defaults = len(historyPoints) - 1
	}
	return historyPoints[defaults]
}

// total is the score without the explanation: the matcher's hot path.
func (in scoreInputs) total() int {
	return tierScore(in.tier) + ratingPoints[in.rating] + certPoints[in.cert] +
		clusterPoints[in.clusterLevel] + tenorScore(in.tenorDays) + historyScore(in.defaults)
}

func (in scoreInputs) explain() Score {
	cluster := in.clusterLevel
	if cluster == "" {
		cluster = "no valid cluster"
	}
	cs := []Component{
		{"tier", tierScore(in.tier), fmt.Sprintf("tier %d in the supply chain", in.tier)},
		{"core_rating", ratingPoints[in.rating], fmt.Sprintf("debtor core rated %s", in.rating)},
		{"certification", certPoints[in.cert], fmt.Sprintf("holder certification %s", in.cert)},
		{"cluster", clusterPoints[in.clusterLevel], fmt.Sprintf("holder cluster: %s", cluster)},
		{"tenor", tenorScore(in.tenorDays), fmt.Sprintf("%d days to maturity", in.tenorDays)},
		{"history", historyScore(in.defaults), fmt.Sprintf("debtor core has %d overdue invoices", in.defaults)},
	}
	t := in.total()
	return Score{Total: t, Band: Band(t), Components: cs, Policy: PolicyVersion}
}

// inputs gathers r's scoring facts as of today.
func (m *Matcher) inputs(r *Receivable) scoreInputs {
	holder := m.s.Participants.get(r.HolderID)
	debtor := m.s.Participants.get(r.DebtorID)
	today := m.Today()
	in := scoreInputs{tier: r.Tier, rating: debtor.Rating, cert: CertNone, tenorDays: int(r.DueDate - today), defaults: debtor.Defaulted}
	if holder.Certification != "" && holder.CertificationValidUntil >= today {
		in.cert = holder.Certification
	}
	if cl := m.s.Clusters.get(holder.ClusterID); cl != nil && cl.ValidUntil >= today {
		in.clusterLevel = cl.Level
	}
	return in
}

// hasScore: only a claim the ledger has accepted is scored (docs/scoring.md: unconfirmed,
// or not yet anchored and registered, is not financeable).
func hasScore(s Status) bool {
	switch s {
	case StatusPending, StatusConfirmed, StatusDuplicate:
		return false
	}
	return true
}

// ScoreOf is r's score as of the matcher's clock, explained.
func (m *Matcher) ScoreOf(r *Receivable) Score {
	if !hasScore(r.Status) {
		return Score{Total: 0, Band: "D", Policy: PolicyVersion, Components: []Component{
			{"eligibility", 0, fmt.Sprintf("not financeable while %s", r.Status)},
		}}
	}
	return m.inputs(r).explain()
}
