// SPDX-License-Identifier: Apache-2.0

package api

import (
	"reflect"
	"strings"

	"github.com/scfx/scfx/matcher"
)

// checkKeysFast does what checkKeys does without a json.Decoder, whose Token
// allocates per token, a visible share of serve's CPU on POST /v1/receivables
// (docs/benchmarks.md). The body has
// already decoded into a value of type t, so it is valid JSON and the walk can be
// simple. ok is false when it meets what it leaves to checkKeys — an escaped key —
// and the caller then runs checkKeys; an error with ok true is checkKeys's answer.
func checkKeysFast(b []byte, t reflect.Type) (*matcher.Error, bool) {
	s := keyScan{jsonCursor{b: b}}
	return s.value(t, "")
}

type keyScan struct{ jsonCursor }

// jsonCursor is a place in a JSON text, shared by the scanners of the request path
// (keyScan, flatScan).
type jsonCursor struct {
	b []byte
	i int
}

// ws skips white space.
func (s *jsonCursor) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *keyScan) value(t reflect.Type, path string) (*matcher.Error, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s.ws()
	if s.i >= len(s.b) {
		return nil, false
	}
	switch c := s.b[s.i]; {
	case c == '{' && t != nil && t.Kind() == reflect.Struct:
		return s.object(t, path)
	case c == '[' && t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		return s.array(t.Elem(), strings.TrimSuffix(path, ".")+"[].")
	}
	return nil, s.skip()
}

func (s *keyScan) object(t reflect.Type, path string) (*matcher.Error, bool) {
	fields := jsonFields(t)
	s.i++ // {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil, true
	}
	var seen []string
	for {
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return nil, false
		}
		end := s.i + 1
		for end < len(s.b) && s.b[end] != '"' {
			if s.b[end] == '\\' {
				return nil, false // an escaped key: checkKeys decodes it
			}
			end++
		}
		if end >= len(s.b) {
			return nil, false
		}
		key := string(s.b[s.i+1 : end])
		s.i = end + 1
		ft, known := fields[key]
		if !known {
			return fieldError(path+key, "is not a known field"), true
		}
		for _, k := range seen {
			if k == key {
				return fieldError(path+key, "appears more than once"), true
			}
		}
		seen = append(seen, key)
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return nil, false
		}
		s.i++
		if e, ok := s.value(ft, path+key+"."); e != nil || !ok {
			return e, ok
		}
		if more, ok := s.next('}'); !more {
			return nil, ok
		}
	}
}

// next reads what follows a member or element: ',' (more follows), or the closing
// delimiter (done, ok); anything else is left to checkKeys (not ok).
func (s *keyScan) next(closing byte) (more, ok bool) {
	s.ws()
	if s.i >= len(s.b) {
		return false, false
	}
	switch s.b[s.i] {
	case ',':
		s.i++
		return true, true
	case closing:
		s.i++
		return false, true
	}
	return false, false
}

func (s *keyScan) array(elem reflect.Type, path string) (*matcher.Error, bool) {
	s.i++ // [
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil, true
	}
	for {
		if e, ok := s.value(elem, path); e != nil || !ok {
			return e, ok
		}
		if more, ok := s.next(']'); !more {
			return nil, ok
		}
	}
}

// skip passes over one value whose keys are not checked.
func (s *keyScan) skip() bool {
	switch s.b[s.i] {
	case '"':
		return s.skipString()
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if !s.skipString() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	}
	for s.i < len(s.b) { // a number or a literal
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return true
		}
		s.i++
	}
	return true
}

func (s *keyScan) skipString() bool {
	s.i++ // opening quote
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			s.i++
			return true
		}
		s.i++
	}
	return false
}
