package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/meeting"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// views holds the parsed page templates and the content-hashed static assets.
type views struct {
	pages  map[string]*template.Template
	assets map[string]string // "style.css" -> "/static/style.1a2b3c4d.css"
	files  map[string][]byte // "style.1a2b3c4d.css" -> content
}

func loadViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}, assets: map[string]string{}, files: map[string][]byte{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:4]) + ext
		v.assets[e.Name()] = "/static/" + hashed
		v.files[hashed] = b
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			if p, ok := v.assets[name]; ok {
				return p, nil
			}
			return "", fmt.Errorf("no asset %q", name)
		},
		"date":     func(t time.Time) string { return civil.Date(t) },
		"datetime": func(t time.Time) string { return civil.DateTime(t) },
		"deref": func(p any) any {
			switch p := p.(type) {
			case *int:
				if p != nil {
					return *p
				}
			case *int64:
				if p != nil {
					return *p
				}
			case *float64:
				if p != nil {
					return *p
				}
			case *time.Time:
				if p != nil {
					return *p
				}
			}
			return ""
		},
		// dict builds the argument map of the "field" partial.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"contains": func(list any, item any) bool {
			switch l := list.(type) {
			case []int64:
				for _, x := range l {
					if x == item {
						return true
					}
				}
			case []string:
				for _, x := range l {
					if x == item {
						return true
					}
				}
			}
			return false
		},
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Files named _*.html hold partials shared by several pages; every page
	// is parsed with the layout and them.
	partials, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		files := append([]string{"templates/layout.html", p}, partials...)
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, err
		}
		v.pages[name] = t
	}
	return v, nil
}

func (v *views) serveStatic(w http.ResponseWriter, r *http.Request) {
	b, ok := v.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, r.PathValue("file"), time.Time{}, bytes.NewReader(b))
}

// Page is what every template receives. Templates call {{.T "id"}} to
// translate and find the handler's data in .Data.
type Page struct {
	*i18n.Localizer
	Title     string
	User      *auth.Principal
	Path      string
	Flash     string
	Languages []i18n.Language
	Errors    map[string]string // field -> translated message
	ErrorList []fieldMessage    // the same, in form order, for the summary
	Data      any
	// CaseCount is the number of open cases the person handles, shown
	// beside "Ärenden" in the navigation.
	CaseCount int
	// MeetingCount and ActionCount are the principals' meetings one takes
	// part in within the coming two weeks and the open dialogue actions
	// one owns, shown beside those entries (the start page lists them).
	MeetingCount, ActionCount int
	// Organizer is the organizer's name and contact address, read for
	// public pages only: they carry its name instead of "Styrkedjan".
	Organizer org.Organizer
	// What sign-ins this server offers: staff single sign-on, local
	// passwords, guardians' e-identification.
	SSO, Passwords, EID bool
	SAML                bool // staff sign-in through SAML
}

type fieldMessage struct{ Field, Message string }

// Can lets templates show links only to what the user may open.
func (p *Page) Can(perm string) bool { return p.User.Can(auth.Permission(perm)) }

type langKey struct{}

func withLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// localizer speaks the request's language. Languages that only cover the
// public pages give way to Swedish on staff pages, mails to staff and
// problem documents outside the public API.
func (s *Server) localizer(r *http.Request) *i18n.Localizer {
	lang, _ := r.Context().Value(langKey{}).(string)
	return s.catalog.For(lang)
}

// publicPages are the templates guardians and pupils see, translated into
// every language; other pages use a staff language.
var publicPages = map[string]bool{"home": true, "complaint_new": true, "complaint_easy": true, "followup": true, "error": true,
	"complaint_repeated": true, "lost_link": true, "my_cases": true, "placement_guardian": true,
	"apply_signin": true, "apply_home": true, "apply_child": true,
	"survey_code": true, "survey_form": true, "survey_thanks": true}

func (s *Server) pageLocalizer(r *http.Request, page string) *i18n.Localizer {
	l := s.localizer(r)
	if !publicPages[page] && !staffLanguage(l.Lang) {
		return s.catalog.For(i18n.Languages[0].Code)
	}
	return l
}

func staffLanguage(code string) bool {
	for _, l := range i18n.Languages {
		if l.Code == code {
			return l.Staff
		}
	}
	return false
}

