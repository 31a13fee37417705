// SPDX-License-Identifier: Apache-2.0

package wire

// The request bodies. A field without omitempty is required by the API; the server
// refuses a member it does not know.

// CreateClusterRequest is POST /v1/clusters (operator). ValidUntil is a date.
type CreateClusterRequest struct {
	Name       string `json:"name"`
	CountyCode string `json:"county_code"`
	Level      string `json:"level"`
	Industry   string `json:"industry"`
	ValidUntil string `json:"valid_until"`
}

// CreateParticipantRequest is POST /v1/participants (operator). SMEs and cores
// have an Address, the Ethereum address whose key signs their confirmations and
// transfers.
type CreateParticipantRequest struct {
	Name                    string `json:"name"`
	USCC                    string `json:"uscc"`
	Role                    string `json:"role"`
	Address                 string `json:"address,omitempty"`
	ClusterID               string `json:"cluster_id,omitempty"`
	Certification           string `json:"certification,omitempty"`
	CertificationValidUntil string `json:"certification_valid_until,omitempty"`
	Rating                  string `json:"rating,omitempty"`
}

// ParticipantStatusRequest is PATCH /v1/participants/{id} (operator): "active" or "suspended".
type ParticipantStatusRequest struct {
	Status string `json:"status"`
}

// IssueTokenRequest is POST /v1/participants/{id}/tokens; ExpiresAt is RFC 3339, "" never.
type IssueTokenRequest struct {
	ExpiresAt string `json:"expires_at,omitempty"`
}

// SubmitReceivableRequest is POST /v1/receivables (an SME, the creditor).
type SubmitReceivableRequest struct {
	DebtorID      string `json:"debtor_id"`
	InvoiceNumber string `json:"invoice_number"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	IssueDate     string `json:"issue_date"`
	DueDate       string `json:"due_date"`
}

// ConfirmRequest is POST /v1/receivables/{id}/confirm (the debtor core): the
// 0x-hex EIP-712 signature of the receivable's Confirmation typed data.
type ConfirmRequest struct {
	Signature string `json:"signature"`
}

// TransferRequest is POST /v1/receivables/{id}/transfers (the holder): Amount fen
// of the receivable to the SME ToID, signed as EIP-712 Transfer typed data with
// the 0x-hex 32-byte Salt the holder chose.
type TransferRequest struct {
	ToID      string `json:"to_id"`
	Amount    int64  `json:"amount"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

// ListRequest is POST /v1/receivables/{id}/listings (the holder). MinFillFen 0:
// the whole amount from one offer.
type ListRequest struct {
	MaxRateBps int64 `json:"max_rate_bps"`
	MinFillFen int64 `json:"min_fill_fen,omitempty"`
}

// ReferenceRequest is POST /v1/matches/{id}/fund (the lender) and
// POST /v1/receivables/{id}/settle (the debtor core): the payment's reference.
type ReferenceRequest struct {
	Reference string `json:"reference"`
}

// PostOfferRequest is POST /v1/offers (a lender): a line on CoreID priced by band
// (RatesBps) or by RateCurve, and its filters.
type PostOfferRequest struct {
	CoreID           string     `json:"core_id"`
	LineAmount       int64      `json:"line_amount"`
	RatesBps         *Rates     `json:"rates_bps,omitempty"`
	MinScore         int        `json:"min_score,omitempty"`
	MaxTenorDays     int        `json:"max_tenor_days"`
	MinTicket        int64      `json:"min_ticket,omitempty"`
	MaxTicket        int64      `json:"max_ticket,omitempty"`
	ClusterIDs       []string   `json:"cluster_ids,omitempty"`
	MinCertification string     `json:"min_certification,omitempty"`
	RateCurve        *RateCurve `json:"rate_curve,omitempty"`
	LateRateBps      int64      `json:"late_rate_bps,omitempty"`
	Recourse         bool       `json:"recourse,omitempty"`
}

// ReasonRequest is the body of a rejection (the debtor core), a recourse or a
// write-off (the lender): why, in at most 200 characters.
type ReasonRequest struct {
	Reason string `json:"reason"`
}

// CreditNoteRequest is POST /v1/receivables/{id}/credit-notes (the debtor core):
// Amount fen less owed for Reason, signed as EIP-712 CreditNote typed data with a
// Salt the core never reuses.
type CreditNoteRequest struct {
	Amount    int64  `json:"amount"`
	Reason    string `json:"reason"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

// PaymentRequest is POST /v1/receivables/{id}/payments (the debtor core): Amount
// fen paid to the holder of its unfinanced part or, with MatchID, to that match's
// lender.
type PaymentRequest struct {
	MatchID   string `json:"match_id,omitempty"`
	Amount    int64  `json:"amount"`
	Reference string `json:"reference"`
}

// RepaymentRequest is POST /v1/matches/{id}/repayments (the lender): Amount fen
// received.
type RepaymentRequest struct {
	Amount    int64  `json:"amount"`
	Reference string `json:"reference"`
}

// ParticipantChangeRequest is POST /v1/participants/{id}/changes (operator): the
// fields to change (empty: unchanged; cluster_id "none" leaves the cluster) and why.
type ParticipantChangeRequest struct {
	Rating                  string `json:"rating,omitempty"`
	Certification           string `json:"certification,omitempty"`
	CertificationValidUntil string `json:"certification_valid_until,omitempty"`
	ClusterID               string `json:"cluster_id,omitempty"`
	Reason                  string `json:"reason"`
}

// BookModeRequest is PATCH /v1/books/{core_id} (operator): "continuous" or "auction".
type BookModeRequest struct {
	Mode string `json:"mode"`
}

// EmptyRequest is the body of POST /v1/books/{core_id}/auctions: {}.
type EmptyRequest struct{}
