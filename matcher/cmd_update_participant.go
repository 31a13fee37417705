// SPDX-License-Identifier: Apache-2.0

package matcher

// KindUpdateParticipant: the operator changes a core's rating or an SME's
// certification or cluster.
const KindUpdateParticipant Kind = "update_participant"

// The payload tag of KindUpdateParticipant in the binary encoding (codec.go).
const tagUpdateParticipant byte = 47

func init() {
	register(descriptor{kind: KindUpdateParticipant, tags: []byte{tagUpdateParticipant}, decode: decodeUpdateParticipant})
}

// UpdateParticipant changes what scoring reads of a participant, from the entry on:
// a core's Rating; an SME's Certification (with CertificationValidUntil) and
// ClusterID (ClusterNone leaves its cluster). An empty field stays as it is.
type UpdateParticipant struct {
	ParticipantID           string `json:"participant_id"`
	Rating                  string `json:"rating,omitempty"`
	Certification           string `json:"certification,omitempty"`
	CertificationValidUntil string `json:"certification_valid_until,omitempty"`
	ClusterID               string `json:"cluster_id,omitempty"`
	Reason                  string `json:"reason"`
}

// ClusterNone as an UpdateParticipant's ClusterID takes the SME out of its cluster.
const ClusterNone = "none"

// Kind is KindUpdateParticipant.
func (*UpdateParticipant) Kind() Kind { return KindUpdateParticipant }

func (p *UpdateParticipant) encode(e encoder) encoder {
	e.tag(tagUpdateParticipant)
	e.str(p.ParticipantID)
	e.str(p.Rating)
	e.str(p.Certification)
	e.str(p.CertificationValidUntil)
	e.str(p.ClusterID)
	e.str(p.Reason)
	return e
}

func decodeUpdateParticipant(d *decoder, _ byte) Payload {
	return &UpdateParticipant{ParticipantID: d.str(), Rating: d.str(), Certification: d.str(),
		CertificationValidUntil: d.str(), ClusterID: d.str(), Reason: d.str()}
}

func (p *UpdateParticipant) apply(m *Matcher, actor string) (Result, *Error) {
	return m.updateParticipant(actor, p)
}
