package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// The public pages where guardians, pupils and anyone else file a complaint
// or other feedback and follow it through a private link. No login.

// intakePage is what the form and the easy-to-read page need.
type intakePage struct {
	Organizer  org.Organizer
	Settings   complaint.Settings
	Units      []org.Unit
	Categories []org.Category
	Kinds      []complaint.Kind
	Roles      []complaint.FilerRole
	Key        string // submission key against double submits
	MaxFiles   int
	MaxMB      int
	Staff      bool            // a staff member registers a case received by phone or letter
	Languages  []i18n.Language // the filer's language, for staff
}

func (s *Server) intakeData(ctx context.Context) (intakePage, error) {
	p := intakePage{Kinds: complaint.Kinds, Roles: complaint.FilerRoles, MaxFiles: complaint.MaxAttachments,
		MaxMB: complaint.MaxAttachmentBytes >> 20}
	var err error
	if p.Organizer, err = org.GetOrganizer(ctx, s.db); errors.Is(err, store.ErrNotFound) {
		return p, complaint.NotSetUp() // a fresh installation takes no complaints yet
	} else if err != nil {
		return p, err
	}
	if p.Settings, err = complaint.GetSettings(ctx, s.db); err != nil {
		return p, err
	}
	if p.Units, err = org.ActiveUnits(ctx, s.db); err != nil {
		return p, err
	}
	cats, err := org.Categories(ctx, s.db)
	if err != nil {
		return p, err
	}
	for _, c := range cats {
		if c.Active {
			p.Categories = append(p.Categories, c)
		}
	}
	return p, nil
}

// CategoryName is a category's name in the filer's language: from the
// public catalogs for the seeded categories, else the organizer's own
// Swedish or English name.
func (intakePage) CategoryName(l *i18n.Localizer, c org.Category) string {
	id := "category." + c.Code
	if name := l.T(id); name != id {
		return name
	}
	return c.Name(l.Lang)
}

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) complaintForm(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{"kind": string(complaint.KindComplaint)}
	if r.URL.Query().Get("easy") == "1" {
		vals["easy"] = "1" // from the easy-to-read page: what we write back is easy to read too
	}
	return s.complaintFormPage(w, r, vals, nil)
}

// toComplaintForm sends a GET of the form's post address (a language
// switch or a reload on a page the post answered) to the form.
func (s *Server) toComplaintForm(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/complaints/new", http.StatusSeeOther)
	return nil
}

// staffComplaintForm is the same form for staff registering a complaint
// received by phone, letter or in person.
func (s *Server) staffComplaintForm(w http.ResponseWriter, r *http.Request) error {
	return s.complaintFormPage(w, r, map[string]string{"kind": string(complaint.KindComplaint), "language": "sv"}, nil)
}

func (s *Server) complaintFormPage(w http.ResponseWriter, r *http.Request, vals map[string]string, err error) error {
	data, derr := s.intakeData(r.Context())
	if derr != nil {
		return derr
	}
	if strings.HasPrefix(r.URL.Path, "/cases/") {
		data.Staff, data.Languages = true, i18n.FilerLanguages()
	}
	data.Key = vals["key"]
	if data.Key == "" {
		data.Key = newKey()
	}
	return s.renderForm(w, r, "complaint_new", formData{Values: vals, Extra: data}, err)
}

func (s *Server) complaintEasy(w http.ResponseWriter, r *http.Request) error {
	data, err := s.intakeData(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "complaint_easy", data)
	return nil
}

// filerLanguage is the filer's language a form or an API client names:
// one of i18n.FilerLanguages, else the best match of the interface
// languages (Swedish when nothing matches).
func (s *Server) filerLanguage(choice, acceptLanguage string) string {
	if choice == i18n.EasySwedish {
		return choice
	}
	return s.catalog.Match(choice, acceptLanguage)
}

// Room for the attachments and the text fields of a submission: as a form,
// and as JSON with the files in base64 (4 bytes for every 3).
const (
	maxSubmissionBytes    = complaint.MaxAttachments*complaint.MaxAttachmentBytes + 1<<20
	maxAPISubmissionBytes = complaint.MaxAttachments*complaint.MaxAttachmentBytes*4/3 + 1<<20
)

