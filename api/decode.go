// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
)

// MaxBodyBytes is docs/api.md's body limit: bigger bodies are 413 payload_too_large.
const MaxBodyBytes = 1 << 20

// readBody reads the whole body within the limit.
func readBody(c *gin.Context) ([]byte, *matcher.Error) {
	if c.Request.ContentLength > MaxBodyBytes {
		return nil, errf(matcher.CodePayloadTooLarge, fmt.Sprintf("body of %d bytes exceeds %d", c.Request.ContentLength, MaxBodyBytes))
	}
	if n := c.Request.ContentLength; n > 0 {
		// The length is known and within the limit, and net/http reads no more than it
		// says: one buffer of that size, no MaxBytesReader.
		b := make([]byte, n)
		if _, err := io.ReadFull(c.Request.Body, b); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, errf(matcher.CodeValidation, "reading body: "+err.Error())
		}
		return b, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errf(matcher.CodePayloadTooLarge, fmt.Sprintf("body exceeds %d bytes", MaxBodyBytes))
		}
		return nil, errf(matcher.CodeValidation, "reading body: "+err.Error())
	}
	return b, nil
}

// checkContentType: a request with a body says it is JSON (Content-Type
// application/json, with charset=utf-8 at most), else 415. A form post (curl -d
// without -H) is refused rather than read as JSON it does not claim to be.
func checkContentType(r *http.Request) *matcher.Error {
	if r.ContentLength == 0 {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	switch ct {
	case "application/json", "application/json; charset=utf-8":
		return nil // what clients send, without parsing (ParseMediaType allocates)
	case "":
		return errf(CodeUnsupportedMediaType, "a request body needs Content-Type: application/json")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		cs, hasCharset := params["charset"]
		if len(params) == 0 || len(params) == 1 && hasCharset && strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return errf(CodeUnsupportedMediaType, fmt.Sprintf("the body must be application/json (charset utf-8 at most), not %q", ct))
}

// decodeStrict reads JSON into v: one object, no unknown fields, no trailing data,
// integers only where integers are due (a JSON float into an int64 is refused by the
// decoder itself).
func decodeStrict(b []byte, v any) *matcher.Error {
	// null, an array or a scalar would decode into v as "nothing given"; only an
	// object is a request.
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return errf(matcher.CodeValidation, "the request body must be a JSON object")
	}
	// encoding/json would replace bad UTF-8 and lone surrogates with U+FFFD: the
	// client would get back a name it never sent.
	if !utf8.Valid(b) {
		return errf(matcher.CodeValidation, "the request body is not valid UTF-8")
	}
	if !validEscapes(b) {
		return errf(matcher.CodeValidation, `the request body has a \u escape that is not a valid UTF-16 character (a lone surrogate)`)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			// encoding/json names only the key; checkKeys gives its whole path.
			if e := checkKeys(keyDecoder(b), reflect.TypeOf(v), ""); e != nil {
				return e
			}
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errf(matcher.CodeValidation, "trailing data after the JSON object")
	}
	if e, ok := checkKeysFast(b, reflect.TypeOf(v)); ok {
		return e
	}
	return checkKeys(keyDecoder(b), reflect.TypeOf(v), "")
}

// validEscapes: every \uXXXX escape in b is a character, or a high surrogate
// followed by a low one. Outside strings a backslash is a syntax error that the
// decoder reports, so b need not be parsed here.
func validEscapes(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] != 'u' {
			i++ // \" \\ \n …: skip the escaped byte
			continue
		}
		r, ok := hex4(b, i+2)
		switch {
		case !ok:
			return true // malformed: the decoder says so
		case utf16.IsSurrogate(r) && r < 0xdc00:
			lo, ok := hex4(b, i+8)
			if i+7 >= len(b) || b[i+6] != '\\' || b[i+7] != 'u' || !ok || lo < 0xdc00 || lo > 0xdfff {
				return false
			}
			i += 11
		case utf16.IsSurrogate(r):
			return false // a low surrogate first
		default:
			i += 5
		}
	}
	return true
}

// hex4 is the 4 hex digits at b[i:], if there are.
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
	return rune(n), err == nil
}

// keyDecoder reads b token by token for checkKeys; numbers stay text, so that no
// number can fail to convert.
func keyDecoder(b []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec
}

// checkKeys walks a JSON value that already decoded into a value of type t, and
// refuses what encoding/json lets through: a key that names a field only when case
// is ignored ("Amount", "rates_bps": {"a": …}) is an unknown field (docs/api.md: fields
// are snake_case, unknown fields are 400), and a key given twice is refused, since
// encoding/json keeps the last value where other parsers keep the first. path is
// the dotted field path of the value, so errors[].field names a nested field too.
func checkKeys(dec *json.Decoder, t reflect.Type, path string) *matcher.Error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return errf(matcher.CodeValidation, "malformed JSON: "+err.Error())
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch {
	case d == '{' && t != nil && t.Kind() == reflect.Struct:
		fields := jsonFields(t)
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return errf(matcher.CodeValidation, "malformed JSON: "+err.Error())
			}
			key, _ := kt.(string)
			ft, known := fields[key]
			switch {
			case !known:
				return fieldError(path+key, "is not a known field")
			case seen[key]:
				return fieldError(path+key, "appears more than once")
			}
			seen[key] = true
			if e := checkKeys(dec, ft, path+key+"."); e != nil {
				return e
			}
		}
	case d == '[' && t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for dec.More() {
			if e := checkKeys(dec, t.Elem(), strings.TrimSuffix(path, ".")+"[]."); e != nil {
				return e
			}
		}
	default:
		// Any other container (nothing in a request body today) is not checked.
		for depth := 1; depth > 0; {
			tok, err := dec.Token()
			if err != nil {
				return errf(matcher.CodeValidation, "malformed JSON: "+err.Error())
			}
			if d, ok := tok.(json.Delim); ok {
				if d == '{' || d == '[' {
					depth++
				} else {
					depth--
				}
			}
		}
		return nil
	}
	_, err = dec.Token() // the closing delimiter
	if err != nil {
		return errf(matcher.CodeValidation, "malformed JSON: "+err.Error())
	}
	return nil
}

// jsonFields maps a struct's JSON field names, exactly as tagged, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := buildJSONFields(t)
	fieldCache.Store(t, m)
	return m
}

// fieldCache holds jsonFields per request type: a handful of types, read on every request.
var fieldCache sync.Map

func buildJSONFields(t reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// jsonError turns a decoder error into a validation_failed with the field at fault.
func jsonError(err error) *matcher.Error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errf(matcher.CodeValidation, "the request body must be a JSON object")
		}
		return fieldError(field, fmt.Sprintf("must be %s, got %s", kindName(typeErr.Type.Kind().String()), clip(typeErr.Value)))
	case errors.As(err, &syntaxErr):
		return errf(matcher.CodeValidation, fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, err))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldError(field, "is not a known field")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errf(matcher.CodeValidation, "malformed JSON: unexpected end of body")
	}
	return errf(matcher.CodeValidation, "malformed JSON: "+err.Error())
}

func kindName(k string) string {
	switch k {
	case "int64", "int", "uint64":
		return "an integer"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "a boolean"
	}
	return k
}

// requestHash identifies a request for Idempotency-Key: the same key with another
// method, path or body is a conflict.
func requestHash(c *gin.Context, body []byte) string {
	h := sha256.New()
	h.Write([]byte(c.Request.Method + " " + c.Request.URL.Path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
