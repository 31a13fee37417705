package matcher

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
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
	if m.s.Clusters == nil || m.s.Participants == nil || m.s.Receivables == nil || m.s.Listings == nil ||
		m.s.Offers == nil || m.s.Matches == nil || m.s.Fingerprints == nil || m.s.USCCs == nil ||
		m.s.Salts == nil || m.s.Idem == nil {
		return nil, fmt.Errorf("restore snapshot: missing tables")
	}
	m.appliedSeq, m.nowMs = sn.AppliedSeq, sn.NowMs
	m.rebuild()
	return m, nil
}

// StateHash is SHA-256 over the canonical encoding of the state (JSON with sorted
// map keys and ordered slices). The applied sequence and the clock are left out: a
// rejected command changes neither the state nor its hash.
func (m *Matcher) StateHash() [32]byte {
	b, err := json.Marshal(&m.s)
	if err != nil {
		panic("matcher: state does not encode: " + err.Error())
	}
	return sha256.Sum256(b)
}

// sortedIDs lists a table's ids by their counter, the order they were created in.
func sortedIDs[T any](prefix string, table map[string]*T) []string {
	ids := make([]string, 0, len(table))
	for id := range table {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		na, nb := idNumber(prefix, a), idNumber(prefix, b)
		switch {
		case na < nb:
			return -1
		case na > nb:
			return 1
		}
		return 0
	})
	return ids
}

func (m *Matcher) rebuild() {
	m.ix = newIndexes()
	for _, id := range sortedIDs(prefixParticipant, m.s.Participants) {
		m.ix.addParticipant(m.s.Participants[id])
	}
	for _, id := range sortedIDs(prefixReceivable, m.s.Receivables) {
		r := m.s.Receivables[id]
		m.ix.addReceivable(r)
		for _, l := range r.Lenders {
			m.ix.addParty(l, r)
		}
		if r.Tier == 1 && needsMaturity(r) {
			m.ix.addDue(r)
		}
	}
	for _, id := range sortedIDs(prefixOffer, m.s.Offers) {
		o := m.s.Offers[id]
		m.ix.addOffer(o)
		if o.Status == OfferLive {
			m.ix.book(o.CoreID).addOffer(o)
		}
	}
	for _, id := range sortedIDs(prefixListing, m.s.Listings) {
		if l := m.s.Listings[id]; l.Status == ListingResting {
			m.ix.book(l.DebtorID).addListing(l)
		}
	}
	for _, id := range sortedIDs(prefixMatch, m.s.Matches) {
		m.ix.addMatch(m.s.Matches[id])
	}
}
