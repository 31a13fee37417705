// SPDX-License-Identifier: Apache-2.0

package matcher

// KindRevokeToken: one of a participant's tokens ends.
const KindRevokeToken Kind = "revoke_token"

// The payload tag of KindRevokeToken in the binary encoding (codec.go).
const tagRevokeToken byte = 17

func init() {
	register(descriptor{kind: KindRevokeToken, tags: []byte{tagRevokeToken}, decode: decodeRevokeToken})
}

// RevokeToken ends one of a participant's tokens (the operator or the participant).
type RevokeToken struct {
	ParticipantID string `json:"participant_id"`
	TokenID       string `json:"token_id"`
}

// Kind is KindRevokeToken.
func (*RevokeToken) Kind() Kind { return KindRevokeToken }

func (p *RevokeToken) encode(e encoder) encoder {
	e.tag(tagRevokeToken)
	e.str(p.ParticipantID)
	e.str(p.TokenID)
	return e
}

func decodeRevokeToken(d *decoder, _ byte) Payload {
	return &RevokeToken{ParticipantID: d.str(), TokenID: d.str()}
}

func (p *RevokeToken) apply(m *Matcher, actor string) (Result, *Error) {
	return m.revokeToken(actor, p)
}
