package unitpicture_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

// The real files are H4a's testdata copies (public statistics from
// Skolverket, https://www.skolverket.se; see that folder's README).
const testdata = "skolverket/testdata"

var nationalCSV = filepath.Join(testdata, "slutbetyg-ak9-2024-25-skolenhet.csv")

// loadOrg loads the demo organizer without its unit picture, so the tests
// control every value.
func loadOrg(t testing.TB, db *store.DB) {
	t.Helper()
	if err := demo.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	// The demo's own indicators (the self-assessment's areas, the pulse
	// surveys' indexes) go too: these tests start from the built-in catalogue.
	for _, q := range []string{"DELETE FROM indicator_values", "DELETE FROM import_runs", "DELETE FROM indicators WHERE source IN ('accessibility', 'survey')"} {
		if _, err := db.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

func principal(t testing.TB, db *store.DB, email string) *auth.Principal {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), "SELECT id FROM users WHERE email = ?", email).Scan(&id); err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	p, err := auth.LoadPrincipal(context.Background(), db, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func unitID(t testing.TB, db *store.DB, code string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), "SELECT id FROM units WHERE unit_code = ?", code).Scan(&id); err != nil {
		t.Fatalf("unit %s: %v", code, err)
	}
	return id
}

func count(t testing.TB, db store.Q, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func f(x float64) *float64 { return &x }
func n(x int) *int         { return &x }

func val(code, key, year string, x float64, pupils int) skolverket.Value {
	v := skolverket.Value{UnitCode: code, Indicator: key, SchoolYear: year, Group: "all", Value: f(x), Raw: "x"}
	if pupils > 0 {
		v.Pupils = n(pupils)
	}
	return v
}

func importValues(t testing.TB, db *store.DB, vs ...skolverket.Value) *unitpicture.Report {
	t.Helper()
	rep, err := unitpicture.Import(context.Background(), db, auth.System, &skolverket.Data{Values: vs}, "test", "constructed")
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var unitCode = regexp.MustCompile(`^[0-9]{8}$`)

// rawCounts counts, independently of the parser, the unit rows of a
// Skolverket file and the "..", "." cells of its value columns (8th on).
func rawCounts(t *testing.T, path string) (rows, valueCells int, missing map[string]int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	missing = map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	header := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if !header {
			header = strings.HasPrefix(line, "Skola;")
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		cells := strings.Split(line, ";")
		if len(cells) < 8 || !unitCode.MatchString(cells[1]) {
			continue // blank lines and the footnotes after the table
		}
		rows++
		for _, c := range cells[7:] {
			valueCells++
			if c == ".." || c == "." {
				missing[c]++
			}
		}
	}
	return rows, valueCells, missing
}

func TestImportNationalCSV(t *testing.T) {
	rows, cells, missing := rawCounts(t, nationalCSV)
	if rows < 1000 || cells != rows*4 {
		t.Fatalf("independent count: %d rows, %d value cells", rows, cells)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadOrg(t, db)
		// One of the organizer's units carries a real code from the file.
		from, to := 7, 9
		u := org.Unit{Name: "Åkerboskolan", Code: "82520504", Active: true, Forms: []org.UnitForm{{Form: "grundskola", YearFrom: &from, YearTo: &to}}}
		if err := org.SaveUnit(ctx, db, &u); err != nil {
			t.Fatal(err)
		}
		imp := func() *unitpicture.Report {
			fh, err := os.Open(nationalCSV)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			d, err := skolverket.ParseCSV(fh, nationalCSV)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := unitpicture.Import(ctx, db, auth.System, d, unitpicture.SourceCSV, "slutbetyg.csv")
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		rep := imp()
		if rep.RowsRead != rows || rep.Inserted != cells || rep.Updated != 0 || rep.Unchanged != 0 {
			t.Errorf("first import: rows %d (want %d), inserted %d (want %d), updated %d, unchanged %d",
				rep.RowsRead, rows, rep.Inserted, cells, rep.Updated, rep.Unchanged)
		}
		if rep.UnitsMatched != 1 || len(rep.OtherUnits) != rows-1 || rep.UnitsSeen != rows {
			t.Errorf("units: matched %d, other %d, seen %d; want 1, %d, %d", rep.UnitsMatched, len(rep.OtherUnits), rep.UnitsSeen, rows-1, rows)
		}
		if rep.Missing[".."] != missing[".."] || rep.Missing["."] != missing["."] {
			t.Errorf("missing %v, file has %v", rep.Missing, missing)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values"); got != cells {
			t.Errorf("%d values stored, want %d", got, cells)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values WHERE value IS NULL"); got != missing[".."]+missing["."] {
			t.Errorf("%d values without a number, want %d", got, missing[".."]+missing["."])
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values WHERE value IS NULL AND status = ''"); got != 0 {
			t.Errorf("%d missing values without a status", got)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values WHERE value = 0 AND raw IN ('..', '.')"); got != 0 {
			t.Errorf("%d missing values stored as zero", got)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values WHERE unit_id = ?", u.ID); got != 4 {
			t.Errorf("the organizer's unit has %d values, want 4", got)
		}
		// Again: nothing changes, and the report says so.
		rep2 := imp()
		if !rep2.NothingChanged() || rep2.Unchanged != cells {
			t.Errorf("second import: inserted %d, updated %d, unchanged %d", rep2.Inserted, rep2.Updated, rep2.Unchanged)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values"); got != cells {
			t.Errorf("%d values after the second import, want %d", got, cells)
		}
		runs, err := unitpicture.Runs(ctx, db, auth.System, 10)
		if err != nil || len(runs) != 2 || runs[0].Report.Unchanged != cells || runs[1].Report.Inserted != cells {
			t.Errorf("%d runs, %v", len(runs), err)
		}
		entries, err := audit.List(ctx, db, audit.Filter{Action: audit.Import, Entity: "indicator_values"})
		entries = slices.DeleteFunc(entries, func(e audit.Entry) bool { return !strings.Contains(e.Summary, "slutbetyg.csv") })
		if err != nil || len(entries) != 2 {
			t.Errorf("audit: %d entries, %v", len(entries), err)
		}
	})
}

func TestImportMalformedNothing(t *testing.T) {
	b, err := os.ReadFile(nationalCSV)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loadOrg(t, db)
		// A wrong separator is refused by the parser: there is nothing to import.
		if _, err := skolverket.ParseCSV(bytes.NewReader(bytes.ReplaceAll(b, []byte(";"), []byte(","))), "bad.csv"); err == nil {
			t.Fatal("a comma-separated copy parsed")
		}
		// A failing import (a value that violates a constraint at the end)
		// leaves nothing behind: no values, no run, no audit entry.
		good := val("12345678", "merit_value_9", "2024/25", 200, 20)
		bad := val("12345679", "merit_value_9", "2024/25", 200, -3) // negative pupils: CHECK fails
		bad.Pupils = n(-3)
		if _, err := unitpicture.Import(context.Background(), db, auth.System, &skolverket.Data{Values: []skolverket.Value{good, bad}}, "test", "x"); err == nil {
			t.Fatal("import with a negative pupil count succeeded")
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values") + count(t, db, "SELECT COUNT(*) FROM import_runs"); got != 0 {
			t.Errorf("%d rows left behind", got)
		}
		// Only managers of indicators may import.
		board := principal(t, db, "ordforande@exempelby.example")
		if _, err := unitpicture.Import(context.Background(), db, board, &skolverket.Data{Values: []skolverket.Value{good}}, "test", "x"); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("board import: %v", err)
		}
	})
}

func TestImportReplayFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdata, "api-v4", "*.jsonl"))
	if err != nil || len(files) != 6 {
		t.Fatalf("want the six recorded API files, got %v (%v)", files, err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadOrg(t, db)
		total := 0
		for _, file := range files {
			read := func() *skolverket.Data {
				fh, err := os.Open(file)
				if err != nil {
					t.Fatal(err)
				}
				defer fh.Close()
				d, err := skolverket.ReadReplay(fh, file)
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			d := read()
			keys := map[string]bool{}
			for _, v := range d.Values {
				g := v.Group
				if g == "" {
					g = "all"
				}
				keys[v.Indicator+"|"+v.UnitCode+"|"+v.SchoolYear+"|"+g] = true
			}
			rep, err := unitpicture.Import(ctx, db, auth.System, d, unitpicture.SourceAPI, filepath.Base(file))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if rep.Inserted != len(keys) || len(keys) == 0 {
				t.Errorf("%s: inserted %d, want %d distinct values", file, rep.Inserted, len(keys))
			}
			total += len(keys)
			rep, err = unitpicture.Import(ctx, db, auth.System, read(), unitpicture.SourceAPI, filepath.Base(file))
			if err != nil || !rep.NothingChanged() {
				t.Errorf("%s again: %+v, %v", file, rep, err)
			}
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values"); got != total {
			t.Errorf("%d values stored, want %d", got, total)
		}
	})
}

