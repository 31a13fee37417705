// SPDX-License-Identifier: Apache-2.0

package api

import (
	"time"

	"github.com/ethereum/go-ethereum/common"

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

type clusterView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CountyCode string `json:"county_code"`
	Level      string `json:"level"`
	Industry   string `json:"industry"`
	ValidUntil string `json:"valid_until"`
	CreatedAt  string `json:"created_at"`
}

func viewCluster(c *matcher.Cluster) clusterView {
	return clusterView{c.ID, c.Name, c.CountyCode, c.Level, c.Industry, c.ValidUntil.String(), instant(c.CreatedMs)}
}

type participantView struct {
	ID                      string  `json:"id"`
	Name                    string  `json:"name"`
	USCC                    string  `json:"uscc"`
	Role                    string  `json:"role"`
	Address                 *string `json:"address"`
	ClusterID               *string `json:"cluster_id"`
	Certification           *string `json:"certification"`
	CertificationValidUntil *string `json:"certification_valid_until"`
	Rating                  *string `json:"rating"`
	Status                  string  `json:"status"`
	CreatedAt               string  `json:"created_at"`
	Token                   string  `json:"token,omitempty"`
	TokenShown              *bool   `json:"token_shown,omitempty"` // on creates only
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

type confirmationView struct {
	Signature   string `json:"signature"`
	Signer      string `json:"signer"`
	Digest      string `json:"digest"`
	ConfirmedAt string `json:"confirmed_at"`
}

// ReceivableView is a receivable as the API renders it (docs/api.md "Receivable"). It is
// exported for the benchmark's baseline server, which answers in the same shape.
type ReceivableView struct {
	ID              string              `json:"id"`
	ParentID        *string             `json:"parent_id"`
	Tier            int                 `json:"tier"`
	CreditorID      string              `json:"creditor_id"`
	HolderID        string              `json:"holder_id"`
	AssigneeID      *string             `json:"assignee_id"`
	DebtorID        string              `json:"debtor_id"`
	InvoiceNumber   string              `json:"invoice_number"`
	Fingerprint     string              `json:"fingerprint"`
	Amount          int64               `json:"amount"`
	Remaining       int64               `json:"remaining"`
	Currency        string              `json:"currency"`
	IssueDate       string              `json:"issue_date"`
	DueDate         string              `json:"due_date"`
	Status          string              `json:"status"`
	Score           int                 `json:"score"`
	ScoreBand       string              `json:"score_band"`
	ScoreComponents []matcher.Component `json:"score_components"`
	ScorePolicy     string              `json:"score_policy"`
	Confirmation    *confirmationView   `json:"confirmation"`
	Anchors         []matcher.Anchor    `json:"anchors"`
	CreatedAt       string              `json:"created_at"`
}

// viewReceivable renders r; m gives the score and anchors as of now.
func viewReceivable(m *matcher.Matcher, r *matcher.Receivable) ReceivableView {
	return viewReceivableAt(r, m.ScoreOf(r), m.Anchors(r))
}

// viewReceivableAt renders r with the score and anchors it had at a given entry.
func viewReceivableAt(r *matcher.Receivable, s matcher.Score, anchors []matcher.Anchor) ReceivableView {
	if anchors == nil {
		anchors = []matcher.Anchor{}
	}
	v := ReceivableView{
		ID: r.ID, ParentID: optString(r.ParentID), Tier: r.Tier, CreditorID: r.CreditorID, HolderID: r.HolderID,
		AssigneeID: optString(r.AssigneeID), DebtorID: r.DebtorID, InvoiceNumber: r.InvoiceNumber,
		Fingerprint: r.Fingerprint.Hex(), Amount: r.AmountFen, Remaining: r.RemainingFen, Currency: r.Currency,
		IssueDate: r.IssueDate.String(), DueDate: r.DueDate.String(), Status: string(r.Status),
		Score: s.Total, ScoreBand: s.Band, ScoreComponents: s.Components, ScorePolicy: s.Policy,
		Anchors: anchors, CreatedAt: instant(r.CreatedMs),
	}
	if c := r.Confirmation; c != nil {
		v.Confirmation = &confirmationView{Signature: c.Signature, Signer: c.Signer.Hex(), Digest: c.Digest.Hex(), ConfirmedAt: instant(c.AtMs)}
	}
	return v
}

type listingView struct {
	ID           string   `json:"id"`
	ReceivableID string   `json:"receivable_id"`
	Amount       int64    `json:"amount"`
	MaxRateBps   int64    `json:"max_rate_bps"`
	Status       string   `json:"status"`
	Score        int      `json:"score"`
	ScoreBand    string   `json:"score_band"`
	CreatedAt    string   `json:"created_at"`
	MinFillFen   int64    `json:"min_fill_fen"` // 0: the whole amount from one offer
	FilledFen    int64    `json:"filled"`
	RestingFen   int64    `json:"resting"`
	MatchIDs     []string `json:"match_ids"`
}

func viewListing(l *matcher.Listing) listingView {
	ids := l.MatchIDs
	if ids == nil {
		ids = []string{}
	}
	return listingView{l.ID, l.ReceivableID, l.AmountFen, l.MaxRateBps, l.Status, l.Score, l.Band, instant(l.CreatedMs),
		l.MinFillFen, l.FilledFen, l.RestingFen(), ids}
}

type matchView struct {
	ID           string  `json:"id"`
	ListingID    string  `json:"listing_id"`
	ReceivableID string  `json:"receivable_id"`
	OfferID      string  `json:"offer_id"`
	LenderID     string  `json:"lender_id"`
	HolderID     string  `json:"holder_id"`
	DebtorID     string  `json:"debtor_id"`
	Amount       int64   `json:"amount"`
	RateBps      int64   `json:"rate_bps"`
	QuoteReason  string  `json:"quote_reason"`
	Days         int     `json:"days"`
	Discount     int64   `json:"discount"`
	Advance      int64   `json:"advance"`
	Status       string  `json:"status"`
	Reference    *string `json:"reference"`
	CreatedAt    string  `json:"created_at"`
}

func viewMatch(mt *matcher.Match) matchView {
	return matchView{
		ID: mt.ID, ListingID: mt.ListingID, ReceivableID: mt.ReceivableID, OfferID: mt.OfferID, LenderID: mt.LenderID,
		HolderID: mt.HolderID, DebtorID: mt.DebtorID, Amount: mt.AmountFen, RateBps: mt.RateBps, QuoteReason: mt.QuoteReason, Days: mt.Days,
		Discount: mt.DiscountFen, Advance: mt.AdvanceFen, Status: mt.Status, Reference: optString(mt.Reference),
		CreatedAt: instant(mt.CreatedMs),
	}
}

type ratesView struct {
	A int64  `json:"A"`
	B *int64 `json:"B,omitempty"`
	C *int64 `json:"C,omitempty"`
}

type offerView struct {
	ID               string             `json:"id"`
	LenderID         string             `json:"lender_id"`
	CoreID           string             `json:"core_id"`
	LineAmount       int64              `json:"line_amount"`
	RatesBps         *ratesView         `json:"rates_bps"`  // null: priced by rate_curve
	RateCurve        *matcher.RateCurve `json:"rate_curve"` // null: priced by band
	MinScore         int                `json:"min_score"`
	MaxTenorDays     int                `json:"max_tenor_days"`
	MinTicket        int64              `json:"min_ticket"`
	MaxTicket        *int64             `json:"max_ticket"`
	ClusterIDs       []string           `json:"cluster_ids"`
	MinCertification string             `json:"min_certification"`
	Used             int64              `json:"used"`
	Reserved         int64              `json:"reserved"`
	Available        int64              `json:"available"`
	Status           string             `json:"status"`
	Matches          []matchView        `json:"matches"`
	CreatedAt        string             `json:"created_at"`
}

func optInt(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

func viewOffer(o *matcher.Offer, matches []matcher.Match) offerView {
	v := offerView{
		ID: o.ID, LenderID: o.LenderID, CoreID: o.CoreID, LineAmount: o.LineFen,
		RateCurve: o.Curve,
		MinScore:  o.MinScore, MaxTenorDays: o.MaxTenorDays, MinTicket: o.MinTicketFen, MaxTicket: optInt(o.MaxTicketFen),
		ClusterIDs: o.ClusterIDs, MinCertification: string(o.MinCertification), Used: o.UsedFen, Reserved: o.ReservedFen,
		Available: o.Available(), Status: o.Status, Matches: make([]matchView, 0, len(matches)), CreatedAt: instant(o.CreatedMs),
	}
	if v.ClusterIDs == nil {
		v.ClusterIDs = []string{}
	}
	if o.Curve == nil {
		v.RatesBps = &ratesView{A: o.Rates.A, B: optInt(o.Rates.B), C: optInt(o.Rates.C)}
	}
	for i := range matches {
		v.Matches = append(v.Matches, viewMatch(&matches[i]))
	}
	return v
}

// page is docs/api.md's list shape: items always an array, next_cursor null on the last page.
type page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func viewPage[S, T any](p matcher.Page[S], f func(S) T) page[T] {
	out := page[T]{Items: make([]T, 0, len(p.Items)), NextCursor: optString(p.Next)}
	for _, it := range p.Items {
		out.Items = append(out.Items, f(it))
	}
	return out
}
