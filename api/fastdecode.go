// SPDX-License-Identifier: Apache-2.0

package api

import (
	"github.com/scfx/scfx/matcher"
)

// decodeRequest decodes a POST body strictly into v and checks its ids: the strict
// decoding of decodeStrict, then checkIDs. The hot body, POST /v1/receivables, first
// tries a one-pass decoder (decodeSubmitReceivableFast) that checks keys and decodes
// in the same pass, without reflection; anything it does not take as plainly valid
// (an escape, a non-ASCII byte, null, a float, a duplicate or unknown key, trailing
// data …) goes the general way, which gives the answer and the error it always gave.
// TestFastDecodeAgrees holds the two to the same result.
func decodeRequest(b []byte, v any) *matcher.Error {
	if p, ok := v.(*matcher.SubmitReceivable); ok {
		if decodeSubmitReceivableFast(b, p) {
			if p.DebtorID != "" && !canonicalID(p.DebtorID) {
				return fieldError("debtor_id", "is not an id this server issued")
			}
			return nil
		}
		*p = matcher.SubmitReceivable{} // the general decoder starts from the zero value
	}
	if e := decodeStrict(b, v); e != nil {
		return e
	}
	return checkIDs(v)
}

// decodeSubmitReceivableFast decodes b into p when b is one JSON object of
// SubmitReceivable's fields, each at most once, with strings of printable ASCII
// without escapes and integers without fraction or exponent, and nothing but
// whitespace around it. It returns false for everything else, leaving p partly set.
func decodeSubmitReceivableFast(b []byte, p *matcher.SubmitReceivable) bool {
	s := flatScan{jsonCursor: jsonCursor{b: b}, src: string(b)}
	s.ws()
	if !s.byte('{') {
		return false
	}
	s.ws()
	if !s.byte('}') {
		var seen uint8
		for {
			key, ok := s.rawString()
			if !ok {
				return false
			}
			s.ws()
			if !s.byte(':') {
				return false
			}
			s.ws()
			var bit uint8
			switch string(key) {
			case "debtor_id":
				bit = 1
				p.DebtorID, ok = s.str()
			case "invoice_number":
				bit = 2
				p.InvoiceNumber, ok = s.str()
			case "amount":
				bit = 4
				p.Amount, ok = s.int64()
			case "currency":
				bit = 8
				p.Currency, ok = s.str()
			case "issue_date":
				bit = 16
				p.IssueDate, ok = s.str()
			case "due_date":
				bit = 32
				p.DueDate, ok = s.str()
			default:
				return false
			}
			if !ok || seen&bit != 0 {
				return false
			}
			seen |= bit
			s.ws()
			if s.byte(',') {
				s.ws()
				continue
			}
			if s.byte('}') {
				break
			}
			return false
		}
	}
	s.ws()
	return s.i == len(s.b)
}

// flatScan reads the plain JSON that decodeSubmitReceivableFast takes. Its strings
// are substrings of src, the body copied once, rather than one allocation each.
type flatScan struct {
	jsonCursor
	src string // string(b)
}

// byte consumes c if it is next.
func (s *flatScan) byte(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// rawString reads a string of printable ASCII without escapes; its bytes alias b.
func (s *flatScan) rawString() ([]byte, bool) {
	if !s.byte('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return nil, false
		}
		s.i++
	}
	return nil, false
}

func (s *flatScan) str() (string, bool) {
	start := s.i + 1 // after the quote
	r, ok := s.rawString()
	if !ok {
		return "", false
	}
	return s.src[start : start+len(r)], true
}

// int64 reads -?(0|[1-9][0-9]*) within int64's range; what follows is the caller's.
// A fraction or exponent then fails the caller's check for ',' or '}'.
func (s *flatScan) int64() (int64, bool) {
	neg := s.byte('-')
	start := s.i
	var n uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		if n > (1<<63)/10 {
			return 0, false
		}
		n = n*10 + uint64(s.b[s.i]-'0')
		s.i++
	}
	switch digits := s.i - start; {
	case digits == 0, digits > 1 && s.b[start] == '0':
		return 0, false
	case neg && n > 1<<63, !neg && n > 1<<63-1:
		return 0, false
	case neg:
		return -int64(n), true
	}
	return int64(n), true
}
