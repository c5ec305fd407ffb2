package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/pdftest"

	"github.com/xuri/excelize/v2"

	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/demo"
)

// apiTrendRow mirrors the API's rows; pointers are null when suppressed.
type apiTrendRow struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Count    *int     `json:"count"`
	Previous *int     `json:"previousCount"`
	Change   *float64 `json:"changePercent"`
	P        *float64 `json:"pValue"`
	Rise     bool     `json:"rise"`
	Rate     *float64 `json:"per100Pupils"`
	Open     *int     `json:"openNow"`
	Overdue  *int     `json:"overdueNow"`
}

type apiTrendsDoc struct {
	Period     struct{ From, To string } `json:"period"`
	Suppressed bool                      `json:"suppressed"`
	MinGroup   int                       `json:"minGroup"`
	Pupils     int                       `json:"pupils"`
	Total      apiTrendRow               `json:"total"`
	Kinds      []apiTrendRow             `json:"kinds"`
	Categories []apiTrendRow             `json:"categories"`
	Units      []apiTrendRow             `json:"units"`
	Months     []apiTrendRow             `json:"months"`
	Outcomes   []struct {
		Key      string `json:"key"`
		Closed   *int   `json:"closed"`
		Measures *int   `json:"measuresTaken"`
	} `json:"outcomes"`
	Analysis string `json:"analysis"`
	Method   string `json:"method"`
}

// statsPeriod is the last twelve months up to today, as a query string.
func statsPeriod(kind string) (from, to, query string) {
	today := time.Now().In(civil.Zone)
	from = today.AddDate(0, -11, 1-today.Day()).Format(time.DateOnly)
	to = today.Format(time.DateOnly)
	return from, to, url.Values{"from": {from}, "to": {to}, "kind": {kind}}.Encode()
}

// TestTrendsAndReportMatchTheCases generates cases and checks the figures
// the API, the pages and both files give the officer against counts made
// with SQL over the cases, on every database.
func TestTrendsAndReportMatchTheCases(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := demo.GenerateCases(ctx, e.db, 900, 21); err != nil {
			t.Fatal(err)
		}
		from, _, q := statsPeriod("all")
		start, end := (report.Period{From: from, To: civil.Date(time.Now())}).Bounds()
		c := e.login(officer)
		var doc apiTrendsDoc
		r := c.get("/api/v1/complaint-trends?" + q)
		if r.status != http.StatusOK {
			t.Fatalf("API: %d %s", r.status, r.body)
		}
		r.json(t, &doc)
		total := e.count("SELECT COUNT(*) FROM complaints WHERE submitted_at >= ? AND submitted_at < ?", start, end)
		if doc.Suppressed || doc.Total.Count == nil || *doc.Total.Count != total || total == 0 {
			t.Fatalf("API total %v, SQL %d", doc.Total.Count, total)
		}
		open := e.count("SELECT COUNT(*) FROM complaints WHERE status IN ('registered', 'acknowledged', 'investigating')")
		if *doc.Total.Open != open {
			t.Errorf("open now: API %d, SQL %d", *doc.Total.Open, open)
		}
		for _, row := range doc.Categories {
			want := e.count("SELECT COUNT(*) FROM complaints WHERE submitted_at >= ? AND submitted_at < ? AND category_code = ?", start, end, row.Key)
			if *row.Count != want {
				t.Errorf("category %s: API %d, SQL %d", row.Key, *row.Count, want)
			}
		}
		for _, row := range doc.Units {
			cond, args := "unit_scope = ?", []any{row.Key}
			if id, err := strconv.ParseInt(row.Key, 10, 64); err == nil {
				cond, args = "unit_id = ?", []any{id}
			}
			want := e.count("SELECT COUNT(*) FROM complaints WHERE submitted_at >= ? AND submitted_at < ? AND "+cond, append([]any{start, end}, args...)...)
			if *row.Count != want {
				t.Errorf("unit %s: API %d, SQL %d", row.Label, *row.Count, want)
			}
		}
		if doc.Pupils == 0 {
			t.Error("the demo's units have pupils, but the total is 0")
		}
		months := 0
		for _, m := range doc.Months {
			months += *m.Count
		}
		if months != total || len(doc.Months) != 12 {
			t.Errorf("%d months adding up to %d, want 12 adding up to %d", len(doc.Months), months, total)
		}
		closed := e.count("SELECT COUNT(*) FROM complaints WHERE status = 'closed' AND closed_at >= ? AND closed_at < ?", start, end)
		got := 0
		for _, o := range doc.Outcomes {
			got += *o.Closed
		}
		if got != closed {
			t.Errorf("closed in the period: API %d, SQL %d", got, closed)
		}

		// The pages show the same total.
		formatted := i18n.Int("sv", total)
		for _, path := range []string{"/complaints/trends?", "/complaints/report?"} {
			r := c.get(path + q)
			if r.status != http.StatusOK || !strings.Contains(r.body, formatted) || !strings.Contains(r.body, "Ärenden per kategori") {
				t.Errorf("GET %s: %d, want the total %s", path, r.status, formatted)
			}
			if !strings.Contains(r.body, `<svg class="chart"`) {
				t.Errorf("GET %s: no chart", path)
			}
		}

		// The XLSX: its sheets hold the API's numbers, as numbers.
		x := c.get("/complaints/report.xlsx?" + q)
		if x.status != http.StatusOK || !strings.Contains(x.header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("XLSX: %d %s", x.status, x.header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(strings.NewReader(x.body))
		if err != nil {
			t.Fatalf("the XLSX does not open: %v", err)
		}
		rows, err := f.GetRows("Per kategori", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "Kategori" || rows[0][1] != "Ärenden" || len(rows) != len(doc.Categories)+2 {
			t.Fatalf("category sheet: header %v, %d rows", rows[0], len(rows))
		}
		for i, row := range doc.Categories {
			if rows[i+1][0] != row.Label || rows[i+1][1] != strconv.Itoa(*row.Count) || rows[i+1][2] != strconv.Itoa(*row.Previous) {
				t.Errorf("XLSX %v, API %s %d %d", rows[i+1][:3], row.Label, *row.Count, *row.Previous)
			}
		}
		if last := rows[len(rows)-1]; last[1] != strconv.Itoa(total) {
			t.Errorf("XLSX total %v, want %d", last, total)
		}
		units, _ := f.GetRows("Per enhet", excelize.Options{RawCellValue: true})
		for i, row := range doc.Units {
			if units[i+1][1] != strconv.Itoa(*row.Count) {
				t.Errorf("XLSX unit %v, API %d", units[i+1][:2], *row.Count)
			}
		}

		// The PDF: it opens, and its text has the figures.
		p := c.get("/complaints/report.pdf?" + q)
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(p.body, "%PDF-") {
			t.Fatalf("PDF: %d %s", p.status, p.header.Get("Content-Type"))
		}
		if text := pdftest.Text(t, []byte(p.body)); text != "" {
			for _, want := range []string{"Klagomål och synpunkter – rapport till nämnden", "Ärenden per enhet", formatted, doc.Units[0].Label} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF's text lacks %q", want)
				}
			}
		}
	})
}

