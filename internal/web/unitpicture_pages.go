package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// The unit picture's pages (issue 5): the indicator view, the unit
// profile, results against background, the compensatory check, what to
// steer by, the indicator list and the import of own data. Every page
// builds its tables once (upTables) from unitpicture's view models, which
// have already applied scope and suppression; the page, its CSV and its
// XLSX show those same tables, and the charts (unitpicture_charts.go) are
// drawn from the same models. ?format=csv|xlsx downloads a view.

// upPage is what every unit-picture template receives in .Data.
type upPage struct {
	Values     map[string]string
	Multi      map[string][]string
	Indicators []unitpicture.Indicator // for pickers
	Years      []string
	Tables     template.HTML // the view's tables, rendered by renderUpTables
	TableList  []export.Table
	Charts     []upChart
	Query      string // the view's query string, for export links
	Error      string // a message instead of the view (e.g. no data yet)
	Notice     string // a note above the view (e.g. the model was chosen for the user)

	View         *unitpicture.IndicatorViewModel
	Profile      *unitpicture.Profile
	Adjusted     *unitpicture.AdjustedResult
	Compensatory *unitpicture.CompensatoryResult
	Steer        *unitpicture.SteerResult
	Unit         *unitpicture.UnitSeries
}

// upChart is an image of a chart and the table that carries its data.
type upChart struct {
	Src     string
	Alt     string
	TableID string
	Wide    bool
}

// ExportLink returns the link to the view as format ("csv", "xlsx"), for
// one table with a CSV.
func (p upPage) ExportLink(path, format, table string) string {
	q, _ := url.ParseQuery(p.Query)
	q.Set("format", format)
	if table != "" {
		q.Set("table", table)
	}
	return path + "?" + q.Encode()
}

// upFormat is the format a view was asked for: "" (the page), "csv" or "xlsx".
func upFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", "html":
		return "", nil
	case "csv", "xlsx":
		return f, nil
	}
	return "", app.Errorf(app.EINVALID, "upw.err.format")
}

