package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/sso"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

const langCookie = "lang"

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	o, err := org.GetOrganizer(r.Context(), s.db)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	page := homePage{Organizer: o}
	if auth.FromContext(r.Context()).Authenticated() {
		if page.ToDo, err = s.toDo(r); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "home", page)
	return nil
}

// localPath returns next when it is a clean path on this site, else "/".
// Both the sign-in page and the language switch send people back with it.
func localPath(next string) string {
	if isLocalPath(next) {
		return next
	}
	return "/"
}

// isLocalPath accepts only printable ASCII without spaces or backslashes
// (browsers strip tabs and newlines and read "\" as "/", so "/\t/evil"
// would leave the site), a single leading "/" (not "//", a network path),
// no scheme or host, and the same after one percent-decoding of the path
// (no "/%2F", "%5C", "%09" and friends). Paths this site makes are always
// escaped ASCII, so nothing real is lost; the rest go to the start page.
func isLocalPath(p string) bool {
	if len(p) == 0 || len(p) > 2000 || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// u.Path is the path decoded once, as a proxy or a lenient browser
	// might read it.
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return false
	}
	for i := 0; i < len(u.Path); i++ {
		if c := u.Path[i]; c < ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if auth.FromContext(r.Context()).Authenticated() {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login", formData{Values: map[string]string{"next": localPath(r.URL.Query().Get("next"))}})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email, next := r.PostFormValue("email"), localPath(r.PostFormValue("next"))
	fd := formData{Values: map[string]string{"email": email, "next": next}}
	if s.opts.NoPasswords {
		fd.Extra = "login.passwords_off"
		s.render(w, r, http.StatusForbidden, "login", fd)
		return nil
	}
	id, err := auth.Authenticate(ctx, s.db, auth.Attempt{Email: email, Password: r.PostFormValue("password"),
		IP: clientIP(r), Device: cookieValue(r, deviceCookie)})
	if err != nil {
		ae := s.appError(r, err)
		if ae.Code != app.EUNAUTHORIZED && ae.Code != app.ETHROTTLED {
			return err
		}
		fd.Extra = ae.MsgID
		s.render(w, r, status(ae.Code), "login", fd)
		return nil
	}
	p, err := auth.LoadPrincipal(ctx, s.db, id)
	if err != nil {
		return err
	}
	// A new session token on sign-in prevents session fixation.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserKey, id)
	if err := audit.Log(auth.WithPrincipal(ctx, p), s.db, audit.Login, "user", idStr(id), "session"); err != nil {
		return err
	}
	if err := s.rememberDevice(w, r, id); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	idToken := s.sessions.GetString(ctx, ssoIDTokenKey)
	samlSess := sso.SAMLSession{NameID: s.sessions.GetString(ctx, samlNameIDKey),
		NameIDFormat: s.sessions.GetString(ctx, samlFormatKey), SessionIndex: s.sessions.GetString(ctx, samlIndexKey)}
	if p := auth.FromContext(ctx); p.Authenticated() {
		if err := audit.Log(ctx, s.db, audit.Logout, "user", idStr(p.UserID), ""); err != nil {
			return err
		}
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.flash(r, "logout.done")
	// Signed in through the identity provider: end its session too
	// (RP-initiated logout) when it publishes an end_session_endpoint.
	// Signed in through SAML: the identity provider's single logout
	// (SP-initiated), when it offers one; it answers at /saml/slo.
	if u := s.samlLogoutURL(r, samlSess); u != "" {
		http.Redirect(w, r, u, http.StatusSeeOther)
		return nil
	}
	if idToken != "" && s.opts.StaffSSO != nil {
		if u := s.opts.StaffSSO.EndSessionURL(ctx, idToken, s.opts.PublicURL+"/login"); u != "" {
			http.Redirect(w, r, u, http.StatusSeeOther)
			return nil
		}
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// deviceCookie marks a browser where a person has signed in (see
// auth/throttle.go): strangers' failed sign-ins do not lock it out.
const deviceCookie = "styrkedjan_device"

func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, userID int64) error {
	secret, err := auth.RememberDevice(r.Context(), s.db, userID, cookieValue(r, deviceCookie))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: secret, Path: "/", MaxAge: int(auth.DeviceLifetime.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	return nil
}

func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := s.catalog.Match(r.PostFormValue("lang"), "")
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// errNoPasswords answers the password pages when local passwords are off.
func (s *Server) errNoPasswords() error { return app.Errorf(app.ENOTFOUND, "login.passwords_off") }

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	if s.opts.NoPasswords {
		return s.errNoPasswords()
	}
	s.render(w, r, http.StatusOK, "forgot", formData{Values: map[string]string{}})
	return nil
}

// forgot queues a reset link when the address belongs to an active person
// and answers the same either way, so the form does not reveal who has an
// account.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if s.opts.NoPasswords {
		return s.errNoPasswords()
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if email == "" {
		var v app.Validation
		v.Add("email", "field.required")
		return s.renderForm(w, r, "forgot", formData{Values: map[string]string{}}, v.Err())
	}
	l := s.localizer(r)
	mailed := false
	err := store.InTx(ctx, s.db, func(tx *store.Tx) error {
		// An unknown address, or a limit reached, gives no secret: no mail,
		// and the same answer.
		secret, userID, err := auth.RequestReset(ctx, tx, email, clientIP(r), auth.ResetTTL)
		if err != nil || secret == "" {
			return err
		}
		mailed = true
		return s.queuePasswordLink(ctx, tx, l, email, secret, userID, auth.ResetTTL, "reset.mail_subject", "reset.mail_body")
	})
	if err != nil {
		return err
	}
	if mailed {
		s.opts.WakeMailer()
	}
	s.render(w, r, http.StatusOK, "forgot", formData{Values: map[string]string{}, Extra: "sent"})
	return nil
}

// sendPasswordLink creates a password link (revoking the person's older
// ones) and queues the mail carrying it, in one transaction.
func (s *Server) sendPasswordLink(ctx context.Context, l *i18n.Localizer, email string, ttl time.Duration, subjectID, bodyID string) error {
	err := store.InTx(ctx, s.db, func(tx *store.Tx) error {
		secret, userID, err := auth.CreateReset(ctx, tx, email, ttl)
		if err != nil {
			return err
		}
		return s.queuePasswordLink(ctx, tx, l, email, secret, userID, ttl, subjectID, bodyID)
	})
	if err == nil {
		s.opts.WakeMailer()
	}
	return err
}

func (s *Server) queuePasswordLink(ctx context.Context, tx *store.Tx, l *i18n.Localizer, email, secret string, userID int64, ttl time.Duration, subjectID, bodyID string) error {
	link := s.opts.PublicURL + "/password/reset/" + secret
	_, err := mail.Enqueue(ctx, tx, mail.Message{
		To:      auth.NormalizeEmail(email),
		Subject: l.T(subjectID),
		Body:    l.T(bodyID, "Link", link, "Hours", int(ttl.Hours()), "Days", int(ttl.Hours()/24)),
	})
	if err != nil {
		return err
	}
	return audit.Log(ctx, tx, audit.Create, "password_reset", idStr(userID), "link sent")
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	if s.opts.NoPasswords {
		return s.errNoPasswords()
	}
	if err := auth.CheckReset(r.Context(), s.db, r.PathValue("token")); err != nil {
		if app.Code(err) == app.EINVALID {
			s.render(w, r, http.StatusGone, "reset", formData{Extra: "invalid"})
			return nil
		}
		return err
	}
	s.render(w, r, http.StatusOK, "reset", formData{Values: map[string]string{}})
	return nil
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if s.opts.NoPasswords {
		return s.errNoPasswords()
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		var v app.Validation
		v.Add("password2", "field.password_mismatch")
		return s.renderForm(w, r, "reset", formData{Values: map[string]string{}}, v.Err())
	}
	err := store.InTx(ctx, s.db, func(tx *store.Tx) error {
		res, err := auth.UseReset(ctx, tx, r.PathValue("token"), pw)
		if err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "user", idStr(res.UserID), fmt.Sprintf(
			"password reset by link; ended %d sessions and %d API tokens, forgot known devices, cleared the login throttle",
			res.Sessions, res.Tokens))
	})
	if errors.Is(err, auth.ErrResetInvalid) {
		s.render(w, r, http.StatusGone, "reset", formData{Extra: "invalid"})
		return nil
	}
	if err != nil {
		return s.renderForm(w, r, "reset", formData{Values: map[string]string{}}, err)
	}
	s.flash(r, "reset.done")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// accountForm is the account page: who you are, your units, and the
// password form (with err's field errors when a change failed).
func (s *Server) accountForm(w http.ResponseWriter, r *http.Request, err error) error {
	return s.accountPage(w, r, nil, err)
}

// accountPage renders /account; values are the notice form's posted
// values, nil for the person's stored choice.
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, values map[string]string, err error) error {
	p := auth.FromContext(r.Context())
	if values == nil {
		prefs, perr := complaint.GetNoticePrefs(r.Context(), s.db, p.UserID)
		if perr != nil {
			return perr
		}
		values = map[string]string{"notices": prefs.Notices, "language": prefs.Language}
	}
	units, lerr := org.ListUnits(r.Context(), s.db, auth.AllUnits())
	if lerr != nil {
		return lerr
	}
	var mine []org.Unit
	for _, u := range units {
		if slices.Contains(p.Units, u.ID) {
			mine = append(mine, u)
		}
	}
	return s.renderForm(w, r, "account", formData{Values: values, Extra: mine}, err)
}

// setNotices stores how the signed-in person hears of cases that come to
// them: immediate notices or one morning digest, and in which language.
func (s *Server) setNotices(w http.ResponseWriter, r *http.Request) error {
	values := map[string]string{"notices": r.PostFormValue("notices"), "language": r.PostFormValue("language")}
	err := complaint.SetNoticePrefs(r.Context(), s.db, complaint.NoticePrefs{Notices: values["notices"], Language: values["language"]})
	if err != nil {
		return s.accountPage(w, r, values, err)
	}
	s.flash(r, "account.notices_saved")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.accountForm(w, r, nil)
}

// changePassword sets a new password and ends everything the old one
// opened elsewhere: the person's other sessions and their API tokens. This
// browser stays signed in, with a new session token.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var v app.Validation
	_, err := auth.Authenticate(ctx, s.db, auth.Attempt{Email: p.Email, Password: r.PostFormValue("current"),
		IP: clientIP(r), Device: cookieValue(r, deviceCookie)})
	switch {
	case err == nil:
	case app.Code(err) == app.EUNAUTHORIZED:
		v.Add("current", "field.current_password")
	case app.Code(err) == app.ETHROTTLED:
		v.Add("current", s.appError(r, err).MsgID)
	default:
		return err
	}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		v.Add("password2", "field.password_mismatch")
	}
	err = v.Err()
	if err == nil {
		err = auth.ValidatePassword("password", r.PostFormValue("password"))
	}
	if err == nil {
		// The new token first: the old one ends with the other sessions,
		// and scs stores the new one when the response is written.
		if err := s.sessions.RenewToken(ctx); err != nil {
			return err
		}
		err = store.InTx(ctx, s.db, func(tx *store.Tx) error {
			if err := auth.SetPassword(ctx, tx, p.UserID, r.PostFormValue("password")); err != nil {
				return err
			}
			sessions, tokens, err := auth.EndSignIns(ctx, tx, p.UserID, s.sessions.Token(ctx))
			if err != nil {
				return err
			}
			return audit.Log(ctx, tx, audit.Update, "user", idStr(p.UserID), fmt.Sprintf(
				"password changed; ended %d other sessions and %d API tokens", sessions, tokens))
		})
	}
	if err != nil {
		return s.accountForm(w, r, err)
	}
	s.flash(r, "account.password_changed")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
