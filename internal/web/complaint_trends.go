package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/chart"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/privacy"
)

// Complaint statistics: the trends dashboard, the board report (page, PDF,
// XLSX, and the officer's analysis) and the trends API. Officers and
// analysts see full figures; board members the same tables with small
// groups suppressed and no free text but the analysis written for them.

type trendsPage struct {
	Report        *report.Report // nil when the filter is invalid
	Kinds         []complaint.Kind
	Query         string // the filter as a query string, for links
	MonthsChart   template.HTML
	CategoryChart template.HTML
	CanWrite      bool             // may save the analysis
	Summaries     []report.Summary // officers only
	SummaryTotal  int
	Method        string // the statistical test in plain words
}

// reportOptions reads the period and kind from the query, with the last
// twelve full months and complaints as defaults, and the suppression the
// principal's role calls for.
func (s *Server) reportOptions(r *http.Request, vals map[string]string) (report.Options, error) {
	now := time.Now()
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	def := report.DefaultPeriod(now)
	vals["from"], vals["to"], vals["kind"] = def.From, def.To, string(complaint.KindComplaint)
	for _, k := range []string{"from", "to", "kind"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" || q.Has(k) {
			vals[k] = v
		}
	}
	o := report.Options{Now: now, L: s.pageLocalizer(r, "trends"), Cache: s.statsCache}
	if !report.FullFigures(auth.FromContext(r.Context())) {
		o.MinGroup = max(s.opts.MinGroup, privacy.DefaultMinGroup)
	}
	period, perr := report.ParsePeriod(vals["from"], vals["to"])
	kind, kerr := report.ParseKind(vals["kind"])
	if err := joinValidation(perr, kerr); err != nil {
		return o, err
	}
	o.Period, o.Kind = period, kind
	return o, nil
}

// joinValidation merges validation errors in form order.
func joinValidation(errs ...error) error {
	var v app.Validation
	for _, err := range errs {
		if err == nil {
			continue
		}
		var ae *app.Error
		if !errors.As(err, &ae) || ae.Code != app.EINVALID {
			return err
		}
		for _, f := range ae.Fields {
			v.Add(f.Field, f.MsgID, f.Data)
		}
	}
	return v.Err()
}

func reportQuery(vals map[string]string) string {
	q := url.Values{}
	for _, k := range []string{"from", "to", "kind"} {
		q.Set(k, vals[k])
	}
	return q.Encode()
}

func (s *Server) trends(w http.ResponseWriter, r *http.Request) error {
	return s.statsPage(w, r, "trends", map[string]string{}, nil)
}

func (s *Server) boardReport(w http.ResponseWriter, r *http.Request) error {
	return s.statsPage(w, r, "board_report", map[string]string{}, nil)
}

// statsPage renders the dashboard or the report page; saveErr is a failed
// save of the analysis, whose text is in vals.
func (s *Server) statsPage(w http.ResponseWriter, r *http.Request, name string, vals map[string]string, saveErr error) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	typed, hasTyped := vals["analysis"]
	o, err := s.reportOptions(r, vals)
	page := trendsPage{Kinds: complaint.Kinds, Query: reportQuery(vals), CanWrite: report.CanWrite(p),
		Method: report.Method(o.L)}
	if err != nil {
		return s.renderForm(w, r, name, formData{Values: vals, Extra: page}, err)
	}
	if page.Report, err = report.Build(ctx, s.db, o); err != nil {
		return err
	}
	l := s.pageLocalizer(r, name)
	page.MonthsChart = monthsChart(page.Report, l)
	page.CategoryChart = categoryChart(page.Report, l)
	vals["analysis"] = page.Report.Analysis
	if hasTyped {
		vals["analysis"] = typed
	}
	if name == "board_report" && report.MayReadSummaries(p) {
		if page.Summaries, page.SummaryTotal, err = report.Summaries(ctx, s.db, o.Period, o.Kind, l.Lang); err != nil {
			return err
		}
	}
	return s.renderForm(w, r, name, formData{Values: vals, Extra: page}, saveErr)
}

// saveBoardReport stores the officer's analysis for the period.
func (s *Server) saveBoardReport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return app.Errorf(app.EINVALID, "err.invalid")
	}
	vals := map[string]string{"analysis": r.PostForm.Get("analysis")}
	o, err := s.reportOptions(r, vals)
	if err == nil {
		err = report.SaveAnalysis(r.Context(), s.db, o.Period, vals["analysis"], time.Now())
	}
	if err != nil {
		if app.Code(err) != app.EINVALID {
			return err
		}
		// Show the report again with the typed text and the error.
		r.Method = http.MethodGet
		r.URL.RawQuery = reportQuery(vals)
		r.Form, r.PostForm = nil, nil
		return s.statsPage(w, r, "board_report", vals, err)
	}
	s.flash(r, "report.saved")
	http.Redirect(w, r, "/complaints/report?"+reportQuery(vals), http.StatusSeeOther)
	return nil
}

