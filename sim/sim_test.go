// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/scfx/scfx/matcher"
)

// small is a market that runs in well under a second: 4 cores, 120 SMEs, 40 days
// (a top-up day included).
func small(seed uint64) Config {
	return Config{Seed: seed, Cores: 4, SMEs: 120, Lenders: 5, Days: 40}
}

func runJSON(t *testing.T, cfg Config) []byte {
	t.Helper()
	rep, err := Run(cfg)
	if err != nil {
		t.Fatalf("Run(%+v) = %v", cfg, err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A seed is the whole run, in every mode: the same seed gives the same bytes, another
// seed another market.
func TestSimRunIsDeterministicPerSeed(t *testing.T) {
	a, b := runJSON(t, small(7)), runJSON(t, small(7))
	if !bytes.Equal(a, b) {
		t.Fatalf("two runs of seed 7 differ:\n%s\n%s", a, b)
	}
	if c := runJSON(t, small(8)); bytes.Equal(a, c) {
		t.Fatal("seeds 7 and 8 gave the same report")
	}
}

func TestSimTableAndSVGAreDeterministic(t *testing.T) {
	render := func() (string, string) {
		rep, err := Run(small(3))
		if err != nil {
			t.Fatal(err)
		}
		var tab, svg bytes.Buffer
		if err := WriteTable(&tab, rep); err != nil {
			t.Fatal(err)
		}
		if err := WriteSVG(&svg, rep); err != nil {
			t.Fatal(err)
		}
		return tab.String(), svg.String()
	}
	tab1, svg1 := render()
	tab2, svg2 := render()
	if tab1 != tab2 || svg1 != svg2 {
		t.Fatal("the same seed rendered different bytes")
	}
	for _, want := range []string{"continuous", "auction", "treds", "rate bps", "t3-t1 bps", "of held", "gap to the LP bound"} {
		if !strings.Contains(tab1, want) {
			t.Errorf("table lacks %q:\n%s", want, tab1)
		}
	}
	dec := xml.NewDecoder(strings.NewReader(svg1))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
	}
}

// After a run the matcher's own invariants hold (docs/matching.md §5), every funded match is
// one the simulation recorded, and no claim is financed beyond what it listed.
func TestSimRunKeepsInvariantsAndMoney(t *testing.T) {
	cfg := small(11)
	mk := generate(cfg)
	sg, err := newSigner(cfg.Seed, len(mk.cores)+len(mk.smes))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range Modes {
		r, err := runMode(cfg, mk, sg, mode)
		if err != nil {
			t.Fatalf("runMode(%s) = %v", mode, err)
		}
		if err := r.m.CheckInvariants(); err != nil {
			t.Fatalf("%s: CheckInvariants() = %v", mode, err)
		}
		mr, err := r.report()
		if err != nil {
			t.Fatalf("%s: report() = %v", mode, err)
		}
		var funded, count int64
		for cursor := uint64(0); ; {
			p := r.m.Matches(matcher.ActorOperator, cursor, 100)
			for _, mt := range p.Items {
				if mt.Status == matcher.MatchFunded || mt.Status == matcher.MatchSettled || mt.Status == matcher.MatchOverdue {
					funded += mt.AmountFen
					count++
				}
			}
			if p.Next == "" {
				break
			}
			cursor, _ = matcher.ParseCursor(p.Next)
		}
		if funded != mr.All.FinancedFen || count != int64(mr.Trades) {
			t.Errorf("%s: matcher funded %d fen in %d matches, report says %d in %d", mode, funded, count, mr.All.FinancedFen, mr.Trades)
		}
		for _, tr := range append(mr.Tiers, mr.All) {
			if tr.FinancedFen > tr.ListedFen || tr.ListedFen > tr.HeldFen {
				t.Errorf("%s tier %d: financed %d, listed %d, held %d: want financed <= listed <= held",
					mode, tr.Tier, tr.FinancedFen, tr.ListedFen, tr.HeldFen)
			}
		}
		if mr.All.FinancedFen == 0 {
			t.Errorf("%s: nothing financed; the lines should be ample", mode)
		}
	}
}

// The modes run the same market: the same receivables and holdings per tier. treds
// finances tier 1 only; continuous reaches tier 3.
func TestSimModesShareTheMarket(t *testing.T) {
	rep, err := Run(small(5))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Modes) != 3 || rep.Modes[0].Clearing != Continuous || rep.Modes[1].Clearing != Auction || rep.Modes[2].Clearing != TReDS {
		t.Fatalf("modes = %+v, want continuous, auction, treds", rep.Modes)
	}
	cont, auc, treds := rep.Modes[0], rep.Modes[1], rep.Modes[2]
	for i := range simTiers {
		c, a, d := cont.Tiers[i], auc.Tiers[i], treds.Tiers[i]
		if c.Receivables != d.Receivables || c.HeldFen != d.HeldFen || a.Receivables != d.Receivables || a.HeldFen != d.HeldFen {
			t.Errorf("tier %d: continuous has %d receivables holding %d, auction %d holding %d, treds %d holding %d",
				i+1, c.Receivables, c.HeldFen, a.Receivables, a.HeldFen, d.Receivables, d.HeldFen)
		}
		if c.ListedFen != a.ListedFen {
			t.Errorf("tier %d: continuous listed %d, auction %d: want the same listings", i+1, c.ListedFen, a.ListedFen)
		}
		if i > 0 && (d.ListedFen != 0 || d.FinancedFen != 0 || d.RateBps != nil) {
			t.Errorf("treds tier %d: listed %d, financed %d: want nothing beyond tier 1", i+1, d.ListedFen, d.FinancedFen)
		}
	}
	if cont.Tiers[2].FinancedFen == 0 || cont.Tiers[2].RateBps == nil {
		t.Error("continuous financed nothing at tier 3")
	}
	if treds.Tier3MinusTier1Bps != nil {
		t.Errorf("treds tier3-tier1 = %d, want n/a", *treds.Tier3MinusTier1Bps)
	}
	if cont.Auction != nil || treds.Auction != nil || auc.Auction == nil {
		t.Errorf("auction summaries: continuous %v, auction %v, treds %v; want the auction's only", cont.Auction, auc.Auction, treds.Auction)
	}
}

// A mode run alone reports what it reports beside the others: modes share the market
// and nothing else.
func TestSimModeAloneMatchesModeInAll(t *testing.T) {
	all, err := Run(small(9))
	if err != nil {
		t.Fatal(err)
	}
	for i, mode := range Modes {
		cfg := small(9)
		cfg.Clearing = []Clearing{mode}
		one, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(all.Modes[i])
		b, _ := json.Marshal(one.Modes[0])
		if !bytes.Equal(a, b) {
			t.Errorf("%s alone:\n%s\nbeside the others:\n%s", mode, b, a)
		}
	}
}

// Auction mode clears the day's listings in batch auctions (docs/matching.md §5):
// they make fills, every fill is funded (report() checks the auctions add up to the
// trades), and the run's gap to the LP bound is small.
func TestSimAuctionClears(t *testing.T) {
	cfg := small(3)
	cfg.Clearing = []Clearing{Auction}
	rep, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := rep.Modes[0].Auction
	if a == nil || a.Clearings == 0 || a.Fills == 0 || a.VolumeFen == 0 {
		t.Fatalf("auction summary = %+v, want clearings that made fills", a)
	}
	if a.GapPpm > maxTestGapPpm {
		t.Errorf("auction gap = %d ppm, want <= %d", a.GapPpm, maxTestGapPpm)
	}
	if a.Exact == 0 || a.Exact > a.Clearings {
		t.Errorf("%d of %d clearings exact", a.Exact, a.Clearings)
	}
}

// maxTestGapPpm is 0.5% of the bound.
const maxTestGapPpm = 5000

// Continuous listings take a minimum fill, so a claim larger than the cheapest line's
// room is shared by several lines (docs/matching.md §3); treds takes one bid.
func TestSimContinuousSplitsListings(t *testing.T) {
	cfg := small(11)
	mk := generate(cfg)
	sg, err := newSigner(cfg.Seed, len(mk.cores)+len(mk.smes))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Clearing{Continuous, TReDS} {
		r, err := runMode(cfg, mk, sg, mode)
		if err != nil {
			t.Fatalf("runMode(%s) = %v", mode, err)
		}
		most := 0
		for c, id := range r.claimIDs {
			if r.listedFen[c] == 0 {
				continue
			}
			rcv, rerr := r.m.Receivable(matcher.ActorOperator, id)
			if rerr != nil {
				t.Fatal(rerr)
			}
			most = max(most, len(rcv.MatchIDs))
		}
		if mode == Continuous && most < 2 {
			t.Errorf("continuous: no listing was filled by 2 or more lines")
		}
		if mode == TReDS && most != 1 {
			t.Errorf("treds: a listing had %d fills, want 1", most)
		}
	}
}

func TestSimSmallRunIsFast(t *testing.T) {
	start := time.Now()
	runJSON(t, small(1))
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("a small run took %v, want well under 10s", d)
	}
}

