// SPDX-License-Identifier: Apache-2.0

package wire

// WebhookRequest registers a webhook (POST /v1/webhooks, docs/api.md "Webhooks").
type WebhookRequest struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Webhook is one of a participant's webhooks. Secret is in the answer to its
// registration only; Cursor is the last event delivered or abandoned as the journal
// has it (the deliverer checkpoints it), null before the first checkpoint.
type Webhook struct {
	ID            string     `json:"id"`
	ParticipantID string     `json:"participant_id"`
	URL           string     `json:"url"`
	Description   string     `json:"description"`
	CreatedAt     string     `json:"created_at"`
	Cursor        *string    `json:"cursor"`
	CheckpointAt  *string    `json:"checkpoint_at"`
	Abandoned     uint64     `json:"abandoned"`
	Lag           WebhookLag `json:"lag"`
	Secret        string     `json:"secret,omitempty"`
	SecretShown   *bool      `json:"secret_shown,omitempty"`
	Deleted       bool       `json:"deleted,omitempty"`
}

// WebhookLag is how far a webhook is behind its participant's feed, from the
// checkpointed cursor: Events counts the events after it (at most 1,000 counted, More
// when there are more), OldestAt is the time of the first of them.
type WebhookLag struct {
	Events   int     `json:"events"`
	More     bool    `json:"more"`
	OldestAt *string `json:"oldest_at"`
}

// WebhookDelivery is one event's delivery to a webhook, as the deliverer knows it.
type WebhookDelivery struct {
	EventID       string  `json:"event_id"`
	Status        string  `json:"status"` // pending, delivered, retrying, abandoned
	Attempts      int     `json:"attempts"`
	LastStatus    *int    `json:"last_status"` // the receiver's HTTP status
	LastError     *string `json:"last_error"`
	LastAttemptAt *string `json:"last_attempt_at"`
	NextAttemptAt *string `json:"next_attempt_at"`
}

// WebhookDeliveries is GET /v1/webhooks/{id}/deliveries: the most recent deliveries,
// newest first. Deliverer tells whether the replica that answered is the deliverer:
// the attempts live in its memory, another replica has none to show.
type WebhookDeliveries struct {
	Items      []WebhookDelivery `json:"items"`
	NextCursor *string           `json:"next_cursor"`
	Deliverer  bool              `json:"deliverer"`
	Webhook    Webhook           `json:"webhook"`
}
