// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"cmp"
	"slices"
)

// Participants change (docs/api.md, "Participant changes"): the operator updates a
// core's rating, an SME's 专精特新 certification or its cluster. The change holds
// from the entry's time on; the participant keeps the history of every change.

// maxHistory bounds one participant's change history.
const maxHistory = 1000

func (m *Matcher) updateParticipant(actor string, c *UpdateParticipant) (Result, *Error) {
	if err := requireOperator(actor); err != nil {
		return Result{}, err
	}
	p := m.s.Participants.get(c.ParticipantID)
	if p == nil {
		return Result{}, notFound("participant", c.ParticipantID)
	}
	if err := checkText("reason", c.Reason, maxReasonRunes); err != nil {
		return Result{}, err
	}
	next, err := m.checkUpdate(p, c)
	if err != nil {
		return Result{}, err
	}
	changes := diffParticipant(p, &next)
	if len(changes) == 0 {
		return Result{}, fieldErr("participant_id", "the update changes nothing")
	}
	if len(p.History)+len(changes) > maxHistory {
		return Result{}, invalidState("participant %s already has %d changes", p.ID, len(p.History))
	}
	for i := range changes {
		changes[i].Seq, changes[i].AtMs, changes[i].Reason = m.appliedSeq, m.nowMs, c.Reason
	}
	p.Rating, p.Certification, p.CertificationValidUntil, p.ClusterID = next.Rating, next.Certification, next.CertificationValidUntil, next.ClusterID
	p.History = append(p.History, changes...)
	for _, pc := range changes {
		m.emitParticipantChange(p, pc)
	}
	return Result{Participant: p.copy(), Matches: m.rescoreResting(p.ID, &restingTerms{})}, nil
}

// checkUpdate is p as c would leave it, or why c does not apply to p's role.
func (m *Matcher) checkUpdate(p *Participant, c *UpdateParticipant) (Participant, *Error) {
	next := *p
	if p.Role != RoleCore && c.Rating != "" {
		return next, fieldErr("rating", "is for cores only")
	}
	if p.Role != RoleSME {
		switch {
		case c.Certification != "":
			return next, fieldErr("certification", "is for SMEs only")
		case c.CertificationValidUntil != "":
			return next, fieldErr("certification_valid_until", "is for SMEs only")
		case c.ClusterID != "":
			return next, fieldErr("cluster_id", "is for SMEs only")
		}
	}
	if c.Rating != "" {
		if _, ok := ratingRank(c.Rating); !ok {
			return next, fieldErr("rating", "must be one of AAA, AA+, AA, AA-, A+, A, BBB")
		}
		next.Rating = c.Rating
	}
	if c.Certification != "" {
		if _, ok := certRank(Certification(c.Certification)); !ok {
			return next, fieldErr("certification", "must be none, innovative, specialized or little_giant")
		}
		next.Certification = Certification(c.Certification)
		next.CertificationValidUntil = 0
	}
	if c.CertificationValidUntil != "" {
		d, err := parseDateField("certification_valid_until", c.CertificationValidUntil)
		if err != nil {
			return next, err
		}
		next.CertificationValidUntil = d
	}
	if next.Certification != CertNone && next.Certification != "" && next.CertificationValidUntil == 0 {
		return next, fieldErr("certification_valid_until", "is required with a certification")
	}
	switch c.ClusterID {
	case "":
	case ClusterNone:
		next.ClusterID = ""
	default:
		if m.s.Clusters.get(c.ClusterID) == nil {
			return next, fieldErr("cluster_id", "no such cluster")
		}
		next.ClusterID = c.ClusterID
	}
	return next, nil
}

func diffParticipant(old, next *Participant) []ParticipantChange {
	var out []ParticipantChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, ParticipantChange{Field: field, From: from, To: to})
		}
	}
	add("rating", old.Rating, next.Rating)
	add("certification", string(old.Certification), string(next.Certification))
	add("certification_valid_until", dateText(old.CertificationValidUntil), dateText(next.CertificationValidUntil))
	add("cluster_id", old.ClusterID, next.ClusterID)
	return out
}

func dateText(d Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// rescoreResting re-scores, as of this entry, every resting listing the participant
// holds or owes (docs/scoring.md: eligibility is judged on today's facts), and lets
// the live offers of the books they rest in serve them, as a new offer would. seen
// keeps each listing's terms from one offer's walk to the next (nil: every walk
// scores every listing it reaches).
func (m *Matcher) rescoreResting(pid string, seen *restingTerms) []Match {
	var cores []string
	for _, l := range m.restingOf(pid) {
		t := m.termsOf(m.s.Receivables.get(l.ReceivableID))
		l.Score, l.Band = t.score, t.band
		m.s.Listings.mark(l.ID)
		if !slices.Contains(cores, l.DebtorID) {
			cores = append(cores, l.DebtorID)
		}
	}
	var out []Match
	for _, core := range cores {
		if m.BookMode(core) != BookContinuous {
			continue
		}
		for _, o := range slices.Collect(m.ix.book(core).offers.all()) {
			if o.Available() > 0 && !m.s.Participants.get(o.LenderID).Suspended {
				out = append(out, m.serveResting(o, seen)...)
			}
		}
	}
	return out
}

// restingOf is every resting listing pid holds or owes, oldest first: the book of
// pid (if a core) and the listings of the receivables pid is party to (ix.parties),
// not every listing of the market. Rows are read without marking them.
func (m *Matcher) restingOf(pid string) []*Listing {
	var out []*Listing
	if b := m.ix.books[pid]; b != nil {
		out = slices.AppendSeq(out, b.resting.all()) // each owed by pid
	}
	for _, n := range numbers(m.ix.parties, pid) {
		r := m.s.Receivables.rows[n-1]
		if r.HolderID != pid || r.ListingID == "" {
			continue
		}
		if l := m.s.Listings.rows[idNumber(prefixListing, r.ListingID)-1]; l.Status == ListingResting && l.DebtorID != pid {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b *Listing) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}
