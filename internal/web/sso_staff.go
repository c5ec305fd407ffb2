package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/sso"
)

// Single sign-on for staff through the organisation's OpenID Connect
// provider (Options.StaffSSO, issue 13).
//
// CSRF: the callback is a GET, the top-level navigation the provider sends
// the browser back with, so http.CrossOriginProtection (which checks only
// unsafe methods) lets it through, and the session cookie (SameSite=Lax)
// comes along. What protects it is the sign-in begun in this browser: the
// state, nonce and PKCE verifier live in the server-side session, never in
// the browser; the callback takes them out once (a second use finds
// nothing), refuses another state, and the code is worth nothing without
// the verifier. A forged callback — someone else's code sent to a
// victim's browser to sign them in as someone else — finds a session
// without that sign-in's state and is refused. The session gets a new
// token on sign-in, as with a password.

const (
	ssoPendingKey = "sso_pending"
	ssoIDTokenKey = "sso_id_token" // the ID token, as id_token_hint at sign-out
)

// ssoStart sends the browser to the identity provider.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if s.opts.StaffSSO == nil {
		return app.NotFound()
	}
	u, pend, err := s.opts.StaffSSO.Begin(r.Context(), localPath(r.URL.Query().Get("next")), time.Now())
	if err != nil {
		return s.providerUnreachable(err)
	}
	s.sessions.Put(r.Context(), ssoPendingKey, pend.Encode())
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

// ssoCallback completes the sign-in the provider answered.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if s.opts.StaffSSO == nil {
		return app.NotFound()
	}
	ctx := r.Context()
	pend := sso.DecodePending(s.sessions.PopString(ctx, ssoPendingKey))
	claims, err := s.opts.StaffSSO.Finish(ctx, pend, r.URL.Query(), time.Now())
	var id int64
	if err == nil {
		id, err = sso.SignInStaff(ctx, s.db, claims, s.opts.StaffMapping)
	}
	if err != nil {
		return s.ssoRefused(w, r, err)
	}
	p, err := auth.LoadPrincipal(ctx, s.db, id)
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Remove(ctx, guardianKey)
	s.sessions.Put(ctx, sessionUserKey, id)
	s.sessions.Put(ctx, ssoIDTokenKey, claims.IDToken)
	if err := audit.Log(auth.WithPrincipal(ctx, p), s.db, audit.Login, "user", idStr(id), "sso "+claims.Issuer); err != nil {
		return err
	}
	http.Redirect(w, r, localPath(pend.Next), http.StatusSeeOther)
	return nil
}

// ssoRefused shows the login page with why, in the person's terms: no
// role for their groups, or a sign-in that could not be completed (the
// reason is logged, not shown).
func (s *Server) ssoRefused(w http.ResponseWriter, r *http.Request, err error) error {
	msg, status := "sso.failed", http.StatusUnauthorized
	switch {
	case errors.Is(err, sso.ErrNoRole):
		msg, status = "sso.no_role", http.StatusForbidden
	case errors.Is(err, sso.ErrRefused), errors.Is(err, auth.ErrBadCredentials): // refused, or deactivated
	default:
		return err
	}
	s.log.Warn("single sign-on refused", "err", err)
	s.render(w, r, status, "login", formData{Values: map[string]string{"next": "/"}, Extra: msg})
	return nil
}

// providerUnreachable is what a sign-in that cannot begin says: the
// identity provider's discovery document or metadata could not be fetched
// (it is down or unreachable). The person gets 503 and a plain sentence in
// their language, not an internal error; the cause goes to the log.
func (s *Server) providerUnreachable(err error) error {
	s.log.Error("sign-in: the identity provider cannot be reached", "err", err)
	return app.Errorf(app.EUNAVAILABLE, "err.provider_unreachable")
}
