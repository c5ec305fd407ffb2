package meeting

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Translate is a message catalog's T: the PDF's words come from the web
// layer's catalogs, as a complaint's mails do.
type Translate func(id string, args ...any) string

// ExportPDF returns the agenda of a meeting the context principal may see
// as a PDF, built from the same data as the page, and audits the export.
// lang names the categories ("sv" or "en").
func ExportPDF(ctx context.Context, q store.Q, id int64, now time.Time, t Translate, lang string) ([]byte, error) {
	a, err := load(ctx, q, id, now)
	if err != nil {
		return nil, err
	}
	b, err := a.PDF(t, lang, now)
	if err != nil {
		return nil, err
	}
	return b, audit.Log(ctx, q, audit.Export, "meeting", strconv.FormatInt(id, 10), "agenda PDF of "+strconv.Itoa(a.Cases())+" cases")
}

// Column widths in millimetres; each table fills the 267 mm between the
// margins of A4 landscape.
var (
	overviewCols = []float64{107, 30, 30, 30, 30, 40}
	caseCols     = []float64{32, 21, 22, 36, 24, 21, 30, 81}
	followupCols = []float64{117, 50, 40, 25, 35}
)

// tableStyle is how the agenda's tables are drawn: wrapped cells in a grid.
func tableStyle(widths []float64) export.TableStyle {
	return export.TableStyle{Widths: widths, Wrap: true, Grid: true, FontSize: 9}
}

func texts(cells ...string) []export.Cell {
	out := make([]export.Cell, len(cells))
	for i, c := range cells {
		out[i] = export.Text(c)
	}
	return out
}

