package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// status maps an application error code to an HTTP status: the one place
// that does.
func status(code string) int {
	switch code {
	case app.EINVALID:
		return http.StatusUnprocessableEntity
	case app.ENOTFOUND:
		return http.StatusNotFound
	case app.EFORBIDDEN:
		return http.StatusForbidden
	case app.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case app.ECONFLICT:
		return http.StatusConflict
	case app.ETHROTTLED:
		return http.StatusTooManyRequests
	case app.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case app.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case app.EUNSUPPORTED:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

// appError returns err as an *app.Error, turning store sentinels and
// unknown errors into user-safe ones. Unknown errors are logged.
func (s *Server) appError(r *http.Request, err error) *app.Error {
	var ae *app.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, store.ErrNotFound):
		return app.NotFound()
	case errors.Is(err, store.ErrUnavailable) || s.databaseDown(r.Context()):
		// Drivers report a lost database in many ways; a failed ping
		// tells them all apart from a bug.
		s.log.Error("database unavailable", "route", r.Pattern, "err", err)
		return app.Errorf(app.EUNAVAILABLE, msgUnavailable)
	}
	s.log.Error("internal error", "route", r.Pattern, "err", err)
	return app.Errorf(app.EINTERNAL, "err.internal")
}

// msgUnavailable is the message of the database being down, the one 503
// that comes with Retry-After.
const msgUnavailable = "err.unavailable"

// retryAfter is how many seconds a client is asked to wait while the
// database is down: about as long as a database restart or fail-over.
const retryAfter = "15"

// databaseDown reports whether the database fails to answer a ping now.
func (s *Server) databaseDown(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	return s.db.Ping(ctx) != nil
}

// setRetryAfter asks the client to come back later when the database is
// down (not for other 503s: a service not set up yet needs a person).
func setRetryAfter(w http.ResponseWriter, ae *app.Error) {
	if ae.Code == app.EUNAVAILABLE && ae.MsgID == msgUnavailable {
		w.Header().Set("Retry-After", retryAfter)
	}
}

// pageError renders an error page, or sends an anonymous visitor to log in.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	ae := s.appError(r, err)
	if ae.Code == app.EUNAUTHORIZED && r.Method == http.MethodGet {
		login := "/login"
		if strings.HasPrefix(r.URL.Path, "/my-cases/") {
			login = "/login/e-id" // a guardian's page: e-identification again
		}
		if r.URL.Path == "/apply" || strings.HasPrefix(r.URL.Path, "/apply/") {
			login = "/login/apply" // applying for a school: e-identification or a mailed code
		}
		http.Redirect(w, r, login+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	setRetryAfter(w, ae)
	s.render(w, r, status(ae.Code), "error", ae)
}

// problem writes an RFC 9457 problem document.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	ae := s.appError(r, err)
	l := s.localizer(r)
	code := status(ae.Code)
	type fieldProblem struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	}
	body := struct {
		Type   string         `json:"type"`
		Title  string         `json:"title"`
		Status int            `json:"status"`
		Detail string         `json:"detail"`
		Code   string         `json:"code"`
		Errors []fieldProblem `json:"errors,omitempty"`
	}{
		Type:   "about:blank",
		Title:  http.StatusText(code),
		Status: code,
		Detail: l.T(ae.MsgID, ae.Data),
		Code:   ae.Code,
	}
	for _, f := range ae.Fields {
		body.Errors = append(body.Errors, fieldProblem{Field: f.Field, Detail: l.T(f.MsgID, f.Data)})
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="styrkedjan"`)
	}
	setRetryAfter(w, ae)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error { return app.NotFound() }
