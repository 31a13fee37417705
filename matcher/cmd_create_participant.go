// SPDX-License-Identifier: Apache-2.0

package matcher

// KindCreateParticipant: the operator onboards a participant.
const KindCreateParticipant Kind = "create_participant"

// The payload tag of KindCreateParticipant in the binary encoding (codec.go).
const tagCreateParticipant byte = 2

func init() {
	register(descriptor{kind: KindCreateParticipant, tags: []byte{tagCreateParticipant}, decode: decodeCreateParticipant})
}

// CreateParticipant onboards an SME, core or lender (operator). TokenHash is the
// hex SHA-256 of the bearer token the API generated; the token itself never enters
// the journal.
type CreateParticipant struct {
	Name                    string `json:"name"`
	USCC                    string `json:"uscc"`
	Role                    string `json:"role"`
	Address                 string `json:"address,omitempty"`
	ClusterID               string `json:"cluster_id,omitempty"`
	Certification           string `json:"certification,omitempty"`
	CertificationValidUntil string `json:"certification_valid_until,omitempty"`
	Rating                  string `json:"rating,omitempty"`
	TokenHash               string `json:"token_hash"`
}

// Kind is KindCreateParticipant.
func (*CreateParticipant) Kind() Kind { return KindCreateParticipant }

func (p *CreateParticipant) encode(e encoder) encoder {
	e.tag(tagCreateParticipant)
	e.str(p.Name)
	e.str(p.USCC)
	e.str(p.Role)
	e.str(p.Address)
	e.str(p.ClusterID)
	e.str(p.Certification)
	e.str(p.CertificationValidUntil)
	e.str(p.Rating)
	e.str(p.TokenHash)
	return e
}

func decodeCreateParticipant(d *decoder, _ byte) Payload {
	return &CreateParticipant{
		Name: d.str(), USCC: d.str(), Role: d.str(), Address: d.str(), ClusterID: d.str(),
		Certification: d.str(), CertificationValidUntil: d.str(), Rating: d.str(), TokenHash: d.str(),
	}
}

func (p *CreateParticipant) apply(m *Matcher, actor string) (Result, *Error) {
	return m.createParticipant(actor, p)
}
