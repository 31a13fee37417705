// SPDX-License-Identifier: Apache-2.0

package matcher

// KindRecordRegistrations: the node records the registry's answer for fingerprints.
const KindRecordRegistrations Kind = "record_registrations"

// The payload tag of KindRecordRegistrations in the binary encoding (codec.go).
const tagRecordRegistrations byte = 13

func init() {
	register(descriptor{kind: KindRecordRegistrations, tags: []byte{tagRecordRegistrations}, decode: decodeRecordRegistrations})
}

// RecordRegistrations is the registry's answer for a prefix of the pending
// fingerprint queue, in queue order.
type RecordRegistrations struct {
	First   uint64      `json:"first"`
	Results []RegResult `json:"results"`
	TxHash  string      `json:"tx_hash,omitempty"`
	Fence   uint64      `json:"fence"`
}

// RegResult is one fingerprint's outcome on the registry.
type RegResult struct {
	Fingerprint string `json:"fingerprint"`
	Duplicate   bool   `json:"duplicate"`
	ExistingRef string `json:"existing_ref,omitempty"`
}

// Kind is KindRecordRegistrations.
func (*RecordRegistrations) Kind() Kind { return KindRecordRegistrations }

func (p *RecordRegistrations) encode(e encoder) encoder {
	e.tag(tagRecordRegistrations)
	e.uint(p.First)
	e.uint(uint64(len(p.Results)))
	for _, r := range p.Results {
		e.str(r.Fingerprint)
		e.bool(r.Duplicate)
		e.str(r.ExistingRef)
	}
	e.str(p.TxHash)
	e.uint(p.Fence)
	return e
}

func decodeRecordRegistrations(d *decoder, _ byte) Payload {
	p := &RecordRegistrations{First: d.uint()}
	if n := d.count(3); n > 0 {
		p.Results = make([]RegResult, n)
		for i := range p.Results {
			p.Results[i] = RegResult{Fingerprint: d.str(), Duplicate: d.bool(), ExistingRef: d.str()}
		}
	}
	p.TxHash, p.Fence = d.str(), d.uint()
	return p
}

func (p *RecordRegistrations) apply(m *Matcher, actor string) (Result, *Error) {
	return m.recordRegistrations(actor, p)
}
