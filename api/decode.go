package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
)

// MaxBodyBytes is API.md's body limit: bigger bodies are 413 payload_too_large.
const MaxBodyBytes = 1 << 20

// readBody reads the whole body within the limit.
func readBody(c *gin.Context) ([]byte, *matcher.Error) {
	if c.Request.ContentLength > MaxBodyBytes {
		return nil, errf(matcher.CodePayloadTooLarge, fmt.Sprintf("body of %d bytes exceeds %d", c.Request.ContentLength, MaxBodyBytes))
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

// decodeStrict reads JSON into v: one object, no unknown fields, no trailing data,
// integers only where integers are due (a JSON float into an int64 is refused by the
// decoder itself).
func decodeStrict(b []byte, v any) *matcher.Error {
	if len(bytes.TrimSpace(b)) == 0 {
		return errf(matcher.CodeValidation, "the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errf(matcher.CodeValidation, "trailing data after the JSON object")
	}
	return nil
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
		return fieldError(field, fmt.Sprintf("must be %s, got %s", kindName(typeErr.Type.Kind().String()), typeErr.Value))
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
