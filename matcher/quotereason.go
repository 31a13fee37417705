// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"encoding/json"
	"strconv"
	"strings"
)

// QuoteReason says how an offer priced a receivable for a match (docs/matching.md):
// "band A: 300 bps", or "score 850 on the curve: 300 bps at 1000 + 20 bps per 100
// points below = 330 bps" (", capped at 400 bps" when the curve's maximum held).
// A match keeps the figures and writes the sentence only when it is read (String,
// MarshalJSON): making a match formats nothing. Its JSON is the sentence, a string,
// as it always was; the zero value is no reason (omitted).
type QuoteReason struct {
	text   *string // a decoded reason that is not one of the two forms, as it was
	rate   uint16
	base   uint16
	per    uint16
	score  uint16
	kind   uint8 // reasonNone, reasonBand or reasonCurve
	band   byte
	capped bool
}

const (
	reasonNone uint8 = iota
	reasonBand
	reasonCurve
)

// quoteReason is how o priced a receivable with terms t at rate. Rates, curves and
// scores are bounded (maxRateBps, maxScore) well inside the fields; a figure outside
// them would be kept as text.
func quoteReason(o *Offer, t terms, rate int64) QuoteReason {
	fits := func(v int64) bool { return v >= 0 && v <= 0xffff }
	if o.Curve == nil {
		if len(t.band) == 1 && fits(rate) {
			return QuoteReason{kind: reasonBand, band: t.band[0], rate: uint16(rate)}
		}
	} else if c := o.Curve; fits(rate) && fits(c.BaseBps) && fits(c.BpsPer100Points) && fits(int64(t.score)) {
		return QuoteReason{kind: reasonCurve, rate: uint16(rate), base: uint16(c.BaseBps), per: uint16(c.BpsPer100Points),
			score: uint16(t.score), capped: c.uncapped(t.score) > rate}
	}
	s := formatQuoteReason(o, t, rate)
	return QuoteReason{text: &s}
}

// formatQuoteReason is the sentence of quoteReason, made at once.
func formatQuoteReason(o *Offer, t terms, rate int64) string {
	b := make([]byte, 0, 96)
	if o.Curve == nil {
		b = append(append(append(b, "band "...), t.band...), ": "...)
		return string(append(strconv.AppendInt(b, rate, 10), " bps"...))
	}
	c := o.Curve
	return string(appendCurveReason(b, int64(t.score), c.BaseBps, c.BpsPer100Points, rate, c.uncapped(t.score) > rate))
}

func appendCurveReason(b []byte, score, base, per, rate int64, capped bool) []byte {
	b = strconv.AppendInt(append(b, "score "...), score, 10)
	b = strconv.AppendInt(append(b, " on the curve: "...), base, 10)
	b = strconv.AppendInt(append(b, " bps at 1000 + "...), per, 10)
	b = append(b, " bps per 100 points below"...)
	if capped {
		b = append(b, ", capped at "...)
	} else {
		b = append(b, " = "...)
	}
	return append(strconv.AppendInt(b, rate, 10), " bps"...)
}

// AppendTo appends the sentence to b.
func (q QuoteReason) AppendTo(b []byte) []byte {
	switch q.kind {
	case reasonBand:
		b = append(append(append(b, "band "...), q.band), ": "...)
		return append(strconv.AppendInt(b, int64(q.rate), 10), " bps"...)
	case reasonCurve:
		return appendCurveReason(b, int64(q.score), int64(q.base), int64(q.per), int64(q.rate), q.capped)
	}
	if q.text != nil {
		return append(b, *q.text...)
	}
	return b
}

// String is the sentence ("" for none).
func (q QuoteReason) String() string {
	if q.kind == reasonNone {
		if q.text != nil {
			return *q.text
		}
		return ""
	}
	return string(q.AppendTo(make([]byte, 0, 96)))
}

// IsZero: no reason (the JSON field is omitted, as an empty string was).
func (q QuoteReason) IsZero() bool { return q.kind == reasonNone && (q.text == nil || *q.text == "") }

// MarshalJSON writes the sentence as a JSON string.
func (q QuoteReason) MarshalJSON() ([]byte, error) {
	if q.kind == reasonNone {
		return json.Marshal(q.String())
	}
	b := append(make([]byte, 0, 100), '"') // the two forms are plain ASCII: nothing to escape
	return append(q.AppendTo(b), '"'), nil
}

// UnmarshalJSON reads a sentence back: into its figures when it is one of the two
// forms exactly, as text otherwise.
func (q *QuoteReason) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*q = parseQuoteReason(s)
	return nil
}

// parseQuoteReason is the reason whose sentence is s.
func parseQuoteReason(s string) QuoteReason {
	if s == "" {
		return QuoteReason{}
	}
	var q QuoteReason
	p := reasonParser{ok: true}
	switch {
	case strings.HasPrefix(s, "band ") && len(s) > len("band "):
		p.s = s[len("band "):]
		q = QuoteReason{kind: reasonBand, band: p.s[0]}
		p.s = p.s[1:]
		p.lit(": ")
		q.rate = p.num()
		p.lit(" bps")
	case strings.HasPrefix(s, "score "):
		p.s = s[len("score "):]
		q = QuoteReason{kind: reasonCurve}
		q.score = p.num()
		p.lit(" on the curve: ")
		q.base = p.num()
		p.lit(" bps at 1000 + ")
		q.per = p.num()
		p.lit(" bps per 100 points below")
		if strings.HasPrefix(p.s, ", capped at ") {
			q.capped = true
			p.lit(", capped at ")
		} else {
			p.lit(" = ")
		}
		q.rate = p.num()
		p.lit(" bps")
	}
	if q.kind != reasonNone && p.ok && p.s == "" && string(q.AppendTo(nil)) == s {
		return q
	}
	return QuoteReason{text: &s}
}

// reasonParser consumes a sentence; ok turns false at the first thing that does not fit.
type reasonParser struct {
	s  string
	ok bool
}

func (p *reasonParser) lit(x string) {
	if !strings.HasPrefix(p.s, x) {
		p.ok = false
		return
	}
	p.s = p.s[len(x):]
}

func (p *reasonParser) num() uint16 {
	i := 0
	for i < len(p.s) && i < 5 && p.s[i] >= '0' && p.s[i] <= '9' {
		i++
	}
	n, err := strconv.ParseUint(p.s[:i], 10, 16)
	if err != nil {
		p.ok = false
		return 0
	}
	p.s = p.s[i:]
	return uint16(n)
}
