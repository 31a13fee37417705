// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/scfx/scfx/api/wire"
)

// Servicing after funding (docs/api.md, "Servicing").

// RejectReceivable is POST /v1/receivables/{id}/reject (the debtor core): refuse a
// receivable pending confirmation, for good.
func (c *Client) RejectReceivable(ctx context.Context, id string, in wire.ReasonRequest) (*wire.Receivable, error) {
	return send[wire.Receivable](c, ctx, http.MethodPost, "/v1/receivables/"+esc(id)+"/reject", in)
}

// CreditNoteTypedData is GET /v1/receivables/{id}/credit-notes/typed-data: the
// EIP-712 CreditNote the debtor core signs; salt is 0x and 32 bytes of hex.
func (c *Client) CreditNoteTypedData(ctx context.Context, id string, amountFen int64, reason, salt string) (json.RawMessage, error) {
	q := url.Values{"amount": {strconv.FormatInt(amountFen, 10)}, "reason": {reason}, "salt": {salt}}
	v, err := get[json.RawMessage](c, ctx, "/v1/receivables/"+esc(id)+"/credit-notes/typed-data?"+q.Encode())
	if err != nil {
		return nil, err
	}
	return *v, nil
}

// IssueCreditNote is POST /v1/receivables/{id}/credit-notes (the debtor core) with
// a signature made elsewhere; SignCreditNote makes it too.
func (c *Client) IssueCreditNote(ctx context.Context, id string, in wire.CreditNoteRequest) (*wire.Receivable, error) {
	return send[wire.Receivable](c, ctx, http.MethodPost, "/v1/receivables/"+esc(id)+"/credit-notes", in)
}

// RecordPayment is POST /v1/receivables/{id}/payments (the debtor core): paid to
// the holder, or to the lender of in.MatchID.
func (c *Client) RecordPayment(ctx context.Context, id string, in wire.PaymentRequest) (*wire.Receivable, error) {
	return send[wire.Receivable](c, ctx, http.MethodPost, "/v1/receivables/"+esc(id)+"/payments", in)
}

// ConfirmRepayment is POST /v1/matches/{id}/repayments (the lender): received.
func (c *Client) ConfirmRepayment(ctx context.Context, id string, in wire.RepaymentRequest) (*wire.Match, error) {
	return send[wire.Match](c, ctx, http.MethodPost, "/v1/matches/"+esc(id)+"/repayments", in)
}

// ExerciseRecourse is POST /v1/matches/{id}/recourse (the lender of an overdue
// match made with recourse).
func (c *Client) ExerciseRecourse(ctx context.Context, id string, in wire.ReasonRequest) (*wire.Match, error) {
	return send[wire.Match](c, ctx, http.MethodPost, "/v1/matches/"+esc(id)+"/recourse", in)
}

// WriteOff is POST /v1/matches/{id}/write-off (the lender of an overdue match).
func (c *Client) WriteOff(ctx context.Context, id string, in wire.ReasonRequest) (*wire.Match, error) {
	return send[wire.Match](c, ctx, http.MethodPost, "/v1/matches/"+esc(id)+"/write-off", in)
}

// ChangeParticipant is POST /v1/participants/{id}/changes (operator).
func (c *Client) ChangeParticipant(ctx context.Context, id string, in wire.ParticipantChangeRequest) (*wire.Participant, error) {
	return send[wire.Participant](c, ctx, http.MethodPost, "/v1/participants/"+esc(id)+"/changes", in)
}

// ParticipantChanges is GET /v1/participants/{id}/changes: the history, oldest first.
func (c *Client) ParticipantChanges(ctx context.Context, id string, o ListOptions) (*wire.Page[wire.ParticipantChange], error) {
	return get[wire.Page[wire.ParticipantChange]](c, ctx, "/v1/participants/"+esc(id)+"/changes"+o.query(url.Values{}))
}
