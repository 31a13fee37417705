// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"fmt"
	"sync"
	"testing"

	"github.com/scfx/scfx/merkle"
)

// The node serves every read under its read lock, many at once (node.View): a read
// that writes — a map insert, a lazily built index, a cache — is a data race that Go
// may end with a fatal "concurrent map writes" no recoverer catches, killing the
// replica. GET /v1/books/{core} used to create the book of a core that had
// none. These tests run every read the API, the anchorer and the metrics make.

// readAll calls every exported read of the matcher once with ids that exist, ids
// that do not, and cores whose book was never used.
func readAll(m *Matcher, ids readIDs) {
	actors := []string{ActorOperator, ids.sme, ids.core, ids.lender, ids.bookless, "par_999", ""}
	for _, a := range actors {
		m.Participant(a, a)
		m.Participants(a, 0, 10)
		m.Receivables(a, "", 0, 10)
		m.Receivables(a, StatusConfirmed, 0, 10)
		m.Offers(a, 0, 10)
		m.Matches(a, 0, 10)
		m.Book(a, 10)
		for _, id := range []string{ids.rcv, "rcv_999", "rcv_01"} {
			if r, err := m.Receivable(a, id); err == nil {
				m.Anchors(r)
				m.ConfirmationOf(r)
			}
			m.Proof(id, merkle.KindConfirmation)
			m.Proof(id, merkle.KindTransfer)
		}
		m.Listing(a, "lst_1")
		m.Offer(a, "off_1")
		m.Match(a, "mch_1")
	}
	m.Cluster("cls_1")
	m.Cluster("cls_999")
	m.Clusters(0, 10)
	m.Stats()
	m.Ledger()
	m.PendingCounts()
	m.PendingCut()
	m.PendingLeaves(10)
	m.PendingRegistrations(10)
	m.ParticipantByToken("00")
	m.StateHash()
}

type readIDs struct{ sme, core, lender, bookless, rcv string }

// indexShape is what a read must leave exactly as it found it.
func indexShape(m *Matcher) string {
	return fmt.Sprint(len(m.ix.byToken), len(m.ix.byAddress), len(m.ix.parties), len(m.ix.matches),
		len(m.ix.offers), len(m.ix.books), m.ix.due.len(), m.StateHash())
}

func readWorld(t *testing.T) (*world, readIDs) {
	w := newWorld(t)
	ids := readIDs{sme: w.sme("", ""), core: w.core("AAA"), lender: w.lender(), bookless: w.core("AA")}
	ids.rcv = w.financeable(ids.sme, ids.core, 500_000, 90)
	w.offer(ids.lender, ids.core, 1_000_000, 300, 400, 500)
	return w, ids
}

func TestReadsNeverWrite(t *testing.T) {
	w, ids := readWorld(t)
	before := indexShape(w.m)
	readAll(w.m, ids)
	if after := indexShape(w.m); after != before {
		t.Fatalf("reads changed the indexes or state: %s, want %s", after, before)
	}
}

// Run with -race (make check does): concurrent readers of book-less cores and of
// everything else must not race with one another.
func TestConcurrentReads(t *testing.T) {
	w, ids := readWorld(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				readAll(w.m, ids)
			}
		}()
	}
	wg.Wait()
}
