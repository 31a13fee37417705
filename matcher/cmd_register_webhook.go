// SPDX-License-Identifier: Apache-2.0

package matcher

// KindRegisterWebhook: a participant registers a URL its events are POSTed to.
const KindRegisterWebhook Kind = "register_webhook"

// The payload tag of KindRegisterWebhook in the binary encoding (codec.go).
const tagRegisterWebhook byte = 60

func init() {
	register(descriptor{kind: KindRegisterWebhook, tags: []byte{tagRegisterWebhook}, decode: decodeRegisterWebhook})
}

// RegisterWebhook registers a webhook of a participant (the participant itself or the
// operator). Salt is 32 bytes from crypto/rand in hex, KeyID names the webhook key
// (webhooks.go): the secret derived from them is never journaled.
type RegisterWebhook struct {
	ParticipantID string `json:"participant_id"`
	URL           string `json:"url"`
	Description   string `json:"description,omitempty"`
	Salt          string `json:"salt"`
	KeyID         string `json:"key_id"`
}

// Kind is KindRegisterWebhook.
func (*RegisterWebhook) Kind() Kind { return KindRegisterWebhook }

func (p *RegisterWebhook) encode(e encoder) encoder {
	e.tag(tagRegisterWebhook)
	e.str(p.ParticipantID)
	e.str(p.URL)
	e.str(p.Description)
	e.str(p.Salt)
	e.str(p.KeyID)
	return e
}

func decodeRegisterWebhook(d *decoder, _ byte) Payload {
	return &RegisterWebhook{ParticipantID: d.str(), URL: d.str(), Description: d.str(), Salt: d.str(), KeyID: d.str()}
}

func (p *RegisterWebhook) apply(m *Matcher, actor string) (Result, *Error) {
	return m.registerWebhook(actor, p)
}
