// SPDX-License-Identifier: Apache-2.0

package matcher

// KindReject: a refused request is remembered under its idempotency key.
const KindReject Kind = "reject"

// The payload tag of KindReject in the binary encoding (codec.go).
const tagReject byte = 19

func init() {
	register(descriptor{kind: KindReject, tags: []byte{tagReject}, decode: decodeReject})
}

// Reject is a request the API refused before it became a command, journaled only
// when it carried an Idempotency-Key: the failure is remembered under the key, so
// that a retry with another body is an idempotency_conflict on every replica.
type Reject struct {
	Error Error `json:"error"`
}

// Kind is KindReject.
func (*Reject) Kind() Kind { return KindReject }

func (p *Reject) encode(e encoder) encoder {
	e.tag(tagReject)
	e.str(string(p.Error.Code))
	e.str(p.Error.Detail)
	e.uint(uint64(len(p.Error.Fields)))
	for _, f := range p.Error.Fields {
		e.str(f.Field)
		e.str(f.Message)
	}
	return e
}

func decodeReject(d *decoder, _ byte) Payload {
	p := &Reject{Error: Error{Code: Code(d.str()), Detail: d.str()}}
	if n := d.count(2); n > 0 {
		p.Error.Fields = make([]FieldError, n)
		for i := range p.Error.Fields {
			p.Error.Fields[i] = FieldError{Field: d.str(), Message: d.str()}
		}
	}
	return p
}

func (p *Reject) apply(m *Matcher, actor string) (Result, *Error) { return m.reject(actor, p) }
