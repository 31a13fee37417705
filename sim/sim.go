// SPDX-License-Identifier: Apache-2.0

// Package sim runs a synthetic supply-chain finance market through the real matcher,
// in process: cores rated AAA..A, three tiers of suppliers in the seed document's
// industrial clusters, invoices confirmed with EIP-712 signatures and split up the
// chain as payment, lenders' lines priced by band or by a curve of the score,
// listings filled by one or several lines, matches, funding and
// settlement at maturity, day by day. It reports what each tier got under each
// clearing mode. It does no I/O: the caller writes the report.
//
// A seed fixes everything: the market is drawn once (market.go), then replayed
// through a fresh matcher per mode, so modes differ only in how claims reach trades.
package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scfx/scfx/matcher"
)

// Clearing is how listed claims become trades.
type Clearing string

// The clearing modes.
const (
	// Continuous: every holder at every tier lists what it kept; the matcher fills
	// each listing at once from the cheapest eligible lines, several if one cannot
	// take it all (docs/matching.md, docs/matching.md §3).
	Continuous Clearing = "continuous"
	// Auction: every core's book is in auction mode; the day's listings rest and are
	// cleared together once a day, after they are listed (matcher.ClearAuction).
	Auction Clearing = "auction"
	// TReDS is the baseline an SME has without scfx: a receivables exchange where only
	// the tier-1 supplier discounts its invoice, to the single best bid; the claims
	// it passed up the chain are not financed.
	TReDS Clearing = "treds"
)

// Modes are the clearing modes, in report order.
var Modes = []Clearing{Continuous, Auction, TReDS}

// ParseClearing reads a --clearing flag: one mode, or "all" (or "") for every mode.
func ParseClearing(s string) ([]Clearing, error) {
	switch c := Clearing(strings.TrimSpace(s)); c {
	case "", "all":
		return slices.Clone(Modes), nil
	case Continuous, Auction, TReDS:
		return []Clearing{c}, nil
	}
	return nil, fmt.Errorf("unknown clearing %q: want continuous, auction, treds or all", s)
}

// Config sizes the market.
type Config struct {
	Seed    uint64
	Cores   int
	SMEs    int
	Lenders int
	Days    int
	// Clearing lists the modes to run on the one generated market; empty: Modes.
	Clearing []Clearing
	// Record, if set, is handed every command the run applies, as a journal would
	// hold it (for benchmarks that replay a market: package audit).
	Record func(e matcher.Entry)
}

// DefaultConfig is `scfx sim` with no flags.
func DefaultConfig() Config {
	return Config{Seed: 1, Cores: 10, SMEs: 2000, Lenders: 8, Days: 90}
}

// Limits: the run is in memory and signs every confirmation and transfer.
const (
	maxCores   = 100
	maxSMEs    = 50_000
	maxLenders = 50
	maxDays    = 365
	minDays    = tailDays + 1
)

func (c Config) check() error {
	switch {
	case c.Cores < 1 || c.Cores > maxCores:
		return fmt.Errorf("cores must be 1 to %d", maxCores)
	case c.SMEs < 3*c.Cores || c.SMEs > maxSMEs:
		return fmt.Errorf("smes must be %d (3 per core) to %d", 3*c.Cores, maxSMEs)
	case c.Lenders < 1 || c.Lenders > maxLenders:
		return fmt.Errorf("lenders must be 1 to %d", maxLenders)
	case c.Days < minDays || c.Days > maxDays:
		return fmt.Errorf("days must be %d to %d", minDays, maxDays)
	}
	for _, m := range c.Clearing {
		if !slices.Contains(Modes, m) {
			return fmt.Errorf("unknown clearing %q", m)
		}
	}
	return nil
}

// Run generates the market of cfg and runs it under each clearing mode.
func Run(cfg Config) (*Report, error) {
	if len(cfg.Clearing) == 0 {
		cfg.Clearing = slices.Clone(Modes)
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	mk := generate(cfg)
	sg, err := newSigner(cfg.Seed, len(mk.cores)+len(mk.smes))
	if err != nil {
		return nil, err
	}
	rep := newReport(cfg, mk)
	for _, mode := range cfg.Clearing {
		r, err := runMode(cfg, mk, sg, mode)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", mode, err)
		}
		if err := r.m.CheckInvariants(); err != nil {
			return nil, fmt.Errorf("%s: matcher invariants after the run: %w", mode, err)
		}
		mr, err := r.report()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", mode, err)
		}
		rep.Modes = append(rep.Modes, mr)
	}
	return rep, nil
}
