// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Date is a calendar day in UTC, counted from 1970-01-01. Dates in the API are
// "YYYY-MM-DD"; the matcher keeps them as day numbers so tenor is integer arithmetic.
type Date int32

const msPerDay = 24 * 60 * 60 * 1000

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, bool) {
	if len(s) != 10 {
		return 0, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return Date(t.Unix() / 86400), true
}

// DayOf is the UTC day of a Unix-millisecond instant.
func DayOf(ms int64) Date {
	d := ms / msPerDay
	if ms < 0 && ms%msPerDay != 0 {
		d--
	}
	return Date(d)
}

func (d Date) String() string {
	return time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly)
}

// Unix is the day's 00:00:00 UTC in Unix seconds (the EIP-712 dueDate).
func (d Date) Unix() int64 { return int64(d) * 86400 }

// MarshalText renders "YYYY-MM-DD"; a zero date is the empty string.
func (d Date) MarshalText() ([]byte, error) {
	if d == 0 {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads what MarshalText wrote.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = 0
		return nil
	}
	v, ok := ParseDate(string(b))
	if !ok {
		return errorf(CodeValidation, "bad date %q", b)
	}
	*d = v
	return nil
}

// Role is what a participant is on the platform.
type Role string

// Roles of README, "What the market does".
const (
	RoleSME    Role = "sme"
	RoleCore   Role = "core"
	RoleLender Role = "lender"
	// RoleAuditor reads everything and writes nothing (docs/audit.md): created by the
	// operator for someone it admits to check the market (scfx audit).
	RoleAuditor Role = "auditor"
)

// Actors that are not participants.
const (
	ActorOperator = "operator" // the platform operator (admin token)
	ActorSystem   = "system"   // the node itself: ticks and ledger outcomes
)

// Certification is an SME's rung on the 专精特新 ladder.
type Certification string

// The ladder of README, "What the market does", lowest first.
const (
	CertNone        Certification = "none"
	CertInnovative  Certification = "innovative"   // 创新型中小企业
	CertSpecialized Certification = "specialized"  // 专精特新中小企业
	CertLittleGiant Certification = "little_giant" // 专精特新"小巨人"
)

// certRank orders the ladder; an unknown value has no rank.
func certRank(c Certification) (int, bool) {
	switch c {
	case CertNone:
		return 0, true
	case CertInnovative:
		return 1, true
	case CertSpecialized:
		return 2, true
	case CertLittleGiant:
		return 3, true
	}
	return 0, false
}

// ratings lists the core credit ratings of README, "What the market does", best first.
var ratings = []string{"AAA", "AA+", "AA", "AA-", "A+", "A", "BBB"}

func ratingRank(r string) (int, bool) {
	for i, v := range ratings {
		if v == r {
			return len(ratings) - 1 - i, true
		}
	}
	return 0, false
}

// Cluster levels.
const (
	LevelNational   = "national"
	LevelProvincial = "provincial"
)

// Cluster is a certified SME industrial cluster (中小企业特色产业集群).
type Cluster struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CountyCode string `json:"county_code"`
	Level      string `json:"level"`
	Industry   string `json:"industry"`
	ValidUntil Date   `json:"valid_until"`
	CreatedMs  int64  `json:"created_ms"`
}

// Participant is an SME, a core enterprise or a lender.
type Participant struct {
	ID                      string         `json:"id"`
	Name                    string         `json:"name"`
	USCC                    string         `json:"uscc"`
	Role                    Role           `json:"role"`
	Address                 common.Address `json:"address"`
	ClusterID               string         `json:"cluster_id,omitempty"`
	Certification           Certification  `json:"certification,omitempty"`
	CertificationValidUntil Date           `json:"certification_valid_until,omitempty"`
	Rating                  string         `json:"rating,omitempty"`
	// Tokens are the participant's live bearer tokens, oldest first, each kept as the
	// SHA-256 of a random token (never the token); TokenSeq numbers them.
	Tokens   []Token `json:"tokens"`
	TokenSeq uint64  `json:"token_seq"`
	// LegacyTokenHash is where snapshots before token rotation kept the one token;
	// Restore moves it into Tokens.
	LegacyTokenHash string `json:"token_hash,omitempty"`
	// Suspended participants keep their objects; their tokens stop working and their
	// commands are refused from the entry that suspended them on.
	Suspended bool  `json:"suspended,omitempty"`
	CreatedMs int64 `json:"created_ms"`
	// Settled and Defaulted count a core's confirmed invoices paid and gone overdue:
	// the settlement history that scoring reads (docs/scoring.md).
	Settled   int `json:"settled"`
	Defaulted int `json:"defaulted"`
	// History is every change the operator made to the participant's rating,
	// certification or cluster, oldest first (update_participant).
	History []ParticipantChange `json:"history,omitempty"`
}

