package meeting

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
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

// A4 landscape, in millimetres.
const (
	pdfMargin = 15.0
	pdfLine   = 4.6 // line height of table text
)

// Column widths; each table fills the 267 mm between the margins.
var (
	overviewCols = []float64{107, 30, 30, 30, 30, 40}
	caseCols     = []float64{32, 21, 22, 36, 24, 21, 30, 81}
	followupCols = []float64{117, 50, 40, 25, 35}
)

type pdfDoc struct {
	*fpdf.Fpdf
	tr func(string) string // UTF-8 to the core fonts' Windows-1252
	t  Translate
}

// PDF renders the agenda: title, period, the overview with counts and
// presented marks, each section's cases and notes, the meeting's notes
// and the follow-ups. Core fonts only; text outside Windows-1252 shows as
// dots.
func (a *Agenda) PDF(t Translate, lang string, now time.Time) ([]byte, error) {
	f := fpdf.New("L", "mm", "A4", "")
	d := &pdfDoc{Fpdf: f, tr: f.UnicodeTranslatorFromDescriptor(""), t: t}
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfMargin)
	f.SetTitle(a.Title, true)
	f.SetCreator("Styrkedjan", true)
	f.SetLang(lang)
	f.SetCreationDate(now)
	f.SetModificationDate(now)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-10)
		f.SetFont("Helvetica", "", 8)
		f.SetTextColor(90, 90, 90)
		title := []rune(a.Title)
		if len(title) > 80 {
			title = append(title[:79], '…')
		}
		left := string(title) + " – " + t("meeting.pdf.printed", "When", civil.DateTime(now))
		f.CellFormat(200, 4, d.tr(left), "", 0, "L", false, 0, "")
		f.CellFormat(0, 4, d.tr(t("meeting.pdf.page", "Page", f.PageNo(), "Pages", "{nb}")), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()

	f.SetFont("Helvetica", "B", 16)
	d.para(8, a.Title)
	f.SetFont("Helvetica", "", 10)
	d.para(5, t("meeting.held_on")+": "+a.HeldOn+"    "+t("meeting.period")+": "+t("meeting.period_value", "From", a.From, "To", a.To))
	f.SetFont("Helvetica", "", 9)
	d.para(4.5, t("meeting.about", "Date", a.AsOf))
	f.Ln(3)

	// The overview.
	d.heading(t("meeting.overview"))
	f.SetFont("Helvetica", "B", 9)
	d.row(overviewCols, true, t("meeting.col.unit"), t("meeting.col.new"), t("meeting.col.open"), t("meeting.col.overdue"),
		t("meeting.col.closed"), t("meeting.col.presented"))
	f.SetFont("Helvetica", "", 9)
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
		d.row(overviewCols, false, name, itoa(s.Counts.New), itoa(s.Counts.Open), itoa(s.Counts.Overdue), itoa(s.Counts.Closed), presented)
	}
	f.SetFont("Helvetica", "B", 9)
	d.row(overviewCols, false, t("meeting.total"), itoa(a.Total.New), itoa(a.Total.Open), itoa(a.Total.Overdue), itoa(a.Total.Closed), "")

	// Each unit, then the organizer's section.
	for _, s := range a.Sections {
		f.Ln(4)
		if f.GetY() > 150 { // keep a heading with its first rows
			f.AddPage()
		}
		if s.Unit == nil {
			d.heading(t("meeting.organizer"))
			f.SetFont("Helvetica", "", 9)
			d.para(4.5, t("meeting.organizer_about"))
		} else {
			d.heading(s.Unit.Name)
			f.SetFont("Helvetica", "", 9)
			if s.Unit.PresentedAt != nil {
				d.para(4.5, t("meeting.presented", "When", civil.DateTime(*s.Unit.PresentedAt), "Name", s.Unit.PresentedBy))
			} else {
				d.para(4.5, t("meeting.not_presented"))
			}
		}
		d.para(4.5, t("meeting.counts", "New", s.Counts.New, "Open", s.Counts.Open, "Overdue", s.Counts.Overdue, "Closed", s.Counts.Closed))
		if len(s.Cases) == 0 {
			d.para(4.5, t("meeting.nothing"))
		} else {
			f.Ln(1)
			f.SetFont("Helvetica", "B", 9)
			header := []string{t("meeting.col.reference"), t("meeting.col.submitted"), t("meeting.col.kind"), t("meeting.col.category"),
				t("meeting.col.status"), t("meeting.col.answer_due"), t("meeting.col.period"), t("meeting.col.summary")}
			d.row(caseCols, true, header...)
			f.SetFont("Helvetica", "", 9)
			for _, r := range s.Cases {
				if d.wouldBreak(caseCols, r.cells(a, t, lang)) {
					f.AddPage()
					f.SetFont("Helvetica", "B", 9)
					d.row(caseCols, true, header...)
					f.SetFont("Helvetica", "", 9)
				}
				d.row(caseCols, false, r.cells(a, t, lang)...)
			}
		}
		if s.Unit != nil && s.Unit.Notes != "" {
			f.Ln(1)
			f.SetFont("Helvetica", "B", 9)
			d.para(4.5, t("meeting.unit_notes"))
			f.SetFont("Helvetica", "", 9)
			d.para(4.5, s.Unit.Notes)
		}
	}

	f.Ln(4)
	d.heading(t("meeting.notes"))
	f.SetFont("Helvetica", "", 9)
	if a.Notes == "" {
		d.para(4.5, t("meeting.no_notes"))
	} else {
		d.para(4.5, a.Notes)
	}

	f.Ln(4)
	d.heading(t("meeting.followups"))
	if len(a.Followups) == 0 {
		f.SetFont("Helvetica", "", 9)
		d.para(4.5, t("meeting.followup.none"))
	} else {
		f.SetFont("Helvetica", "B", 9)
		d.row(followupCols, true, t("meeting.followup.text"), t("meeting.followup.unit"), t("meeting.followup.owner"),
			t("meeting.followup.due"), t("meeting.followup.status"))
		f.SetFont("Helvetica", "", 9)
		for _, fu := range a.Followups {
			unit := fu.UnitName
			if fu.UnitID == nil {
				unit = t("meeting.followup.whole")
			}
			status := t("meeting.followup.pending")
			if fu.DoneAt != nil {
				status = t("meeting.followup.done", "When", civil.Date(*fu.DoneAt))
			}
			d.row(followupCols, false, fu.Text, unit, fu.Owner, fu.Due, status)
		}
	}

	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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