// exportReport builds the report for a download; an invalid filter is a
// 422 error page.
func (s *Server) exportReport(w http.ResponseWriter, r *http.Request, ext, contentType string,
	write func(*report.Report, io.Writer, *i18n.Localizer) error) error {
	vals := map[string]string{}
	o, err := s.reportOptions(r, vals)
	if err != nil {
		return err
	}
	rep, err := report.Build(r.Context(), s.db, o)
	if err != nil {
		return err
	}
	if ext == "pdf" {
		rep.Charts = reportCharts(rep, o.L)
	}
	var buf bytes.Buffer
	if err := write(rep, &buf, o.L); err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%s-%s.%s", o.L.T("report.file_name"), o.Period.From, o.Period.To, ext)
	return download(w, name, contentType, buf.Bytes())
}

func (s *Server) boardReportPDF(w http.ResponseWriter, r *http.Request) error {
	return s.exportReport(w, r, "pdf", "application/pdf", (*report.Report).WritePDF)
}

func (s *Server) boardReportXLSX(w http.ResponseWriter, r *http.Request) error {
	return s.exportReport(w, r, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (*report.Report).WriteXLSX)
}

// The API's shapes for GET /api/v1/complaint-trends.

type apiPeriod struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type apiTrendRow struct {
	Key          string        `json:"key"`
	Label        string        `json:"label"`
	Count        privacy.Count `json:"count"`
	Previous     privacy.Count `json:"previousCount"`
	Change       report.Figure `json:"changePercent"`
	P            report.Figure `json:"pValue"`
	Rise         bool          `json:"rise"`
	Pupils       *int          `json:"pupils,omitempty"`
	Rate         report.Figure `json:"per100Pupils"`
	Open         privacy.Count `json:"openNow"`
	Overdue      privacy.Count `json:"overdueNow"`
	Answered     privacy.Count `json:"answered"`
	AnswerMedian report.Figure `json:"answerMedianWorkingDays"`
	AnswerOnTime report.Figure `json:"answeredOnTimeShare"`
}

type apiCountRow struct {
	Key      string        `json:"key"`
	Label    string        `json:"label"`
	Count    privacy.Count `json:"count"`
	Previous privacy.Count `json:"previousCount"`
	Change   report.Figure `json:"changePercent"`
}

type apiStep struct {
	Norm   int           `json:"normWorkingDays"`
	Done   privacy.Count `json:"done"`
	OnTime privacy.Count `json:"onTime"`
	Late   privacy.Count `json:"lateNotDone"`
	Median report.Figure `json:"medianWorkingDays"`
	Share  report.Figure `json:"onTimeShare"`
}

type apiOutcome struct {
	Key           string        `json:"key"`
	Label         string        `json:"label"`
	Closed        privacy.Count `json:"closed"`
	Measures      privacy.Count `json:"measuresTaken"`
	NoMeasures    privacy.Count `json:"noMeasures"`
	Forwarded     privacy.Count `json:"forwarded"`
	MeasuresShare report.Figure `json:"measuresTakenShare"`
}

type apiTrends struct {
	Organizer   string        `json:"organizer"`
	Period      apiPeriod     `json:"period"`
	Comparison  apiPeriod     `json:"comparisonPeriod"`
	Kind        *string       `json:"kind"`
	Today       string        `json:"today"`
	GeneratedAt time.Time     `json:"generatedAt"`
	Suppressed  bool          `json:"suppressed"`
	MinGroup    int           `json:"minGroup"`
	Pupils      int           `json:"pupils"`
	Total       apiTrendRow   `json:"total"`
	Kinds       []apiCountRow `json:"kinds"`
	Categories  []apiTrendRow `json:"categories"`
	Units       []apiTrendRow `json:"units"`
	Months      []apiCountRow `json:"months"`
	Ack         apiStep       `json:"acknowledgement"`
	Answer      apiStep       `json:"answer"`
	Outcomes    []apiOutcome  `json:"outcomes"`
	Closed      apiOutcome    `json:"outcomesTotal"`
	Analysis    string        `json:"analysis"`
	Method      string        `json:"method"`
}