// ParticipantChange is one field the operator changed, effective from AtMs (the
// entry's time): scoring reads the new value from that entry on.
type ParticipantChange struct {
	Seq    uint64 `json:"seq"` // the journal entry that made it
	AtMs   int64  `json:"at_ms"`
	Field  string `json:"field"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Status is a receivable's state (docs/api.md).
type Status string

// Receivable statuses of docs/api.md.
const (
	StatusPending     Status = "pending_confirmation"
	StatusConfirmed   Status = "confirmed"
	StatusFinanceable Status = "financeable"
	StatusListed      Status = "listed"
	StatusMatched     Status = "matched"
	StatusFunded      Status = "funded"
	StatusSettled     Status = "settled"
	StatusOverdue     Status = "overdue"
	StatusDuplicate   Status = "rejected_duplicate"
	StatusTransferred Status = "transferred"
	// StatusRejected: the debtor core refused the receivable before confirming it
	// (terminal).
	StatusRejected Status = "rejected"
	// StatusCredited: credit notes took all that remained of it (terminal).
	StatusCredited Status = "credited"
)

// Registration states of a tier-1 receivable's fingerprint on the shared registry.
const (
	RegNone      = ""          // not sent yet (unconfirmed)
	RegPending   = "pending"   // queued for the registry
	RegClean     = "clean"     // registered under our ref
	RegDuplicate = "duplicate" // held under another ref: financed elsewhere
)

// Receivable is a claim on a core from one invoice, or a fragment split from one.
type Receivable struct {
	ID            string      `json:"id"`
	ParentID      string      `json:"parent_id,omitempty"`
	RootID        string      `json:"root_id"`
	Tier          int         `json:"tier"`
	CreditorID    string      `json:"creditor_id"`
	HolderID      string      `json:"holder_id"`
	AssigneeID    string      `json:"assignee_id,omitempty"`
	DebtorID      string      `json:"debtor_id"`
	InvoiceNumber string      `json:"invoice_number"`
	Fingerprint   common.Hash `json:"fingerprint"`
	AmountFen     int64       `json:"amount"`
	RemainingFen  int64       `json:"remaining"`
	Currency      string      `json:"currency"`
	IssueDate     Date        `json:"issue_date"`
	DueDate       Date        `json:"due_date"`
	Status        Status      `json:"status"`
	CreatedMs     int64       `json:"created_ms"`
	Children      []string    `json:"children,omitempty"`
	// Registration is the fingerprint's registry state (tier 1 only).
	Registration string `json:"registration,omitempty"`
	// Confirmation is the core's signature (tier 1); Transfer the holder's that made this fragment.
	Confirmation *Signed `json:"confirmation,omitempty"`
	Transfer     *Signed `json:"transfer,omitempty"`
	// Leaves are this receivable's ledger leaves, by number (see Matcher.Leaf).
	Leaves []uint64 `json:"leaves,omitempty"`
	// Matured is set on a tier-1 receivable once Tick found it unpaid past due.
	Matured   bool   `json:"matured,omitempty"`
	ListingID string `json:"listing_id,omitempty"`
	MatchID   string `json:"match_id,omitempty"` // the first fill of its listing
	// MatchIDs are every fill of its listing, in order (a listing with a minimum fill
	// may be financed by several lenders).
	MatchIDs []string `json:"match_ids,omitempty"`
	Lenders  []string `json:"lenders,omitempty"`
	// RejectReason is why the debtor core rejected it (status rejected).
	RejectReason string `json:"reject_reason,omitempty"`
	// CreditedFen is what credit notes took off the part this receivable holds
	// (RemainingFen dropped by as much): children + remaining + credited = amount.
	CreditedFen int64 `json:"credited,omitempty"`
	// CreditNotes are the debtor's credit notes on the invoice (tier 1 only).
	CreditNotes []CreditNote `json:"credit_notes,omitempty"`
	// HolderPaidFen is what the core recorded paying the holder on the unfinanced
	// part; Payments are those records and the ones to lenders on its matches.
	HolderPaidFen int64     `json:"paid_to_holder,omitempty"`
	Payments      []Payment `json:"payments,omitempty"`
}

// CreditNote is a debtor core's signed reduction of what it owes on an invoice,
// and where the dilution rule (dilution.go) put it.
type CreditNote struct {
	AmountFen   int64        `json:"amount"`
	Reason      string       `json:"reason"`
	Signed      Signed       `json:"signed"`
	Allocations []Allocation `json:"allocations"`
	AtMs        int64        `json:"at_ms"`
}

// Allocation is the part of a credit note that reached one receivable of the tree:
// its unfinanced part (MatchID empty) or a fill of it, where the seller owes it to
// the lender (recourse).
type Allocation struct {
	ReceivableID string `json:"receivable_id"`
	MatchID      string `json:"match_id,omitempty"`
	AmountFen    int64  `json:"amount"`
}

// Payment is a payment the debtor core recorded: to the holder of a receivable's
// unfinanced part, or to the lender of a match on it (MatchID).
type Payment struct {
	MatchID   string `json:"match_id,omitempty"`
	AmountFen int64  `json:"amount"`
	Reference string `json:"reference"`
	AtMs      int64  `json:"at_ms"`
}

// Repayment is a receipt the lender confirmed on a match.
type Repayment struct {
	AmountFen int64  `json:"amount"`
	Reference string `json:"reference"`
	AtMs      int64  `json:"at_ms"`
	// InterestFen and PrincipalFen split AmountFen: late interest is paid first.
	InterestFen  int64 `json:"interest"`
	PrincipalFen int64 `json:"principal"`
}

// Signed is an accepted EIP-712 signature.
type Signed struct {
	Signer    common.Address `json:"signer"`
	Signature string         `json:"signature"`
	Digest    common.Hash    `json:"digest"`
	Salt      *common.Hash   `json:"salt,omitempty"`
	To        string         `json:"to_id,omitempty"`
	AtMs      int64          `json:"at_ms"`
}

// Rates is an offer's price per score band, in basis points a year; 0: band not priced.
type Rates struct {
	A int64 `json:"A"`
	B int64 `json:"B,omitempty"`
	C int64 `json:"C,omitempty"`
}

// Quote is the rate for a band; ok is false when the band is not priced.
func (r Rates) Quote(band string) (int64, bool) {
	var v int64
	switch band {
	case "A":
		v = r.A
	case "B":
		v = r.B
	case "C":
		v = r.C
	}
	return v, v > 0
}

// RateCurve prices by score instead of by band (docs/matching.md §2): BaseBps at a
// score of 1000, BpsPer100Points more for every 100 points below (pro rata, rounded
// up to the basis point), never more than MaxBps. Band D is never financed, curve or
// not: the 信用穿透 floor of docs/scoring.md.
type RateCurve struct {
	BaseBps         int64 `json:"base_bps"`
	BpsPer100Points int64 `json:"bps_per_100_points"`
	MaxBps          int64 `json:"max_bps"`
}

// Quote is the curve's rate for a score.
func (c *RateCurve) Quote(score int) int64 { return min(c.MaxBps, c.uncapped(score)) }

func (c *RateCurve) uncapped(score int) int64 {
	below := int64(max(0, maxScore-score))
	return c.BaseBps + (below*c.BpsPer100Points+99)/100
}

// bandQuote is the best rate o quotes a listing of band: its band rate, or its curve
// at the band's highest score.
func (o *Offer) bandQuote(band string) (int64, bool) {
	if o.Curve == nil {
		return o.Rates.Quote(band)
	}
	switch band {
	case "A":
		return o.Curve.Quote(maxScore), true
	case "B":
		return o.Curve.Quote(bandAMinScore - 1), true
	case "C":
		return o.Curve.Quote(bandBMinScore - 1), true
	}
	return 0, false
}

// Offer and listing statuses.
const (
	OfferLive        = "live"
	OfferCancelled   = "cancelled"
	ListingResting   = "resting"
	ListingMatched   = "matched"
	ListingCancelled = "cancelled"
)

// Offer is a lender's standing bid: a credit line on one core.
type Offer struct {
	ID               string        `json:"id"`
	Seq              uint64        `json:"seq"`
	LenderID         string        `json:"lender_id"`
	CoreID           string        `json:"core_id"`
	LineFen          int64         `json:"line_amount"`
	Rates            Rates         `json:"rates_bps"`
	Curve            *RateCurve    `json:"rate_curve,omitempty"` // set: prices by score, Rates unused
	MinScore         int           `json:"min_score"`
	MaxTenorDays     int           `json:"max_tenor_days"`
	MinTicketFen     int64         `json:"min_ticket"`
	MaxTicketFen     int64         `json:"max_ticket"`
	ClusterIDs       []string      `json:"cluster_ids"`
	MinCertification Certification `json:"min_certification"`
	// LateRateBps is the yearly rate of late interest on an overdue claim; Recourse
	// lets the lender turn an overdue claim on the seller (docs/api.md, "Servicing").
	LateRateBps int64  `json:"late_rate_bps,omitempty"`
	Recourse    bool   `json:"recourse,omitempty"`
	UsedFen     int64  `json:"used"`
	ReservedFen int64  `json:"reserved"`
	Status      string `json:"status"`
	CreatedMs   int64  `json:"created_ms"`
}

// Available is what the line can still lend.
func (o *Offer) Available() int64 { return o.LineFen - o.UsedFen - o.ReservedFen }

// Listing is a holder's request to finance a receivable's whole remaining amount.
type Listing struct {
	ID           string `json:"id"`
	Seq          uint64 `json:"seq"`
	ReceivableID string `json:"receivable_id"`
	HolderID     string `json:"holder_id"`
	DebtorID     string `json:"debtor_id"`
	AmountFen    int64  `json:"amount"`
	MaxRateBps   int64  `json:"max_rate_bps"`
	Score        int    `json:"score"`
	Band         string `json:"band"`
	TenorDays    int    `json:"tenor_days"`
	Tier         int    `json:"tier"`
	Status       string `json:"status"`
	MatchID      string `json:"match_id,omitempty"` // the first fill
	CreatedMs    int64  `json:"created_ms"`
	// MinFillFen is the smallest fill the holder accepts (docs/matching.md): 0 means
	// the whole amount, one offer only. FilledFen is what fills took so far, MatchIDs
	// the fills in order; AmountFen - FilledFen rests in the book.
	MinFillFen int64    `json:"min_fill,omitempty"`
	FilledFen  int64    `json:"filled,omitempty"`
	MatchIDs   []string `json:"match_ids,omitempty"`
}

// RestingFen is what of the listing still waits for a fill.
func (l *Listing) RestingFen() int64 { return l.AmountFen - l.FilledFen }

// minFill is the least the next fill may take: the holder's minimum, or the whole
// rest when less is left (a remainder below the minimum is filled whole or not at all).
func (l *Listing) minFill() int64 { return l.minFillOf(l.RestingFen()) }

// minFillOf is minFill had rest fen of the listing still to fill (a plan in the
// making: docs/matching.md §4).
func (l *Listing) minFillOf(rest int64) int64 {
	if l.MinFillFen <= 0 || l.MinFillFen > rest {
		return rest
	}
	return l.MinFillFen
}

// Match statuses.
const (
	MatchMatched   = "matched"
	MatchFunded    = "funded"
	MatchSettled   = "settled"
	MatchOverdue   = "overdue"
	MatchCancelled = "cancelled"
	// After funding (docs/api.md, "Servicing"): the lender confirmed it was paid,
	// turned the overdue claim on the seller, or wrote it off.
	MatchRepaid     = "repaid"
	MatchRecourse   = "recourse"
	MatchWrittenOff = "written_off"
)

// Match is a listing paired with an offer at the offer's quote.
type Match struct {
	ID           string      `json:"id"`
	ListingID    string      `json:"listing_id"`
	ReceivableID string      `json:"receivable_id"`
	OfferID      string      `json:"offer_id"`
	LenderID     string      `json:"lender_id"`
	HolderID     string      `json:"holder_id"`
	DebtorID     string      `json:"debtor_id"`
	AmountFen    int64       `json:"amount"`
	RateBps      int64       `json:"rate_bps"`
	QuoteReason  QuoteReason `json:"quote_reason,omitzero"` // how the offer priced the receivable (a string in JSON)
	Days         int         `json:"days"`
	DiscountFen  int64       `json:"discount"`
	AdvanceFen   int64       `json:"advance"`
	Status       string      `json:"status"`
	Reference    string      `json:"reference,omitempty"`
	CreatedMs    int64       `json:"created_ms"`
	FundedMs     int64       `json:"funded_ms,omitempty"`
	// The offer's servicing terms, fixed at the match.
	LateRateBps int64 `json:"late_rate_bps,omitempty"`
	Recourse    bool  `json:"recourse,omitempty"`
	// DilutionFen is what credit notes took off this fill: the core no longer owes
	// it, the seller does (recourse on dilution).
	DilutionFen int64 `json:"dilution,omitempty"`
	// PaidFen is what the core recorded paying the lender; RepaidFen the principal
	// and LateInterestPaidFen the late interest the lender confirmed receiving.
	PaidFen             int64       `json:"paid,omitempty"`
	RepaidFen           int64       `json:"repaid,omitempty"`
	LateInterestPaidFen int64       `json:"late_interest_paid,omitempty"`
	Repayments          []Repayment `json:"repayments,omitempty"`
	// Late interest accrued up to LateFrom, on the principal outstanding over each
	// stretch (servicing.go); it accrues from the due date plus the grace period.
	LateAccruedFen int64 `json:"late_accrued,omitempty"`
	LateFrom       Date  `json:"late_from,omitempty"`
	// RebateFen is the unearned discount returned to the core that settled early.
	RebateFen int64 `json:"rebate,omitempty"`
	// RecourseFen is what the seller owes after the lender exercised recourse;
	// WrittenOffFen what the lender wrote off.
	RecourseFen   int64  `json:"recourse_owed,omitempty"`
	WrittenOffFen int64  `json:"written_off,omitempty"`
	CloseReason   string `json:"close_reason,omitempty"`
	ClosedMs      int64  `json:"closed_ms,omitempty"`
}
