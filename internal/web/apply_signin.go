package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/cluster"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/placement/apply"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// Guardians' sign-in for school applications (issue 15): e-identification
// where the organizer has it (the existing guardian sign-in; the rows are
// found by pin_mac), otherwise a one-time code mailed to the address on
// file. A code-signed-in guardian's session holds applyGuardianKey, the
// placement_guardians row the code was sent for; apply.ForCode says which
// rows (children) it opens.

const applyGuardianKey = "apply_guardian"

// applyCodesPerAddressMinute limits code requests per e-mail address; per
// client network they count against the public intake's limit
// (Options.IntakePerMinute).
const applyCodesPerAddressMinute = 2

// applicant guards the guardians' application pages: a guardian signed in
// with e-identification or with a mailed code. Staff get 403; anyone else
// is sent to sign in (pageError: /login/apply).
func (s *Server) applicant(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.FromContext(r.Context())
		switch {
		case p.GuardianID != 0 || s.sessions.GetInt64(r.Context(), applyGuardianKey) != 0:
			return h(w, r)
		case p.Authenticated():
			return app.Forbidden()
		}
		return app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
	}
}

// who is the guardian on the application pages.
func (s *Server) who(r *http.Request) (apply.Who, error) {
	ctx := r.Context()
	if gid := auth.FromContext(ctx).GuardianID; gid != 0 {
		return apply.ForEID(ctx, s.db, gid)
	}
	if id := s.sessions.GetInt64(ctx, applyGuardianKey); id != 0 {
		return apply.ForCode(ctx, s.db, id)
	}
	return apply.Who{}, nil
}

func (s *Server) applyMailer(r *http.Request) apply.Mailer {
	m := apply.Mailer{Catalog: s.catalog, PublicURL: s.opts.PublicURL}
	if o, err := org.GetOrganizer(r.Context(), s.db); err == nil {
		m.Organizer = o.Name
	}
	return m
}

// placementService is the run service whose cached graphs give walking
// distances (nil without one).
func (s *Server) placementService() *round.Service {
	svc, _ := s.opts.Placement.(*round.Service)
	return svc
}

type applySignInPage struct {
	Sent    bool // the code step
	Minutes int
}

// applySignIn shows the ways to sign in for applying.
func (s *Server) applySignIn(w http.ResponseWriter, r *http.Request) error {
	if g, _ := s.who(r); !g.Empty() {
		http.Redirect(w, r, "/apply", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "apply_signin", formData{Values: map[string]string{}, Extra: applySignInPage{Minutes: int(apply.CodeLifetime.Minutes())}})
	return nil
}

// applyCode mails a code to the address when it is a guardian's on file;
// the answer is the same either way.
func (s *Server) applyCode(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email := strings.TrimSpace(r.PostFormValue("email"))
	vals := map[string]string{"email": email}
	page := applySignInPage{Minutes: int(apply.CodeLifetime.Minutes())}
	if email == "" {
		var v app.Validation
		v.Add("email", "field.required")
		return s.renderForm(w, r, "apply_signin", formData{Values: vals, Extra: page}, v.Err())
	}
	now := time.Now()
	sum := sha256.Sum256([]byte(apply.NormalizeEmail(email)))
	ok, err := cluster.Allow(ctx, s.db, "apply-code:"+clientNetwork(r), s.opts.IntakePerMinute, now)
	if err == nil && ok {
		ok, err = cluster.Allow(ctx, s.db, "apply-code-to:"+hex.EncodeToString(sum[:8]), applyCodesPerAddressMinute, now)
	}
	if err != nil {
		return err
	}
	if !ok {
		w.Header().Set("Retry-After", "60")
		var v app.Validation
		v.Add("email", "apply.err.rate")
		fd := formData{Values: vals, Extra: page}
		fd.err = s.appError(r, v.Err())
		s.render(w, r, http.StatusTooManyRequests, "apply_signin", fd)
		return nil
	}
	if err := apply.RequestCode(ctx, s.db, s.applyMailer(r), email, now); err != nil {
		return err
	}
	s.opts.WakeMailer()
	page.Sent = true
	s.render(w, r, http.StatusOK, "apply_signin", formData{Values: vals, Extra: page})
	return nil
}

// applyVerify signs in with a mailed code.
func (s *Server) applyVerify(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	vals := map[string]string{"email": strings.TrimSpace(r.PostFormValue("email"))}
	gid, err := apply.VerifyCode(ctx, s.db, vals["email"], r.PostFormValue("code"), time.Now())
	if err != nil {
		page := applySignInPage{Sent: true, Minutes: int(apply.CodeLifetime.Minutes())}
		return s.renderForm(w, r, "apply_signin", formData{Values: vals, Extra: page}, err)
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	// One identity a browser: a staff session ends here.
	s.sessions.Remove(ctx, sessionUserKey)
	s.sessions.Remove(ctx, ssoIDTokenKey)
	s.sessions.Put(ctx, applyGuardianKey, gid)
	http.Redirect(w, r, "/apply", http.StatusSeeOther)
	return nil
}

// applyLogout ends a code sign-in (an e-identification session too).
func (s *Server) applyLogout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if s.sessions.GetInt64(ctx, applyGuardianKey) == 0 && auth.FromContext(ctx).GuardianID == 0 {
		http.Redirect(w, r, "/login/apply", http.StatusSeeOther)
		return nil
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.flash(r, "apply.signed_out")
	http.Redirect(w, r, "/login/apply", http.StatusSeeOther)
	return nil
}
