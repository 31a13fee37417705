// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/json"
	"fmt"
	"strings"
)

// snapshotVersion changes whenever the encoding of state does.
const snapshotVersion = 1

type snapshot struct {
	Version    int    `json:"version"`
	AppliedSeq uint64 `json:"applied_seq"`
	NowMs      int64  `json:"now_ms"`
	State      *state `json:"state"`
}

// Snapshot encodes the whole state with the sequence and time it was taken at.
func (m *Matcher) Snapshot() ([]byte, error) {
	return json.Marshal(snapshot{Version: snapshotVersion, AppliedSeq: m.appliedSeq, NowMs: m.nowMs, State: &m.s})
}

// Restore builds a matcher from a snapshot and rebuilds its indexes.
func Restore(cfg Config, b []byte) (*Matcher, error) {
	var sn snapshot
	if err := json.Unmarshal(b, &sn); err != nil {
		return nil, fmt.Errorf("restore snapshot: %w", err)
	}
	if sn.Version != snapshotVersion || sn.State == nil {
		return nil, fmt.Errorf("restore snapshot: version %d, want %d", sn.Version, snapshotVersion)
	}
	m := New(cfg)
	m.s = *sn.State
	// Empty maps encode as {} and decode non-nil; null means a damaged snapshot.
	m.s.Clusters.prefix, m.s.Participants.prefix, m.s.Receivables.prefix = prefixCluster, prefixParticipant, prefixReceivable
	m.s.Listings.prefix, m.s.Offers.prefix, m.s.Matches.prefix = prefixListing, prefixOffer, prefixMatch
	c := m.s.Counters
	if m.s.Fingerprints == nil || m.s.USCCs == nil || m.s.Salts == nil || m.s.Idem == nil ||
		uint64(m.s.Clusters.len()) != c.Cluster || uint64(m.s.Participants.len()) != c.Participant ||
		uint64(m.s.Receivables.len()) != c.Receivable || uint64(m.s.Listings.len()) != c.Listing ||
		uint64(m.s.Offers.len()) != c.Offer || uint64(m.s.Matches.len()) != c.Match {
		return nil, fmt.Errorf("restore snapshot: missing tables")
	}
	m.appliedSeq, m.nowMs = sn.AppliedSeq, sn.NowMs
	m.upgradeLegacy()
	m.rebuild()
	return m, nil
}

// upgradeLegacy moves what older snapshots kept in other shapes into today's: the
// one token of a participant into its Tokens, the one queue of idempotency keys into
// per-caller queues. Replaying the same journal with this code builds the same state.
func (m *Matcher) upgradeLegacy() {
	for _, id := range m.s.Participants.ids() {
		p := m.s.Participants.get(id)
		if p.LegacyTokenHash != "" {
			p.Tokens = []Token{{ID: tokenID(1), Hash: p.LegacyTokenHash, CreatedMs: p.CreatedMs}}
			p.TokenSeq, p.LegacyTokenHash = 1, ""
		}
	}
	if m.s.BookModes == nil {
		m.s.BookModes = map[string]string{}
	}
	if m.s.IdemByCaller == nil {
		m.s.IdemByCaller = map[string][]string{}
	}
	for _, key := range m.s.LegacyIdemOrder {
		if _, ok := m.s.Idem[key]; ok {
			caller, _, _ := strings.Cut(key, "\x00")
			m.s.IdemByCaller[caller] = append(m.s.IdemByCaller[caller], key)
		}
	}
	m.s.LegacyIdemOrder = nil
	// Before partial fills a listing had one match, for its whole amount.
	for _, l := range m.s.Listings.rows {
		if l.MatchID != "" && len(l.MatchIDs) == 0 {
			l.MatchIDs, l.FilledFen = []string{l.MatchID}, l.AmountFen
		}
	}
	for _, r := range m.s.Receivables.rows {
		if r.MatchID != "" && len(r.MatchIDs) == 0 {
			r.MatchIDs = []string{r.MatchID}
		}
	}
}

func (m *Matcher) rebuild() {
	m.ix = newIndexes()
	for i, b := range m.s.Batches {
		if b.Head != nil {
			m.ix.addHead(m.s.Batches, i)
		}
	}
	for _, id := range m.s.Participants.ids() {
		m.ix.addParticipant(m.s.Participants.get(id))
	}
	for _, id := range m.s.Receivables.ids() {
		r := m.s.Receivables.get(id)
		m.ix.addReceivable(r)
		for _, l := range r.Lenders {
			m.ix.addParty(l, r)
		}
		if r.Tier == 1 && needsMaturity(r) {
			m.ix.addDue(r)
		}
	}
	for _, id := range m.s.Offers.ids() {
		o := m.s.Offers.get(id)
		m.ix.addOffer(o)
		if o.Status == OfferLive {
			m.ix.book(o.CoreID).addOffer(o)
		}
	}
	for _, id := range m.s.Listings.ids() {
		if l := m.s.Listings.get(id); l.Status == ListingResting {
			m.ix.book(l.DebtorID).addListing(l)
		}
	}
	for _, id := range m.s.Matches.ids() {
		m.ix.addMatch(m.s.Matches.get(id))
	}
}