// scenario loads constructed values over the demo's units: year-6 results
// for the eight F–6 schools and Hagaskolan, with one value based on 8 pupils
// (the number 77.7 must never appear in a view).
var f6 = []string{"92000201", "92000202", "92000203", "92000204", "92000205", "92000206", "92000207", "92000208"}

func scenario(t *testing.T, db *store.DB) {
	var vs []skolverket.Value
	for i, code := range f6 {
		for y, year := range []string{"2022/23", "2023/24", "2024/25"} {
			x := 60 + float64(i)*4 + float64(y)
			if code == "92000202" && year == "2024/25" {
				vs = append(vs, val(code, "pass_all_subjects_6", year, 77.7, 8))
				continue
			}
			vs = append(vs, val(code, "pass_all_subjects_6", year, x, 40+i))
		}
	}
	vs = append(vs, val(unitpicture.NationalCode, "pass_all_subjects_6", "2024/25", 71.5, 0))
	importValues(t, db, vs...)
}

func TestScopeAndSuppression(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadOrg(t, db)
		scenario(t, db)
		ekbacka, bjorkdal := unitID(t, db, "92000201"), unitID(t, db, "92000202")
		petra := principal(t, db, "rektor.ekbacka@exempelby.example")
		for _, email := range []string{"rektor.ekbacka@exempelby.example", "klagomal@exempelby.example", "ordforande@exempelby.example", "analys@exempelby.example"} {
			p := principal(t, db, email)
			var views []any
			iv, err := unitpicture.IndicatorView(ctx, db, p, "pass_all_subjects_6", "")
			if err != nil {
				t.Fatal(err)
			}
			views = append(views, iv)
			adj, err := unitpicture.Adjusted(ctx, db, p, unitpicture.AdjustedQuery{Outcome: "pass_all_subjects_6", Predictors: []string{"pass_all_subjects_6"}})
			if app.Code(err) != app.EINVALID { // the outcome cannot be its own predictor
				t.Errorf("adjusted on itself: %v %v", adj, err)
			}
			st, err := unitpicture.Steer(ctx, db, p)
			if err != nil {
				t.Fatal(err)
			}
			views = append(views, st)
			for _, u := range []int64{ekbacka, bjorkdal} {
				pr, err := unitpicture.UnitProfile(ctx, db, p, u, "")
				if p.Reach(auth.ReadUnitPicture) == auth.ReachUnits && u == bjorkdal {
					if app.Code(err) != app.ENOTFOUND {
						t.Errorf("principal got another unit's profile: %v", err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				views = append(views, pr)
			}
			js, err := json.Marshal(views)
			if err != nil {
				t.Fatalf("views do not marshal: %v", err)
			}
			if bytes.Contains(js, []byte("77.7")) {
				t.Errorf("%s: a value based on 8 pupils appears in a view", email)
			}
			if p.Reach(auth.ReadUnitPicture) == auth.ReachUnits {
				if len(iv.Units) != 1 || iv.Units[0].UnitID != ekbacka {
					t.Errorf("principal sees units %+v", iv.Units)
				}
				if bytes.Contains(js, []byte("Björkdalens")) {
					t.Errorf("principal's views name another unit")
				}
			} else if len(iv.Units) != len(f6) {
				t.Errorf("%s sees %d units, want %d", email, len(iv.Units), len(f6))
			}
			for _, u := range iv.Units {
				if u.UnitID == bjorkdal && (!u.Current.Suppressed || u.Current.Value != nil || u.Current.Pupils != nil || u.Current.Status != unitpicture.StatusSuppressed) {
					t.Errorf("%s: the small group is not suppressed: %+v", email, u.Current)
				}
			}
			// Aggregates are the organizer's, whatever the scope, without the suppressed value.
			if iv.Organizer.N != len(f6)-1 || iv.Suppressed != 1 {
				t.Errorf("%s: organizer spread over %d units, %d suppressed", email, iv.Organizer.N, iv.Suppressed)
			}
		}
		if _, err := unitpicture.IndicatorView(ctx, db, principal(t, db, "maltid@exempelby.example"), "pass_all_subjects_6", ""); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("specialist: %v", err)
		}
		_ = petra
	})
}

