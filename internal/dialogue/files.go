package dialogue

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// newPDF starts a document of the kit (A4 portrait) with the dialogue
// footer: when it was printed and the page number.
func newPDF(title, lang string, now time.Time, t Translate) *export.Doc {
	d := export.NewPDF(export.PDFOptions{Title: title, Lang: lang, Created: now,
		FooterLeft: t("dialogue.pdf.printed", "When", civil.DateTime(now)),
		PageLabel: func(page, pages string) string {
			return t("dialogue.pdf.page", "Page", page, "Pages", pages)
		}})
	d.Title(title)
	return d
}

// FormatValue formats an indicator value for lang with i18n.Number: one
// decimal, none for whole numbers above 100 (counts).
func FormatValue(x float64, lang string) string {
	decimals := 1
	if x == math.Trunc(x) && x > 100 {
		decimals = 0
	}
	return i18n.Number(lang, x, decimals)
}

// PDF renders the preparation pack in the order of the page.
func (pk *Pack) PDF(t Translate) ([]byte, error) {
	d := newPDF(t("dialogue.prep.title", "Title", pk.Dialogue.Title), pk.Lang, pk.Generated, t)
	lang := pk.Lang
	d.Para(pk.Dialogue.Type.Name(lang)+" – "+pk.Dialogue.HeldOn+" ("+pk.Dialogue.Term+")", 10, "")
	if pk.Dialogue.Theme != "" {
		d.Para(t("dialogue.theme")+": "+pk.Dialogue.Theme, 10, "")
	}
	d.Para(t("dialogue.prep.about"), 9, "I")
	for _, u := range pk.Units {
		d.Heading(u.Unit.Name, 14)
		d.Heading(t("dialogue.prep.strengths"), 11)
		switch {
		case !u.Picture:
			d.Para(t("dialogue.prep.no_picture"), 10, "I")
		case len(u.Strengths) == 0:
			d.Para(t("dialogue.prep.no_strengths"), 10, "I")
		}
		for _, r := range u.Strengths {
			d.Bullet(r.Indicator.Name(lang) + ": " + profileLine(r, lang, t))
		}
		d.Heading(t("dialogue.prep.challenges"), 11)
		if u.Picture && len(u.Challenges) == 0 {
			d.Para(t("dialogue.prep.no_challenges"), 10, "I")
		}
		for _, r := range u.Challenges {
			d.Bullet(r.Indicator.Name(lang) + ": " + profileLine(r, lang, t))
		}
		temperaturePDF(d, u, lang, t)
		d.Heading(t("dialogue.prep.complaints"), 11)
		c := u.Complaints
		d.Para(t("dialogue.prep.complaints_total", "Count", c.Total, "Prior", c.Prior, "From", c.From, "To", c.To), 10, "")
		if c.Rise {
			d.Para(t("dialogue.prep.complaints_rise"), 10, "B")
		}
		for _, cat := range c.Categories {
			d.Bullet(t("dialogue.prep.category_line", "Name", cat.Name, "Count", cat.Count, "Prior", cat.Prior))
		}
		d.Heading(t("dialogue.prep.earlier"), 11)
		if len(u.EarlierActions) == 0 {
			d.Para(t("dialogue.prep.no_earlier"), 10, "I")
		}
		for _, a := range u.EarlierActions {
			d.Bullet(a.Title + " (" + a.DialogueHeldOn + ") – " + t("dialogue.status."+a.Status))
			for _, i := range a.Indicators {
				d.Para("      "+i.Line(lang, t), 9, "")
			}
			if f, ok := pk.AccessFollowUps[a.ID]; ok {
				d.Para("      "+f.Statement(lang)+": "+f.Line(t), 9, "")
			}
		}
		d.Heading(t("dialogue.prep.questions"), 11)
		for _, q := range u.Questions {
			d.Bullet(t(q.MsgID, q.Args(lang, t)...))
		}
	}
	pk.accessibilityPDF(d, t)
	if len(pk.Questions) > 0 {
		d.Heading(t("dialogue.prep.template"), 12)
		for _, q := range pk.Questions {
			d.Bullet(q)
		}
	}
	return d.Bytes()
}

func reasons(rs []string, t Translate) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = t("dialogue.reason." + r)
	}
	return strings.Join(out, ", ")
}

