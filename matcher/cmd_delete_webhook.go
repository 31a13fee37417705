// SPDX-License-Identifier: Apache-2.0

package matcher

// KindDeleteWebhook: a webhook ends.
const KindDeleteWebhook Kind = "delete_webhook"

// The payload tag of KindDeleteWebhook in the binary encoding (codec.go).
const tagDeleteWebhook byte = 61

func init() {
	register(descriptor{kind: KindDeleteWebhook, tags: []byte{tagDeleteWebhook}, decode: decodeDeleteWebhook})
}

// DeleteWebhook ends a webhook (its owner or the operator).
type DeleteWebhook struct {
	WebhookID string `json:"webhook_id"`
}

// Kind is KindDeleteWebhook.
func (*DeleteWebhook) Kind() Kind { return KindDeleteWebhook }

func (p *DeleteWebhook) encode(e encoder) encoder {
	e.tag(tagDeleteWebhook)
	e.str(p.WebhookID)
	return e
}

func decodeDeleteWebhook(d *decoder, _ byte) Payload {
	return &DeleteWebhook{WebhookID: d.str()}
}

func (p *DeleteWebhook) apply(m *Matcher, actor string) (Result, *Error) {
	return m.deleteWebhook(actor, p)
}