func TestIndicatorViewSpread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadOrg(t, db)
		scenario(t, db)
		iv, err := unitpicture.IndicatorView(ctx, db, principal(t, db, "klagomal@exempelby.example"), "pass_all_subjects_6", "2024/25")
		if err != nil {
			t.Fatal(err)
		}
		// Independent: the non-suppressed 2024/25 values, by stats.Quantile.
		var xs []float64
		for i, code := range f6 {
			if code != "92000202" {
				xs = append(xs, 60+float64(i)*4+2)
			}
		}
		for _, c := range []struct {
			name string
			got  float64
			q    float64
		}{{"min", iv.Organizer.Min, 0}, {"q1", iv.Organizer.Q1, 0.25}, {"median", iv.Organizer.Median, 0.5}, {"q3", iv.Organizer.Q3, 0.75}, {"max", iv.Organizer.Max, 1}} {
			want, _ := stats.Quantile(xs, c.q)
			if math.Abs(c.got-want) > 1e-9 {
				t.Errorf("%s = %v, want %v", c.name, c.got, want)
			}
		}
		sort.Float64s(xs)
		if iv.Organizer.Median != xs[3] { // 7 values: the 4th
			t.Errorf("median %v, want %v", iv.Organizer.Median, xs[3])
		}
		if iv.National == nil || iv.National.Value != 71.5 || iv.National.Basis != "riket" {
			t.Errorf("national %+v", iv.National)
		}
		if !slices.Equal(iv.Years, []string{"2022/23", "2023/24", "2024/25"}) || len(iv.OrganizerSeries) != 3 {
			t.Errorf("years %v, series %v", iv.Years, iv.OrganizerSeries)
		}
		for _, u := range iv.Units {
			if len(u.Series) != 3 {
				t.Errorf("%s: %d points", u.Name, len(u.Series))
			}
		}
		if _, err := unitpicture.IndicatorView(ctx, db, principal(t, db, "klagomal@exempelby.example"), "no_such", ""); app.Code(err) != app.ENOTFOUND {
			t.Errorf("unknown indicator: %v", err)
		}
	})
}

// background builds year-9 data for ten of the organizer's units over three
// years: merit value = 100 + 60·education − 30·boys − 80·immigrated + noise,
// with Centralskolan (93000301) far below expectation every year.
func background(t *testing.T, db *store.DB) []string {
	ctx := context.Background()
	codes := []string{"91000101", "91000102", "91000103", "91000104", "91000105", "91000106", "91000107",
		"92000201", "92000202", "92000203", "92000204", "92000205", "92000206", "92000207", "92000208", "93000301", "93000302", "93000303", "94000402"}
	var vs []skolverket.Value
	noise := []float64{3, -2, 1.5, -4, 2.5, -1, 0.5, -3, 0, 2, -1.5, 1, -0.5, 2, -2.5, 1.5, -1, 0.5, -2}
	for y, year := range []string{"2022/23", "2023/24", "2024/25"} {
		for i, code := range codes {
			edu := 1.8 + float64(i)*0.05
			boys := 45 + float64((i*7)%11)
			imm := 2 + float64((i*5)%9)
			merit := 100 + 60*edu - 30*boys/100 - 80*imm/100 + noise[i] + float64(y)*0.5
			if code == "93000301" {
				merit -= 40
			}
			vs = append(vs, val(code, "merit_value_9", year, merit, 60+i),
				val(code, "parents_education", year, edu, 0),
				val(code, "share_boys", year, boys, 0),
				val(code, "share_newly_immigrated", year, imm, 0),
				val(code, "pupils_per_teacher", year, 10+edu*2, 0),          // more pupils per teacher where education is higher: follows needs
				val(code, "certified_teachers", year, 50+edu*20, 0),         // more certified where education is higher: against
				val(code, "special_educators", year, 3-edu+noise[i]*0.4, 0)) // weak
		}
	}
	// A unit with 12 pupils is left out of the regression.
	vs = append(vs, val("94000401", "merit_value_9", "2024/25", 150, 12), val("94000401", "parents_education", "2024/25", 2, 0),
		val("94000401", "share_boys", "2024/25", 50, 0), val("94000401", "share_newly_immigrated", "2024/25", 5, 0))
	if _, err := unitpicture.Import(ctx, db, auth.System, &skolverket.Data{Values: vs}, "test", "background"); err != nil {
		t.Fatal(err)
	}
	return codes
}

