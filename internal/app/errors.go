// Package app holds what every capability shares: the application error type.
//
// An *Error carries a code (mapped to an HTTP status in one place, web.status)
// and a message ID from the i18n catalogs, so the user sees what to fix in
// their own language and never an internal detail.
package app

import (
	"errors"
	"fmt"
)

// Error codes.
const (
	EINVALID      = "invalid"      // validation failed; see Fields
	ENOTFOUND     = "not_found"    // missing, or outside the caller's scope
	EFORBIDDEN    = "forbidden"    // authenticated but not allowed
	EUNAUTHORIZED = "unauthorized" // not authenticated
	ECONFLICT     = "conflict"     // e.g. a unit code already in use
	ETHROTTLED    = "throttled"    // too many attempts
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) is down
	ETOOLARGE     = "too_large"    // the request body is over the route's limit
	EUNSUPPORTED  = "unsupported"  // a body of a kind the route does not take (files where none are taken)
	EINTERNAL     = "internal"
)

// Error is an application error safe to show to users.
type Error struct {
	Code   string
	MsgID  string         // i18n message ID, e.g. "err.not_found"
	Data   map[string]any // template data for the message
	Fields []FieldError   // per-field validation errors, in form order
}

// FieldError names one invalid field and what is wrong with it.
type FieldError struct {
	Field string         `json:"field"`
	MsgID string         `json:"-"`
	Data  map[string]any `json:"-"`
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%d field errors)", e.Code, e.MsgID, len(e.Fields))
	}
	return fmt.Sprintf("%s: %s", e.Code, e.MsgID)
}

// Errorf makes an *Error with a code and a message ID.
func Errorf(code, msgID string) *Error { return &Error{Code: code, MsgID: msgID} }

// NotFound is the error for anything missing or out of scope: the two must
// look the same, so that scoping does not reveal what exists.
func NotFound() *Error { return Errorf(ENOTFOUND, "err.not_found") }

// Forbidden is the error for a permission the caller's role lacks.
func Forbidden() *Error { return Errorf(EFORBIDDEN, "err.forbidden") }

// Code returns the code of an *Error in err's chain, EINTERNAL otherwise.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Validation collects field errors in the order the form shows the fields.
type Validation struct{ fields []FieldError }

// Add records that field is invalid with the given message ID.
func (v *Validation) Add(field, msgID string, data ...map[string]any) {
	fe := FieldError{Field: field, MsgID: msgID}
	if len(data) > 0 {
		fe.Data = data[0]
	}
	v.fields = append(v.fields, fe)
}

// Has reports whether field already has an error.
func (v *Validation) Has(field string) bool {
	for _, f := range v.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns an EINVALID *Error when any field failed, else nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, MsgID: "err.invalid", Fields: v.fields}
}