// PDF renders the series report.
func (s *Series) PDF(t Translate, lang string) ([]byte, error) {
	d := newPDF(t("dialogue.report.title", "Term", s.Term), lang, s.Generated, t)
	if s.Organizer != "" {
		d.Para(s.Organizer+" – "+s.From+" – "+s.To, 10, "")
	}
	d.Para(t("dialogue.report.about"), 9, "I")
	d.Heading(t("dialogue.report.summary"), 12)
	d.Bullet(t("dialogue.report.line.dialogues", "Count", s.Dialogues, "Held", s.Held))
	d.Bullet(t("dialogue.report.line.actions", "Count", s.Decided, "Done", s.Done))
	d.Bullet(t("dialogue.report.line.open", "Count", s.Open))
	d.Bullet(t("dialogue.report.line.moved", "Moved", s.Moved, "NotMoved", s.NotMoved, "Worse", s.Worse, "Little", s.TooLittle, "NotYet", s.NotYet))
	tables := s.tables(t, lang)
	d.Table(tables[0], export.TableStyle{Widths: []float64{0, 30, 30}, FontSize: 9})
	d.Table(withoutColumn(tables[1], 0), export.TableStyle{Widths: []float64{0, 16, 16, 15, 15, 15, 15, 15, 15, 15}, FontSize: 9})
	d.Heading(t("dialogue.report.moved"), 12)
	if len(s.MovedRows) == 0 {
		d.Para(t("dialogue.report.none_moved"), 10, "I")
	}
	for _, m := range s.MovedRows {
		d.Bullet(m.Unit + ": " + m.Follow.Line(lang, t))
	}
	d.Heading(t("dialogue.findings.title"), 12)
	if len(s.Findings) == 0 {
		d.Para(t("dialogue.findings.none"), 10, "I")
	}
	for _, f := range s.Findings {
		unit := f.UnitName
		if unit == "" {
			unit = t("dialogue.findings.organizer")
		}
		status := t("dialogue.findings.open")
		if f.ResolvedOn != "" {
			status = t("dialogue.findings.resolved", "Date", f.ResolvedOn)
		} else if f.Overdue(s.AsOf) {
			status = t("dialogue.findings.overdue")
		}
		d.Bullet(t("dialogue.findings.kind."+f.Kind) + " " + f.Reference + " (" + f.DecidedOn + "), " + unit + ": " + f.Summary + " – " +
			t("dialogue.findings.deadline") + " " + f.Deadline + ", " + status + ", " +
			t("dialogue.findings.actions_done", "Done", f.ActionsDone, "Count", len(f.Actions)))
	}
	return d.Bytes()
}

// tables are the series report's tables: per type, per unit, the
// indicators that moved and the findings. Counts are numbers.
func (s *Series) tables(t Translate, lang string) []export.Table {
	num := func(n int) export.Cell { return export.Number(float64(n), 0, lang) }
	txt := export.Text
	value := func(x float64) export.Cell {
		return export.Cell{Num: &x, Decimals: 1, Text: FormatValue(x, lang)}
	}
	flag := func(b bool) export.Cell { return export.Cell{Bool: &b, Text: strconv.FormatBool(b)} }
	types := export.Table{ID: "types", Title: t("dialogue.report.by_type"),
		Columns: []string{t("dialogue.report.col.type"), t("dialogue.report.col.held"), t("dialogue.report.col.planned")},
		Numeric: []bool{false, true, true}}
	for _, ty := range s.Types {
		types.Rows = append(types.Rows, []export.Cell{txt(ty.Name(lang)), num(ty.Held), num(ty.Planned)})
	}
	units := export.Table{ID: "units", Title: t("dialogue.report.by_unit"),
		Columns: []string{t("dialogue.report.col.code"), t("dialogue.report.col.unit"), t("dialogue.report.col.dialogues"),
			t("dialogue.report.col.decided"), t("dialogue.report.col.done"), t("dialogue.report.col.open"), t("dialogue.report.col.moved"),
			t("dialogue.report.col.not_moved"), t("dialogue.report.col.worse"), t("dialogue.report.col.little"), t("dialogue.report.col.not_yet")},
		Numeric: []bool{false, false, true, true, true, true, true, true, true, true, true}}
	for _, u := range s.Units {
		units.Rows = append(units.Rows, []export.Cell{txt(u.Unit.Code), txt(u.Unit.Name), num(u.Dialogues), num(u.Decided), num(u.Done),
			num(u.Open), num(u.Moved), num(u.NotMoved), num(u.Worse), num(u.TooLittle), num(u.NotYet)})
	}
	moved := export.Table{ID: "moved", Title: t("dialogue.report.moved"),
		Columns: []string{t("dialogue.report.col.unit"), t("dialogue.report.col.key"), t("dialogue.report.col.indicator"),
			t("dialogue.report.col.baseline_year"), t("dialogue.report.col.baseline"), t("dialogue.report.col.latest_year"), t("dialogue.report.col.latest"),
			t("dialogue.report.col.verdict"), t("dialogue.report.col.basis"), t("dialogue.report.col.target_met"), t("dialogue.report.col.decided_on")},
		Numeric: []bool{false, false, false, false, true, false, true}}
	for _, m := range s.MovedRows {
		moved.Rows = append(moved.Rows, []export.Cell{txt(m.Unit), txt(m.Key), txt(m.Name(lang)), txt(m.BaselineYear), value(m.Baseline),
			txt(m.LatestYear), value(m.Latest), txt(m.Follow.VerdictText(t)), txt(m.Follow.BasisText(t)), flag(m.TargetMet), txt(m.DecidedOn)})
	}
	findings := export.Table{ID: "findings", Title: t("dialogue.findings.title"),
		Columns: []string{t("dialogue.report.col.unit"), t("dialogue.findings.kind"), t("dialogue.findings.reference"),
			t("dialogue.findings.decided_on"), t("dialogue.findings.deadline"), t("dialogue.findings.resolved_on"), t("dialogue.findings.summary"),
			t("dialogue.findings.col.actions"), t("dialogue.report.col.done")},
		Numeric: []bool{false, false, false, false, false, false, false, true, true}}
	for _, fi := range s.Findings {
		findings.Rows = append(findings.Rows, []export.Cell{txt(fi.UnitName), txt(t("dialogue.findings.kind." + fi.Kind)), txt(fi.Reference),
			txt(fi.DecidedOn), txt(fi.Deadline), txt(fi.ResolvedOn), txt(fi.Summary), num(len(fi.Actions)), num(fi.ActionsDone)})
	}
	return []export.Table{types, units, moved, findings}
}