// upView renders a unit-picture page or sends its export.
func (s *Server) upView(w http.ResponseWriter, r *http.Request, name, fileBase string, page upPage, format string) error {
	l := s.pageLocalizer(r, name)
	switch format {
	case "csv":
		t, ok := upTable(page.TableList, r.URL.Query().Get("table"))
		if !ok {
			return app.NotFound()
		}
		var buf bytes.Buffer
		if err := export.WriteCSV(&buf, t, l.Lang); err != nil {
			return err
		}
		return download(w, fileBase+"-"+t.ID+".csv", "text/csv; charset=utf-8", buf.Bytes())
	case "xlsx":
		var buf bytes.Buffer
		if err := export.WriteXLSX(&buf, page.TableList, l.T("upw.title")); err != nil {
			return err
		}
		return download(w, fileBase+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	}
	page.Tables = renderUpTables(page.TableList, l)
	s.render(w, r, http.StatusOK, name, page)
	return nil
}

func upTable(ts []export.Table, id string) (export.Table, bool) {
	if len(ts) == 0 {
		return export.Table{}, false
	}
	if id == "" {
		return ts[0], true
	}
	for _, t := range ts {
		if t.ID == id {
			return t, true
		}
	}
	return export.Table{}, false
}

// upNoData turns "no data yet" and invalid choices into a message on the
// page (the pickers stay usable); other errors pass through.
func (s *Server) upNoData(r *http.Request, name string, err error) (string, error) {
	switch app.Code(err) {
	case app.EINVALID, app.ENOTFOUND:
		ae := s.appError(r, err)
		return s.pageLocalizer(r, name).T(ae.MsgID, ae.Data), nil
	}
	return "", err
}

// ---- Indicator view ----

func (s *Server) upIndicatorPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	format, err := upFormat(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	key := strings.TrimSpace(q.Get("indicator"))
	if key == "" {
		if key, err = unitpicture.OpeningIndicator(ctx, s.db, p); err != nil {
			return err
		}
	}
	year := strings.TrimSpace(q.Get("year"))
	page := upPage{Values: map[string]string{"indicator": key, "year": year}}
	if page.Indicators, err = upIndicators(ctx, s); err != nil {
		return err
	}
	l := s.pageLocalizer(r, "unitpicture")
	m, err := unitpicture.IndicatorView(ctx, s.db, p, key, year)
	if err != nil {
		if page.Error, err = s.upNoData(r, "unitpicture", err); err != nil {
			return err
		}
		if format != "" {
			return app.NotFound()
		}
		return s.upView(w, r, "unitpicture", "", page, "")
	}
	page.View, page.Years = m, m.Years
	page.Values["year"] = m.Year
	page.Query = url.Values{"indicator": {key}, "year": {m.Year}}.Encode()
	page.TableList = indicatorTables(m, l)
	page.Charts = []upChart{
		{Src: "/unitpicture/chart.svg?" + page.Query, Alt: l.T("upw.ind.chart_alt"), TableID: "t-values"},
		{Src: "/unitpicture/trends.svg?" + page.Query, Alt: l.T("upw.ind.trends_alt"), TableID: "t-series", Wide: true},
	}
	return s.upView(w, r, "unitpicture", "enhetsbild-"+key+"-"+fileYear(m.Year), page, format)
}

func fileYear(y string) string { return strings.ReplaceAll(y, "/", "-") }

// upIndicators lists the active indicators that are not background
// variables first, then the background ones.
func upIndicators(ctx context.Context, s *Server) ([]unitpicture.Indicator, error) {
	inds, err := unitpicture.Indicators(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := inds[:0:0]
	for _, bg := range []bool{false, true} {
		for _, i := range inds {
			if i.Active && i.Background == bg {
				out = append(out, i)
			}
		}
	}
	return out, nil
}

// ---- Unit profile ----

func (s *Server) upUnitPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	format, err := upFormat(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	baseline := strings.TrimSpace(r.URL.Query().Get("baseline"))
	prof, err := unitpicture.UnitProfile(ctx, s.db, auth.FromContext(ctx), id, baseline)
	if app.Code(err) == app.EINVALID && baseline != "" {
		// An unusable baseline: show the profile without one, and say so.
		page := upPage{Values: map[string]string{"baseline": baseline}}
		page.Error, _ = s.upNoData(r, "unitpicture_unit", err)
		prof, err = unitpicture.UnitProfile(ctx, s.db, auth.FromContext(ctx), id, "")
		if err != nil {
			return err
		}
		return s.upProfile(w, r, prof, page, format)
	}
	if err != nil {
		return err
	}
	return s.upProfile(w, r, prof, upPage{Values: map[string]string{"baseline": baseline}}, format)
}

func (s *Server) upProfile(w http.ResponseWriter, r *http.Request, prof *unitpicture.Profile, page upPage, format string) error {
	l := s.pageLocalizer(r, "unitpicture_unit")
	page.Profile = prof
	page.Years = profileYears(prof)
	page.Query = url.Values{"baseline": {page.Values["baseline"]}}.Encode()
	page.TableList = profileTables(prof, l)
	page.Charts = []upChart{{Src: fmt.Sprintf("/unitpicture/units/%d/chart.svg?%s", prof.UnitID, page.Query),
		Alt: l.T("upw.unit.chart_alt"), TableID: "t-series", Wide: true}}
	return s.upView(w, r, "unitpicture_unit", "enhetsprofil-"+prof.Code, page, format)
}

func profileYears(prof *unitpicture.Profile) []string {
	set := map[string]bool{}
	for _, row := range prof.Rows {
		for _, pt := range row.Series {
			set[pt.Year] = true
		}
	}
	var ys []string
	for y := range set {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// ---- Results against background ----

// minFitDF is the fewest residual degrees of freedom for which the page
// defaults to the organizer's own fitted model rather than the published one.
const minFitDF = 20

// adjustedQuery reads the analysis from the query string.
func adjustedQuery(r *http.Request) (unitpicture.AdjustedQuery, map[string]string, map[string][]string) {
	q := r.URL.Query()
	aq := unitpicture.AdjustedQuery{
		Outcome: strings.TrimSpace(q.Get("outcome")),
		Year:    strings.TrimSpace(q.Get("year")),
		Model:   strings.TrimSpace(q.Get("model")),
		Scope:   strings.TrimSpace(q.Get("scope")),
	}
	for _, p := range q["predictors"] {
		for _, k := range strings.Split(p, ",") {
			if k = strings.TrimSpace(k); k != "" {
				aq.Predictors = append(aq.Predictors, k)
			}
		}
	}
	if aq.Outcome == "" {
		aq.Outcome = unitpicture.DefaultOutcome
	}
	if len(aq.Predictors) == 0 {
		aq.Predictors = slices.Clone(unitpicture.DefaultPredictors)
	}
	if aq.Model == "" {
		aq.Model = unitpicture.ModelFit
	}
	vals := map[string]string{"outcome": aq.Outcome, "year": aq.Year, "model": aq.Model, "scope": aq.Scope}
	return aq, vals, map[string][]string{"predictors": aq.Predictors}
}

func adjustedQueryString(aq unitpicture.AdjustedQuery, year string) string {
	v := url.Values{"outcome": {aq.Outcome}, "model": {aq.Model}, "year": {year}}
	if aq.Scope != "" {
		v.Set("scope", aq.Scope)
	}
	for _, p := range aq.Predictors {
		v.Add("predictors", p)
	}
	return v.Encode()
}

func (s *Server) upAdjustedPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	format, err := upFormat(r)
	if err != nil {
		return err
	}
	aq, vals, multi := adjustedQuery(r)
	page := upPage{Values: vals, Multi: multi}
	if page.Indicators, err = upIndicators(ctx, s); err != nil {
		return err
	}
	l := s.pageLocalizer(r, "unitpicture_adjusted")
	res, err := unitpicture.Adjusted(ctx, s.db, auth.FromContext(ctx), aq)
	if err == nil && r.URL.Query().Get("model") == "" && res.Model == unitpicture.ModelFit && res.N-len(res.Predictors)-1 < minFitDF {
		// Too few units for an own model to say anything (an organizer with
		// five year-9 units): use Skolverket's published model unless the
		// user asked for a fit.
		salsa := aq
		salsa.Model = unitpicture.ModelSALSA2016
		if alt, altErr := unitpicture.Adjusted(ctx, s.db, auth.FromContext(ctx), salsa); altErr == nil {
			page.Notice = l.T("upw.adj.auto_salsa", map[string]any{"N": res.N})
			res, aq = alt, salsa
			page.Values["model"] = aq.Model
		}
	}
	if err != nil {
		if page.Error, err = s.upNoData(r, "unitpicture_adjusted", err); err != nil {
			return err
		}
		if format != "" {
			return app.NotFound()
		}
		return s.upView(w, r, "unitpicture_adjusted", "", page, "")
	}
	page.Adjusted = res
	page.Values["year"] = res.Year
	page.Query = adjustedQueryString(aq, res.Year)
	page.TableList = adjustedTables(res, l)
	page.Charts = []upChart{{Src: "/unitpicture/adjusted/chart.svg?" + page.Query, Alt: l.T("upw.adj.chart_alt"), TableID: "t-units", Wide: true}}
	return s.upView(w, r, "unitpicture_adjusted", "resultat-mot-bakgrund-"+fileYear(res.Year), page, format)
}

// ---- Compensatory check ----

func (s *Server) upCompensatoryPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	format, err := upFormat(r)
	if err != nil {
		return err
	}
	year := strings.TrimSpace(r.URL.Query().Get("year"))
	page := upPage{Values: map[string]string{"year": year}}
	l := s.pageLocalizer(r, "unitpicture_compensatory")
	res, err := unitpicture.Compensatory(ctx, s.db, auth.FromContext(ctx), year)
	if err != nil {
		if page.Error, err = s.upNoData(r, "unitpicture_compensatory", err); err != nil {
			return err
		}
		if format != "" {
			return app.NotFound()
		}
		return s.upView(w, r, "unitpicture_compensatory", "", page, "")
	}
	page.Compensatory = res
	page.Values["year"] = res.Year
	page.Query = url.Values{"year": {res.Year}}.Encode()
	page.TableList = compensatoryTables(res, l)
	page.Charts = []upChart{{Src: "/unitpicture/compensatory/chart.svg?" + page.Query, Alt: l.T("upw.comp.chart_alt"), TableID: "t-units", Wide: true}}
	return s.upView(w, r, "unitpicture_compensatory", "kompensatoriskt-"+fileYear(res.Year), page, format)
}

// ---- What to steer by ----

func (s *Server) upSteerPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	format, err := upFormat(r)
	if err != nil {
		return err
	}
	res, err := unitpicture.Steer(ctx, s.db, auth.FromContext(ctx))
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "unitpicture_steer")
	page := upPage{Steer: res, TableList: steerTables(res, l)}
	return s.upView(w, r, "unitpicture_steer", "att-styra-efter-"+civil.Date(res.GeneratedAt), page, format)
}