func TestAdjusted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadOrg(t, db)
		codes := background(t, db)
		officer := principal(t, db, "klagomal@exempelby.example")
		res, err := unitpicture.Adjusted(ctx, db, officer, unitpicture.AdjustedQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Year != "2024/25" || res.N != len(codes) || res.ExcludedFewPupils != 1 || len(res.Rows) != len(codes) {
			t.Fatalf("year %s, n %d, excluded %d, rows %d", res.Year, res.N, res.ExcludedFewPupils, len(res.Rows))
		}
		for _, r := range res.Rows {
			exp := res.Coef[0].Value
			for i, x := range r.Predictors {
				exp += res.Coef[i+1].Value * x
			}
			if math.Abs(r.Expected-exp) > 1e-6 || math.Abs(r.Residual-(r.Actual-r.Expected)) > 1e-9 {
				t.Errorf("%s: expected %v (coefficients give %v), residual %v, actual %v", r.Name, r.Expected, exp, r.Residual, r.Actual)
			}
			if !(r.Lower < r.Expected && r.Expected < r.Upper) {
				t.Errorf("%s: interval %v..%v around %v", r.Name, r.Lower, r.Upper, r.Expected)
			}
			want := "within"
			if r.Actual > r.Upper {
				want = "above"
			} else if r.Actual < r.Lower {
				want = "below"
			}
			if r.Verdict != want {
				t.Errorf("%s: verdict %s, want %s", r.Name, r.Verdict, want)
			}
			if r.Code == "93000301" && (r.Verdict != "below" || r.YearsBelow != 3) {
				t.Errorf("Centralskolan: %s for %d years, want below for 3", r.Verdict, r.YearsBelow)
			}
		}
		// The published SALSA model: expected computed by hand from its coefficients.
		salsa, err := unitpicture.Adjusted(ctx, db, officer, unitpicture.AdjustedQuery{Model: unitpicture.ModelSALSA2016, Year: "2023/24"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Sources) != 1 || res.Sources[0] != "test" || res.ImportedAt.IsZero() {
			t.Errorf("sources %v at %v", res.Sources, res.ImportedAt)
		}
		if _, err := json.Marshal(salsa); err != nil || salsa.R2 != nil || res.R2 == nil {
			t.Errorf("SALSA result: %v, R² %v", err, salsa.R2)
		}
		for _, r := range salsa.Rows {
			exp := 93.567 + 69.846*r.Predictors[0] - 35.271*r.Predictors[1]/100 - 83.641*r.Predictors[2]/100
			if math.Abs(r.Expected-exp) > 1e-9 || math.Abs(r.Residual-(r.Actual-exp)) > 1e-9 {
				t.Errorf("SALSA %s: expected %v, want %v", r.Name, r.Expected, exp)
			}
		}
		// A principal gets the same fit, only their unit's row.
		petra := principal(t, db, "rektor.ekbacka@exempelby.example")
		mine, err := unitpicture.Adjusted(ctx, db, petra, unitpicture.AdjustedQuery{})
		if err != nil || len(mine.Rows) != 1 || mine.Rows[0].Code != "92000201" || mine.Coef[1] != res.Coef[1] {
			t.Errorf("principal: %+v, %v", mine, err)
		}
		// The board's steering page lists Centralskolan as below for 2+ years.
		st, err := unitpicture.Steer(ctx, db, principal(t, db, "ordforande@exempelby.example"))
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Below) != 1 || st.Below[0].Code != "93000301" {
			t.Errorf("below: %+v", st.Below)
		}
		// Compensatory: pupils per teacher follow needs, certified teachers do not.
		c, err := unitpicture.Compensatory(ctx, db, officer, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, ch := range c.Checks {
			got[ch.Indicator.Key] = ch.Verdict
			// Independent correlation from the constructed relation (exactly linear).
			if ch.Indicator.Key != "special_educators" && (ch.Correlation == nil || math.Abs(math.Abs(*ch.Correlation)-1) > 1e-9) {
				t.Errorf("%s: r = %v, want ±1", ch.Indicator.Key, ch.Correlation)
			}
		}
		if got["pupils_per_teacher"] != unitpicture.FollowsNeeds || got["certified_teachers"] != unitpicture.AgainstNeeds || c.Verdict != unitpicture.MixedVerdicts {
			t.Errorf("compensatory %v, overall %s", got, c.Verdict)
		}
		if len(c.Units) != len(codes)+1 { // and the small unit
			t.Errorf("%d units", len(c.Units))
		}
	})
}

func TestUnitProfileChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadOrg(t, db)
		a := "92000201"
		var vs []skolverket.Value
		// Other units for the organizer's median.
		for i, code := range []string{"92000202", "92000203", "92000204"} {
			vs = append(vs, val(code, "pass_all_subjects_6", "2024/25", 75+float64(i), 60),
				val(code, "national_test_ma_6", "2024/25", 13, 60))
		}
		vs = append(vs,
			val(a, "pass_all_subjects_6", "2020/21", 55, 120), val(a, "pass_all_subjects_6", "2024/25", 85, 120), // clearly better
			val(a, "national_test_ma_6", "2020/21", 14, 120), val(a, "national_test_ma_6", "2024/25", 14.2, 120), // no change
			val(a, "national_test_eng_6", "2020/21", 16, 120), val(a, "national_test_eng_6", "2024/25", 11, 120), // clearly worse
			val(a, "national_test_sve_6", "2020/21", 15, 11), val(a, "national_test_sve_6", "2024/25", 12, 6), // too few pupils
			val(a, "pupils_per_teacher", "2020/21", 14, 0), val(a, "pupils_per_teacher", "2024/25", 11, 0)) // not tested
		importValues(t, db, vs...)
		pr, err := unitpicture.UnitProfile(ctx, db, principal(t, db, "rektor.ekbacka@exempelby.example"), unitID(t, db, a), "2020/21")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]unitpicture.Move{
			"pass_all_subjects_6": unitpicture.Better, "national_test_ma_6": unitpicture.NoChange,
			"national_test_eng_6": unitpicture.Worse, "national_test_sve_6": unitpicture.TooLittleData,
			"pupils_per_teacher": unitpicture.NotTested,
		}
		for key, m := range want {
			r, ok := pr.Row(key)
			if !ok {
				t.Errorf("%s missing", key)
				continue
			}
			if r.Change.Move != m {
				t.Errorf("%s: %s, want %s (%+v)", key, r.Change.Move, m, r.Change.Test)
			}
		}
		if r, _ := pr.Row("national_test_sve_6"); r.Latest.Value != nil || !r.Latest.Suppressed {
			t.Errorf("6 pupils shown: %+v", r.Latest)
		}
		s, c := pr.Strengths(), pr.Challenges()
		if len(s) == 0 || s[0].Indicator.Key != "pass_all_subjects_6" || !slices.Contains(s[0].Reasons, unitpicture.ReasonImproved) ||
			!slices.Contains(s[0].Reasons, unitpicture.ReasonAboveMedian) {
			t.Errorf("strengths %+v", s)
		}
		if len(c) == 0 || c[0].Indicator.Key != "national_test_eng_6" || !slices.Contains(c[0].Reasons, unitpicture.ReasonWorsened) {
			t.Errorf("challenges %+v", c)
		}
		if pr.Rows[0].Indicator.Key != "pass_all_subjects_6" {
			t.Errorf("strengths are not first: %s", pr.Rows[0].Indicator.Key)
		}
		petra := principal(t, db, "rektor.ekbacka@exempelby.example")
		if c, err := unitpicture.IndicatorChange(ctx, db, petra, unitID(t, db, a), "national_test_eng_6", "2020/21"); err != nil || c.Move != unitpicture.Worse {
			t.Errorf("IndicatorChange: %+v, %v", c, err)
		}
		if _, err := unitpicture.IndicatorChange(ctx, db, petra, unitID(t, db, "92000202"), "national_test_eng_6", "2020/21"); app.Code(err) != app.ENOTFOUND {
			t.Errorf("IndicatorChange out of scope: %v", err)
		}
		if _, err := unitpicture.UnitProfile(ctx, db, principal(t, db, "klagomal@exempelby.example"), 999999, ""); app.Code(err) != app.ENOTFOUND {
			t.Errorf("missing unit: %v", err)
		}
	})
}

func TestImportTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadOrg(t, db)
		analyst := principal(t, db, "analys@exempelby.example")
		m := unitpicture.Mapping{Name: "Frånvaro", UnitColumn: "Skolenhetskod", YearColumn: "Läsår", PupilsColumn: "Elever",
			Values: []unitpicture.ValueColumn{
				{Column: "Frånvaro (%)", Indicator: "absence", New: &unitpicture.NewIndicator{NameSV: "Frånvaro", Unit: "percent", Direction: -1, Kind: "share"}},
				{Column: "Andel pojkar", Indicator: "share_boys"},
			}}
		good := "\uFEFFSkolenhetskod;Läsår;Elever;Frånvaro (%);Andel pojkar\n92000201;2024/25;210;7,5;51\n92000202;2024;180;..;49,5\n"
		bad := good + "9200020X;2024/25;10;3;50\n92000203;2024/25;99;lots;50\n"
		tb, err := unitpicture.ParseTable(strings.NewReader(bad), "own.csv", unitpicture.KindCSV)
		if err != nil {
			t.Fatal(err)
		}
		if len(tb.Columns) != 5 || len(tb.Preview(10)) != 4 {
			t.Fatalf("columns %v, rows %d", tb.Columns, len(tb.Rows))
		}
		rep, err := unitpicture.ImportTable(ctx, db, analyst, tb, m)
		if app.Code(err) != app.EINVALID || rep == nil || len(rep.Problems) != 2 || rep.Problems[0].Line != 4 || rep.Problems[1].Line != 5 {
			t.Fatalf("bad rows: %+v, %v", rep, err)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM indicator_values") + count(t, db, "SELECT COUNT(*) FROM indicators WHERE builtin = ?", false); got != 0 {
			t.Errorf("%d rows written from a file with errors", got)
		}
		tb, err = unitpicture.ParseTable(strings.NewReader(good), "own.csv", unitpicture.KindCSV)
		if err != nil {
			t.Fatal(err)
		}
		rep, err = unitpicture.ImportTable(ctx, db, analyst, tb, m)
		if err != nil || rep.Inserted != 4 || rep.Missing[".."] != 1 {
			t.Fatalf("import: %+v, %v", rep, err)
		}
		var absent *float64
		if err := db.QueryRow(ctx, `SELECT v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
			WHERE i.key = 'absence' AND v.unit_code = '92000202' AND v.school_year = '2024/25'`).Scan(&absent); err != nil || absent != nil {
			t.Errorf("'..' stored as %v, %v", absent, err)
		}
		ind, err := unitpicture.IndicatorByKey(ctx, db, "absence")
		if err != nil || ind.BuiltIn || ind.Direction != skolverket.LowerIsBetter || ind.Source != "own:Frånvaro" {
			t.Errorf("own indicator %+v, %v", ind, err)
		}
		if rep, err = unitpicture.ImportTable(ctx, db, analyst, tb, m); err != nil || !rep.NothingChanged() {
			t.Errorf("again: %+v, %v", rep, err)
		}
		// Saved mappings are reusable.
		if _, err := unitpicture.SaveMapping(ctx, db, analyst, m); err != nil {
			t.Fatal(err)
		}
		m.PupilsColumn = ""
		if _, err := unitpicture.SaveMapping(ctx, db, analyst, m); err != nil {
			t.Fatal(err)
		}
		saved, err := unitpicture.Mappings(ctx, db, analyst)
		if err != nil || len(saved) != 1 || saved[0].Mapping.PupilsColumn != "" || len(saved[0].Mapping.Values) != 2 {
			t.Errorf("mappings %+v, %v", saved, err)
		}
		// A mapping naming a column the file lacks is a field error.
		m.UnitColumn = "Kod"
		var ae *app.Error
		if _, err := unitpicture.ImportTable(ctx, db, analyst, tb, m); !errors.As(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].Field != "unit_column" {
			t.Errorf("missing column: %v", err)
		}
		// Malformed files name the line.
		if _, err := unitpicture.ParseTable(strings.NewReader("a;b\n1;2;3\n"), "x.csv", unitpicture.KindCSV); err == nil || !strings.Contains(err.Error(), "x.csv, line 2") {
			t.Errorf("extra cell: %v", err)
		}
		if _, err := unitpicture.ParseTable(strings.NewReader("not a workbook"), "x.xlsx", unitpicture.KindXLSX); err == nil {
			t.Error("junk read as XLSX")
		}
	})
}

