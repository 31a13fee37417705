// SPDX-License-Identifier: Apache-2.0

package matcher

// Kinds by which a lender ends an overdue claim.
const (
	// KindExerciseRecourse: the lender turns an overdue claim on the seller.
	KindExerciseRecourse Kind = "exercise_recourse"
	// KindWriteOff: the lender writes an overdue claim off.
	KindWriteOff Kind = "write_off"
)

// The payload tags in the binary encoding (codec.go).
const (
	tagExerciseRecourse byte = 45
	tagWriteOff         byte = 46
)

func init() {
	register(descriptor{kind: KindExerciseRecourse, tags: []byte{tagExerciseRecourse}, decode: func(d *decoder, _ byte) Payload {
		return &ExerciseRecourse{MatchID: d.str(), Reason: d.str()}
	}})
	register(descriptor{kind: KindWriteOff, tags: []byte{tagWriteOff}, decode: func(d *decoder, _ byte) Payload {
		return &WriteOff{MatchID: d.str(), Reason: d.str()}
	}})
}

// ExerciseRecourse: the lender of an overdue match whose offer said recourse turns
// what the core still owes on it (principal and late interest) on the seller.
type ExerciseRecourse struct {
	MatchID string `json:"match_id"`
	Reason  string `json:"reason"`
}

// Kind is KindExerciseRecourse.
func (*ExerciseRecourse) Kind() Kind { return KindExerciseRecourse }

func (p *ExerciseRecourse) encode(e encoder) encoder {
	e.tag(tagExerciseRecourse)
	e.str(p.MatchID)
	e.str(p.Reason)
	return e
}

func (p *ExerciseRecourse) apply(m *Matcher, actor string) (Result, *Error) {
	return m.endOverdue(actor, p.MatchID, p.Reason, MatchRecourse)
}

// WriteOff: the lender of an overdue match gives up what is still owed on it.
type WriteOff struct {
	MatchID string `json:"match_id"`
	Reason  string `json:"reason"`
}

// Kind is KindWriteOff.
func (*WriteOff) Kind() Kind { return KindWriteOff }

func (p *WriteOff) encode(e encoder) encoder {
	e.tag(tagWriteOff)
	e.str(p.MatchID)
	e.str(p.Reason)
	return e
}

func (p *WriteOff) apply(m *Matcher, actor string) (Result, *Error) {
	return m.endOverdue(actor, p.MatchID, p.Reason, MatchWrittenOff)
}