// ---- Indicators ----

func (s *Server) upIndicatorsPage(w http.ResponseWriter, r *http.Request) error {
	format, err := upFormat(r)
	if err != nil {
		return err
	}
	inds, err := upIndicators(r.Context(), s)
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "unitpicture_indicators")
	page := upPage{Indicators: inds, TableList: indicatorListTables(inds, l)}
	return s.upView(w, r, "unitpicture_indicators", "indikatorer", page, format)
}

// ---- shared formatting ----

// upDecimals is how many decimals an indicator's values are shown with.
func upDecimals(ind unitpicture.Indicator) int {
	switch ind.Unit {
	case "count":
		return 0
	case "index":
		return 2
	}
	return 1
}

// upUnitLabel is the unit of measure in words.
func upUnitLabel(ind unitpicture.Indicator, l *i18n.Localizer) string {
	switch ind.Unit {
	case "percent", "points", "ratio", "count", "index":
		return l.T("upw.measure." + ind.Unit)
	}
	return ind.Unit
}

// upStatus says why a value is missing, in words.
func upStatus(status string, l *i18n.Localizer) string {
	switch status {
	case unitpicture.StatusSuppressed:
		return l.T("upw.suppressed")
	case "..":
		return l.T("upw.status.dotdot")
	case ".", "":
		return l.T("upw.status.dot")
	case "MISSING":
		return l.T("upw.status.missing")
	case "OMITTED_DUE_TO_BASED_ON_FEW_PUPILS":
		return l.T("upw.suppressed")
	}
	return l.T("upw.status.other", "Status", status)
}

