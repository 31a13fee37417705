// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/merkle"
)

func (d *demo) postOffers(ctx context.Context) error {
	d.say("\n[4] banks post credit lines on the cores, priced by score band")
	for _, o := range offers {
		in := wire.PostOfferRequest{CoreID: d.cores[o.chain].ID, LineAmount: o.lineFen, MaxTenorDays: tenorMaxDays,
			RatesBps: &wire.Rates{A: o.a, B: o.b, C: o.c}}
		filter := "anyone"
		if o.ownCluster {
			c := chains[o.chain].smes[0].cluster
			in.ClusterIDs = []string{d.cluster[c]}
			filter = "members of " + clusters[c].name
		}
		if o.minCert != "" {
			in.MinCertification = o.minCert
			filter = "certified " + o.minCert + " or better"
		}
		v, err := d.lenders[o.lender].c.PostOffer(ctx, in)
		if err != nil {
			return err
		}
		d.offerIDs = append(d.offerIDs, v.ID)
		d.say("    %s  %s on %s: line ¥%s, A %d / B %d / C %d bps, for %s", v.ID, d.lenders[o.lender].Name,
			d.cores[o.chain].Name, yuan(o.lineFen), o.a, o.b, o.c, filter)
	}
	return nil
}

func (d *demo) listings(ctx context.Context) error {
	d.say("\n[5] every holder lists what it holds; the matcher takes the cheapest eligible quotes")
	for _, r := range d.rcvs {
		cur, err := r.holder.c.Receivable(ctx, r.ID)
		if err != nil {
			return err
		}
		r.heldFen = cur.Remaining
		spec := chains[slices.Index(d.cores, r.core)]
		in := wire.ListRequest{MaxRateBps: listMaxBps}
		if r.Tier == 2 {
			in.MaxRateBps = spec.tier2MaxBps
		}
		minFill := ""
		if r.Tier == 1 && spec.tier1MinFillFen > 0 {
			in.MinFillFen = spec.tier1MinFillFen
			minFill = fmt.Sprintf(", fills of at least ¥%s", yuan(spec.tier1MinFillFen))
		}
		v, err := r.holder.c.List(ctx, r.ID, in)
		if err != nil {
			return err
		}
		r.listing, r.listedFen = v.Listing.ID, v.Listing.Amount
		for i := range v.Matches {
			r.matches = append(r.matches, &v.Matches[i])
		}
		if len(v.Matches) == 0 {
			d.say("    %s  tier %d ¥%s at most %d bps%s: %s (nobody quotes band %s that low)", r.ID, r.Tier, yuan(v.Listing.Amount), in.MaxRateBps, minFill, v.Listing.Status, cur.ScoreBand)
			continue
		}
		d.say("    %s  tier %d ¥%s at most %d bps%s:", r.ID, r.Tier, yuan(v.Listing.Amount), in.MaxRateBps, minFill)
		for _, mt := range v.Matches {
			d.say("      matched %s: ¥%s from %s at %d bps for %d days, advance ¥%s",
				mt.ID, yuan(mt.Amount), d.lenderByID(mt.LenderID).Name, mt.RateBps, mt.Days, yuan(mt.Advance))
		}
		if len(v.Matches) > 1 {
			d.say("      filled by %d lenders", len(v.Matches))
		}
	}
	return d.showBooks(ctx)
}

// showBooks prints each core's anonymised book as a lender sees it.
func (d *demo) showBooks(ctx context.Context) error {
	for _, core := range d.cores {
		b, err := d.lenders[0].c.Book(ctx, core.ID, 0)
		if err != nil {
			return err
		}
		var quotes []string
		for _, q := range b.Quotes {
			if q.BestRateBps > 0 {
				quotes = append(quotes, fmt.Sprintf("%s %d", q.Band, q.BestRateBps))
			}
		}
		d.say("    book of %s: %d resting listing(s); best quotes %s bps", core.Name, len(b.Listings), strings.Join(quotes, " / "))
		for _, l := range b.Listings {
			d.say("      resting: tier %d, band %s, ¥%s, %d days", l.Tier, l.Band, yuan(l.AmountFen), l.TenorDays)
		}
	}
	return nil
}

func (d *demo) fund(ctx context.Context) error {
	d.say("\n[6] lenders pay out their matches; each claim is assigned to its lender on the ledger")
	for _, r := range d.rcvs {
		for _, mt := range r.matches {
			lender := d.lenderByID(mt.LenderID)
			v, err := lender.c.Fund(ctx, mt.ID, wire.ReferenceRequest{Reference: fmt.Sprintf("PAYOUT-%s-%s", d.run, mt.ID)})
			if err != nil {
				return err
			}
			*mt = *v
			d.say("    %s  %s paid ¥%s to %s", mt.ID, lender.Name, yuan(mt.Advance), r.holder.Name)
		}
	}
	return nil
}

