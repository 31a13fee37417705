// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Kind names a command.
type Kind string

// The commands of the state machine.
const (
	KindCreateCluster       Kind = "create_cluster"
	KindCreateParticipant   Kind = "create_participant"
	KindSubmitReceivable    Kind = "submit_receivable"
	KindConfirm             Kind = "confirm"
	KindTransfer            Kind = "transfer"
	KindList                Kind = "list"
	KindCancelListing       Kind = "cancel_listing"
	KindPostOffer           Kind = "post_offer"
	KindCancelOffer         Kind = "cancel_offer"
	KindFund                Kind = "fund"
	KindSettle              Kind = "settle"
	KindTick                Kind = "tick"
	KindSetLedger           Kind = "set_ledger"
	KindRecordRegistrations Kind = "record_registrations"
	KindRecordAnchor        Kind = "record_anchor"
	KindCutBatch            Kind = "cut_batch"
	KindIssueToken          Kind = "issue_token"
	KindRevokeToken         Kind = "revoke_token"
	KindSetStatus           Kind = "set_participant_status"
	KindReject              Kind = "reject"
	KindSetBookMode         Kind = "set_book_mode"
	KindClearAuction        Kind = "clear_auction"
)

// maxCommandBytes bounds one encoded command; the API's body limit is 1 MiB and a
// command carries at most one body plus a little envelope.
const maxCommandBytes = 2 << 20

// Command is one entry of the journal: who acts, an optional idempotency key, and
// exactly one payload matching Kind.
type Command struct {
	Kind  Kind   `json:"kind"`
	Actor string `json:"actor"`
	// IdemKey and IdemHash carry an Idempotency-Key and the SHA-256 of the request it
	// came with: the state machine keeps them so a retry is answered on every replica.
	IdemKey  string `json:"idem_key,omitempty"`
	IdemHash string `json:"idem_hash,omitempty"`

	CreateCluster       *CreateCluster       `json:"create_cluster,omitempty"`
	CreateParticipant   *CreateParticipant   `json:"create_participant,omitempty"`
	SubmitReceivable    *SubmitReceivable    `json:"submit_receivable,omitempty"`
	Confirm             *Confirm             `json:"confirm,omitempty"`
	Transfer            *Transfer            `json:"transfer,omitempty"`
	List                *List                `json:"list,omitempty"`
	CancelListing       *CancelListing       `json:"cancel_listing,omitempty"`
	PostOffer           *PostOffer           `json:"post_offer,omitempty"`
	CancelOffer         *CancelOffer         `json:"cancel_offer,omitempty"`
	Fund                *Fund                `json:"fund,omitempty"`
	Settle              *Settle              `json:"settle,omitempty"`
	SetLedger           *SetLedger           `json:"set_ledger,omitempty"`
	RecordRegistrations *RecordRegistrations `json:"record_registrations,omitempty"`
	RecordAnchor        *RecordAnchor        `json:"record_anchor,omitempty"`
	CutBatch            *CutBatch            `json:"cut_batch,omitempty"`
	IssueToken          *IssueToken          `json:"issue_token,omitempty"`
	RevokeToken         *RevokeToken         `json:"revoke_token,omitempty"`
	SetStatus           *SetStatus           `json:"set_participant_status,omitempty"`
	Reject              *Reject              `json:"reject,omitempty"`
	SetBookMode         *SetBookMode         `json:"set_book_mode,omitempty"`
	ClearAuction        *ClearAuction        `json:"clear_auction,omitempty"`
}

// IssueToken gives a participant another bearer token (the operator or the
// participant itself). TokenHash is the hex SHA-256 of a token the API drew from
// crypto/rand; ExpiresMs, if not 0, is when the token stops working.
type IssueToken struct {
	ParticipantID string `json:"participant_id"`
	TokenHash     string `json:"token_hash"`
	ExpiresMs     int64  `json:"expires_ms,omitempty"`
}

// RevokeToken ends one of a participant's tokens (the operator or the participant).
type RevokeToken struct {
	ParticipantID string `json:"participant_id"`
	TokenID       string `json:"token_id"`
}

// SetStatus suspends or reactivates a participant (operator).
type SetStatus struct {
	ParticipantID string `json:"participant_id"`
	Status        string `json:"status"`
}

// Reject is a request the API refused before it became a command, journaled only
// when it carried an Idempotency-Key: the failure is remembered under the key, so
// that a retry with another body is an idempotency_conflict on every replica.
type Reject struct {
	Error Error `json:"error"`
}