// pointCell is a value as a table cell: the number, or why there is none.
// A suppressed point has no number to show (unitpicture removed it).
func pointCell(pt unitpicture.Point, dec int, l *i18n.Localizer) export.Cell {
	if pt.Suppressed {
		return export.Cell{Text: l.T("upw.suppressed"), Mark: "muted"}
	}
	if pt.Value == nil {
		return export.Cell{Text: upStatus(pt.Status, l), Mark: "muted"}
	}
	c := export.Number(*pt.Value, dec, l.Lang)
	if pt.Status == "~" || pt.Status == "cirka" {
		c.Text = "≈\u00a0" + c.Text
	}
	return c
}

func pupilsCell(n *int, l *i18n.Localizer) export.Cell {
	if n == nil {
		return export.Cell{Text: "–", Mark: "muted"}
	}
	return export.Number(float64(*n), 0, l.Lang)
}

func numCell(x float64, dec int, l *i18n.Localizer) export.Cell {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return export.Cell{Text: "–", Mark: "muted"}
	}
	return export.Number(x, dec, l.Lang)
}

func signedCell(x float64, dec int, l *i18n.Localizer) export.Cell {
	c := numCell(x, dec, l)
	if c.Num != nil {
		c.Text = l.Signed(x, dec)
	}
	return c
}

