package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

// Staff pages for complaints: the work list and the case page.

type workListPage struct {
	orgLookups
	Cases      []*complaint.Case
	Total      int
	Filter     complaint.Filter
	Today      string
	Categories []org.Category
	Statuses   []complaint.Status
	Units      []org.Unit
	Prev, Next string // query strings of the neighbouring pages
}

func (p workListPage) CategoryName(code, lang string) string {
	for _, c := range p.Categories {
		if c.Code == code {
			return c.Name(lang)
		}
	}
	return code
}

// Subject is a case's short subject on the list: the handler's summary
// when set, else the category's name. A secret case shows only its
// category: the summary says what the case is about.
func (p workListPage) Subject(c *complaint.Case, lang string) string {
	if c.Summary != "" && !c.Secret {
		return c.Summary
	}
	return p.CategoryName(c.Category, lang)
}

const workListPageSize = 50

func (s *Server) workList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := complaint.Filter{Mine: q.Get("mine") == "1", Status: q.Get("status"), Category: q.Get("category"),
		Overdue: q.Get("overdue") == "1", Offensive: q.Get("offensive") == "1", Query: q.Get("q"), Limit: workListPageSize}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	f.Offset = (page - 1) * workListPageSize
	today := civil.Today(time.Now())
	cases, total, err := complaint.WorkList(ctx, s.db, f, today)
	if err != nil {
		return err
	}
	lk, err := s.lookups(r)
	if err != nil {
		return err
	}
	cats, err := org.Categories(ctx, s.db)
	if err != nil {
		return err
	}
	data := workListPage{orgLookups: lk, Cases: cases, Total: total, Filter: f, Today: today, Categories: cats,
		Statuses: complaint.Statuses}
	offered := complaint.FilterScope(auth.FromContext(ctx))
	for _, u := range lk.unitsByID {
		if offered.Contains(u.ID) {
			data.Units = append(data.Units, u)
		}
	}
	sortUnits(data.Units)
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		data.Prev = q.Encode()
	}
	if f.Offset+len(cases) < total {
		q.Set("page", strconv.Itoa(page+1))
		data.Next = q.Encode()
	}
	s.render(w, r, http.StatusOK, "cases", data)
	return nil
}

type casePage struct {
	Case         *complaint.Case
	Events       []complaint.Event
	Files        []complaint.FileInfo
	CanAct       bool
	Overdue      bool
	Today        string
	Handler      string // the role label the filer sees
	Handlers     []org.Person
	Outcomes     []complaint.Outcome
	CategoryName string
	Letter       string        // the answer letter template, filled in
	FilerLang    i18n.Language // the language the filer used
	Values       map[string]string
	Actions      []complaint.EventKind // those that apply in the case's state
}

// Applies reports whether action kind can be taken in the case's state
// (complaint.Applicable): the page offers only those.
func (p casePage) Applies(kind string) bool {
	return slices.Contains(p.Actions, complaint.EventKind(kind))
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCase(w, r, map[string]string{}, nil)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, vals map[string]string, actErr error) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := complaint.Get(ctx, s.db, id)
	if err != nil {
		return err
	}
	p := auth.FromContext(ctx)
	page := casePage{Case: c, CanAct: complaint.CanAct(p, c), Today: civil.Today(time.Now()), Outcomes: complaint.Outcomes, Values: vals,
		FilerLang: languageOf(c.Language)}
	page.Overdue = c.Overdue(page.Today)
	page.Actions = complaint.Applicable(c)
	if page.Events, err = complaint.Events(ctx, s.db, id, true); err != nil {
		return err
	}
	page.Events = complaint.VisibleEvents(c, page.Events)
	if !c.SecretHidden {
		if page.Files, err = complaint.Files(ctx, s.db, id); err != nil {
			return err
		}
	}
	l := s.localizer(r)
	if page.Handler, err = s.handlerLabel(ctx, l, c); err != nil {
		return err
	}
	cats, err := org.Categories(ctx, s.db)
	if err != nil {
		return err
	}
	page.CategoryName = c.Category
	for _, cat := range cats {
		if cat.Code == c.Category {
			page.CategoryName = cat.Name(l.Lang)
		}
	}
	if page.CanAct {
		if page.Handlers, err = complaint.Handlers(ctx, s.db); err != nil {
			return err
		}
		o, _ := org.GetOrganizer(ctx, s.db)
		fl := s.catalog.For(c.Language)
		page.Letter = fl.T("public.letter_template", "Reference", c.Reference, "Name", c.FilerName,
			"Handler", page.Handler, "Organizer", o.Name, "Date", page.Today)
	}
	return s.renderForm(w, r, "case", formData{Values: vals, Extra: page}, actErr)
}

// caseAction applies one workflow action to a case, each its own route
// (POST /cases/{id}/acknowledged, ...); package complaint
// decides whether the caller may (its handler, or who handles any case;
// notes by everyone who sees the case).
func (s *Server) caseAction(kind complaint.EventKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error { return s.applyCaseAction(w, r, kind) }
}

func (s *Server) applyCaseAction(w http.ResponseWriter, r *http.Request, kind complaint.EventKind) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vals := map[string]string{}
	cleanup, err := parseUpload(w, r, "files")
	defer cleanup()
	if err != nil {
		return s.renderCase(w, r, vals, err)
	}
	for _, k := range []string{"body", "outcome", "handler", "secret", "confirm", "interpreter"} {
		vals[k] = r.FormValue(k)
	}
	vals["action"] = string(kind)
	a := complaint.Action{Kind: kind, Body: vals["body"], Outcome: complaint.Outcome(vals["outcome"]),
		Secret: vals["secret"] == "on", Confirmed: vals["confirm"] == "on", On: vals["interpreter"] == "on"}
	a.HandlerID, _ = strconv.ParseInt(vals["handler"], 10, 64)
	if a.Files, err = formFiles(r, "files"); err == nil {
		err = complaint.Act(ctx, s.db, id, a, time.Now(), s.composer())
	}
	if err != nil {
		// Several forms share field names: key the errors and the typed
		// text by action, so they show on the form that was sent.
		var ae *app.Error
		if errors.As(err, &ae) && ae.Code == app.EINVALID {
			for i := range ae.Fields {
				ae.Fields[i].Field = vals["action"] + "." + ae.Fields[i].Field
			}
			vals[vals["action"]+".body"] = vals["body"]
			vals[vals["action"]+".handler"] = vals["handler"]
		}
		return s.renderCase(w, r, vals, err)
	}
	s.opts.WakeMailer()
	s.flash(r, "case.done."+string(a.Kind))
	http.Redirect(w, r, "/cases/"+idStr(id), http.StatusSeeOther)
	return nil
}

func (s *Server) caseFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fileID, err := pathID(r, "file")
	if err != nil {
		return err
	}
	f, data, err := complaint.AttachmentFile(r.Context(), s.db, id, fileID)
	if err != nil {
		return err
	}
	return download(w, f.Filename, f.ContentType, data)
}

func sortUnits(us []org.Unit) {
	slices.SortFunc(us, func(a, b org.Unit) int { return strings.Compare(a.Name, b.Name) })
}

// languageOf returns the filer language with code (i18n.FilerLanguage); Swedish for an unknown
// code. Pages use its Code and Dir to mark text in the filer's language.
func languageOf(code string) i18n.Language { return i18n.FilerLanguage(code) }
