package web

import (
	"net/http"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/sso"
)

// SAML 2.0 sign-in for staff (Options.StaffSAML, issue 13): the same
// person matching and group mapping as OpenID Connect (sso.SignInStaff).
//
// CSRF: the identity provider answers with a cross-site POST to
// /saml/acs (the HTTP-POST binding), which http.CrossOriginProtection
// would refuse, so that one route is exempt from it (Handler). And the
// session cookie is SameSite=Lax, so that POST does not carry it. What
// protects the ACS instead is the sign-in begun in this browser:
// GET /login/saml keeps the AuthnRequest's ID on the server
// (saml_requests) under the digest of a random secret set in a cookie of
// its own (samlCookie: ten minutes, HttpOnly, path /saml/acs only, and
// SameSite=None; Secure behind HTTPS so that the cross-site POST carries
// it). The ACS takes that request out once and accepts only an assertion
// whose InResponseTo is its ID; an assertion posted from elsewhere (login
// CSRF: someone's own assertion posted into a victim's browser) finds no
// such request or another ID and is refused; each assertion is accepted
// once on any server (saml_assertions). A signed RelayState was the other
// way: it would carry the request ID through the provider, but it needs a
// key every server shares and cannot be taken out once. The session token
// is new on sign-in.

const (
	samlCookie    = "styrkedjan_saml"
	samlNameIDKey = "saml_name_id" // the NameID, its format and the SessionIndex, for single logout
	samlFormatKey = "saml_name_id_format"
	samlIndexKey  = "saml_session_index"
	samlLogoutKey = "saml_logout" // the LogoutRequest's ID while the provider signs the person out
)

// samlMetadata serves this service provider's metadata for the identity
// provider's administrator.
func (s *Server) samlMetadata(w http.ResponseWriter, r *http.Request) error {
	if s.opts.StaffSAML == nil {
		return app.NotFound()
	}
	b, err := s.opts.StaffSAML.Metadata(time.Now())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(b)
	return nil
}

// samlStart sends the browser to the identity provider with an
// AuthnRequest.
func (s *Server) samlStart(w http.ResponseWriter, r *http.Request) error {
	if s.opts.StaffSAML == nil {
		return app.NotFound()
	}
	ctx := r.Context()
	u, pend, err := s.opts.StaffSAML.Begin(ctx, localPath(r.URL.Query().Get("next")), time.Now())
	if err != nil {
		return s.providerUnreachable(err)
	}
	secret := sso.NewBinding()
	if err := sso.SavePending(ctx, s.db, secret, pend); err != nil {
		return err
	}
	s.setSAMLCookie(w, secret, int(sso.PendingLifetime.Seconds()))
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

func (s *Server) setSAMLCookie(w http.ResponseWriter, value string, maxAge int) {
	c := &http.Cookie{Name: samlCookie, Value: value, Path: "/saml/acs", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if s.opts.SecureCookies {
		// Over plain HTTP (development) browsers drop SameSite=None
		// without Secure; there the provider is on the same site anyway.
		c.SameSite, c.Secure = http.SameSiteNoneMode, true
	}
	http.SetCookie(w, c)
}

// samlACS takes the identity provider's answer.
func (s *Server) samlACS(w http.ResponseWriter, r *http.Request) error {
	if s.opts.StaffSAML == nil {
		return app.NotFound()
	}
	ctx := r.Context()
	pend, err := sso.TakePending(ctx, s.db, cookieValue(r, samlCookie))
	if err != nil {
		return err
	}
	s.setSAMLCookie(w, "", -1)
	claims, err := s.opts.StaffSAML.Finish(ctx, pend, r.PostFormValue("SAMLResponse"), sso.ReplayCache{Ctx: ctx, DB: s.db}, time.Now())
	var id int64
	if err == nil {
		id, err = sso.SignInStaff(ctx, s.db, claims, s.opts.SAMLMapping)
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
	s.sessions.Remove(ctx, ssoIDTokenKey)
	s.sessions.Put(ctx, sessionUserKey, id)
	s.sessions.Put(ctx, samlNameIDKey, claims.Subject)
	s.sessions.Put(ctx, samlFormatKey, claims.NameIDFormat)
	s.sessions.Put(ctx, samlIndexKey, claims.SessionIndex)
	if err := audit.Log(auth.WithPrincipal(ctx, p), s.db, audit.Login, "user", idStr(id), "saml "+claims.Issuer); err != nil {
		return err
	}
	http.Redirect(w, r, localPath(pend.Next), http.StatusSeeOther)
	return nil
}

// samlLogoutURL is where sign-out sends a person signed in through SAML:
// the identity provider's single logout service, or "" (then the sign-out
// is local). Called by logout with the session's values read before it
// was destroyed; the LogoutRequest's ID goes into the new session.
func (s *Server) samlLogoutURL(r *http.Request, sess sso.SAMLSession) string {
	if s.opts.StaffSAML == nil || sess.NameID == "" {
		return ""
	}
	u, id, err := s.opts.StaffSAML.LogoutURL(r.Context(), sess, time.Now())
	if err != nil {
		s.log.Warn("saml single logout", "err", err)
		return ""
	}
	if u != "" {
		s.sessions.Put(r.Context(), samlLogoutKey, id)
	}
	return u
}

// samlSLO takes the identity provider's LogoutResponse to a sign-out
// begun here (the person is signed out already; a response that does not
// check out is logged), or its LogoutRequest when the sign-out began at
// the provider: then this browser's session ends if it is the named
// person's, and the browser goes back with the LogoutResponse.
func (s *Server) samlSLO(w http.ResponseWriter, r *http.Request) error {
	if s.opts.StaffSAML == nil {
		return app.NotFound()
	}
	ctx := r.Context()
	if r.URL.Query().Get("SAMLRequest") != "" {
		nameID, u, err := s.opts.StaffSAML.IdPLogout(ctx, r, sso.ReplayCache{Ctx: ctx, DB: s.db}, time.Now())
		if err != nil {
			s.log.Warn("saml logout request refused", "err", err)
			return app.Errorf(app.EINVALID, "sso.failed")
		}
		if p := auth.FromContext(ctx); p.Authenticated() && s.sessions.GetString(ctx, samlNameIDKey) == nameID {
			if err := audit.Log(ctx, s.db, audit.Logout, "user", idStr(p.UserID), "saml single logout"); err != nil {
				return err
			}
			if err := s.sessions.Destroy(ctx); err != nil {
				return err
			}
		}
		http.Redirect(w, r, u, http.StatusSeeOther)
		return nil
	}
	id := s.sessions.PopString(ctx, samlLogoutKey)
	if err := s.opts.StaffSAML.FinishLogout(ctx, r, id, time.Now()); err != nil {
		s.log.Warn("saml single logout not confirmed", "err", err)
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
