// SPDX-License-Identifier: Apache-2.0

package matcher

// KindCreateCluster: the operator certifies a cluster.
const KindCreateCluster Kind = "create_cluster"

// The payload tag of KindCreateCluster in the binary encoding (codec.go).
const tagCreateCluster byte = 1

func init() {
	register(descriptor{kind: KindCreateCluster, tags: []byte{tagCreateCluster}, decode: decodeCreateCluster})
}

// CreateCluster certifies a cluster (operator).
type CreateCluster struct {
	Name       string `json:"name"`
	CountyCode string `json:"county_code"`
	Level      string `json:"level"`
	Industry   string `json:"industry"`
	ValidUntil string `json:"valid_until"`
}

// Kind is KindCreateCluster.
func (*CreateCluster) Kind() Kind { return KindCreateCluster }

func (p *CreateCluster) encode(e encoder) encoder {
	e.tag(tagCreateCluster)
	e.str(p.Name)
	e.str(p.CountyCode)
	e.str(p.Level)
	e.str(p.Industry)
	e.str(p.ValidUntil)
	return e
}

func decodeCreateCluster(d *decoder, _ byte) Payload {
	return &CreateCluster{Name: d.str(), CountyCode: d.str(), Level: d.str(), Industry: d.str(), ValidUntil: d.str()}
}

func (p *CreateCluster) apply(m *Matcher, actor string) (Result, *Error) {
	return m.createCluster(actor, p)
}
