package report

import (
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// The exported files share one model of the report's tables: the PDF
// writes their text, the XLSX their numbers.

type cellKind int

const (
	textCell cellKind = iota
	numberCell
	hiddenCell  // suppressed
	missingCell // nothing to show
)

// numFmt says how a number is written: a count, a figure with one
// decimal, a share shown as a percentage, a change in per cent, a p-value.
type numFmt int

const (
	fmtCount numFmt = iota
	fmtDecimal
	fmtShare
	fmtChange
	fmtP
)

type cell struct {
	kind cellKind
	text string // the text as shown (the PDF)
	num  float64
}

type column struct {
	title    string
	width    float64 // relative width in the PDF; the first column takes the rest
	format   numFmt
	xlsxOnly bool // p-values and today's open cases: for the analyst's sheet, not the printed report
}

type table struct {
	sheet string // the XLSX sheet name (at most 31 characters)
	title string // the caption
	note  string // what the figures mean, under the table
	cols  []column
	rows  [][]cell
	total []cell // nil: no total row
	chart string // the key of Report.Charts shown above the table in the PDF
}

func txt(s string) cell { return cell{kind: textCell, text: s} }

func countCell(c Count, lang string) cell {
	if c.Suppressed() {
		return cell{kind: hiddenCell, text: "–"}
	}
	return cell{kind: numberCell, num: float64(c.N()), text: c.Format(lang)}
}

func figureCell(f Figure, format numFmt, lang string) cell {
	switch {
	case f.Suppressed():
		return cell{kind: hiddenCell, text: "–"}
	case f.Missing():
		return cell{kind: missingCell, text: "–"}
	}
	v, _ := f.Value()
	text := f.Format(lang)
	switch format {
	case fmtShare:
		text = f.Percent(lang)
	case fmtChange:
		text = f.Signed(lang)
	case fmtP:
		if v < 0.001 {
			text = "< " + i18n.Number(lang, 0.001, 3)
		}
	}
	return cell{kind: numberCell, num: v, text: text}
}

func riseCell(r Row, l *i18n.Localizer) cell {
	if r.Rise {
		return txt(l.T("report.rise_yes"))
	}
	return txt("")
}

// Source is the line under every table: where the figures come from and when.
func (r *Report) Source(l *i18n.Localizer) string {
	return l.T("report.source", "Date", civil.Date(r.Generated))
}

// KindLabel names the kind filter.
func (r *Report) KindLabel(l *i18n.Localizer) string {
	if r.Kind == "" {
		return l.T("report.all_kinds")
	}
	return l.T("kind." + string(r.Kind))
}

// Method explains the test behind the flagged rises in plain words.
func Method(l *i18n.Localizer) string {
	return l.T("report.method", "Min", MinRise)
}

// SuppressionNote explains the suppressed figures, or says the figures are
// complete, for the version at hand.
func (r *Report) SuppressionNote(l *i18n.Localizer) string {
	if r.Suppressed() {
		return l.T("report.suppressed_note", "Min", r.MinGroup)
	}
	return l.T("report.full_note")
}

// tables lays out the report's tables for the exported files.
func (r *Report) tables(l *i18n.Localizer) []table {
	lang := l.Lang
	count := func(c Count) cell { return countCell(c, lang) }
	fig := func(f Figure, format numFmt) cell { return figureCell(f, format, lang) }
	colCount := func(id string) column { return column{title: l.T(id), width: 1, format: fmtCount} }
	cols := func(first string, ids ...string) []column {
		out := []column{{title: l.T(first), format: fmtCount}}
		for _, id := range ids {
			out = append(out, colCount(id))
		}
		return out
	}
	trendCols := func(first string, unit bool) []column {
		c := cols(first, "report.col.count", "report.col.previous")
		c = append(c, column{title: l.T("report.col.change"), width: 1.1, format: fmtChange},
			column{title: l.T("report.col.rise"), width: 0.9})
		if !r.Suppressed() { // board members get no p-values
			c = append(c, column{title: l.T("report.col.p"), width: 1, format: fmtP, xlsxOnly: true})
		}
		if unit {
			c = append(c, colCount("report.col.pupils"))
		}
		return append(c, column{title: l.T("report.col.rate"), width: 1, format: fmtDecimal},
			column{title: l.T("report.col.answer_median"), width: 1.1, format: fmtDecimal},
			column{title: l.T("report.col.answer_on_time"), width: 1.1, format: fmtShare},
			column{title: l.T("report.col.open"), width: 1, format: fmtCount, xlsxOnly: true},
			column{title: l.T("report.col.overdue"), width: 1, format: fmtCount, xlsxOnly: true})
	}
	trendRow := func(row Row, unit bool) []cell {
		c := []cell{txt(row.Label), count(row.Count), count(row.Previous), fig(row.Change, fmtChange), riseCell(row, l)}
		if !r.Suppressed() {
			c = append(c, fig(row.P, fmtP))
		}
		if unit {
			if row.Rate.Missing() && row.Pupils == 0 {
				c = append(c, cell{kind: missingCell, text: "–"})
			} else {
				c = append(c, cell{kind: numberCell, num: float64(row.Pupils), text: i18n.Int(lang, row.Pupils)})
			}
		}
		return append(c, fig(row.Rate, fmtDecimal), fig(row.AnswerMedian, fmtDecimal), fig(row.AnswerOnTime, fmtShare),
			count(row.Open), count(row.Overdue))
	}
	countRows := func(rows []Row) [][]cell {
		var out [][]cell
		for _, row := range rows {
			out = append(out, []cell{txt(row.Label), count(row.Count), count(row.Previous), fig(row.Change, fmtChange)})
		}
		return out
	}
	countCols := func(first string) []column {
		return append(cols(first, "report.col.count", "report.col.previous"),
			column{title: l.T("report.col.change"), width: 1, format: fmtChange})
	}

	var out []table
	cat := table{sheet: l.T("report.sheet.categories"), title: l.T("report.by_category"), note: l.T("report.trend_note"), chart: "categories",
		cols: trendCols("report.col.category", false)}
	for _, row := range r.Categories {
		cat.rows = append(cat.rows, trendRow(row, false))
	}
	total := r.Total
	total.Label = l.T("report.total")
	cat.total = trendRow(total, false)
	unit := table{sheet: l.T("report.sheet.units"), title: l.T("report.by_unit"), note: l.T("report.trend_note"),
		cols: trendCols("report.col.unit", true)}
	for _, row := range r.Units {
		unit.rows = append(unit.rows, trendRow(row, true))
	}
	unitTotal := trendRow(total, false)
	at := len(unitTotal) - 5 // the pupils go before the rate, the answer time and share, open and overdue
	unit.total = append(append(unitTotal[:at:at], cell{kind: numberCell, num: float64(r.Pupils), text: i18n.Int(lang, r.Pupils)}), unitTotal[at:]...)
	month := table{sheet: l.T("report.sheet.months"), title: l.T("report.by_month"), cols: countCols("report.col.month"), chart: "months",
		rows: countRows(r.Months), total: countRows([]Row{total})[0]}
	kinds := table{sheet: l.T("report.sheet.kinds"), title: l.T("report.by_kind"), note: l.T("report.kinds_note"),
		cols: countCols("report.col.kind"), rows: countRows(r.Kinds)}

	handling := table{sheet: l.T("report.sheet.handling"), title: l.T("report.handling"), note: l.T("report.handling_note"),
		cols: append(cols("report.col.step", "report.col.norm", "report.col.done", "report.col.on_time", "report.col.late"),
			column{title: l.T("report.col.median"), width: 1.2, format: fmtDecimal},
			column{title: l.T("report.col.share_on_time"), width: 1.2, format: fmtShare})}
	for _, s := range []struct {
		id   string
		step Step
	}{{"report.step.ack", r.Ack}, {"report.step.answer", r.Answer}} {
		handling.rows = append(handling.rows, []cell{txt(l.T(s.id)),
			{kind: numberCell, num: float64(s.step.Norm), text: strconv.Itoa(s.step.Norm)},
			count(s.step.Done), count(s.step.OnTime), count(s.step.Late), fig(s.step.Median, fmtDecimal), fig(s.step.Share, fmtShare)})
	}

	outcome := table{sheet: l.T("report.sheet.outcomes"), title: l.T("report.outcomes"), note: l.T("report.outcomes_note"),
		cols: append(cols("report.col.category", "report.col.closed", "report.col.measures", "report.col.no_measures", "report.col.forwarded"),
			column{title: l.T("report.col.measures_share"), width: 1.2, format: fmtShare})}
	orow := func(o OutcomeRow) []cell {
		return []cell{txt(o.Label), count(o.Closed), count(o.Measures), count(o.NoMeasures), count(o.Forwarded), fig(o.MeasuresShare, fmtShare)}
	}
	for _, o := range r.Outcomes {
		outcome.rows = append(outcome.rows, orow(o))
	}
	outcome.total = orow(r.Closed)

	return append(out, kinds, cat, unit, month, handling, outcome)
}

// keyFigure is a line of the summary: a label, a value and its format.
type keyFigure struct {
	label  string
	value  cell
	format numFmt
}

// keyFigures are the summary's lines.
func (r *Report) keyFigures(l *i18n.Localizer) []keyFigure {
	lang := l.Lang
	t := r.Total
	rise := txt(l.T("report.rise_no"))
	if t.Rise {
		rise = txt(l.T("report.rise_yes"))
	}
	return []keyFigure{
		{l.T("report.key.count"), countCell(t.Count, lang), fmtCount},
		{l.T("report.key.previous"), countCell(t.Previous, lang), fmtCount},
		{l.T("report.key.change"), figureCell(t.Change, fmtChange, lang), fmtChange},
		{l.T("report.key.rise"), rise, fmtCount},
		{l.T("report.key.rate", "Pupils", i18n.Int(lang, r.Pupils)), figureCell(t.Rate, fmtDecimal, lang), fmtDecimal},
		{l.T("report.key.ack_median", "Norm", r.AckDays), figureCell(r.Ack.Median, fmtDecimal, lang), fmtDecimal},
		{l.T("report.key.ack_share"), figureCell(r.Ack.Share, fmtShare, lang), fmtShare},
		{l.T("report.key.answer_median", "Norm", r.AnswerDays), figureCell(r.Answer.Median, fmtDecimal, lang), fmtDecimal},
		{l.T("report.key.answer_share"), figureCell(r.Answer.Share, fmtShare, lang), fmtShare},
		{l.T("report.key.open", "Date", r.Today), countCell(t.Open, lang), fmtCount},
		{l.T("report.key.overdue", "Date", r.Today), countCell(t.Overdue, lang), fmtCount},
		{l.T("report.key.closed"), countCell(r.Closed.Closed, lang), fmtCount},
		{l.T("report.key.measures"), countCell(r.Closed.Measures, lang), fmtCount},
	}
}

// FormatPupils writes the number of pupils with digit grouping.
func (r *Report) FormatPupils(lang string) string { return i18n.Int(lang, r.Pupils) }

// FormatPupils writes the unit's number of pupils with digit grouping.
func (r Row) FormatPupils(lang string) string { return i18n.Int(lang, r.Pupils) }

// AnalysisParagraphs splits the analysis at blank lines.
func (r *Report) AnalysisParagraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(r.Analysis, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
