// SPDX-License-Identifier: Apache-2.0

package api

import (
	"sync"
	"time"

	"github.com/scfx/scfx/matcher"
)

// The matcher's clock is the journal's: each entry is stamped when it is appended
// (journal.FileOptions.Now, Redis's stream ids in distributed mode), and the matcher's
// today is the last entry's date. A test moves time by giving the env's file journal
// a clock of its own; nothing a client sends moves it, and scfx serve has no such
// setting.

// testClock is a clock a test moves forward (never back: the journal's times never
// decrease). It starts at the machine's time.
type testClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

// advanceDays moves the clock forward by d days.
func (c *testClock) advanceDays(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += time.Duration(d) * 24 * time.Hour
}

// withClock stamps the env's journal entries from e.Clock.
func withClock() envOption { return func(c *envConfig) { c.clock = &testClock{} } }

// tick appends a tick, as the node's periodic clock does: the matcher's today moves
// to the clock's, and every claim past its due date and the grace period goes overdue.
func (e *testEnv) tick() {
	e.t.Helper()
	if res := e.system(matcher.Command{Payload: &matcher.Tick{}}); res.Err != nil {
		e.t.Fatalf("tick: %v", res.Err)
	}
}

// today is the matcher's date: the last entry's.
func (e *testEnv) today() matcher.Date {
	var d matcher.Date
	e.view(func(m *matcher.Matcher) { d = m.Today() })
	return d
}