// smallCounts finds counts from 1 to 4 in text: numbers standing alone in
// table cells or JSON values.
var cellNumber = regexp.MustCompile(`<td class="num">([0-9]+)</td>`)

// TestBoardMembersSeeSuppressedFiguresOnly signs in as the chair of the
// board and checks pages, API, PDF and XLSX: no count from 1 to 4, no
// p-values, no free text from the cases; then that officers do see the
// handlers' summaries, on the page only.
func TestBoardMembersSeeSuppressedFiguresOnly(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := demo.GenerateCases(ctx, e.db, 150, 4); err != nil {
			t.Fatal(err)
		}
		_, _, q := statsPeriod("complaint")
		from, to, _ := statsPeriod("complaint")
		start, end := (report.Period{From: from, To: to}).Bounds()
		// A handler's summary on a case closed with measures in the period.
		const summary = "Mentorn har bytts ut efter samtal med vårdnadshavaren"
		var id int64
		err := e.db.QueryRow(ctx, `SELECT id FROM complaints WHERE status = 'closed' AND outcome = 'measures_taken' AND kind = 'complaint'
			AND closed_at >= ? AND closed_at < ? ORDER BY id LIMIT 1`, start, end).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Exec(ctx, "UPDATE complaints SET summary = ? WHERE id = ?", summary, id); err != nil {
			t.Fatal(err)
		}
		// Every summary in the database: none may reach the board or a file.
		summaries := []string{summary}
		rows, err := e.db.Query(ctx, "SELECT DISTINCT summary FROM complaints WHERE summary <> ''")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			summaries = append(summaries, s)
		}
		rows.Close()
		noSummary := func(what, text string) {
			t.Helper()
			for _, s := range summaries {
				if strings.Contains(text, s) {
					t.Errorf("%s holds the summary %q", what, s)
					return
				}
			}
		}
		off := e.login(officer)
		if r := off.post("/complaints/report", url.Values{"from": {from}, "to": {to}, "kind": {"complaint"},
			"analysis": {"Fler klagomål om måltider i år.\n\nVi följer upp i vår."}}); r.status != http.StatusSeeOther {
			t.Fatalf("save analysis: %d\n%s", r.status, r.body)
		}

		board := e.login(boardEmail)
		var doc apiTrendsDoc
		r := board.get("/api/v1/complaint-trends?" + q)
		if r.status != http.StatusOK {
			t.Fatalf("board API: %d %s", r.status, r.body)
		}
		r.json(t, &doc)
		if !doc.Suppressed || doc.MinGroup != 5 {
			t.Errorf("suppressed=%v minGroup=%d", doc.Suppressed, doc.MinGroup)
		}
		hidden := 0
		for _, table := range [][]apiTrendRow{doc.Categories, doc.Units, doc.Months, doc.Kinds, {doc.Total}} {
			for _, row := range table {
				for _, n := range []*int{row.Count, row.Previous, row.Open, row.Overdue} {
					if n == nil {
						hidden++
					} else if *n > 0 && *n < 5 {
						t.Errorf("board API: %s shows %d", row.Label, *n)
					}
				}
				if row.P != nil {
					t.Errorf("board API: %s has a p-value", row.Label)
				}
				if row.Count == nil && (row.Rate != nil || row.Rise) {
					t.Errorf("board API: %s has a rate or a rise for a hidden count", row.Label)
				}
			}
		}
		if hidden == 0 {
			t.Fatal("nothing suppressed: the test needs small groups")
		}
		if !strings.Contains(doc.Analysis, "måltider") {
			t.Error("board API: the analysis is missing")
		}
		noSummary("board API", r.body)

		for _, path := range []string{"/complaints/trends?", "/complaints/report?"} {
			r := board.get(path + q)
			if r.status != http.StatusOK {
				t.Fatalf("board GET %s: %d", path, r.status)
			}
			for _, m := range cellNumber.FindAllStringSubmatch(r.body, -1) {
				if n, _ := strconv.Atoi(m[1]); n > 0 && n < 5 {
					t.Errorf("board GET %s: a table cell shows %d", path, n)
				}
			}
			noSummary("board GET "+path, r.body)
			if strings.Contains(r.body, `href="/cases/`) || strings.Contains(r.body, `name="analysis"`) {
				t.Errorf("board GET %s: case links or the analysis form", path)
			}
			if !strings.Contains(r.body, "färre än 5 ärenden visas inte") || !strings.Contains(r.body, "dolt för att skydda enskilda") {
				t.Errorf("board GET %s: no note on suppression", path)
			}
		}
		if r := board.get("/complaints/report?" + q); !strings.Contains(r.body, "<p>Vi följer upp i vår.</p>") {
			t.Error("the board does not see the analysis")
		}
		if r := board.post("/complaints/report", url.Values{"from": {from}, "to": {to}, "analysis": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("board saving the analysis: %d", r.status)
		}

		x := board.get("/complaints/report.xlsx?" + q)
		f, err := excelize.OpenReader(strings.NewReader(x.body))
		if err != nil {
			t.Fatalf("board XLSX: %v", err)
		}
		marks := 0
		for i, sheet := range f.GetSheetList() {
			rows, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
			for _, row := range rows {
				noSummary("board XLSX "+sheet, strings.Join(row, " "))
			}
			if i == 0 {
				continue
			}
			for _, row := range rows[1:] {
				for j, v := range row {
					if v == report.SuppressedMark {
						marks++
					}
					if n, err := strconv.Atoi(v); err == nil && j > 0 && n > 0 && n < 5 && countHeader(rows[0][j]) {
						t.Errorf("board XLSX %s: %s %s = %d", sheet, row[0], rows[0][j], n)
					}
				}
			}
		}
		if marks == 0 {
			t.Error("the board's XLSX marks nothing suppressed")
		}
		p := board.get("/complaints/report.pdf?" + q)
		boardPDFIsADocument(t, []byte(p.body))
		if text := pdftest.Text(t, []byte(p.body)); text != "" {
			if !strings.Contains(text, "Nämndens version") || !strings.Contains(text, "Vi följer upp i vår.") {
				t.Error("board PDF: no suppression note, or no analysis")
			}
			noSummary("board PDF", text)
		}

		// The officer sees the summaries on the report page, with a link
		// to the case; the analyst does not; neither file has them.
		if r := off.get("/complaints/report?" + q); !strings.Contains(r.body, summary) || !strings.Contains(r.body, `href="/cases/`+itoa(id)+`"`) {
			t.Error("the officer does not see the handler's summary")
		}
		r = e.login(analyst).get("/complaints/report?" + q)
		if r.status != http.StatusOK {
			t.Errorf("analyst: %d", r.status)
		}
		noSummary("the analyst's report page", r.body)
		if f, err := excelize.OpenReader(strings.NewReader(off.get("/complaints/report.xlsx?" + q).body)); err == nil {
			for _, sheet := range f.GetSheetList() {
				rows, _ := f.GetRows(sheet)
				for _, row := range rows {
					noSummary("the officer's XLSX", strings.Join(row, " "))
				}
			}
		}
		if text := pdftest.Text(t, []byte(off.get("/complaints/report.pdf?"+q).body)); text != "" {
			noSummary("the officer's PDF", text)
		}
	})
}