// Every file and row problem of the own-data import has a message in both
// catalogs; in English it is the text Error and the command line give, in
// Swedish another, so pages show the user's language.
func TestTableErrorMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	sv, en := cat.For("sv"), cat.For("en")
	check := func(id string, args map[string]any, msg string) {
		t.Helper()
		if !cat.Has("sv", id) || !cat.Has("en", id) {
			t.Errorf("%s is missing from a catalog", id)
		}
		if got := en.T(id, args); got != msg {
			t.Errorf("%s in English: %q, want %q", id, got, msg)
		}
		if got := sv.T(id, args); got == msg || strings.Contains(got, "<no value>") {
			t.Errorf("%s in Swedish: %q", id, got)
		}
	}
	seen := map[string]bool{}
	for _, c := range []struct{ in, kind string }{
		{"", unitpicture.KindCSV}, {"a;;b\n1;2;3\n", unitpicture.KindCSV}, {"a;B;b\n", unitpicture.KindCSV},
		{"a;b\n1;2;3\n", unitpicture.KindCSV}, {"a;b\n\xff;2\n", unitpicture.KindCSV}, {"not a workbook", unitpicture.KindXLSX},
		{"a;b\n", "ods"}, {strings.Repeat("x", unitpicture.MaxTableBytes+1), unitpicture.KindCSV},
		{"a;b\n" + strings.Repeat("1;2\n", unitpicture.MaxTableRows+1), unitpicture.KindCSV},
		{strings.Repeat("k;", unitpicture.MaxTableColumns) + "k\n", unitpicture.KindCSV},
		{"a;b;c;d;e;f;g;h;i;j;k\n" + strings.Repeat("1;2;3;4;5;6;7;8;9;10;11\n", unitpicture.MaxTableCells/11+1), unitpicture.KindCSV},
		{"a\n1" + strings.Repeat(";", unitpicture.MaxCSVFields) + "\n", unitpicture.KindCSV},
		{string(xlsxParts(t, map[string]int{"xl/worksheets/sheet1.xml": unitpicture.MaxXLSXUnpacked + 1})), unitpicture.KindXLSX},
		{string(xlsxParts(t, map[string]int{"xl/styles.xml": unitpicture.MaxXLSXPart + 1})), unitpicture.KindXLSX},
		{string(xlsxParts(t, map[string]int{"": unitpicture.MaxXLSXParts + 1})), unitpicture.KindXLSX},
		{string(xlsxWith(t, "<row>"+strings.Repeat("<c/>", unitpicture.MaxXLSXCells+1)+"</row>")), unitpicture.KindXLSX},
	} {
		_, err := unitpicture.ParseTable(strings.NewReader(c.in), "x.csv", c.kind)
		te, ok := errors.AsType[*unitpicture.TableError](err)
		if !ok || te.ID == "" {
			t.Errorf("%.20q: %v has no message ID", c.in, err)
			continue
		}
		seen[te.ID] = true
		check(te.ID, te.Args, te.Msg)
	}
	if len(seen) != 15 {
		t.Errorf("%d different messages, want 15: %v", len(seen), seen)
	}
	// The IDs table.go names, also those no file above reaches; each row
	// problem's English format matches its catalog text.
	src, err := os.ReadFile("table.go")
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`"(unitpicture\.table\.[a-z_0-9]+)"`).FindAllStringSubmatch(string(src), -1)
	rows := regexp.MustCompile(`bad\(line, [^,]+, "((?:[^"\\]|\\.)*)", "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(ids) < 10 || len(rows) != 5 {
		t.Fatalf("found %d IDs and %d row problems in table.go", len(ids), len(rows))
	}
	for _, m := range ids {
		if !cat.Has("sv", m[1]) || !cat.Has("en", m[1]) {
			t.Errorf("%s is missing from a catalog", m[1])
		}
	}
	for _, m := range rows {
		format, err := strconv.Unquote(`"` + m[1] + `"`)
		if err != nil {
			t.Fatal(err)
		}
		check("unitpicture.table."+m[2], map[string]any{"Value": strconv.Quote("x y")}, fmt.Sprintf(format, "x y"))
	}
}
