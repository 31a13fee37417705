// SPDX-License-Identifier: Apache-2.0

package wire

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Cluster is a certified industrial cluster (GET /v1/clusters/{id}).
type Cluster struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CountyCode string `json:"county_code"`
	Level      string `json:"level"`
	Industry   string `json:"industry"`
	ValidUntil string `json:"valid_until"`
	CreatedAt  string `json:"created_at"`
}

// Participant is an SME, a core enterprise or a lender (GET /v1/participants/{id}).
// The answer to POST /v1/participants adds Token, the new participant's bearer
// token, shown once: TokenShown is false on an idempotent replay, which leaves the
// token out.
type Participant struct {
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

// DirectoryEntry is a participant as every other participant may see it (GET
// /v1/directory): enough to name a counterparty and to address a transfer to it.
type DirectoryEntry struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Role    string  `json:"role"`
	Address *string `json:"address"`
	Status  string  `json:"status"`
}

// Confirmation is the debtor core's EIP-712 signature on a receivable.
type Confirmation struct {
	Signature   string `json:"signature"`
	Signer      string `json:"signer"`
	Digest      string `json:"digest"`
	ConfirmedAt string `json:"confirmed_at"`
}

// ScoreComponent is one named part of a receivable's score with the reason for its value.
type ScoreComponent struct {
	Name   string `json:"name"`
	Value  int    `json:"value"`
	Reason string `json:"reason"`
}

// Anchor is one of a receivable's ledger leaves and, once anchored, its batch.
type Anchor struct {
	Kind     string       `json:"kind"`
	Leaf     common.Hash  `json:"leaf"`
	Root     *common.Hash `json:"root"`
	TxHash   *common.Hash `json:"tx_hash"`
	Block    uint64       `json:"block_number,omitempty"`
	Anchored bool         `json:"anchored"`
}

// Receivable is an invoice owed by a core enterprise, or a part of one transferred
// up the supply chain (Tier > 1, ParentID set).
type Receivable struct {
	ID              string           `json:"id"`
	ParentID        *string          `json:"parent_id"`
	Tier            int              `json:"tier"`
	CreditorID      string           `json:"creditor_id"`
	HolderID        string           `json:"holder_id"`
	AssigneeID      *string          `json:"assignee_id"`
	DebtorID        string           `json:"debtor_id"`
	InvoiceNumber   string           `json:"invoice_number"`
	Fingerprint     string           `json:"fingerprint"`
	Amount          int64            `json:"amount"`
	Remaining       int64            `json:"remaining"`
	Currency        string           `json:"currency"`
	IssueDate       string           `json:"issue_date"`
	DueDate         string           `json:"due_date"`
	Status          string           `json:"status"`
	Score           int              `json:"score"`
	ScoreBand       string           `json:"score_band"`
	ScoreComponents []ScoreComponent `json:"score_components"`
	ScorePolicy     string           `json:"score_policy"`
	Confirmation    *Confirmation    `json:"confirmation"`
	Anchors         []Anchor         `json:"anchors"`
	CreatedAt       string           `json:"created_at"`
	// Servicing (docs/api.md, "Servicing"): why the core rejected it; what credit
	// notes took off the part it holds; what the core recorded paying its holder;
	// the credit notes on the invoice (tier 1) and the payments recorded on it.
	RejectReason *string      `json:"reject_reason"`
	Credited     int64        `json:"credited"`
	PaidToHolder int64        `json:"paid_to_holder"`
	CreditNotes  []CreditNote `json:"credit_notes"`
	Payments     []Payment    `json:"payments"`
}

// CreditNote is a debtor core's signed reduction of what it owes on an invoice,
// and where the dilution rule put it.
type CreditNote struct {
	Amount      int64        `json:"amount"`
	Reason      string       `json:"reason"`
	Salt        string       `json:"salt"`
	Signature   string       `json:"signature"`
	Digest      string       `json:"digest"`
	Allocations []Allocation `json:"allocations"`
	CreatedAt   string       `json:"created_at"`
}

// Allocation is the part of a credit note that reached one receivable: its
// unfinanced part, or (MatchID set) a fill, which the seller then owes the lender.
type Allocation struct {
	ReceivableID string  `json:"receivable_id"`
	MatchID      *string `json:"match_id"`
	Amount       int64   `json:"amount"`
}