// sourceNote names the sources and the latest import of a view's values.
func sourceNote(sources []string, at time.Time, l *i18n.Localizer) string {
	if len(sources) == 0 {
		return ""
	}
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = sourceName(s, l)
	}
	return l.T("upw.source_note", "Sources", strings.Join(names, ", "), "Date", civil.Date(at))
}

func sourceName(s string, l *i18n.Localizer) string {
	switch {
	case s == unitpicture.SourceCSV:
		return l.T("upw.source.csv")
	case s == unitpicture.SourceAPI:
		return l.T("upw.source.api")
	case strings.HasPrefix(s, unitpicture.SourceOwn):
		return l.T("upw.source.own", "Name", strings.TrimPrefix(s, unitpicture.SourceOwn))
	case s == "demo":
		return l.T("upw.source.demo")
	}
	return s
}

// tablesTmpl renders export tables as accessible HTML tables.
var tablesTmpl = template.Must(template.New("tables").Parse(`{{range .Tables}}
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="t-{{.ID}}">
{{$t := .}}<table id="tbl-{{.ID}}">
  <caption id="t-{{.ID}}">{{.Title}}</caption>
  <thead><tr>{{range $i, $c := .Columns}}<th scope="col"{{if index $.Num $t.ID $i}} class="num"{{end}}>{{$c}}</th>{{end}}</tr></thead>
  <tbody>{{range .Rows}}
  <tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{else}}{{$c.Text}}{{end}}</th>{{else}}<td class="{{if index $.Num $t.ID $i}}num{{end}}{{with $c.Mark}} {{.}}{{end}}">{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{else}}{{$c.Text}}{{end}}</td>{{end}}{{end}}</tr>{{else}}
  <tr><td colspan="{{len .Columns}}">{{$.Empty}}</td></tr>{{end}}
  </tbody>
</table>
</div>
{{with .Note}}<p class="note">{{.}}</p>{{end}}{{end}}`))

// renderUpTables renders the tables for a page.
func renderUpTables(ts []export.Table, l *i18n.Localizer) template.HTML {
	num := map[string]map[int]bool{}
	for _, t := range ts {
		m := map[int]bool{}
		for i, n := range t.Numeric {
			m[i] = n
		}
		num[t.ID] = m
	}
	var buf bytes.Buffer
	if err := tablesTmpl.Execute(&buf, map[string]any{"Tables": ts, "Num": num, "Empty": l.T("upw.empty")}); err != nil {
		return template.HTML(template.HTMLEscapeString(err.Error()))
	}
	return template.HTML(buf.String()) // #nosec G203 -- produced by html/template
}

// Num formats a value of ind for a template.
func (upPage) Num(x float64, ind unitpicture.Indicator, lang string) string {
	return i18n.Number(lang, x, upDecimals(ind))
}

// Dir is the message ID of ind's better direction.
func (upPage) Dir(ind unitpicture.Indicator) string {
	switch {
	case ind.Direction > 0:
		return "upw.dir.higher"
	case ind.Direction < 0:
		return "upw.dir.lower"
	}
	return "upw.dir.neutral"
}

// Reasons says why a profile row is a strength or a challenge.
func (upPage) Reasons(rs []string, l *i18n.Localizer) string { return reasonsText(rs, l) }

// Fmt formats a number with decimals for a template ("–" when undefined).
func (upPage) Fmt(v any, decimals int, lang string) string {
	var x float64
	switch v := v.(type) {
	case float64:
		x = v
	case *float64:
		if v == nil {
			return "–"
		}
		x = *v
	default:
		return "–"
	}
	return i18n.Number(lang, x, decimals)
}
