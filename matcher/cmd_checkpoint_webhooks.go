// SPDX-License-Identifier: Apache-2.0

package matcher

// KindCheckpointWebhooks: the deliverer records how far each webhook got.
const KindCheckpointWebhooks Kind = "checkpoint_webhooks"

// The payload tag of KindCheckpointWebhooks in the binary encoding (codec.go).
const tagCheckpointWebhooks byte = 62

func init() {
	register(descriptor{kind: KindCheckpointWebhooks, tags: []byte{tagCheckpointWebhooks}, decode: decodeCheckpointWebhooks})
}

// WebhookCursor is one webhook's progress: every event up to Seq-Idx was delivered
// or abandoned; Abandoned counts the events abandoned since the last checkpoint.
type WebhookCursor struct {
	WebhookID string `json:"webhook_id"`
	Seq       uint64 `json:"seq"`
	Idx       uint64 `json:"idx"`
	Abandoned uint64 `json:"abandoned,omitempty"`
}

// CheckpointWebhooks moves webhooks' cursors forward (the system only: the deliverer,
// a batch of webhooks an entry, not an entry an event).
type CheckpointWebhooks struct {
	Cursors []WebhookCursor `json:"cursors"`
}

// Kind is KindCheckpointWebhooks.
func (*CheckpointWebhooks) Kind() Kind { return KindCheckpointWebhooks }

func (p *CheckpointWebhooks) encode(e encoder) encoder {
	e.tag(tagCheckpointWebhooks)
	e.uint(uint64(len(p.Cursors)))
	for _, c := range p.Cursors {
		e.str(c.WebhookID)
		e.uint(c.Seq)
		e.uint(c.Idx)
		e.uint(c.Abandoned)
	}
	return e
}

func decodeCheckpointWebhooks(d *decoder, _ byte) Payload {
	n := d.count(4)
	p := &CheckpointWebhooks{Cursors: make([]WebhookCursor, 0, n)}
	for range n {
		p.Cursors = append(p.Cursors, WebhookCursor{WebhookID: d.str(), Seq: d.uint(), Idx: d.uint(), Abandoned: d.uint()})
	}
	return p
}

func (p *CheckpointWebhooks) apply(m *Matcher, actor string) (Result, *Error) {
	return m.checkpointWebhooks(actor, p)
}
