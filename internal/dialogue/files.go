package dialogue

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// A4 portrait, in millimetres.
const (
	pdfMargin = 15.0
	pdfWidth  = 210 - 2*pdfMargin
)

// cp1252 lacks the minus sign and the narrow spaces.
var pdfReplacer = strings.NewReplacer("\u2212", "-", "\u202f", " ", "\u2009", " ", "→", "->")

type pdfDoc struct {
	*fpdf.Fpdf
	tr func(string) string
}

func newPDF(title, lang string, now time.Time, t Translate) *pdfDoc {
	f := fpdf.New("P", "mm", "A4", "")
	d := &pdfDoc{Fpdf: f, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfMargin)
	f.SetTitle(title, true)
	f.SetCreator("Styrkedjan", true)
	f.SetLang(lang)
	f.SetCreationDate(now)
	f.SetModificationDate(now)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-10)
		f.SetFont("Helvetica", "", 8)
		f.CellFormat(120, 4, d.text(t("dialogue.pdf.printed", "When", civil.DateTime(now))), "", 0, "L", false, 0, "")
		f.CellFormat(0, 4, d.text(t("dialogue.pdf.page", "Page", f.PageNo(), "Pages", "{nb}")), "", 0, "R", false, 0, "")
	})
	f.AddPage()
	f.SetFont("Helvetica", "B", 16)
	d.MultiCell(pdfWidth, 8, d.text(title), "", "L", false)
	return d
}

func (d *pdfDoc) text(s string) string { return d.tr(pdfReplacer.Replace(s)) }

func (d *pdfDoc) para(s string, size float64, style string) {
	d.SetFont("Helvetica", style, size)
	d.MultiCell(pdfWidth, size*0.5, d.text(s), "", "L", false)
}

func (d *pdfDoc) heading(s string, size float64) {
	_, pageH := d.GetPageSize()
	if d.GetY()+24 > pageH-pdfMargin-8 {
		d.AddPage()
	}
	d.Ln(3)
	d.SetFont("Helvetica", "B", size)
	d.MultiCell(pdfWidth, size*0.5, d.text(s), "", "L", false)
	d.Ln(1)
}

func (d *pdfDoc) bullet(s string) {
	d.SetFont("Helvetica", "", 10)
	x := d.GetX()
	d.CellFormat(5, 5, d.text("•"), "", 0, "L", false, 0, "")
	d.MultiCell(pdfWidth-5, 5, d.text(s), "", "L", false)
	d.SetX(x)
}

// row writes one table row, cutting cells to their widths.
func (d *pdfDoc) row(widths []float64, header bool, cells ...string) {
	style := ""
	if header {
		style = "B"
	}
	d.SetFont("Helvetica", style, 9)
	_, pageH := d.GetPageSize()
	if d.GetY()+6 > pageH-pdfMargin-8 {
		d.AddPage()
	}
	for i, c := range cells {
		s := d.text(c)
		for len(s) > 0 && d.GetStringWidth(s) > widths[i]-1 {
			s = s[:len(s)-1]
		}
		border := ""
		if header {
			border = "B"
		}
		d.CellFormat(widths[i], 5.5, s, border, 0, "L", false, 0, "")
	}
	d.Ln(-1)
}