// PDF renders the agenda with the document kit: title, period, the
// overview with counts and presented marks, each section's cases and
// notes, the meeting's notes and the follow-ups. Core fonts only; text
// outside Windows-1252 shows as dots.
func (a *Agenda) PDF(t Translate, lang string, now time.Time) ([]byte, error) {
	title := []rune(a.Title)
	if len(title) > 80 {
		title = append(title[:79], '…')
	}
	d := export.NewPDF(export.PDFOptions{Landscape: true, Title: a.Title, Lang: lang, Created: now,
		FooterLeft: string(title) + " – " + t("meeting.pdf.printed", "When", civil.DateTime(now)),
		PageLabel: func(page, pages string) string {
			return t("meeting.pdf.page", "Page", page, "Pages", pages)
		}})
	d.Title(a.Title)
	d.Para(t("meeting.held_on")+": "+a.HeldOn+"    "+t("meeting.period")+": "+t("meeting.period_value", "From", a.From, "To", a.To), 10, "")
	d.Para(t("meeting.about", "Date", a.AsOf), 9, "")
	d.Space(3)

	// The overview.
	overview := export.Table{Title: t("meeting.overview"), Columns: []string{t("meeting.col.unit"), t("meeting.col.new"), t("meeting.col.open"),
		t("meeting.col.overdue"), t("meeting.col.closed"), t("meeting.col.presented")}, Numeric: []bool{false, true, true, true, true}}
	for _, s := range a.Sections {
		presented := "–"
		name := t("meeting.organizer")
		if s.Unit != nil {
			name = s.Unit.Name
			presented = t("meeting.no")
			if s.Unit.PresentedAt != nil {
				presented = t("meeting.yes")
			}
		}
		overview.Rows = append(overview.Rows, texts(name, itoa(s.Counts.New), itoa(s.Counts.Open), itoa(s.Counts.Overdue), itoa(s.Counts.Closed), presented))
	}
	overview.Total = texts(t("meeting.total"), itoa(a.Total.New), itoa(a.Total.Open), itoa(a.Total.Overdue), itoa(a.Total.Closed), "")
	d.Table(overview, tableStyle(overviewCols))

	// Each unit, then the organizer's section.
	header := []string{t("meeting.col.reference"), t("meeting.col.submitted"), t("meeting.col.kind"), t("meeting.col.category"),
		t("meeting.col.status"), t("meeting.col.answer_due"), t("meeting.col.period"), t("meeting.col.summary")}
	for _, s := range a.Sections {
		d.Space(4)
		d.Ensure(40) // keep a heading with its first rows
		if s.Unit == nil {
			d.Heading(t("meeting.organizer"), 12)
			d.Para(t("meeting.organizer_about"), 9, "")
		} else {
			d.Heading(s.Unit.Name, 12)
			if s.Unit.PresentedAt != nil {
				d.Para(t("meeting.presented", "When", civil.DateTime(*s.Unit.PresentedAt), "Name", s.Unit.PresentedBy), 9, "")
			} else {
				d.Para(t("meeting.not_presented"), 9, "")
			}
		}
		d.Para(t("meeting.counts", "New", s.Counts.New, "Open", s.Counts.Open, "Overdue", s.Counts.Overdue, "Closed", s.Counts.Closed), 9, "")
		if len(s.Cases) == 0 {
			d.Para(t("meeting.nothing"), 9, "")
		} else {
			d.Space(1)
			cases := export.Table{Columns: header}
			for _, r := range s.Cases {
				cases.Rows = append(cases.Rows, texts(r.cells(a, t, lang)...))
			}
			d.Table(cases, tableStyle(caseCols))
		}
		if s.Unit != nil && s.Unit.Notes != "" {
			d.Space(1)
			d.Para(t("meeting.unit_notes"), 9, "B")
			d.Para(s.Unit.Notes, 9, "")
		}
	}

	d.Space(4)
	d.Heading(t("meeting.notes"), 12)
	if a.Notes == "" {
		d.Para(t("meeting.no_notes"), 9, "")
	} else {
		d.Para(a.Notes, 9, "")
	}

	d.Space(4)
	d.Heading(t("meeting.followups"), 12)
	if len(a.Followups) == 0 {
		d.Para(t("meeting.followup.none"), 9, "")
	} else {
		followups := export.Table{Columns: []string{t("meeting.followup.text"), t("meeting.followup.unit"), t("meeting.followup.owner"),
			t("meeting.followup.due"), t("meeting.followup.status")}}
		for _, fu := range a.Followups {
			unit := fu.UnitName
			if fu.UnitID == nil {
				unit = t("meeting.followup.whole")
			}
			status := t("meeting.followup.pending")
			if fu.DoneAt != nil {
				status = t("meeting.followup.done", "When", civil.Date(*fu.DoneAt))
			}
			followups.Rows = append(followups.Rows, texts(fu.Text, unit, fu.Owner, fu.Due, status))
		}
		d.Table(followups, tableStyle(followupCols))
	}
	return d.Bytes()
}

// cells are a case's table cells in the PDF, as on the page.
func (r Row) cells(a *Agenda, t Translate, lang string) []string {
	ref := r.Reference
	switch {
	case r.ConcernsPrincipal:
		ref += "\n" + t("meeting.tag.concerns_principal")
	case r.Scope != complaint.ScopeUnit:
		ref += "\n" + t("scope."+string(r.Scope))
	}
	if r.Secret {
		ref += "\n" + t("cases.secret")
	}
	summary := r.Summary
	switch {
	case r.Withheld != "":
		summary = t("meeting.withheld." + r.Withheld)
	case summary == "":
		summary = t("meeting.no_summary")
	}
	return []string{ref, r.Submitted, t("kind." + string(r.Kind)), a.CategoryName(r.Category, lang), t("status." + string(r.Status)),
		r.AnswerDue, strings.Join(r.Tags(t), ", "), summary}
}

// Tags are the row's words for what happened in the period.
func (r Row) Tags(t Translate) []string {
	var out []string
	switch {
	case r.New:
		out = append(out, t("meeting.tag.new"))
	case r.Open:
		out = append(out, t("meeting.tag.open"))
	}
	if r.Overdue {
		out = append(out, t("meeting.tag.overdue"))
	}
	if r.Closed {
		out = append(out, t("meeting.tag.closed"))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
