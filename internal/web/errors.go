package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

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
	case errors.Is(err, store.ErrUnavailable):
		s.log.Error("database unavailable", "route", r.Pattern, "err", err)
		return app.Errorf(app.EUNAVAILABLE, "err.unavailable")
	}
	s.log.Error("internal error", "route", r.Pattern, "err", err)
	return app.Errorf(app.EINTERNAL, "err.internal")
}

// pageError renders an error page, or sends an anonymous visitor to log in.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	ae := s.appError(r, err)
	if ae.Code == app.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
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
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error { return app.NotFound() }