const flashKey = "flash"

// flash stores a message ID to show on the next page.
func (s *Server) flash(r *http.Request, msgID string) { s.sessions.Put(r.Context(), flashKey, msgID) }

// navCounts fills the navigation's counts of meetings and dialogue
// actions; a failing count leaves the page without it.
func (s *Server) navCounts(r *http.Request, p *Page) {
	ctx := r.Context()
	if home, ok := p.Data.(homePage); ok && home.ToDo != nil {
		// The start page has just listed both for the same window: count
		// its lists instead of asking the database again.
		if p.User.Can(auth.HoldMeetings) {
			p.MeetingCount = len(home.ToDo.Meetings)
		}
		if p.User.Can(auth.ReadDialogues) {
			p.ActionCount = len(home.ToDo.Actions)
		}
		return
	}
	if p.User.Can(auth.HoldMeetings) {
		today := civil.Today(time.Now())
		until, err := civil.AddDays(today, toDoDays)
		var list []meeting.Summary
		if err == nil {
			list, err = meeting.Upcoming(ctx, s.db, today, until)
		}
		if err != nil {
			s.log.Warn("meeting count", "err", err)
		}
		p.MeetingCount = len(list)
	}
	if p.User.Can(auth.ReadDialogues) {
		list, err := dialogue.OwnActions(ctx, s.db)
		if err != nil {
			s.log.Warn("action count", "err", err)
		}
		p.ActionCount = len(list)
	}
}

// render executes a page template into a buffer first, so a template error
// never leaves a half-written page. data may be an *app.Error carrying
// field errors, which are translated for the form.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	l := s.pageLocalizer(r, name)
	p := &Page{Localizer: l, User: auth.FromContext(r.Context()), Path: r.URL.Path, Data: data,
		SSO: s.opts.StaffSSO != nil, Passwords: !s.opts.NoPasswords, EID: s.opts.GuardianSSO != nil, SAML: s.opts.StaffSAML != nil}
	if publicPages[name] {
		// An error page when the database is down shows "Styrkedjan".
		p.Organizer, _ = org.GetOrganizer(r.Context(), s.db)
	}
	for _, lang := range i18n.Languages {
		if lang.Staff || publicPages[name] {
			p.Languages = append(p.Languages, lang)
		}
	}
	// An error page before the session was loaded (the database is down) has no flash.
	if sessionLoaded(r.Context()) {
		if msg := s.sessions.PopString(r.Context(), flashKey); msg != "" {
			p.Flash = l.T(msg)
		}
	}
	if p.User.Authenticated() && p.User.Can(auth.HandleCases) {
		n, err := complaint.ToDoCount(r.Context(), s.db)
		if err != nil {
			// The page still shows; only the count is missing.
			s.log.Warn("case count", "err", err)
		}
		p.CaseCount = n
	}
	if p.User.Authenticated() {
		s.navCounts(r, p)
	}
	if fd, ok := data.(formData); ok && fd.err != nil {
		p.Errors = map[string]string{}
		for _, f := range fd.err.Fields {
			m := l.T(f.MsgID, f.Data)
			if _, dup := p.Errors[f.Field]; !dup {
				p.Errors[f.Field] = m
			}
			p.ErrorList = append(p.ErrorList, fieldMessage{f.Field, m})
		}
	}
	t, ok := s.views.pages[name]
	if !ok {
		s.log.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.log.Error("render", "template", name, "err", err)
		buf.Reset()
		p.Data = app.Errorf(app.EINTERNAL, "err.internal")
		status = http.StatusInternalServerError
		if err := s.views.pages["error"].Execute(&buf, p); err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// formData carries a form's values, its validation error and extra data.
type formData struct {
	Values map[string]string
	Multi  map[string][]string
	err    *app.Error
	Extra  any
}

// renderForm renders a form page, with field errors when err is a
// validation error (status 422) and an error page otherwise.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, name string, fd formData, err error) error {
	if err == nil {
		s.render(w, r, http.StatusOK, name, fd)
		return nil
	}
	if app.Code(err) != app.EINVALID {
		return err
	}
	fd.err = s.appError(r, err)
	s.render(w, r, http.StatusUnprocessableEntity, name, fd)
	return nil
}