func (d *pdfDoc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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

func point(p unitpicture.Point, lang string, t Translate) string {
	switch {
	case p.Suppressed:
		return t("dialogue.value.suppressed")
	case p.Value == nil:
		return t("dialogue.value.none")
	}
	return FormatValue(*p.Value, lang) + " (" + p.Year + ")"
}

// PDF renders the preparation pack in the order of the page.
func (pk *Pack) PDF(t Translate) ([]byte, error) {
	d := newPDF(t("dialogue.prep.title", "Title", pk.Dialogue.Title), pk.Lang, pk.Generated, t)
	lang := pk.Lang
	d.para(pk.Dialogue.Type.Name(lang)+" – "+pk.Dialogue.HeldOn+" ("+pk.Dialogue.Term+")", 10, "")
	if pk.Dialogue.Theme != "" {
		d.para(t("dialogue.theme")+": "+pk.Dialogue.Theme, 10, "")
	}
	d.para(t("dialogue.prep.about"), 9, "I")
	for _, u := range pk.Units {
		d.heading(u.Unit.Name, 14)
		d.heading(t("dialogue.prep.strengths"), 11)
		switch {
		case !u.Picture:
			d.para(t("dialogue.prep.no_picture"), 10, "I")
		case len(u.Strengths) == 0:
			d.para(t("dialogue.prep.no_strengths"), 10, "I")
		}
		for _, r := range u.Strengths {
			d.bullet(r.Indicator.Name(lang) + ": " + point(r.Latest, lang, t) + " – " + reasons(r.Reasons, t))
		}
		d.heading(t("dialogue.prep.challenges"), 11)
		if u.Picture && len(u.Challenges) == 0 {
			d.para(t("dialogue.prep.no_challenges"), 10, "I")
		}
		for _, r := range u.Challenges {
			d.bullet(r.Indicator.Name(lang) + ": " + point(r.Latest, lang, t) + " – " + reasons(r.Reasons, t))
		}
		d.heading(t("dialogue.prep.complaints"), 11)
		c := u.Complaints
		d.para(t("dialogue.prep.complaints_total", "Count", c.Total, "Prior", c.Prior, "From", c.From, "To", c.To), 10, "")
		if c.Rise {
			d.para(t("dialogue.prep.complaints_rise"), 10, "B")
		}
		for _, cat := range c.Categories {
			d.bullet(t("dialogue.prep.category_line", "Name", cat.Name, "Count", cat.Count, "Prior", cat.Prior))
		}
		d.heading(t("dialogue.prep.earlier"), 11)
		if len(u.EarlierActions) == 0 {
			d.para(t("dialogue.prep.no_earlier"), 10, "I")
		}
		for _, a := range u.EarlierActions {
			d.bullet(a.Title + " (" + a.DialogueHeldOn + ") – " + t("dialogue.status."+a.Status))
			for _, i := range a.Indicators {
				d.para("      "+i.Name(lang)+": "+t("dialogue.followup."+i.FollowUp.Verdict), 9, "")
			}
		}
		d.heading(t("dialogue.prep.questions"), 11)
		for _, q := range u.Questions {
			d.bullet(t(q.MsgID, "Indicator", q.Indicator, "Action", q.Action))
		}
	}
	if len(pk.Questions) > 0 {
		d.heading(t("dialogue.prep.template"), 12)
		for _, q := range pk.Questions {
			d.bullet(q)
		}
	}
	return d.bytes()
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
		d.para(s.Organizer+" – "+s.From+" – "+s.To, 10, "")
	}
	d.para(t("dialogue.report.about"), 9, "I")
	d.heading(t("dialogue.report.summary"), 12)
	d.bullet(t("dialogue.report.line.dialogues", "Count", s.Dialogues, "Held", s.Held))
	d.bullet(t("dialogue.report.line.actions", "Count", s.Decided, "Done", s.Done))
	d.bullet(t("dialogue.report.line.open", "Count", s.Open))
	d.bullet(t("dialogue.report.line.moved", "Moved", s.Moved, "NotMoved", s.NotMoved, "Worse", s.Worse, "Little", s.TooLittle))
	d.heading(t("dialogue.report.by_type"), 12)
	w := []float64{120, 30, 30}
	d.row(w, true, t("dialogue.report.col.type"), t("dialogue.report.col.held"), t("dialogue.report.col.planned"))
	for _, ty := range s.Types {
		d.row(w, false, ty.Name(lang), strconv.Itoa(ty.Held), strconv.Itoa(ty.Planned))
	}
	d.heading(t("dialogue.report.by_unit"), 12)
	w = []float64{52, 18, 18, 16, 16, 16, 16, 16, 12}
	d.row(w, true, t("dialogue.report.col.unit"), t("dialogue.report.col.dialogues"), t("dialogue.report.col.decided"), t("dialogue.report.col.done"),
		t("dialogue.report.col.open"), t("dialogue.report.col.moved"), t("dialogue.report.col.not_moved"), t("dialogue.report.col.worse"), t("dialogue.report.col.little"))
	for _, u := range s.Units {
		d.row(w, false, u.Unit.Name, strconv.Itoa(u.Dialogues), strconv.Itoa(u.Decided), strconv.Itoa(u.Done), strconv.Itoa(u.Open),
			strconv.Itoa(u.Moved), strconv.Itoa(u.NotMoved), strconv.Itoa(u.Worse), strconv.Itoa(u.TooLittle))
	}
	d.heading(t("dialogue.report.moved"), 12)
	if len(s.MovedRows) == 0 {
		d.para(t("dialogue.report.none_moved"), 10, "I")
	}
	for _, m := range s.MovedRows {
		d.bullet(m.Unit + ": " + m.Name(lang) + " " + FormatValue(m.Baseline, lang) + " (" + m.BaselineYear + ") → " +
			FormatValue(m.Latest, lang) + " (" + m.LatestYear + ") – " + t("dialogue.followup."+m.Verdict))
	}
	d.heading(t("dialogue.findings.title"), 12)
	if len(s.Findings) == 0 {
		d.para(t("dialogue.findings.none"), 10, "I")
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
		d.bullet(t("dialogue.findings.kind."+f.Kind) + " " + f.Reference + " (" + f.DecidedOn + "), " + unit + ": " + f.Summary + " – " +
			t("dialogue.findings.deadline") + " " + f.Deadline + ", " + status + ", " +
			t("dialogue.findings.actions_done", "Done", f.ActionsDone, "Count", len(f.Actions)))
	}
	return d.bytes()
}

