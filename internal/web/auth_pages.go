package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

const langCookie = "lang"

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	o, err := org.GetOrganizer(r.Context(), s.db)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.render(w, r, http.StatusOK, "home", o)
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("healthz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// localPath accepts only same-site paths as redirect targets.
func localPath(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return "/"
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if auth.FromContext(r.Context()).Authenticated() {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login", formData{Values: map[string]string{"next": r.URL.Query().Get("next")}})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email, next := r.PostFormValue("email"), localPath(r.PostFormValue("next"))
	fd := formData{Values: map[string]string{"email": email, "next": next}}
	id, err := auth.Authenticate(ctx, s.db, email, r.PostFormValue("password"), clientIP(r))
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
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
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
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := s.catalog.Match(r.PostFormValue("lang"), "")
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookies})
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "forgot", formData{Values: map[string]string{}})
	return nil
}

// forgot queues a reset link when the address belongs to an active person
// and answers the same either way, so the form does not reveal who has an
// account.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email := strings.TrimSpace(r.PostFormValue("email"))
	if email == "" {
		var v app.Validation
		v.Add("email", "field.required")
		return s.renderForm(w, r, "forgot", formData{Values: map[string]string{}}, v.Err())
	}
	err := s.sendPasswordLink(ctx, s.localizer(r), email, auth.ResetTTL, "reset.mail_subject", "reset.mail_body")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.render(w, r, http.StatusOK, "forgot", formData{Values: map[string]string{}, Extra: "sent"})
	return nil
}

// sendPasswordLink creates a password link and queues the mail carrying
// it, in one transaction.
func (s *Server) sendPasswordLink(ctx context.Context, l *i18n.Localizer, email string, ttl time.Duration, subjectID, bodyID string) error {
	err := store.InTx(ctx, s.db, func(tx *store.Tx) error {
		secret, userID, err := auth.CreateReset(ctx, tx, email, ttl)
		if err != nil {
			return err
		}
		link := s.opts.PublicURL + "/password/reset/" + secret
		_, err = mail.Enqueue(ctx, tx, mail.Message{
			To:      auth.NormalizeEmail(email),
			Subject: l.T(subjectID),
			Body:    l.T(bodyID, "Link", link, "Hours", int(ttl.Hours()), "Days", int(ttl.Hours()/24)),
		})
		if err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "password_reset", idStr(userID), "link sent")
	})
	if err == nil {
		s.opts.WakeMailer()
	}
	return err
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
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
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		var v app.Validation
		v.Add("password2", "field.password_mismatch")
		return s.renderForm(w, r, "reset", formData{Values: map[string]string{}}, v.Err())
	}
	_, err := auth.UseReset(ctx, s.db, r.PathValue("token"), pw)
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
	p := auth.FromContext(r.Context())
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
	return s.renderForm(w, r, "account", formData{Values: map[string]string{}, Extra: mine}, err)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.accountForm(w, r, nil)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var v app.Validation
	if _, err := auth.Authenticate(ctx, s.db, p.Email, r.PostFormValue("current"), clientIP(r)); err != nil {
		if app.Code(err) != app.EUNAUTHORIZED && app.Code(err) != app.ETHROTTLED {
			return err
		}
		v.Add("current", "field.current_password")
	}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		v.Add("password2", "field.password_mismatch")
	}
	err := v.Err()
	if err == nil {
		err = store.InTx(ctx, s.db, func(tx *store.Tx) error {
			if err := auth.SetPassword(ctx, tx, p.UserID, r.PostFormValue("password")); err != nil {
				return err
			}
			return audit.Log(ctx, tx, audit.Update, "user", idStr(p.UserID), "password changed")
		})
	}
	if err != nil {
		return s.accountForm(w, r, err)
	}
	// A new token after a password change ends other uses of the old one.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.flash(r, "account.password_changed")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
