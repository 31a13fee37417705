// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/scfx/scfx/api/wire"
)

// servicing shows what happens after funding (docs/api.md, "Servicing"): the first
// core takes goods back with a credit note, which the dilution rule spreads over its
// invoice's tree; then a core pays one fill early and its lender confirms the
// receipt, less the discount not yet earned.
func (d *demo) servicing(ctx context.Context) error {
	d.say("\n[8] after funding: a credit note and an early repayment")
	inv := d.rcvs[0]
	amount := inv.Amount / 50
	v, err := inv.core.c.SignCreditNote(ctx, inv.ID, amount, "退货：一批零件不合格", inv.core.Key)
	if err != nil {
		return err
	}
	n := v.CreditNotes[len(v.CreditNotes)-1]
	d.say("    %s  %s issues a credit note of ¥%s (EIP-712 CreditNote, an anchored leaf):", inv.ID, inv.core.Name, yuan(amount))
	for _, a := range n.Allocations {
		if a.MatchID == nil {
			d.say("      ¥%s off what %s holds unfinanced", yuan(a.Amount), a.ReceivableID)
		} else {
			d.say("      ¥%s off fill %s of %s: the seller owes it to the lender", yuan(a.Amount), *a.MatchID, a.ReceivableID)
		}
	}
	r, mt := d.firstFunded()
	if mt == nil {
		return fmt.Errorf("no funded match to repay")
	}
	lender := d.lenderByID(mt.LenderID)
	var cur *wire.Match
	if err := d.quietly(func() (err error) { cur, err = lender.c.Match(ctx, mt.ID); return err }); err != nil {
		return err
	}
	pay := cur.Outstanding - earlyRebate(cur.Outstanding, cur.RateBps, r.DueDate)
	if _, err := r.core.c.RecordPayment(ctx, r.ID, wire.PaymentRequest{MatchID: mt.ID, Amount: pay,
		Reference: fmt.Sprintf("REPAY-%s-%s", d.run, mt.ID)}); err != nil {
		return err
	}
	got, err := lender.c.ConfirmRepayment(ctx, mt.ID, wire.RepaymentRequest{Amount: pay, Reference: fmt.Sprintf("RCPT-%s-%s", d.run, mt.ID)})
	if err != nil {
		return err
	}
	*mt = *got
	d.say("    %s  %s pays %s ¥%s of ¥%s before the due date; %s confirms: %s, rebate ¥%s (the discount not yet earned), line released",
		mt.ID, r.core.Name, lender.Name, yuan(pay), yuan(cur.Outstanding), lender.Name, got.Status, yuan(got.Rebate))
	return nil
}

// firstFunded is the first funded fill of the demo's receivables.
func (d *demo) firstFunded() (*rcv, *wire.Match) {
	for _, r := range d.rcvs {
		for _, mt := range r.matches {
			if mt.Status == "funded" {
				return r, mt
			}
		}
	}
	return nil, nil
}

// earlyRebate is docs/api.md's floor(principal × rate_bps × days early / 3,650,000),
// days early counted in UTC calendar days to the due date.
func earlyRebate(principalFen, rateBps int64, due string) int64 {
	d, err := time.Parse(time.DateOnly, due)
	if err != nil {
		return 0
	}
	days := int64(d.Sub(time.Now().UTC().Truncate(24*time.Hour)) / (24 * time.Hour))
	if days <= 0 {
		return 0
	}
	x := new(big.Int).Mul(big.NewInt(principalFen), big.NewInt(rateBps*days))
	return x.Quo(x, big.NewInt(3_650_000)).Int64()
}