// Payment is a payment the debtor core recorded: to the holder, or to the lender
// of MatchID.
type Payment struct {
	MatchID   *string `json:"match_id"`
	Amount    int64   `json:"amount"`
	Reference string  `json:"reference"`
	CreatedAt string  `json:"created_at"`
}

// Repayment is a receipt a lender confirmed on a match: late interest first.
type Repayment struct {
	Amount    int64  `json:"amount"`
	Interest  int64  `json:"interest"`
	Principal int64  `json:"principal"`
	Reference string `json:"reference"`
	CreatedAt string `json:"created_at"`
}

// ParticipantChange is one change the operator made to a participant, effective
// from CreatedAt.
type ParticipantChange struct {
	Field     string `json:"field"`
	From      string `json:"from"`
	To        string `json:"to"`
	Reason    string `json:"reason"`
	Seq       uint64 `json:"seq"`
	CreatedAt string `json:"created_at"`
}

// Listing is a holder's offer to sell a receivable at no more than MaxRateBps.
type Listing struct {
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

// Match is one fill of a listing by one lender's offer.
type Match struct {
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
	// Servicing (docs/api.md, "Servicing"), as of the answer.
	LateRateBps      int64       `json:"late_rate_bps"`
	Recourse         bool        `json:"recourse"`
	Dilution         int64       `json:"dilution"`
	Paid             int64       `json:"paid"`
	Repaid           int64       `json:"repaid"`
	Rebate           int64       `json:"rebate"`
	LateInterest     int64       `json:"late_interest"`
	LateInterestPaid int64       `json:"late_interest_paid"`
	Outstanding      int64       `json:"outstanding"`
	SellerOwes       int64       `json:"seller_owes"`
	WrittenOff       int64       `json:"written_off"`
	Repayments       []Repayment `json:"repayments"`
	CloseReason      *string     `json:"close_reason"`
	ClosedAt         *string     `json:"closed_at"`
}

// ListingCreated is the answer to POST /v1/receivables/{id}/listings: the listing
// and the fills it made at once (Match is the first of Matches, nil when none).
type ListingCreated struct {
	Listing Listing `json:"listing"`
	Match   *Match  `json:"match"`
	Matches []Match `json:"matches"`
}

// Rates are an offer's rates for score bands A, B and C in basis points a year; 0
// for B or C: the band is not financed.
type Rates struct {
	A int64 `json:"A"`
	B int64 `json:"B,omitempty"`
	C int64 `json:"C,omitempty"`
}

// RateCurve prices by score instead of by band: BaseBps at a score of 1000,
// BpsPer100Points more for every 100 points below, never more than MaxBps.
type RateCurve struct {
	BaseBps         int64 `json:"base_bps"`
	BpsPer100Points int64 `json:"bps_per_100_points"`
	MaxBps          int64 `json:"max_bps"`
}

// Offer is a lender's credit line on one core enterprise's receivables, priced by
// band (RatesBps) or by a curve (RateCurve); the other is nil.
type Offer struct {
	ID               string     `json:"id"`
	LenderID         string     `json:"lender_id"`
	CoreID           string     `json:"core_id"`
	LineAmount       int64      `json:"line_amount"`
	RatesBps         *Rates     `json:"rates_bps"`
	RateCurve        *RateCurve `json:"rate_curve"`
	MinScore         int        `json:"min_score"`
	MaxTenorDays     int        `json:"max_tenor_days"`
	MinTicket        int64      `json:"min_ticket"`
	MaxTicket        *int64     `json:"max_ticket"`
	ClusterIDs       []string   `json:"cluster_ids"`
	MinCertification string     `json:"min_certification"`
	Used             int64      `json:"used"`
	Reserved         int64      `json:"reserved"`
	Available        int64      `json:"available"`
	Status           string     `json:"status"`
	Matches          []Match    `json:"matches"`
	CreatedAt        string     `json:"created_at"`
	LateRateBps      int64      `json:"late_rate_bps"`
	Recourse         bool       `json:"recourse"`
}

// Page is one page of a list: Items always an array, NextCursor nil on the last
// page (pass it as ?cursor= for the next).
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// BookListing is a resting listing in a core's book, its owner left out.
type BookListing struct {
	Band      string `json:"band"`
	AmountFen int64  `json:"amount"`
	TenorDays int    `json:"tenor_days"`
	Tier      int    `json:"tier"`
}

// BookQuote is the best live rate for one band and the lines behind it.
type BookQuote struct {
	Band         string `json:"band"`
	BestRateBps  int64  `json:"best_rate_bps"`
	Offers       int    `json:"offers"`
	AvailableFen int64  `json:"available"`
}

// Book is a core enterprise's anonymised book and how it clears: "continuous" or
// "auction" (GET and PATCH /v1/books/{core_id}).
type Book struct {
	CoreID   string        `json:"core_id"`
	Listings []BookListing `json:"listings"`
	Quotes   []BookQuote   `json:"quotes"`
	Mode     string        `json:"mode"`
}

// Auction is what one call auction on a book did, with the fills it made
// (POST /v1/books/{core_id}/auctions). SavingFen is the SMEs' saving against
// their maximum rates; BoundFen the relaxation's optimum (-1: not solved), GapPpm
// how far below it the fills are in millionths.
type Auction struct {
	CoreID      string  `json:"core_id"`
	Listings    int     `json:"listings"`
	Offers      int     `json:"offers"`
	Fills       int     `json:"fills"`
	VolumeFen   int64   `json:"volume"`
	DiscountFen int64   `json:"discount"`
	SavingFen   int64   `json:"saving"`
	BoundFen    int64   `json:"bound"`
	GapPpm      int64   `json:"gap_ppm"`
	Exact       bool    `json:"exact"`
	Matches     []Match `json:"matches"`
}

// Proof is a Merkle proof that a receivable's leaf is in a batch anchored on the
// registry (GET /v1/receivables/{id}/proof), with the data the leaf hashes
// (LeafData). A verifier
// recomputes the leaf from that data (package merkle) rather than trusting Leaf.
type Proof struct {
	Kind            string        `json:"kind"`
	Leaf            common.Hash   `json:"leaf"`
	Root            common.Hash   `json:"root"`
	Proof           []common.Hash `json:"proof"`
	TxHash          common.Hash   `json:"tx_hash"`
	BlockNumber     uint64        `json:"block_number"`
	RegistryAddress string        `json:"registry_address"`
	ChainID         uint64        `json:"chain_id"`
	LeafData
}

// LeafData is the data a leaf hashes: one of its members, by the leaf's kind; the
// others are null.
type LeafData struct {
	Confirmation *SignedConfirmation `json:"confirmation"`
	Transfer     *SignedTransfer     `json:"transfer"`
	Assignment   *Assignment         `json:"assignment"`
	CreditNote   *SignedCreditNote   `json:"credit_note"`
}

// SignedCreditNote is the EIP-712 CreditNote the debtor core signed (domain: the
// proof's chain_id and registry_address), its signature and the core's address it
// recovers to: what a credit_note leaf hashes.
type SignedCreditNote struct {
	Receivable string         `json:"receivable"`
	Amount     int64          `json:"amount"`
	Reason     string         `json:"reason"`
	Salt       common.Hash    `json:"salt"`
	Debtor     common.Address `json:"debtor"`
	Signature  hexutil.Bytes  `json:"signature"`
}

// SignedConfirmation is the EIP-712 Confirmation the debtor core signed (docs/api.md
// "EIP-712"; DueDate in Unix seconds) and its signature: what a confirmation leaf
// hashes, with the domain of the proof's chain_id and registry_address.
type SignedConfirmation struct {
	Receivable  string         `json:"receivable"`
	Fingerprint common.Hash    `json:"fingerprint"`
	Creditor    common.Address `json:"creditor"`
	Debtor      common.Address `json:"debtor"`
	Amount      int64          `json:"amount"`
	Currency    string         `json:"currency"`
	DueDate     uint64         `json:"due_date"`
	Signature   hexutil.Bytes  `json:"signature"`
}

// SignedTransfer is the EIP-712 Transfer a holder signed to split Amount off
// Receivable (the parent) into the fragment Child, and its signature: what a
// transfer leaf hashes.
type SignedTransfer struct {
	Receivable string         `json:"receivable"`
	Child      string         `json:"child"`
	From       common.Address `json:"from"`
	To         common.Address `json:"to"`
	Amount     int64          `json:"amount"`
	Salt       common.Hash    `json:"salt"`
	Signature  hexutil.Bytes  `json:"signature"`
}

// Assignment is what an assignment leaf hashes: the funded match that assigned
// Amount of Receivable to the lender, at TimeMs (the funding's journal time, Unix
// milliseconds).
type Assignment struct {
	Receivable string `json:"receivable"`
	MatchID    string `json:"match_id"`
	LenderID   string `json:"lender_id"`
	Amount     int64  `json:"amount"`
	TimeMs     int64  `json:"time_ms"`
}

// Lineage is the chain of hops from a fragment back to the core-signed confirmation
// of its invoice (GET /v1/receivables/{id}/lineage): Hops[0] the confirmation of
// the tier-1 receivable, then each transfer down to ReceivableID. RegistryRef is
// the ref the invoice's fingerprint is registered under on the shared registry
// (refOf).
type Lineage struct {
	ReceivableID string       `json:"receivable_id"`
	RegistryRef  common.Hash  `json:"registry_ref"`
	Hops         []LineageHop `json:"hops"`
}

// LineageHop is one hop: the proof of its leaf with the signed data, and the
// amounts that show conservation: SplitBefore (what earlier transfers split off
// the parent) + Amount <= ParentAmount. ParentAmount and SplitBefore are 0 on the
// confirmation.
type LineageHop struct {
	Proof
	ReceivableID string `json:"receivable_id"`
	Tier         int    `json:"tier"`
	Amount       int64  `json:"amount"`
	ParentAmount int64  `json:"parent_amount"`
	SplitBefore  int64  `json:"split_before"`
}

// Ledger is the chain the node anchors on (GET /v1/ledger).
type Ledger struct {
	ChainID         uint64 `json:"chain_id"`
	RegistryAddress string `json:"registry_address"`
	AnchorerAddress string `json:"anchorer_address"`
	HeadBlock       uint64 `json:"head_block"`
	PendingLeaves   int    `json:"pending_leaves"`
}

// Node is the answering replica's position in the journal (GET /v1/node, operator).
type Node struct {
	NodeID      string `json:"node_id"`
	Journal     string `json:"journal"`
	AppliedSeq  uint64 `json:"applied_seq"`
	StateHash   string `json:"state_hash"`
	Anchorer    bool   `json:"anchorer"`
	SnapshotSeq uint64 `json:"snapshot_seq"`
	// Replication is how the Redis journal is replicated; absent with the file journal.
	Replication *NodeReplication `json:"replication,omitempty"`
}

// NodeReplication is how a distributed replica's appends reach Redis replicas before
// they are acknowledged (docs/operations.md, "Redis high availability").
type NodeReplication struct {
	Sentinel    bool   `json:"sentinel"`              // the primary is found through Sentinel
	MasterName  string `json:"master_name,omitempty"` // its Sentinel name
	Wait        string `json:"wait"`                  // "none", "WAIT" or "WAITAOF"
	MinReplicas int    `json:"min_replicas"`          // replicas that have each acknowledged append
	// ReplicaDurability: whether the primary's replicas at start run appendonly yes
	// and appendfsync always — "durable", "not_durable" (--redis-unsafe-durability),
	// "unknown"; absent when min_replicas is 0.
	ReplicaDurability string `json:"replica_durability,omitempty"`
}

// Token is a participant's bearer token as the API shows it: never its hash; the
// token itself only in the answer to the request that issued it.
type Token struct {
	ID            string  `json:"id"`
	ParticipantID string  `json:"participant_id"`
	CreatedAt     string  `json:"created_at"`
	ExpiresAt     *string `json:"expires_at"`
	Token         string  `json:"token,omitempty"`
	TokenShown    *bool   `json:"token_shown,omitempty"`
	Revoked       bool    `json:"revoked,omitempty"`
}

// Status is the answer of /healthz and /readyz.
type Status struct {
	Status string `json:"status"`
}

// FieldError names one bad field of a validation_failed problem.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problem is an error answer: an RFC 9457 problem detail (application/problem+json)
// with scfx's stable Code ("validation_failed", "not_found", "invalid_state", …;
// docs/api.md lists them with their statuses).
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail"`
	Code   string       `json:"code"`
	Errors []FieldError `json:"errors,omitempty"`
}
