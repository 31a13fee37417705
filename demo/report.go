// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"context"
	"fmt"
	"math/big"
	"strconv"

	"github.com/scfx/scfx/api/wire"
)

type tier struct {
	receivables, listings, matched, funded int
	heldFen, listedFen, financedFen        int64
	rateWeighted                           big.Int // Σ amount × rate_bps of funded matches
}

func (d *demo) report(ctx context.Context) error {
	var tiers [3]tier
	for _, r := range d.rcvs {
		if r.Tier < 1 || r.Tier > len(tiers) {
			return fmt.Errorf("receivable %s is at tier %d; the demo builds tiers 1 to 3", r.ID, r.Tier)
		}
		t := &tiers[r.Tier-1]
		t.receivables++
		t.heldFen += r.heldFen
		if r.listing != "" {
			t.listings++
			t.listedFen += r.listedFen
		}
		t.matched += len(r.matches)
		for _, mt := range r.matches {
			var m *wire.Match // as it ended: settled once funded
			if err := d.quietly(func() (err error) { m, err = d.admin.c.Match(ctx, mt.ID); return err }); err != nil {
				return err
			}
			if m.Status == "funded" || m.Status == "settled" || m.Status == "repaid" {
				t.funded++
				t.financedFen += m.Amount
				t.rateWeighted.Add(&t.rateWeighted, new(big.Int).Mul(big.NewInt(m.Amount), big.NewInt(m.RateBps)))
			}
		}
	}
	d.say("\nPer tier: what the suppliers held, listed and got financed (yuan; rates amount-weighted, bps a year)")
	d.say("%-5s %11s %16s %16s %16s %7s %8s %8s %7s %6s", "tier", "receivables", "held", "listed", "financed", "share", "avg_bps", "listings", "matched", "funded")
	var all tier
	for i, t := range tiers {
		d.say("%-5d %s", i+1, t.row())
		all.receivables, all.listings, all.matched, all.funded = all.receivables+t.receivables, all.listings+t.listings, all.matched+t.matched, all.funded+t.funded
		all.heldFen, all.listedFen, all.financedFen = all.heldFen+t.heldFen, all.listedFen+t.listedFen, all.financedFen+t.financedFen
		all.rateWeighted.Add(&all.rateWeighted, &t.rateWeighted)
	}
	d.say("%-5s %s", "all", all.row())
	d.say("share = financed / held at that tier; matched and funded count fills. Proofs checked: %d.", d.proofs)
	return nil
}

func (t *tier) row() string {
	return fmt.Sprintf("%11d %16s %16s %16s %7s %8s %8d %7d %6d", t.receivables, yuan(t.heldFen), yuan(t.listedFen),
		yuan(t.financedFen), permille(t.financedFen, t.heldFen), t.avgBps(), t.listings, t.matched, t.funded)
}

// avgBps is Σ amount × rate / Σ amount to one decimal, "-" with nothing financed.
func (t *tier) avgBps() string {
	if t.financedFen == 0 {
		return "-"
	}
	tenths := new(big.Int).Mul(&t.rateWeighted, big.NewInt(10))
	tenths.Add(tenths, big.NewInt(t.financedFen/2)) // to the nearest tenth
	tenths.Quo(tenths, big.NewInt(t.financedFen))
	return fmt.Sprintf("%d.%d", tenths.Int64()/10, tenths.Int64()%10)
}

// permille is part/whole as a percentage to the nearest tenth; never 0.0% for a
// nonzero part, never 100.0% for less than the whole.
func permille(part, whole int64) string {
	if whole == 0 {
		return "-"
	}
	p := new(big.Int).Mul(big.NewInt(part), big.NewInt(1000))
	p.Add(p, big.NewInt(whole/2)).Quo(p, big.NewInt(whole))
	switch {
	case p.Sign() == 0 && part > 0:
		p.SetInt64(1)
	case p.Int64() == 1000 && part < whole:
		p.SetInt64(999)
	}
	return fmt.Sprintf("%d.%d%%", p.Int64()/10, p.Int64()%10)
}

// yuan prints fen as yuan with two decimals and thousands separators: 860000000 → 8,600,000.00.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("%s%s.%02d", sign, s, fen%100)
}