func (d *pdfDoc) heading(s string) {
	d.SetFont("Helvetica", "B", 12)
	d.para(6.5, s)
	d.Ln(1)
}

// para writes wrapped text across the page.
func (d *pdfDoc) para(h float64, s string) {
	d.MultiCell(0, h, d.tr(strings.ReplaceAll(s, "\t", " ")), "", "L", false)
}

// lines wraps each cell to its column.
func (d *pdfDoc) lines(widths []float64, cells []string) ([][][]byte, float64) {
	out := make([][][]byte, len(cells))
	n := 1
	for i, c := range cells {
		out[i] = d.SplitLines([]byte(d.tr(strings.ReplaceAll(c, "\t", " "))), widths[i])
		n = max(n, len(out[i]))
	}
	return out, float64(n)*pdfLine + 1.6
}

func (d *pdfDoc) wouldBreak(widths []float64, cells []string) bool {
	_, h := d.lines(widths, cells)
	_, pageH := d.GetPageSize()
	return d.GetY()+h > pageH-pdfMargin
}

// row draws a table row with wrapped cells of equal height; a header row
// is shaded. A row too low for the page starts a new one.
func (d *pdfDoc) row(widths []float64, header bool, cells ...string) {
	lines, h := d.lines(widths, cells)
	if d.wouldBreak(widths, cells) {
		d.AddPage()
	}
	style := "D"
	if header {
		d.SetFillColor(230, 230, 230)
		style = "FD"
	}
	d.SetDrawColor(150, 150, 150)
	x, y := pdfMargin, d.GetY()
	for i, w := range widths {
		d.Rect(x, y, w, h, style)
		for j, l := range lines[i] {
			d.SetXY(x, y+0.8+float64(j)*pdfLine)
			d.CellFormat(w, pdfLine, string(l), "", 0, "L", false, 0, "")
		}
		x += w
	}
	d.SetXY(pdfMargin, y+h)
}

func itoa(n int) string { return strconv.Itoa(n) }
