// SPDX-License-Identifier: Apache-2.0

package matcher

// KindSetLedger: the node binds the state to a chain and registry.
const KindSetLedger Kind = "set_ledger"

// The payload tag of KindSetLedger in the binary encoding (codec.go).
const tagSetLedger byte = 12

func init() {
	register(descriptor{kind: KindSetLedger, tags: []byte{tagSetLedger}, decode: decodeSetLedger})
}

// SetLedger fixes the chain and registry that signatures are bound to (EIP-712
// domain) and the platform id that makes this platform's registry refs its own.
type SetLedger struct {
	ChainID  uint64 `json:"chain_id"`
	Registry string `json:"registry"`
	Platform string `json:"platform"`
	Anchorer string `json:"anchorer,omitempty"`
}

// Kind is KindSetLedger.
func (*SetLedger) Kind() Kind { return KindSetLedger }

func (p *SetLedger) encode(e encoder) encoder {
	e.tag(tagSetLedger)
	e.uint(p.ChainID)
	e.str(p.Registry)
	e.str(p.Platform)
	e.str(p.Anchorer)
	return e
}

func decodeSetLedger(d *decoder, _ byte) Payload {
	return &SetLedger{ChainID: d.uint(), Registry: d.str(), Platform: d.str(), Anchorer: d.str()}
}

func (p *SetLedger) apply(m *Matcher, actor string) (Result, *Error) { return m.setLedger(actor, p) }
