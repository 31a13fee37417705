// SPDX-License-Identifier: Apache-2.0

package wire

// Event is one change in a participant's feed (GET /v1/events, docs/api.md "Events"):
// an object created or moved to another status. ID is "<seq>-<idx>", the same on every
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
}