func toAPITrendRow(row report.Row, unit bool) apiTrendRow {
	a := apiTrendRow{Key: row.Key, Label: row.Label, Count: row.Count.Count, Previous: row.Previous.Count, Change: row.Change,
		P: row.P, Rise: row.Rise, Rate: row.Rate, Open: row.Open.Count, Overdue: row.Overdue.Count, Answered: row.Answered.Count,
		AnswerMedian: row.AnswerMedian, AnswerOnTime: row.AnswerOnTime}
	if _, ok := row.Rate.Value(); unit && (ok || row.Rate.Suppressed()) {
		p := row.Pupils
		a.Pupils = &p
	}
	return a
}

func toAPICountRows(rows []report.Row) []apiCountRow {
	out := make([]apiCountRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, apiCountRow{r.Key, r.Label, r.Count.Count, r.Previous.Count, r.Change})
	}
	return out
}

func toAPIStep(s report.Step) apiStep {
	return apiStep{s.Norm, s.Done.Count, s.OnTime.Count, s.Late.Count, s.Median, s.Share}
}

func toAPIOutcome(o report.OutcomeRow) apiOutcome {
	return apiOutcome{o.Key, o.Label, o.Closed.Count, o.Measures.Count, o.NoMeasures.Count, o.Forwarded.Count, o.MeasuresShare}
}

func (s *Server) apiTrends(w http.ResponseWriter, r *http.Request) error {
	o, err := s.reportOptions(r, map[string]string{})
	if err != nil {
		return err
	}
	rep, err := report.Build(r.Context(), s.db, o)
	if err != nil {
		return err
	}
	out := apiTrends{Organizer: rep.Organizer, Period: apiPeriod{rep.Period.From, rep.Period.To},
		Comparison: apiPeriod{rep.Previous.From, rep.Previous.To}, Today: rep.Today, GeneratedAt: rep.Generated,
		Suppressed: rep.Suppressed(), MinGroup: rep.MinGroup, Pupils: rep.Pupils, Total: toAPITrendRow(rep.Total, false),
		Kinds: toAPICountRows(rep.Kinds), Months: toAPICountRows(rep.Months), Ack: toAPIStep(rep.Ack),
		Answer: toAPIStep(rep.Answer), Closed: toAPIOutcome(rep.Closed), Analysis: rep.Analysis,
		Method: report.Method(o.L), Categories: []apiTrendRow{}, Units: []apiTrendRow{}, Outcomes: []apiOutcome{}}
	if rep.Kind != "" {
		k := string(rep.Kind)
		out.Kind = &k
	}
	for _, row := range rep.Categories {
		out.Categories = append(out.Categories, toAPITrendRow(row, false))
	}
	for _, row := range rep.Units {
		out.Units = append(out.Units, toAPITrendRow(row, true))
	}
	for _, row := range rep.Outcomes {
		out.Outcomes = append(out.Outcomes, toAPIOutcome(row))
	}
	return writeJSON(w, http.StatusOK, out)
}

// Charts: inline SVG drawn by internal/chart, with presentation attributes
// only (the CSP allows no inline style). They are hidden from assistive
// technology: the table beside each chart holds the same figures, with a
// caption.

// pairedChart is the chart model of report rows: this period beside the
// year before, suppressed counts left out (the table says why).
func pairedChart(rows []report.Row, l *i18n.Localizer) chart.Paired {
	p := chart.Paired{Lang: l.Lang, NowLabel: l.T("report.this_period"), PrevLabel: l.T("report.previous_period")}
	count := func(c report.Count) chart.Count {
		return chart.Count{N: c.N(), Text: c.Format(l.Lang), Hidden: c.Suppressed()}
	}
	for _, r := range rows {
		p.Rows = append(p.Rows, chart.PairedRow{Label: r.Label, Now: count(r.Count), Prev: count(r.Previous)})
	}
	return p
}

// monthsChart draws cases per month, this period beside the year before.
func monthsChart(rep *report.Report, l *i18n.Localizer) template.HTML {
	return template.HTML(chart.ColumnsSVG(pairedChart(rep.Months, l)))
}

// reportCharts are the report's charts for its PDF, with their alt texts
// (drawn as on the page).
func reportCharts(rep *report.Report, l *i18n.Localizer) map[string]export.Figure {
	alt := func(what string) string { return l.T("report.chart_alt", "What", what) }
	return map[string]export.Figure{
		"categories": {SVG: []byte(chart.RowsSVG(pairedChart(rep.Categories, l))), Alt: alt(l.T("report.by_category"))},
		"months":     {SVG: []byte(chart.ColumnsSVG(pairedChart(rep.Months, l))), Alt: alt(l.T("report.by_month"))},
	}
}

// categoryChart draws cases per category as horizontal bars.
func categoryChart(rep *report.Report, l *i18n.Localizer) template.HTML {
	return template.HTML(chart.RowsSVG(pairedChart(rep.Categories, l)))
}
