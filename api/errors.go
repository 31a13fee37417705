// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
)

// CodeUnsupportedMediaType is a request body that is not application/json: 415.
// It is HTTP's alone (the matcher never sees a body), so it is declared here.
const CodeUnsupportedMediaType matcher.Code = "unsupported_media_type"

// statusOf is the one place that maps a stable code to its HTTP status (docs/api.md).
var statusOf = map[matcher.Code]int{
	matcher.CodeValidation:          http.StatusBadRequest,
	matcher.CodeUnauthorized:        http.StatusUnauthorized,
	matcher.CodeForbidden:           http.StatusForbidden,
	matcher.CodeNotFound:            http.StatusNotFound,
	matcher.CodeDuplicateInvoice:    http.StatusConflict,
	matcher.CodeInvalidSignature:    http.StatusConflict,
	matcher.CodeInvalidState:        http.StatusConflict,
	matcher.CodeInsufficientAmount:  http.StatusConflict,
	matcher.CodeIdempotencyConflict: http.StatusConflict,
	matcher.CodeRateLimited:         http.StatusTooManyRequests,
	matcher.CodeUnavailable:         http.StatusServiceUnavailable,
	matcher.CodePayloadTooLarge:     http.StatusRequestEntityTooLarge,
	CodeUnsupportedMediaType:        http.StatusUnsupportedMediaType,
	CodeCursorExpired:               http.StatusGone,
}

var titles = map[matcher.Code]string{
	matcher.CodeValidation:          "Validation failed",
	matcher.CodeUnauthorized:        "Unauthorized",
	matcher.CodeForbidden:           "Forbidden",
	matcher.CodeNotFound:            "Not found",
	matcher.CodeDuplicateInvoice:    "Duplicate invoice",
	matcher.CodeInvalidSignature:    "Invalid signature",
	matcher.CodeInvalidState:        "Invalid state",
	matcher.CodeInsufficientAmount:  "Insufficient amount",
	matcher.CodeIdempotencyConflict: "Idempotency conflict",
	matcher.CodeRateLimited:         "Rate limited",
	matcher.CodeUnavailable:         "Unavailable",
	matcher.CodePayloadTooLarge:     "Payload too large",
	CodeUnsupportedMediaType:        "Unsupported media type",
	CodeCursorExpired:               "Cursor expired",
}

// Problem is an RFC 9457 problem detail with scfx's stable code. It is wire.Problem
// with the code and field errors typed as the domain's, which the status map keys
// on; TestProblemIsWireProblem keeps the two the same JSON.
type Problem struct {
	Type   string               `json:"type"`
	Title  string               `json:"title"`
	Status int                  `json:"status"`
	Detail string               `json:"detail"`
	Code   matcher.Code         `json:"code"`
	Errors []matcher.FieldError `json:"errors,omitempty"`
}

const problemTypeBase = "https://scfx.dev/problems/"

func problemOf(e *matcher.Error) Problem {
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	var fields []matcher.FieldError
	for _, f := range e.Fields {
		fields = append(fields, matcher.FieldError{Field: clip(f.Field), Message: clipQuoted(f.Message)})
	}
	return Problem{
		Type: problemTypeBase + string(e.Code), Title: titles[e.Code], Status: status,
		Detail: clipQuoted(e.Detail), Code: e.Code, Errors: fields,
	}
}

// fail writes e as application/problem+json and stops the handler chain.
func fail(c *gin.Context, e *matcher.Error) {
	p := problemOf(e)
	if e.Code == matcher.CodeRateLimited {
		if ra := c.Writer.Header().Get("Retry-After"); ra == "" {
			c.Header("Retry-After", "1")
		}
	}
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(p.Status, p)
}

func errf(code matcher.Code, detail string) *matcher.Error {
	return &matcher.Error{Code: code, Detail: detail}
}

func fieldError(field, msg string) *matcher.Error {
	field = clip(field) // a field path can be a key the client made up
	return &matcher.Error{Code: matcher.CodeValidation, Detail: field + ": " + msg, Fields: []matcher.FieldError{{Field: field, Message: msg}}}
}

// maxEcho is the most of an input an error repeats: enough to recognise it, not a
// way to make the server send back what it was sent.
const maxEcho = 64

// clip is s cut to maxEcho bytes on a rune boundary, with an ellipsis if cut.
func clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	n := maxEcho
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// clipQuoted clips every Go-quoted string in a detail: that is how the matcher and
// the decoder echo an input (%q), so one pass here bounds them all.
func clipQuoted(detail string) string {
	if !strings.Contains(detail, `"`) {
		return detail
	}
	var b strings.Builder
	for i := 0; i < len(detail); {
		j := strings.IndexByte(detail[i:], '"')
		if j < 0 {
			b.WriteString(detail[i:])
			break
		}
		b.WriteString(detail[i : i+j])
		i += j
		q, err := strconv.QuotedPrefix(detail[i:])
		if err != nil {
			b.WriteByte('"')
			i++
			continue
		}
		i += len(q)
		if v, err := strconv.Unquote(q); err == nil && len(v) > maxEcho {
			q = strconv.Quote(clip(v))
		}
		b.WriteString(q)
	}
	return b.String()
}
