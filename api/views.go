// SPDX-License-Identifier: Apache-2.0

package api

import (
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/matcher"
)

// The JSON shapes of docs/api.md. Views are built under the node's read lock from copies
// and hold no pointer into the matcher.

const instantLayout = "2006-01-02T15:04:05.000Z07:00"

func instant(ms int64) string { return time.UnixMilli(ms).UTC().Format(instantLayout) }

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// The views are the types of package wire; the aliases keep the names the handlers
// and tests of this package use.
type (
	clusterView      = wire.Cluster
	participantView  = wire.Participant
	directoryView    = wire.DirectoryEntry
	confirmationView = wire.Confirmation
	// ReceivableView is a receivable as the API renders it. It is exported for the
	// benchmark's baseline server, which answers in the same shape.
	ReceivableView  = wire.Receivable
	listingView     = wire.Listing
	matchView       = wire.Match
	offerView       = wire.Offer
	listingResponse = wire.ListingCreated
	bookView        = wire.Book
	auctionView     = wire.Auction
	proofView       = wire.Proof
	lineageView     = wire.Lineage
	ledgerView      = wire.Ledger
	tokenView       = wire.Token
	// NodeView is GET /v1/node.
	NodeView = wire.Node
	// NodeReplication is GET /v1/node's replication.
	NodeReplication = wire.NodeReplication
)

// page is docs/api.md's list shape: items always an array, next_cursor null on the last page.
type page[T any] = wire.Page[T]

func viewCluster(c *matcher.Cluster) clusterView {
	return clusterView{
		ID: c.ID, Name: c.Name, CountyCode: c.CountyCode, Level: c.Level, Industry: c.Industry,
		ValidUntil: c.ValidUntil.String(), CreatedAt: instant(c.CreatedMs),
	}
}

func viewParticipant(p *matcher.Participant) participantView {
	v := participantView{
		ID: p.ID, Name: p.Name, USCC: p.USCC, Role: string(p.Role), ClusterID: optString(p.ClusterID),
		Certification: optString(string(p.Certification)), Rating: optString(p.Rating), CreatedAt: instant(p.CreatedMs),
		Status: matcher.StatusActive,
	}
	if p.Suspended {
		v.Status = matcher.StatusSuspended
	}
	if p.Address != (common.Address{}) {
		v.Address = optString(p.Address.Hex())
	}
	if p.CertificationValidUntil != 0 {
		v.CertificationValidUntil = optString(p.CertificationValidUntil.String())
	}
	return v
}

// viewReceivable renders r; m gives the score and anchors as of now.
func viewReceivable(m *matcher.Matcher, r *matcher.Receivable) ReceivableView {
	return viewReceivableAt(r, m.ScoreOf(r), m.Anchors(r))
}

// viewReceivableAt renders r with the score and anchors it had at a given entry.
func viewReceivableAt(r *matcher.Receivable, s matcher.Score, anchors []matcher.Anchor) ReceivableView {
	v := ReceivableView{
		ID: r.ID, ParentID: optString(r.ParentID), Tier: r.Tier, CreditorID: r.CreditorID, HolderID: r.HolderID,
		AssigneeID: optString(r.AssigneeID), DebtorID: r.DebtorID, InvoiceNumber: r.InvoiceNumber,
		Fingerprint: r.Fingerprint.Hex(), Amount: r.AmountFen, Remaining: r.RemainingFen, Currency: r.Currency,
		IssueDate: r.IssueDate.String(), DueDate: r.DueDate.String(), Status: string(r.Status),
		Score: s.Total, ScoreBand: s.Band, ScoreComponents: viewComponents(s.Components), ScorePolicy: s.Policy,
		Anchors: viewAnchors(anchors), CreatedAt: instant(r.CreatedMs),
	}
	if c := r.Confirmation; c != nil {
		v.Confirmation = &confirmationView{Signature: c.Signature, Signer: c.Signer.Hex(), Digest: c.Digest.Hex(), ConfirmedAt: instant(c.AtMs)}
	}
	v.RejectReason, v.Credited, v.PaidToHolder = optString(r.RejectReason), r.CreditedFen, r.HolderPaidFen
	v.CreditNotes = make([]wire.CreditNote, len(r.CreditNotes))
	for i, n := range r.CreditNotes {
		v.CreditNotes[i] = viewCreditNote(n)
	}
	v.Payments = make([]wire.Payment, len(r.Payments))
	for i, p := range r.Payments {
		v.Payments[i] = wire.Payment{MatchID: optString(p.MatchID), Amount: p.AmountFen, Reference: p.Reference, CreatedAt: instant(p.AtMs)}
	}
	return v
}

func viewCreditNote(n matcher.CreditNote) wire.CreditNote {
	v := wire.CreditNote{
		Amount: n.AmountFen, Reason: n.Reason, Signature: n.Signed.Signature, Digest: n.Signed.Digest.Hex(),
		Allocations: make([]wire.Allocation, len(n.Allocations)), CreatedAt: instant(n.AtMs),
	}
	if n.Signed.Salt != nil {
		v.Salt = n.Signed.Salt.Hex()
	}
	for i, a := range n.Allocations {
		v.Allocations[i] = wire.Allocation{ReceivableID: a.ReceivableID, MatchID: optString(a.MatchID), Amount: a.AmountFen}
	}
	return v
}

func viewListing(l *matcher.Listing) listingView {
	ids := l.MatchIDs
	if ids == nil {
		ids = []string{}
	}
	return listingView{
		ID: l.ID, ReceivableID: l.ReceivableID, Amount: l.AmountFen, MaxRateBps: l.MaxRateBps, Status: l.Status,
		Score: l.Score, ScoreBand: l.Band, CreatedAt: instant(l.CreatedMs),
		MinFillFen: l.MinFillFen, FilledFen: l.FilledFen, RestingFen: l.RestingFen(), MatchIDs: ids,
	}
}