// WriteXLSX writes the series report as a workbook: a summary sheet, then
// one sheet each for types, units, indicators that moved and findings,
// each with one frozen header row and numbers as numbers.
func (s *Series) WriteXLSX(w io.Writer, t Translate, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	var ferr error
	check := func(err error) {
		if ferr == nil && err != nil {
			ferr = err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	check(err)
	sheet := func(name string, header []string, rows [][]any) {
		name = sheetName(name)
		if _, err := f.NewSheet(name); err != nil {
			check(err)
			return
		}
		for i, h := range header {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			check(f.SetCellValue(name, cell, h))
			check(f.SetCellStyle(name, cell, cell, bold))
			col, _ := excelize.ColumnNumberToName(i + 1)
			check(f.SetColWidth(name, col, col, 16))
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
				check(f.SetCellValue(name, cell, v))
			}
		}
		check(f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	}
	summary := sheetName(t("dialogue.report.summary"))
	check(f.SetSheetName("Sheet1", summary))
	lines := [][]any{
		{t("dialogue.report.title", "Term", s.Term)},
		{s.Organizer},
		{t("dialogue.report.col.from"), s.From}, {t("dialogue.report.col.to"), s.To},
		{t("dialogue.report.col.dialogues"), s.Dialogues}, {t("dialogue.report.col.held"), s.Held},
		{t("dialogue.report.col.decided"), s.Decided}, {t("dialogue.report.col.done"), s.Done}, {t("dialogue.report.col.open"), s.Open},
		{t("dialogue.report.col.moved"), s.Moved}, {t("dialogue.report.col.not_moved"), s.NotMoved}, {t("dialogue.report.col.worse"), s.Worse},
		{t("dialogue.report.col.little"), s.TooLittle},
		{t("dialogue.report.about")},
	}
	for r, l := range lines {
		for c, v := range l {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			check(f.SetCellValue(summary, cell, v))
		}
	}
	check(f.SetCellStyle(summary, "A1", "A1", bold))
	check(f.SetColWidth(summary, "A", "A", 40))
	var rows [][]any
	for _, ty := range s.Types {
		rows = append(rows, []any{ty.Name(lang), ty.Held, ty.Planned})
	}
	sheet(t("dialogue.report.by_type"), []string{t("dialogue.report.col.type"), t("dialogue.report.col.held"), t("dialogue.report.col.planned")}, rows)
	rows = nil
	for _, u := range s.Units {
		rows = append(rows, []any{u.Unit.Code, u.Unit.Name, u.Dialogues, u.Decided, u.Done, u.Open, u.Moved, u.NotMoved, u.Worse, u.TooLittle})
	}
	sheet(t("dialogue.report.by_unit"), []string{t("dialogue.report.col.code"), t("dialogue.report.col.unit"), t("dialogue.report.col.dialogues"),
		t("dialogue.report.col.decided"), t("dialogue.report.col.done"), t("dialogue.report.col.open"), t("dialogue.report.col.moved"),
		t("dialogue.report.col.not_moved"), t("dialogue.report.col.worse"), t("dialogue.report.col.little")}, rows)
	rows = nil
	for _, m := range s.MovedRows {
		rows = append(rows, []any{m.Unit, m.Key, m.Name(lang), m.BaselineYear, m.Baseline, m.LatestYear, m.Latest, t("dialogue.followup." + m.Verdict), m.TargetMet, m.DecidedOn})
	}
	sheet(t("dialogue.report.moved"), []string{t("dialogue.report.col.unit"), t("dialogue.report.col.key"), t("dialogue.report.col.indicator"),
		t("dialogue.report.col.baseline_year"), t("dialogue.report.col.baseline"), t("dialogue.report.col.latest_year"), t("dialogue.report.col.latest"),
		t("dialogue.report.col.verdict"), t("dialogue.report.col.target_met"), t("dialogue.report.col.decided_on")}, rows)
	rows = nil
	for _, fi := range s.Findings {
		rows = append(rows, []any{fi.UnitName, t("dialogue.findings.kind." + fi.Kind), fi.Reference, fi.DecidedOn, fi.Deadline, fi.ResolvedOn, fi.Summary, len(fi.Actions), fi.ActionsDone})
	}
	sheet(t("dialogue.findings.title"), []string{t("dialogue.report.col.unit"), t("dialogue.findings.kind"), t("dialogue.findings.reference"),
		t("dialogue.findings.decided_on"), t("dialogue.findings.deadline"), t("dialogue.findings.resolved_on"), t("dialogue.findings.summary"),
		t("dialogue.findings.col.actions"), t("dialogue.report.col.done")}, rows)
	f.SetActiveSheet(0)
	check(f.SetDocProps(&excelize.DocProperties{Title: t("dialogue.report.title", "Term", s.Term), Creator: "Styrkedjan", Language: lang,
		Created: s.Generated.Format(time.RFC3339)}))
	if ferr != nil {
		return fmt.Errorf("dialogue: xlsx: %w", ferr)
	}
	return f.Write(w)
}

// sheetName fits a sheet name to Excel's rules (31 characters, no []:*?/\).
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