// submitComplaint registers a submission from the form and sends the filer
// to the private follow-up page, which first shows the receipt.
func (s *Server) submitComplaint(w http.ResponseWriter, r *http.Request) error {
	if ok, err := s.intakeAllowed(r); err != nil {
		return err
	} else if !ok {
		return app.Errorf(app.ETHROTTLED, "public.err_throttled")
	}
	return s.intake(w, r, "web")
}

// registerComplaint registers a complaint staff received another way; the
// staff member is the actor, and the filer's link is shown to pass on.
func (s *Server) registerComplaint(w http.ResponseWriter, r *http.Request) error {
	return s.intake(w, r, "staff")
}

func (s *Server) intake(w http.ResponseWriter, r *http.Request, channel string) error {
	vals := map[string]string{}
	cleanup, err := parseUpload(w, r, "attachments")
	defer cleanup()
	if err != nil {
		return s.complaintFormPage(w, r, vals, err)
	}
	for _, k := range []string{"filerRole", "unit", "kind", "category", "concernsPrincipal", "whatHappened", "desiredOutcome", "name", "email", "phone", "key", "language", "easy"} {
		vals[k] = r.FormValue(k)
	}
	sub := complaint.Submission{
		FilerRole: complaint.FilerRole(vals["filerRole"]), Kind: complaint.Kind(vals["kind"]), Category: vals["category"],
		ConcernsPrincipal: vals["concernsPrincipal"] == "on", WhatHappened: vals["whatHappened"],
		DesiredOutcome: vals["desiredOutcome"], Name: vals["name"], Email: vals["email"], Phone: vals["phone"],
		Language: s.localizer(r).Lang, Channel: channel, SubmissionKey: vals["key"], SubmissionClient: submissionClient(r),
	}
	if channel == "web" {
		// Signed in with e-identification: the case is listed on "Mina ärenden".
		sub.GuardianID = auth.FromContext(r.Context()).GuardianID
	}
	switch {
	case channel == "staff":
		sub.Language = s.filerLanguage(vals["language"], "")
	case vals["easy"] == "1" && sub.Language == "sv":
		sub.Language = i18n.EasySwedish
	}
	setUnit(&sub, vals["unit"])
	files, err := formFiles(r, "attachments")
	if err != nil {
		return s.complaintFormPage(w, r, vals, err)
	}
	sub.Attachments = files
	receipt, err := complaint.Submit(r.Context(), s.db, sub, time.Now(), s.composer())
	if err != nil {
		if ae, ok := errors.AsType[*app.Error](err); ok && ae.MsgID == "public.err_key_reused" {
			vals["key"] = "" // a new form: sending it again makes a new case
		}
		return s.complaintFormPage(w, r, vals, err)
	}
	s.opts.WakeMailer()
	if receipt.Repeated && channel != "staff" {
		// The same form twice (a double click, a reload): the case exists,
		// and its link was shown once; it is never handed out again.
		s.render(w, r, http.StatusOK, "complaint_repeated", receipt)
		return nil
	}
	if channel == "staff" {
		s.render(w, r, http.StatusOK, "case_registered", struct {
			Receipt complaint.Receipt
			Link    string
		}{receipt, s.followUpURL(receipt)})
		return nil
	}
	http.Redirect(w, r, "/f/"+receipt.Token+"?new=1", http.StatusSeeOther)
	return nil
}

// submissionClient names who sends a submission key: the API client, the
// signed-in person, or else the network the request came from. A key
// counts only for the client that sent it.
func submissionClient(r *http.Request) string {
	p := auth.FromContext(r.Context())
	if p.IsClient() {
		return "client:" + strconv.FormatInt(p.ClientID, 10)
	}
	if p.Authenticated() {
		return "user:" + strconv.FormatInt(p.UserID, 10)
	}
	return "net:" + clientNetwork(r)
}

// followUpURL is a new case's follow-up link, or "" for a repeat, whose
// link is never shown again.
func (s *Server) followUpURL(rec complaint.Receipt) string {
	if rec.Token == "" {
		return ""
	}
	return s.opts.PublicURL + "/f/" + rec.Token
}

