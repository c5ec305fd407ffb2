package web

import (
	"net/http"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/sso"
)

// E-identification for guardians through the organizer's OIDC broker
// (BankID, Freja eID; Options.GuardianSSO, issue 13). The same flow and
// CSRF reasoning as staff sign-on (sso_staff.go). A guardian is not a
// user: the session holds guardianKey, and auth.Principal.GuardianID
// carries it; no permission comes with it.

const (
	eidPendingKey = "eid_pending"
	guardianKey   = "guardian_id"
)

// eidStart sends the guardian to the e-identification broker.
func (s *Server) eidStart(w http.ResponseWriter, r *http.Request) error {
	if s.opts.GuardianSSO == nil {
		return app.NotFound()
	}
	next := r.URL.Query().Get("next")
	if !isLocalPath(next) {
		next = "/my-cases"
	}
	u, pend, err := s.opts.GuardianSSO.Begin(r.Context(), next, time.Now())
	if err != nil {
		return s.providerUnreachable(err)
	}
	s.sessions.Put(r.Context(), eidPendingKey, pend.Encode())
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

// eidCallback completes the e-identification.
func (s *Server) eidCallback(w http.ResponseWriter, r *http.Request) error {
	if s.opts.GuardianSSO == nil {
		return app.NotFound()
	}
	ctx := r.Context()
	pend := sso.DecodePending(s.sessions.PopString(ctx, eidPendingKey))
	claims, err := s.opts.GuardianSSO.Finish(ctx, pend, r.URL.Query(), time.Now())
	var id int64
	if err == nil {
		id, err = sso.SignInGuardian(ctx, s.db, claims, s.opts.GuardianPINClaim, s.opts.GuardianKey)
	}
	if err != nil {
		s.log.Warn("e-identification refused", "err", err)
		return app.Errorf(app.EFORBIDDEN, "public.eid.failed")
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	// One identity a browser: a staff session ends here.
	s.sessions.Remove(ctx, sessionUserKey)
	s.sessions.Remove(ctx, ssoIDTokenKey)
	s.sessions.Put(ctx, guardianKey, id)
	http.Redirect(w, r, localPath(pend.Next), http.StatusSeeOther)
	return nil
}

// eidLogout signs the guardian out (a staff session is left alone).
func (s *Server) eidLogout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if auth.FromContext(ctx).GuardianID == 0 {
		http.Redirect(w, r, "/my-cases", http.StatusSeeOther)
		return nil
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.flash(r, "public.eid.signed_out")
	http.Redirect(w, r, "/my-cases", http.StatusSeeOther)
	return nil
}
