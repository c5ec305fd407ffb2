package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
)

// apiSubmission is the body of POST /api/v1/complaints.
type apiSubmission struct {
	FilerRole         string          `json:"filerRole"`
	Unit              json.RawMessage `json:"unit"` // a unit id, "unknown" or "organization"
	Kind              string          `json:"kind"`
	Category          string          `json:"category"`
	ConcernsPrincipal bool            `json:"concernsPrincipal"`
	WhatHappened      string          `json:"whatHappened"`
	DesiredOutcome    string          `json:"desiredOutcome"`
	Name              string          `json:"name"`
	Email             string          `json:"email"`
	Phone             string          `json:"phone"`
	Language          string          `json:"language"`
	Attachments       []struct {
		Filename string `json:"filename"`
		Content  string `json:"content"` // base64
	} `json:"attachments"`
}

// decodeComplaint reads the JSON body of POST /api/v1/complaints (one
// apiSubmission; unknown fields are refused) into a submission, with the
// attachments decoded from base64; lang is the body's language as given.
// A body cut by http.MaxBytesReader is ETOOLARGE. The handler limits the
// body and sets the channel, the idempotency key
// and the language it matches. Errors are field errors: "body" for JSON
// that is not a submission, "attachments" for content that is not base64.
func decodeComplaint(r io.Reader) (sub complaint.Submission, lang string, err error) {
	var body apiSubmission
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return sub, "", &app.Error{Code: app.ETOOLARGE, MsgID: "err.too_large", Data: map[string]any{"MB": maxAPISubmissionBytes >> 20}}
		}
		var v app.Validation
		v.Add("body", "api.err_json")
		return sub, "", v.Err()
	}
	sub = complaint.Submission{
		FilerRole: complaint.FilerRole(body.FilerRole), Kind: complaint.Kind(body.Kind), Category: body.Category,
		ConcernsPrincipal: body.ConcernsPrincipal, WhatHappened: body.WhatHappened, DesiredOutcome: body.DesiredOutcome,
		Name: body.Name, Email: body.Email, Phone: body.Phone,
	}
	var unitID int64
	var unitName string
	switch {
	case json.Unmarshal(body.Unit, &unitID) == nil:
		setUnit(&sub, strconv.FormatInt(unitID, 10))
	case json.Unmarshal(body.Unit, &unitName) == nil:
		setUnit(&sub, unitName)
	default:
		setUnit(&sub, "")
	}
	var v app.Validation
	for _, a := range body.Attachments {
		data, err := base64.StdEncoding.DecodeString(a.Content)
		if err != nil {
			v.Add("attachments", "api.err_base64", map[string]any{"Name": a.Filename})
			continue
		}
		sub.Attachments = append(sub.Attachments, complaint.NewAttachment(a.Filename, data))
	}
	if err := v.Err(); err != nil {
		return complaint.Submission{}, "", err
	}
	return sub, body.Language, nil
}