// setUnit reads the unit choice: a unit id, "unknown" or "organization".
func setUnit(sub *complaint.Submission, v string) {
	switch v {
	case string(complaint.ScopeUnknown), string(complaint.ScopeOrganization):
		sub.UnitScope = complaint.UnitScope(v)
	default:
		sub.UnitScope = complaint.ScopeUnit
		sub.UnitID, _ = strconv.ParseInt(v, 10, 64)
	}
}

// followUpPage is the filer's view of their case.
type followUpPage struct {
	Case    *complaint.Case
	Events  []complaint.Event
	Handler string // the handling role, e.g. "Rektor för Ekbacka skola"
	Token   string
	Link    string // the whole link, to save
	New     bool   // just submitted: show the receipt
	Values  map[string]string
	// FilerLang is the language the filer used: their own texts are
	// marked with it when the page is in another language.
	FilerLang i18n.Language
	// Mine: shown under "Mina ärenden" to the guardian who filed it; the
	// reply goes to /my-cases/{id}/reply.
	Mine bool
}

func (s *Server) followUp(w http.ResponseWriter, r *http.Request) error {
	return s.followUpPage(w, r, map[string]string{}, nil)
}

func (s *Server) followUpPage(w http.ResponseWriter, r *http.Request, vals map[string]string, err error) error {
	token := r.PathValue("token")
	fc, lerr := complaint.ByLink(r.Context(), s.db, token)
	if lerr != nil {
		return lerr
	}
	page := followUpPage{Case: fc.Case, Events: fc.Events, Token: token, Link: s.opts.PublicURL + "/f/" + token,
		New: r.URL.Query().Get("new") == "1", Values: vals, FilerLang: languageOf(fc.Case.Language)}
	page.Handler, lerr = s.handlerLabel(r.Context(), s.pageLocalizer(r, "followup"), fc.Case)
	if lerr != nil {
		return lerr
	}
	// The link is a secret: keep it out of caches and other sites' logs.
	w.Header().Set("Cache-Control", "no-store")
	return s.renderForm(w, r, "followup", formData{Values: vals, Extra: page}, err)
}

func (s *Server) followUpReply(w http.ResponseWriter, r *http.Request) error {
	if ok, err := s.intakeAllowed(r); err != nil {
		return err
	} else if !ok {
		return app.Errorf(app.ETHROTTLED, "public.err_throttled")
	}
	vals := map[string]string{}
	cleanup, err := parseUpload(w, r, "files")
	defer cleanup()
	if err != nil {
		return s.followUpPage(w, r, vals, err)
	}
	vals["body"] = r.FormValue("body")
	files, err := formFiles(r, "files")
	if err == nil {
		err = complaint.Reply(r.Context(), s.db, r.PathValue("token"), vals["body"], files, time.Now(), s.composer(), complaint.PersonEmail(r.Context(), s.db))
	}
	if err != nil {
		return s.followUpPage(w, r, vals, err)
	}
	s.opts.WakeMailer()
	s.flash(r, "public.reply_sent")
	http.Redirect(w, r, "/f/"+r.PathValue("token"), http.StatusSeeOther)
	return nil
}

// followUpFile sends the filer a file of their case.
func (s *Server) followUpFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "file")
	if err != nil {
		return err
	}
	f, data, err := complaint.LinkAttachmentFile(r.Context(), s.db, r.PathValue("token"), id)
	if err != nil {
		return err
	}
	return download(w, f.Filename, f.ContentType, data)
}

func (s *Server) lostLinkForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "lost_link", formData{Values: map[string]string{}})
	return nil
}

// lostLink mails a new follow-up link for each case not closed that was
// filed with the address given, in the filer's language, and answers the
// same whether there were such cases, none, or a limit was reached.
func (s *Server) lostLink(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	if email == "" {
		var v app.Validation
		v.Add("email", "field.required")
		return s.renderForm(w, r, "lost_link", formData{Values: map[string]string{}}, v.Err())
	}
	n, err := complaint.RequestLinks(r.Context(), s.db, email, clientIP(r), time.Now(), s.composer())
	if err != nil {
		return err
	}
	if n > 0 {
		s.opts.WakeMailer()
	}
	s.render(w, r, http.StatusOK, "lost_link", formData{Values: map[string]string{}, Extra: "sent"})
	return nil
}
