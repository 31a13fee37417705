// SPDX-License-Identifier: Apache-2.0

package matcher

// KindIssueToken: a participant gets another bearer token.
const KindIssueToken Kind = "issue_token"

// The payload tag of KindIssueToken in the binary encoding (codec.go).
const tagIssueToken byte = 16

func init() {
	register(descriptor{kind: KindIssueToken, tags: []byte{tagIssueToken}, decode: decodeIssueToken})
}

// IssueToken gives a participant another bearer token (the operator or the
// participant itself). TokenHash is the hex SHA-256 of a token the API drew from
// crypto/rand; ExpiresMs, if not 0, is when the token stops working.
type IssueToken struct {
	ParticipantID string `json:"participant_id"`
	TokenHash     string `json:"token_hash"`
	ExpiresMs     int64  `json:"expires_ms,omitempty"`
}

// Kind is KindIssueToken.
func (*IssueToken) Kind() Kind { return KindIssueToken }

func (p *IssueToken) encode(e encoder) encoder {
	e.tag(tagIssueToken)
	e.str(p.ParticipantID)
	e.str(p.TokenHash)
	e.int(p.ExpiresMs)
	return e
}

func decodeIssueToken(d *decoder, _ byte) Payload {
	return &IssueToken{ParticipantID: d.str(), TokenHash: d.str(), ExpiresMs: d.int()}
}

func (p *IssueToken) apply(m *Matcher, actor string) (Result, *Error) { return m.issueToken(actor, p) }