// withoutColumn returns t without column i.
func withoutColumn(t export.Table, i int) export.Table {
	drop := func(cells []export.Cell) []export.Cell {
		if i >= len(cells) {
			return cells
		}
		return append(cells[:i:i], cells[i+1:]...)
	}
	cols := append(t.Columns[:i:i], t.Columns[i+1:]...)
	num := t.Numeric
	if i < len(num) {
		num = append(num[:i:i], num[i+1:]...)
	}
	out := t
	out.Columns, out.Numeric, out.Rows = cols, num, nil
	for _, r := range t.Rows {
		out.Rows = append(out.Rows, drop(r))
	}
	if t.Total != nil {
		out.Total = drop(t.Total)
	}
	return out
}

// WriteXLSX writes the series report as a workbook: a summary sheet, then
// one sheet each for types, units, indicators that moved and findings,
// each with one frozen header row and numbers as numbers.
func (s *Series) WriteXLSX(w io.Writer, t Translate, lang string) error {
	num := func(label string, n int) export.Line {
		return export.ValueLine(label, export.Number(float64(n), 0, lang))
	}
	summary := &export.Summary{Name: t("dialogue.report.summary"), Title: t("dialogue.report.title", "Term", s.Term),
		Lines: []export.Line{
			{Label: s.Organizer},
			export.ValueLine(t("dialogue.report.col.from"), export.Text(s.From)),
			export.ValueLine(t("dialogue.report.col.to"), export.Text(s.To)),
			num(t("dialogue.report.col.dialogues"), s.Dialogues), num(t("dialogue.report.col.held"), s.Held),
			num(t("dialogue.report.col.decided"), s.Decided), num(t("dialogue.report.col.done"), s.Done), num(t("dialogue.report.col.open"), s.Open),
			num(t("dialogue.report.col.moved"), s.Moved), num(t("dialogue.report.col.not_moved"), s.NotMoved), num(t("dialogue.report.col.worse"), s.Worse),
			num(t("dialogue.report.col.little"), s.TooLittle), num(t("dialogue.report.col.not_yet"), s.NotYet),
			{Style: export.Blank},
			{Label: t("dialogue.report.about"), Style: export.Wrapped},
		}}
	err := export.WriteWorkbook(w, export.Workbook{Title: t("dialogue.report.title", "Term", s.Term), Lang: lang, Created: s.Generated,
		Summary: summary, Tables: s.tables(t, lang)})
	if err != nil {
		return fmt.Errorf("dialogue: %w", err)
	}
	return nil
}

// profileLine is a strength's or challenge's value with its unit, the
// organizer's median and the national value, and why it stands out.
func profileLine(r unitpicture.ProfileRow, lang string, t Translate) string {
	s := PointText(r.Indicator, r.Latest, lang, t)
	if r.OrganizerMedian != nil {
		s += "; " + t("dialogue.prep.col.median") + " " + IndicatorValue(r.Indicator, *r.OrganizerMedian, lang, t)
	}
	if r.National != nil {
		s += "; " + t("dialogue.prep.col.national") + " " + IndicatorValue(r.Indicator, r.National.Value, lang, t)
	}
	return s + " – " + reasons(r.Reasons, t)
}
