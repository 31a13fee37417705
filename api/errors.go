package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/scfx/scfx/matcher"
)

// statusOf is the one place that maps a stable code to its HTTP status (API.md).
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
}

// Problem is an RFC 9457 problem detail with scfx's stable code.
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
	return Problem{
		Type: problemTypeBase + string(e.Code), Title: titles[e.Code], Status: status,
		Detail: e.Detail, Code: e.Code, Errors: e.Fields,
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
	return &matcher.Error{Code: matcher.CodeValidation, Detail: field + ": " + msg, Fields: []matcher.FieldError{{Field: field, Message: msg}}}
}
