// SPDX-License-Identifier: Apache-2.0

package matcher

import "fmt"

// Code is a stable error code of docs/api.md. The API maps each code to an HTTP status in one
// place; the matcher only ever returns these.
type Code string

// The stable codes of docs/api.md ("Conventions").
const (
	CodeValidation          Code = "validation_failed"
	CodeUnauthorized        Code = "unauthorized"
	CodeForbidden           Code = "forbidden"
	CodeNotFound            Code = "not_found"
	CodeDuplicateInvoice    Code = "duplicate_invoice"
	CodeInvalidSignature    Code = "invalid_signature"
	CodeInvalidState        Code = "invalid_state"
	CodeInsufficientAmount  Code = "insufficient_amount"
	CodeIdempotencyConflict Code = "idempotency_conflict"
	CodeRateLimited         Code = "rate_limited"
	CodeUnavailable         Code = "unavailable"
	CodePayloadTooLarge     Code = "payload_too_large"
)

// FieldError names one bad field of a validation_failed error.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type of scfx: a stable code, a human detail and, for
// validation_failed, the fields at fault.
type Error struct {
	Code   Code         `json:"code"`
	Detail string       `json:"detail"`
	Fields []FieldError `json:"errors,omitempty"`
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Detail, e.Fields[0].Field, e.Fields[0].Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Detail)
}

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// fieldErr is a validation_failed error about one field.
func fieldErr(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: CodeValidation, Detail: field + ": " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

func notFound(kind, id string) *Error {
	return errorf(CodeNotFound, "%s %q not found", kind, id)
}

func forbidden(format string, args ...any) *Error {
	return errorf(CodeForbidden, format, args...)
}

func invalidState(format string, args ...any) *Error {
	return errorf(CodeInvalidState, format, args...)
}