// CreateCluster certifies a cluster (operator).
type CreateCluster struct {
	Name       string `json:"name"`
	CountyCode string `json:"county_code"`
	Level      string `json:"level"`
	Industry   string `json:"industry"`
	ValidUntil string `json:"valid_until"`
}

// CreateParticipant onboards an SME, core or lender (operator). TokenHash is the
// hex SHA-256 of the bearer token the API generated; the token itself never enters
// the journal.
type CreateParticipant struct {
	Name                    string `json:"name"`
	USCC                    string `json:"uscc"`
	Role                    string `json:"role"`
	Address                 string `json:"address,omitempty"`
	ClusterID               string `json:"cluster_id,omitempty"`
	Certification           string `json:"certification,omitempty"`
	CertificationValidUntil string `json:"certification_valid_until,omitempty"`
	Rating                  string `json:"rating,omitempty"`
	TokenHash               string `json:"token_hash"`
}

// SubmitReceivable uploads an invoice (SME, the creditor).
type SubmitReceivable struct {
	DebtorID      string `json:"debtor_id"`
	InvoiceNumber string `json:"invoice_number"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	IssueDate     string `json:"issue_date"`
	DueDate       string `json:"due_date"`
}

// Confirm is the debtor core's EIP-712 Confirmation signature (确权).
type Confirm struct {
	ReceivableID string `json:"receivable_id"`
	Signature    string `json:"signature"`
}

// Transfer splits part of a receivable to the holder's own supplier.
type Transfer struct {
	ReceivableID string `json:"receivable_id"`
	ToID         string `json:"to_id"`
	Amount       int64  `json:"amount"`
	Salt         string `json:"salt"`
	Signature    string `json:"signature"`
}

// List asks to finance a receivable's whole remaining amount, from one offer or, when
// MinFillFen is set, from several (fills of at least MinFillFen each).
type List struct {
	ReceivableID string `json:"receivable_id"`
	MaxRateBps   int64  `json:"max_rate_bps"`
	MinFillFen   int64  `json:"min_fill_fen,omitempty"`
}

// CancelListing withdraws a resting listing.
type CancelListing struct {
	ListingID string `json:"listing_id"`
}

// PostOffer posts a lender's credit line on a core.
type PostOffer struct {
	CoreID           string     `json:"core_id"`
	LineAmount       int64      `json:"line_amount"`
	RatesBps         Rates      `json:"rates_bps"`
	RateCurve        *RateCurve `json:"rate_curve,omitempty"`
	MinScore         int        `json:"min_score,omitempty"`
	MaxTenorDays     int        `json:"max_tenor_days"`
	MinTicket        int64      `json:"min_ticket,omitempty"`
	MaxTicket        int64      `json:"max_ticket,omitempty"`
	ClusterIDs       []string   `json:"cluster_ids,omitempty"`
	MinCertification string     `json:"min_certification,omitempty"`
}

// CancelOffer withdraws a live offer; what it reserved stays reserved.
type CancelOffer struct {
	OfferID string `json:"offer_id"`
}

// Fund records that the lender paid out a match; the claim is assigned to it.
type Fund struct {
	MatchID   string `json:"match_id"`
	Reference string `json:"reference"`
}

// Settle records that the core paid a tier-1 receivable at (or before) maturity.
type Settle struct {
	ReceivableID string `json:"receivable_id"`
	Reference    string `json:"reference"`
}

// SetLedger fixes the chain and registry that signatures are bound to (EIP-712
// domain) and the platform id that makes this platform's registry refs its own.
type SetLedger struct {
	ChainID  uint64 `json:"chain_id"`
	Registry string `json:"registry"`
	Platform string `json:"platform"`
	Anchorer string `json:"anchorer,omitempty"`
}

// RecordRegistrations is the registry's answer for a prefix of the pending
// fingerprint queue, in queue order.
type RecordRegistrations struct {
	First   uint64      `json:"first"`
	Results []RegResult `json:"results"`
	TxHash  string      `json:"tx_hash,omitempty"`
	Fence   uint64      `json:"fence"`
}

// RegResult is one fingerprint's outcome on the registry.
type RegResult struct {
	Fingerprint string `json:"fingerprint"`
	Duplicate   bool   `json:"duplicate"`
	ExistingRef string `json:"existing_ref,omitempty"`
}

// RecordAnchor records that the leaves [FirstLeaf, FirstLeaf+Count) were anchored
// under Root in a transaction.
type RecordAnchor struct {
	FirstLeaf uint64 `json:"first_leaf"`
	Count     int    `json:"count"`
	Root      string `json:"root"`
	TxHash    string `json:"tx_hash"`
	Block     uint64 `json:"block"`
	Fence     uint64 `json:"fence"`
}

// CutBatch fixes the next batch of leaves to anchor before its transaction is sent,
// so that an anchorer restarted after a crash — or another replica that took over
// the lease — finds the same batch, recomputes the same root and looks for it on
// chain instead of sending another.
type CutBatch struct {
	FirstLeaf uint64 `json:"first_leaf"`
	Count     int    `json:"count"`
	Fence     uint64 `json:"fence"`
}

// payloadOK reports whether exactly the payload of c.Kind is set.
func (c *Command) payloadOK() bool {
	set := 0
	for _, p := range []bool{
		c.CreateCluster != nil, c.CreateParticipant != nil, c.SubmitReceivable != nil,
		c.Confirm != nil, c.Transfer != nil, c.List != nil, c.CancelListing != nil,
		c.PostOffer != nil, c.CancelOffer != nil, c.Fund != nil, c.Settle != nil,
		c.SetLedger != nil, c.RecordRegistrations != nil, c.RecordAnchor != nil, c.CutBatch != nil,
		c.IssueToken != nil, c.RevokeToken != nil, c.SetStatus != nil, c.Reject != nil,
		c.SetBookMode != nil, c.ClearAuction != nil,
	} {
		if p {
			set++
		}
	}
	want := 1
	if c.Kind == KindTick {
		want = 0
	}
	if set != want {
		return false
	}
	switch c.Kind {
	case KindIssueToken:
		return c.IssueToken != nil
	case KindRevokeToken:
		return c.RevokeToken != nil
	case KindSetStatus:
		return c.SetStatus != nil
	case KindReject:
		return c.Reject != nil
	case KindSetBookMode:
		return c.SetBookMode != nil
	case KindClearAuction:
		return c.ClearAuction != nil
	case KindCreateCluster:
		return c.CreateCluster != nil
	case KindCreateParticipant:
		return c.CreateParticipant != nil
	case KindSubmitReceivable:
		return c.SubmitReceivable != nil
	case KindConfirm:
		return c.Confirm != nil
	case KindTransfer:
		return c.Transfer != nil
	case KindList:
		return c.List != nil
	case KindCancelListing:
		return c.CancelListing != nil
	case KindPostOffer:
		return c.PostOffer != nil
	case KindCancelOffer:
		return c.CancelOffer != nil
	case KindFund:
		return c.Fund != nil
	case KindSettle:
		return c.Settle != nil
	case KindTick:
		return true
	case KindSetLedger:
		return c.SetLedger != nil
	case KindRecordRegistrations:
		return c.RecordRegistrations != nil
	case KindRecordAnchor:
		return c.RecordAnchor != nil
	case KindCutBatch:
		return c.CutBatch != nil
	}
	return false
}

// EncodeCommand is the journal encoding of a command: the binary format of codec.go.
func EncodeCommand(c Command) ([]byte, error) {
	return encodeBinary(make([]byte, 0, 128), &c), nil
}

// EncodeCommandJSON is the JSON encoding that journals written before the binary
// format hold; DecodeCommand reads both.
func EncodeCommandJSON(c Command) ([]byte, error) {
	return json.Marshal(c)
}

// DecodeCommand reads a journal entry strictly, in the binary format or (journals
// written before it) JSON: malformed data, unknown fields, trailing data, a missing
// actor or a payload that does not match the kind are refused.
func DecodeCommand(b []byte) (Command, error) {
	var c Command
	if len(b) > maxCommandBytes {
		return c, errorf(CodeValidation, "command of %d bytes exceeds %d", len(b), maxCommandBytes)
	}
	if len(b) > 0 && b[0] == binaryMagic {
		var fault string
		if c, fault = decodeBinary(b); fault != "" {
			return Command{}, errorf(CodeValidation, "decode command: %s", fault)
		}
	} else {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return Command{}, errorf(CodeValidation, "decode command: %v", err)
		}
		// Not dec.More(): it reports false before a stray '}' or ']', which would let
		// `{...}}` through. Only the end of the input may follow the command.
		if _, err := dec.Token(); err != io.EOF {
			return Command{}, errorf(CodeValidation, "decode command: trailing data")
		}
	}
	if c.Actor == "" {
		return Command{}, errorf(CodeValidation, "command %q has no actor", c.Kind)
	}
	if !c.payloadOK() {
		return Command{}, errorf(CodeValidation, "command %q: payload does not match kind", c.Kind)
	}
	return c, nil
}

func (c Command) String() string {
	return fmt.Sprintf("%s by %s", c.Kind, c.Actor)
}
