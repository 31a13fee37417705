// SPDX-License-Identifier: Apache-2.0

package wire

// Event is one change in a participant's feed (GET /v1/events, docs/api.md "Events"):
// an object created or moved to another status, or a change that leaves its status
// as it is (Change: a payment, a credit note, a receipt, a participant's field). ID is "<seq>-<idx>", the same on every
// replica; a webhook delivery carries the same event, and its id dedupes redeliveries.
type Event struct {
	ID           string `json:"id"`
	Seq          uint64 `json:"seq"`
	Type         string `json:"type"`
	Object       string `json:"object"`
	ObjectID     string `json:"object_id"`
	Status       string `json:"status"`
	AmountFen    int64  `json:"amount"`
	ReceivableID string `json:"receivable_id,omitempty"`
	CreatedAt    string `json:"created_at"`
	// A change that is not one of status; absent on created and status events.
	Change    string `json:"change,omitempty"`
	ChangeFen int64  `json:"change_amount,omitempty"`
	MatchID   string `json:"match_id,omitempty"`
	Reference string `json:"reference,omitempty"`
	From      string `json:"from,omitempty"`
	To        string `json:"to,omitempty"`
}