func countHeader(h string) bool {
	switch h {
	case "Ärenden", "Året innan", "Pågående nu", "Varav försenade", "Klara", "Varav i tid", "Ej klara, försenade",
		"Avslutade", "Åtgärder vidtagna", "Inga åtgärder behövdes", "Lämnade vidare":
		return true
	}
	return false
}

func TestStatisticsNeedTheirPermission(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		paths := []string{"/complaints/trends", "/complaints/report", "/complaints/report.pdf", "/complaints/report.xlsx", "/api/v1/complaint-trends"}
		for _, who := range []string{admin, principalA, "maltid@exempelby.example"} {
			c := e.login(who)
			for _, p := range paths {
				if r := c.get(p); r.status != http.StatusForbidden {
					t.Errorf("%s GET %s: %d, want 403", who, p, r.status)
				}
			}
			if r := c.post("/complaints/report", url.Values{"analysis": {"x"}}); r.status != http.StatusForbidden {
				t.Errorf("%s POST report: %d", who, r.status)
			}
		}
		anon := e.client()
		if r := anon.get("/complaints/trends"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("anonymous trends: %d", r.status)
		}
		if r := anon.get("/api/v1/complaint-trends"); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous API: %d", r.status)
		}
	})
}

func TestReportFormKeepsInputAndExplainsErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(officer)
		r := c.get("/complaints/trends?from=2026-05-01&to=2026-04-01&kind=nonsense")
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Slutdatumet får inte vara före startdatumet.") ||
			!strings.Contains(r.body, `href="#f-kind"`) || !strings.Contains(r.body, `value="2026-05-01"`) {
			t.Errorf("invalid filter: %d", r.status)
		}
		if r := c.get("/api/v1/complaint-trends?from=2020-01-01&to=2022-01-01"); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `"field":"to"`) {
			t.Errorf("API with a three-year period: %d %s", r.status, r.body)
		}
		if r := c.get("/complaints/report.pdf?from=x"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("PDF with a bad date: %d", r.status)
		}
		long := strings.Repeat("Ordet ", report.MaxAnalysis/6+10)
		r = c.post("/complaints/report", url.Values{"from": {"2025-01-01"}, "to": {"2025-12-31"}, "kind": {"all"}, "analysis": {long}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#f-analysis"`) || !strings.Contains(r.body, "Ordet Ordet") {
			t.Errorf("too long an analysis: %d", r.status)
		}
		r = c.post("/complaints/report", url.Values{"from": {"2025-01-01"}, "to": {"2025-12-31"}, "kind": {"all"}, "analysis": {"Lugnt år."}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/complaints/report?from=2025-01-01&kind=all&to=2025-12-31" {
			t.Fatalf("save: %d %s", r.status, r.header.Get("Location"))
		}
		if r := c.get(r.header.Get("Location")); !strings.Contains(r.body, "Analysen är sparad.") || !strings.Contains(r.body, "Lugnt år.") {
			t.Error("the saved analysis is not shown")
		}
		// In English.
		req, _ := http.NewRequest("GET", e.srv.URL+"/complaints/trends", nil)
		req.Header.Set("Accept-Language", "en")
		if r := c.do(req); !strings.Contains(r.body, "Cases per category") || !strings.Contains(r.body, "unlikely to be chance") {
			t.Error("the English page")
		}
	})
}