func TestSimParseClearing(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []Clearing
		wantErr error
	}{
		{"", Modes, nil},
		{"all", Modes, nil},
		{"continuous", []Clearing{Continuous}, nil},
		{"treds", []Clearing{TReDS}, nil},
		{"auction", []Clearing{Auction}, nil},
		{"dutch", nil, nil},
	} {
		got, err := ParseClearing(tc.in)
		switch {
		case tc.in == "dutch":
			if err == nil {
				t.Errorf("ParseClearing(%q) = %v, want an error", tc.in, got)
			}
		case !errors.Is(err, tc.wantErr):
			t.Errorf("ParseClearing(%q) error = %v, want %v", tc.in, err, tc.wantErr)
		case strings.Join(modeNames(got), ",") != strings.Join(modeNames(tc.want), ","):
			t.Errorf("ParseClearing(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func modeNames(ms []Clearing) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

func TestSimConfigLimits(t *testing.T) {
	for _, mut := range []func(*Config){
		func(c *Config) { c.Cores = 0 },
		func(c *Config) { c.SMEs = 2 },
		func(c *Config) { c.Lenders = 0 },
		func(c *Config) { c.Days = 2 },
		func(c *Config) { c.Days = maxDays + 1 },
		func(c *Config) { c.Clearing = []Clearing{"dutch"} },
	} {
		cfg := small(1)
		mut(&cfg)
		if _, err := Run(cfg); err == nil {
			t.Errorf("Run(%+v) succeeded, want a refusal", cfg)
		}
	}
}

// The generated market follows its own rules: tiers in order, each supplier one
// tier below its customer on the same core, payments smaller than the claim.
func TestSimGeneratedMarketIsASupplyChain(t *testing.T) {
	mk := generate(small(2))
	for i, s := range mk.smes {
		if s.tier > 1 {
			c := mk.smes[s.customer]
			if c.tier != s.tier-1 || c.core != s.core {
				t.Fatalf("sme %d (tier %d, core %d) supplies sme %d (tier %d, core %d)", i, s.tier, s.core, s.customer, c.tier, c.core)
			}
		}
	}
	for i, c := range mk.claims {
		var paid int64
		for _, ch := range c.children {
			paid += mk.claims[ch].amountFen
			if mk.claims[ch].tier != c.tier+1 {
				t.Fatalf("claim %d at tier %d has a child at tier %d", i, c.tier, mk.claims[ch].tier)
			}
		}
		if c.heldFen <= 0 || c.heldFen+paid != c.amountFen {
			t.Fatalf("claim %d: %d fen, paid on %d, kept %d", i, c.amountFen, paid, c.heldFen)
		}
	}
}