func (d *demo) checkProofs(ctx context.Context) error {
	d.say("\n[7] anyone party to a receivable checks its proofs: confirmation, transfers, assignments")
	for _, r := range d.rcvs {
		kind := "confirmation"
		if r.Tier > 1 {
			kind = "transfer"
		}
		if err := d.checkProof(ctx, r, r.holder, kind); err != nil {
			return err
		}
		// The proof is of the latest assignment, the last fill's.
		if n := len(r.matches); n > 0 {
			if err := d.checkProof(ctx, r, d.lenderByID(r.matches[n-1].LenderID), "assignment"); err != nil {
				return err
			}
		}
	}
	where := "with the Merkle path (no chain RPC to ask)"
	if d.rpc != "" {
		where = "against the registry on chain at " + d.rpc
	}
	d.say("    %d proofs hold, checked %s", d.proofs, where)
	return nil
}

// checkProof waits until the leaf is anchored (409 before), then checks the path and,
// with a chain RPC, the registry's anchoredAt and verify and the anchoring transaction.
func (d *demo) checkProof(ctx context.Context, r *rcv, p *party, kind string) error {
	var proof *wire.Proof
	err := d.poll(ctx, func() (bool, error) {
		var err error
		proof, err = p.c.Proof(ctx, r.ID, kind)
		var pr *client.Problem
		if errors.As(err, &pr) && pr.Status == http.StatusConflict {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return err
	}
	what := fmt.Sprintf("proof of %s's %s", r.ID, kind)
	if !merkle.Verify(proof.Root, proof.Leaf, proof.Proof) {
		return fmt.Errorf("%s: the path does not lead from leaf %s to root %s", what, proof.Leaf.Hex(), proof.Root.Hex())
	}
	if kind == "confirmation" {
		if err := d.recomputeConfirmationLeaf(ctx, r, proof.Leaf); err != nil {
			return err
		}
	}
	if d.rpc != "" {
		lp := ledger.ProofJSON{Kind: proof.Kind, Leaf: proof.Leaf, Root: proof.Root, Proof: proof.Proof, TxHash: proof.TxHash,
			BlockNumber: proof.BlockNumber, RegistryAddress: common.HexToAddress(proof.RegistryAddress), ChainID: proof.ChainID,
			LeafData: proof.LeafData}
		if err := ledger.VerifyProof(ctx, d.rpc, lp); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	d.proofs++
	d.say("    %s %-12s leaf %s… in root %s…, block %d", r.ID, kind, proof.Leaf.Hex()[:12], proof.Root.Hex()[:12], proof.BlockNumber)
	return nil
}

// recomputeConfirmationLeaf checks the leaf is the one the receivable's signed
// confirmation makes, as an auditor holding the data would.
func (d *demo) recomputeConfirmationLeaf(ctx context.Context, r *rcv, leaf common.Hash) error {
	var cur *wire.Receivable
	if err := d.quietly(func() (err error) { cur, err = r.holder.c.Receivable(ctx, r.ID); return err }); err != nil {
		return err
	}
	if cur.Confirmation == nil {
		return fmt.Errorf("receivable %s has a confirmation proof but no confirmation", r.ID)
	}
	sig, err := hexutil.Decode(cur.Confirmation.Signature)
	if err != nil {
		return fmt.Errorf("receivable %s: signature: %w", r.ID, err)
	}
	if want := merkle.ConfirmationLeaf(r.ID, common.HexToHash(cur.Confirmation.Digest), sig); want != leaf {
		return fmt.Errorf("receivable %s: proof leaf %s, the confirmation makes %s", r.ID, leaf.Hex(), want.Hex())
	}
	return nil
}

func (d *demo) settle(ctx context.Context) error {
	d.say("\n[9] the resting listing is withdrawn; the cores pay (early: settlement is allowed any time) and everything settles")
	for _, r := range d.rcvs {
		if r.listing != "" && len(r.matches) == 0 {
			if _, err := r.holder.c.CancelListing(ctx, r.listing); err != nil {
				return err
			}
			d.say("    %s  listing %s cancelled by %s", r.ID, r.listing, r.holder.Name)
		}
	}
	for i, core := range d.cores {
		r := d.rcvs[i]
		v, err := core.c.Settle(ctx, r.ID, wire.ReferenceRequest{Reference: fmt.Sprintf("PAY-%s-%d", d.run, i+1)})
		if err != nil {
			return err
		}
		d.say("    %s  %s paid ¥%s: %s", r.ID, core.Name, yuan(r.Amount), v.Status)
	}
	return d.quietly(func() error { return d.checkSettled(ctx) })
}

// checkSettled: every part of both invoices is settled and every line released
// (docs/api.md: settlement settles fragments and funded matches and gives the line back).
func (d *demo) checkSettled(ctx context.Context) error {
	for _, r := range d.rcvs {
		v, err := r.holder.c.Receivable(ctx, r.ID)
		if err != nil {
			return err
		}
		if v.Status != "settled" && v.Status != "credited" { // credited: a credit note took all it held
			return fmt.Errorf("receivable %s is %s after its invoice was paid, want settled", r.ID, v.Status)
		}
	}
	for i, id := range d.offerIDs {
		o, err := d.lenders[offers[i].lender].c.Offer(ctx, id)
		if err != nil {
			return err
		}
		if o.Available != o.LineAmount {
			return fmt.Errorf("offer %s: available ¥%s of a ¥%s line after settlement, want all of it", id, yuan(o.Available), yuan(o.LineAmount))
		}
	}
	d.say("    all %d receivables settled; all %d credit lines available again", len(d.rcvs), len(d.offerIDs))
	return nil
}