// boardPDFIsADocument checks the board's PDF as an accessible document:
// tagged, with the PDF/UA identification, the title as H1 and sections as
// H2, tables with header cells, both charts as figures with alt text, no
// page but the last less than a third full, and no column header broken
// into an empty pair of brackets (as fpdf's "(arbetsdagar / )" was).
func boardPDFIsADocument(t *testing.T, pdf []byte) {
	t.Helper()
	tree := pdftest.Tagged(t, pdf, export.Tagged(), "Document", "H1", "H2", "Table", "TR", "TH", "TD", "Figure")
	if tree == "" {
		return
	}
	if n := strings.Count(string(pdf), "/Alt "); n < 2 {
		t.Errorf("%d charts with alt text in the board PDF, want 2 (categories and months)", n)
	}
	if !strings.Contains(string(pdf), "/Lang (sv)") {
		t.Error("the board PDF has no document language")
	}
	pages := pdftest.Pages(t, pdf)
	most := 0
	for _, p := range pages {
		most = max(most, len(p))
	}
	for i, p := range pages[:len(pages)-1] {
		if len(p) < most/3 {
			t.Errorf("page %d of %d is nearly empty (%d characters, the fullest %d): %s", i+1, len(pages), len(p), most, p)
		}
	}
	text := strings.Join(pages, " ")
	if strings.Contains(text, "/ )") || strings.Contains(text, "( /") {
		t.Errorf("a header is broken into brackets: %s", text)
	}
}