// viewMatch renders mt with its late interest as of today (docs/api.md: computed
// on read).
func viewMatch(mt *matcher.Match, today matcher.Date) matchView {
	late := mt.LateInterestOn(today)
	v := matchView{
		ID: mt.ID, ListingID: mt.ListingID, ReceivableID: mt.ReceivableID, OfferID: mt.OfferID, LenderID: mt.LenderID,
		HolderID: mt.HolderID, DebtorID: mt.DebtorID, Amount: mt.AmountFen, RateBps: mt.RateBps, QuoteReason: mt.QuoteReason.String(), Days: mt.Days,
		Discount: mt.DiscountFen, Advance: mt.AdvanceFen, Status: mt.Status, Reference: optString(mt.Reference),
		CreatedAt:   instant(mt.CreatedMs),
		LateRateBps: mt.LateRateBps, Recourse: mt.Recourse, Dilution: mt.DilutionFen, Paid: mt.PaidFen, Repaid: mt.RepaidFen,
		Rebate: mt.RebateFen, LateInterest: late, LateInterestPaid: mt.LateInterestPaidFen,
		SellerOwes: mt.DilutionFen + mt.RecourseFen, WrittenOff: mt.WrittenOffFen, CloseReason: optString(mt.CloseReason),
		Repayments: make([]wire.Repayment, len(mt.Repayments)),
	}
	switch mt.Status {
	case matcher.MatchFunded, matcher.MatchOverdue:
		v.Outstanding = mt.AmountFen - mt.DilutionFen - mt.RepaidFen + late - mt.LateInterestPaidFen
	}
	if mt.ClosedMs != 0 {
		v.ClosedAt = optString(instant(mt.ClosedMs))
	}
	for i, r := range mt.Repayments {
		v.Repayments[i] = wire.Repayment{Amount: r.AmountFen, Interest: r.InterestFen, Principal: r.PrincipalFen, Reference: r.Reference, CreatedAt: instant(r.AtMs)}
	}
	return v
}

func optInt(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

func viewOffer(o *matcher.Offer, matches []matcher.Match, today matcher.Date) offerView {
	v := offerView{
		ID: o.ID, LenderID: o.LenderID, CoreID: o.CoreID, LineAmount: o.LineFen,
		RateCurve: (*wire.RateCurve)(o.Curve),
		MinScore:  o.MinScore, MaxTenorDays: o.MaxTenorDays, MinTicket: o.MinTicketFen, MaxTicket: optInt(o.MaxTicketFen),
		ClusterIDs: o.ClusterIDs, MinCertification: string(o.MinCertification), Used: o.UsedFen, Reserved: o.ReservedFen,
		Available: o.Available(), Status: o.Status, Matches: make([]matchView, 0, len(matches)), CreatedAt: instant(o.CreatedMs),
		LateRateBps: o.LateRateBps, Recourse: o.Recourse,
	}
	if v.ClusterIDs == nil {
		v.ClusterIDs = []string{}
	}
	if o.Curve == nil {
		v.RatesBps = &wire.Rates{A: o.Rates.A, B: o.Rates.B, C: o.Rates.C}
	}
	for i := range matches {
		v.Matches = append(v.Matches, viewMatch(&matches[i], today))
	}
	return v
}

func viewPage[S, T any](p matcher.Page[S], f func(S) T) page[T] {
	out := page[T]{Items: make([]T, 0, len(p.Items)), NextCursor: optString(p.Next)}
	for _, it := range p.Items {
		out.Items = append(out.Items, f(it))
	}
	return out
}

// convert maps a slice and keeps nil nil: the JSON answers null and [] as the
// domain gave them.
func convert[S, T any](in []S, f func(S) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func viewComponents(cs []matcher.Component) []wire.ScoreComponent {
	return convert(cs, func(c matcher.Component) wire.ScoreComponent { return wire.ScoreComponent(c) })
}

// viewAnchors is never nil: anchors is always an array.
func viewAnchors(as []matcher.Anchor) []wire.Anchor {
	if as == nil {
		return []wire.Anchor{}
	}
	return convert(as, func(a matcher.Anchor) wire.Anchor { return wire.Anchor(a) })
}

func viewBook(b matcher.BookView, mode string) bookView {
	return bookView{
		CoreID:   b.CoreID,
		Listings: convert(b.Listings, func(l matcher.BookListing) wire.BookListing { return wire.BookListing(l) }),
		Quotes:   convert(b.Quotes, func(q matcher.BookQuote) wire.BookQuote { return wire.BookQuote(q) }),
		Mode:     mode,
	}
}

// viewAuction is the first report of r (a zero report when none ran) with r's fills.
func viewAuction(r matcher.Result, today matcher.Date) auctionView {
	var a matcher.AuctionReport
	if len(r.Auctions) > 0 {
		a = r.Auctions[0]
	}
	v := auctionView{
		CoreID: a.CoreID, Listings: a.Listings, Offers: a.Offers, Fills: a.Fills, VolumeFen: a.VolumeFen,
		DiscountFen: a.DiscountFen, SavingFen: a.SavingFen, BoundFen: a.BoundFen, GapPpm: a.GapPpm, Exact: a.Exact,
		Matches: make([]matchView, len(r.Matches)),
	}
	for i := range r.Matches {
		v.Matches[i] = viewMatch(&r.Matches[i], today)
	}
	return v
}
