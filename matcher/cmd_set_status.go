// SPDX-License-Identifier: Apache-2.0

package matcher

// KindSetStatus: the operator suspends or reactivates a participant.
const KindSetStatus Kind = "set_participant_status"

// The payload tag of KindSetStatus in the binary encoding (codec.go).
const tagSetStatus byte = 18

func init() {
	register(descriptor{kind: KindSetStatus, tags: []byte{tagSetStatus}, decode: decodeSetStatus})
}

// SetStatus suspends or reactivates a participant (operator).
type SetStatus struct {
	ParticipantID string `json:"participant_id"`
	Status        string `json:"status"`
}

// Kind is KindSetStatus.
func (*SetStatus) Kind() Kind { return KindSetStatus }

func (p *SetStatus) encode(e encoder) encoder {
	e.tag(tagSetStatus)
	e.str(p.ParticipantID)
	e.str(p.Status)
	return e
}

func decodeSetStatus(d *decoder, _ byte) Payload {
	return &SetStatus{ParticipantID: d.str(), Status: d.str()}
}

func (p *SetStatus) apply(m *Matcher, actor string) (Result, *Error) { return m.setStatus(actor, p) }
