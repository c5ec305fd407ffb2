package round_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// fixture is a generated city stored as a network, with fictional
// schools and applicants as CSV text.
type fixture struct {
	city       *walknet.City
	schools    []batch.School
	apps       []batch.Applicant
	schoolsCSV string
	appsCSV    string
	networkID  int64
}

func system() context.Context { return auth.WithPrincipal(context.Background(), auth.System) }

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	return newFixtureWith(t, db, batch.GenOptions{
		City:       walknet.CityOptions{Seed: 3, Rows: 12, Cols: 12, Bridges: 2, Schools: 6},
		Applicants: 160, Years: []int{0}, Choices: 3, Seed: 5,
	})
}

func newFixtureWith(t *testing.T, db *store.DB, o batch.GenOptions) *fixture {
	t.Helper()
	city, schools, apps := batch.GenerateInputs(o)
	// Tight capacities, so that priorities decide.
	for i := range schools {
		schools[i].Capacity[0] = 18 + i%3*4
	}
	var osm bytes.Buffer
	zw := gzip.NewWriter(&osm)
	if err := city.WriteOSM(zw); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	f := &fixture{city: city, schools: schools, apps: apps}
	var sb, ab bytes.Buffer
	if err := batch.WriteSchools(&sb, schools); err != nil {
		t.Fatal(err)
	}
	if err := batch.WriteApplicants(&ab, apps); err != nil {
		t.Fatal(err)
	}
	f.schoolsCSV, f.appsCSV = sb.String(), ab.String()
	var err error
	if f.networkID, err = round.SaveNetwork(system(), db, "city.osm.gz", osm.Bytes()); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) draft() round.Draft {
	return round.Draft{Name: "Förskoleklass HT 2027", Years: "0", RulesTOML: round.DefaultRulesTOML(),
		NetworkID: strconv.FormatInt(f.networkID, 10), SchoolsSource: round.SourceFile, SchoolsCSV: f.schoolsCSV, ApplicantsCSV: f.appsCSV}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// runMain creates the round and runs it to the end in the background.
func runMain(t *testing.T, db *store.DB, svc *round.Service, f *fixture) (int64, int64) {
	t.Helper()
	ctx := system()
	id, err := round.Create(ctx, db, f.draft())
	if err != nil {
		t.Fatal(err)
	}
	runID, err := svc.Start(ctx, id, round.KindMain, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc.Wait()
	run, err := round.GetRun(ctx, db, id, runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != round.StatusDone {
		t.Fatalf("run status %q, error %q", run.Status, run.Error)
	}
	return id, runID
}

func TestCreateRunAndStoreResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc, err := round.NewService(context.Background(), db, nil)
		if err != nil {
			t.Fatal(err)
		}
		id, runID := runMain(t, db, svc, f)
		ctx := system()
		r, err := round.Get(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.ResultRunID == nil || *r.ResultRunID != runID {
			t.Fatalf("result run = %v, want %d", r.ResultRunID, runID)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_results WHERE run_id = ?", runID); n != len(f.apps) {
			t.Fatalf("%d results, want %d", n, len(f.apps))
		}
		run, _ := round.GetRun(ctx, db, id, runID)
		if run.Summary == nil || run.Summary.Total.Applicants != len(f.apps) || len(run.Cutoffs) != len(f.schools) {
			t.Fatalf("summary %+v, %d cut-offs", run.Summary, len(run.Cutoffs))
		}
		// The stored result equals the engine's on the same inputs.
		direct, err := batch.Run(context.Background(), batch.Input{Graph: f.city.Graph, Schools: f.schools, Applicants: f.apps, Rules: mustRules(t)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := round.Decisions(ctx, db, id, runID)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range direct.Result.Placements {
			d := ds[i]
			if d.ApplicantID != p.ApplicantID || d.SchoolID != p.SchoolID || d.ChoiceRank != p.ChoiceRank || d.Explanation.Text.SV == "" {
				t.Fatalf("stored %+v, engine %+v", d, p)
			}
			// An uploaded network is map data: the explanation credits it.
			if !strings.Contains(d.Explanation.Text.SV, "OpenStreetMap") {
				t.Fatalf("%s: the explanation does not credit OpenStreetMap:\n%s", d.ApplicantID, d.Explanation.Text.SV)
			}
		}
		// Capacities hold per school.
		for _, c := range run.Cutoffs {
			if c.Admitted+c.Fallbacks > c.Capacity {
				t.Errorf("%s: %d admitted + %d fallbacks > %d places", c.SchoolID, c.Admitted, c.Fallbacks, c.Capacity)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'placement_results' AND action = 'read'"); n == 0 {
			t.Error("reading the decisions was not audited")
		}
		// A second run while... none runs now: a rerun works, is compared
		// with the standing result and replaces it only once accepted.
		first := *r.ResultRunID
		run2, err := svc.Start(ctx, id, round.KindMain, nil)
		if err != nil {
			t.Fatal(err)
		}
		svc.Wait()
		r, _ = round.Get(ctx, db, id)
		if *r.ResultRunID != first {
			t.Errorf("rerun %d replaced the result %d before it was accepted", run2, first)
		}
		if rr, _ := round.GetRun(ctx, db, id, run2); rr.BaseRunID == nil || *rr.BaseRunID != first {
			t.Errorf("rerun's comparison %v, want %d", rr.BaseRunID, first)
		}
		if err := round.Accept(ctx, db, id, run2); err != nil {
			t.Fatal(err)
		}
		r, _ = round.Get(ctx, db, id)
		if *r.ResultRunID != run2 {
			t.Errorf("rerun %d is not the result (%d) after accepting", run2, *r.ResultRunID)
		}
		if err := round.Accept(ctx, db, id, run2); app.Code(err) != app.ECONFLICT {
			t.Errorf("accepting the result again: %v", err)
		}
	})
}

func mustRules(t *testing.T) placement.Rules {
	t.Helper()
	r, err := batch.ReadRules(strings.NewReader(round.DefaultRulesTOML()), "rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestInputErrorsNameFileAndLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		d := f.draft()
		lines := strings.Split(d.ApplicantsCSV, "\n")
		lines[2] = strings.Replace(lines[2], "S001", "S999", 1)
		if !strings.Contains(lines[2], "S999") {
			lines[2] = strings.Replace(lines[2], ",0,", ",0,", 1)
			parts := strings.Split(lines[2], ",")
			parts[4] = "S999"
			lines[2] = strings.Join(parts, ",")
		}
		d.ApplicantsCSV = strings.Join(lines, "\n")
		d.RulesTOML = "criteria = [\"relative_proximity\", \"nearness\"]\n"
		d.Years = "0, x"
		_, err := round.Create(system(), db, d)
		var ae *app.Error
		if !errors.As(err, &ae) || ae.Code != app.EINVALID {
			t.Fatalf("err = %v", err)
		}
		got := map[string]string{}
		for _, fe := range ae.Fields {
			got[fe.Field] += fmtData(fe.Data)
		}
		if !strings.Contains(got["applicants"], "applicants.csv:3") || !strings.Contains(got["applicants"], "S999") {
			t.Errorf("applicants errors = %q", got["applicants"])
		}
		if !strings.Contains(got["rules"], "rules.toml:1") || !strings.Contains(got["rules"], "nearness") {
			t.Errorf("rules errors = %q", got["rules"])
		}
		if _, ok := got["years"]; !ok {
			t.Error("no error on years")
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_rounds"); n != 0 {
			t.Errorf("%d rounds stored after a failed create", n)
		}
	})
}

func fmtData(m map[string]any) string {
	if m == nil {
		return ""
	}
	s, _ := m["Msg"].(string)
	if f, ok := m["File"].(string); ok { // placement.input.at keeps the position apart
		line, _ := m["Line"].(int)
		s = f + ":" + strconv.Itoa(line) + ": " + s
	}
	return s + "\n"
}

func TestInterruptedRunIsFailedAtStartAndCanBeRerun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := system()
		id, err := round.Create(ctx, db, f.draft())
		if err != nil {
			t.Fatal(err)
		}
		// A process started a run and died: the row says running.
		if _, err := db.Exec(context.Background(), `INSERT INTO placement_runs (round_id, kind, status, stage, instance, started_at)
			VALUES (?, 'main', 'running', 'distances', 'dead-process', ?)`, id, store.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := round.Offline(nil).RunNow(ctx, db, id, round.KindMain, nil); app.Code(err) != app.ECONFLICT {
			t.Fatalf("a second run beside a running one: %v", err)
		}
		svc, err := round.NewService(context.Background(), db, nil) // the restart
		if err != nil {
			t.Fatal(err)
		}
		runs, err := round.Runs(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || runs[0].Status != round.StatusFailed || runs[0].Error != round.ErrInterrupted {
			t.Fatalf("after restart: %+v", runs[0])
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_results"); n != 0 {
			t.Fatalf("%d results from an interrupted run", n)
		}
		runMainOn(t, db, svc, id)
	})
}

func runMainOn(t *testing.T, db *store.DB, svc *round.Service, id int64) int64 {
	t.Helper()
	runID, err := svc.Start(system(), id, round.KindMain, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc.Wait()
	run, _ := round.GetRun(system(), db, id, runID)
	if run.Status != round.StatusDone {
		t.Fatalf("rerun: %q %q", run.Status, run.Error)
	}
	return runID
}

func TestFailedRunKeepsNoResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := system()
		d := f.draft()
		// A home far outside the network (beyond its area, so no long
		// private drive either): the run fails at snapping.
		d.ApplicantsCSV = strings.TrimRight(d.ApplicantsCSV, "\n") + "\nFAR,0,10.0,10.0," + f.schools[0].ID + ",\n"
		id, err := round.Create(ctx, db, d)
		if err != nil {
			t.Fatal(err)
		}
		_, err = round.Offline(nil).RunNow(ctx, db, id, round.KindMain, nil)
		if err == nil || !strings.Contains(err.Error(), "applicants.csv:") {
			t.Fatalf("err = %v", err)
		}
		runs, _ := round.Runs(ctx, db, id)
		if runs[0].Status != round.StatusFailed || !strings.Contains(runs[0].Error, "outside the area") {
			t.Fatalf("run: %+v", runs[0])
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_results"); n != 0 {
			t.Fatalf("%d results from a failed run", n)
		}
	})
}

func TestPublishLinksAndRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc, _ := round.NewService(context.Background(), db, nil)
		id, _ := runMain(t, db, svc, f)
		ctx := system()
		links, err := round.Publish(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(links) != len(f.apps) {
			t.Fatalf("%d links, want %d", len(links), len(f.apps))
		}
		if len(links[0].Token) != 32 { // 24 bytes, base64url
			t.Errorf("token %q", links[0].Token)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_links WHERE token_hash = ?", links[0].Token); n != 0 {
			t.Error("the token itself is stored")
		}
		anon := context.Background()
		v, err := round.ByToken(anon, db, links[0].Token)
		if err != nil {
			t.Fatal(err)
		}
		if v.Decision.ApplicantID != links[0].ApplicantID || v.Decision.Explanation.Text.SVEasy == "" {
			t.Fatalf("view = %+v", v.Decision)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'placement_decision' AND summary = 'read via link'"); n != 1 {
			t.Errorf("%d audited link reads, want 1", n)
		}
		// Frozen: no more runs.
		if _, err := svc.Start(ctx, id, round.KindMain, nil); app.Code(err) != app.ECONFLICT {
			t.Errorf("run after publishing: %v", err)
		}
		if _, err := round.Revoke(ctx, db, id, links[0].ApplicantID); err != nil {
			t.Fatal(err)
		}
		if _, err := round.ByToken(anon, db, links[0].Token); app.Code(err) != app.ENOTFOUND {
			t.Errorf("revoked token: %v", err)
		}
		if _, err := round.ByToken(anon, db, links[1].Token); err != nil {
			t.Errorf("another applicant's token after revoking one: %v", err)
		}
		if _, err := round.ByToken(anon, db, "nonsense"); app.Code(err) != app.ENOTFOUND {
			t.Errorf("unknown token: %v", err)
		}
		// Reissuing revokes the old links.
		again, err := round.Publish(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := round.ByToken(anon, db, links[1].Token); app.Code(err) != app.ENOTFOUND {
			t.Errorf("old token after reissue: %v", err)
		}
		if _, err := round.ByToken(anon, db, again[1].Token); err != nil {
			t.Errorf("new token: %v", err)
		}
	})
}

func TestWhatIfDiffEqualsDirectComparison(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc, _ := round.NewService(context.Background(), db, nil)
		id, mainRun := runMain(t, db, svc, f)
		ctx := system()
		// Shrink the most demanded school.
		r, _ := round.Get(ctx, db, id)
		run, _ := round.GetRun(ctx, db, id, mainRun)
		top := slices.MaxFunc(run.Cutoffs, func(a, b batch.Cutoff) int { return a.FirstChoice - b.FirstChoice })
		caps := round.Capacities{top.SchoolID: {0: top.Capacity / 2}}
		whatIf, err := svc.Start(ctx, id, round.KindWhatIf, caps)
		if err != nil {
			t.Fatal(err)
		}
		svc.Wait()
		if wr, _ := round.GetRun(ctx, db, id, whatIf); wr.BaseRunID == nil || *wr.BaseRunID != mainRun {
			t.Fatalf("what-if base = %v, want %d", wr.BaseRunID, mainRun)
		}
		got, err := round.Diff(ctx, db, id, mainRun, whatIf)
		if err != nil {
			t.Fatal(err)
		}
		schools, apps, rules, err := r.Inputs()
		if err != nil {
			t.Fatal(err)
		}
		before, err := batch.Run(context.Background(), batch.Input{Graph: f.city.Graph, Schools: schools, Applicants: apps, Rules: rules}, nil)
		if err != nil {
			t.Fatal(err)
		}
		after, err := batch.Run(context.Background(), batch.Input{Graph: f.city.Graph, Schools: caps.Apply(schools), Applicants: apps, Rules: rules}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := batch.Diff(before, after)
		if len(want) == 0 {
			t.Fatal("halving the most wanted school changed nothing; the test proves nothing")
		}
		if len(got) != len(want) {
			t.Fatalf("%d changes, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("change %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		// The what-if is not the result until accepted.
		r, _ = round.Get(ctx, db, id)
		if *r.ResultRunID != mainRun {
			t.Fatal("the what-if replaced the result before it was accepted")
		}
		if err := round.Accept(ctx, db, id, whatIf); err != nil {
			t.Fatal(err)
		}
		r, _ = round.Get(ctx, db, id)
		if *r.ResultRunID != whatIf {
			t.Fatal("accepting did not make the what-if the result")
		}
		if err := round.Discard(ctx, db, id, whatIf); app.Code(err) != app.ECONFLICT {
			t.Errorf("discarding the standing result: %v", err)
		}
	})
}

func TestOnlyPlacementOfficersReadDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc, _ := round.NewService(context.Background(), db, nil)
		id, runID := runMain(t, db, svc, f)
		for _, role := range []auth.Role{auth.RolePrincipal, auth.RoleBoard, auth.RoleAnalyst, auth.RoleAdmin} {
			ctx := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 1, Role: role})
			if _, err := round.Decisions(ctx, db, id, runID); app.Code(err) != app.ENOTFOUND {
				t.Errorf("%s reads decisions: %v", role, err)
			}
			if _, err := round.Publish(ctx, db, id); app.Code(err) != app.ENOTFOUND {
				t.Errorf("%s publishes: %v", role, err)
			}
		}
	})
}

func TestDemandMapNeverShowsSmallCells(t *testing.T) {
	city, schools, apps := batch.GenerateInputs(batch.GenOptions{City: walknet.CityOptions{Seed: 9, Rows: 20, Cols: 20, Schools: 5}, Applicants: 137, Years: []int{0}, Seed: 2})
	_ = city
	for _, cell := range []float64{100, 250, 400, 1000} {
		m := round.Demand(apps, schools, cell, 5)
		total := m.Hidden
		for _, c := range m.Cells {
			if c.Count < 5 {
				t.Errorf("cell %v m: a cell shows %d < 5", cell, c.Count)
			}
			total += c.Count
		}
		if total != len(apps) {
			t.Errorf("cell %v m: %d shown + hidden, want %d", cell, total, len(apps))
		}
		for i, a := range m.Cells {
			for _, b := range m.Cells[:i] {
				if a.MinLat < b.MaxLat-1e-12 && b.MinLat < a.MaxLat-1e-12 && a.MinLon < b.MaxLon-1e-12 && b.MinLon < a.MaxLon-1e-12 {
					t.Fatalf("cell %v m: cells %+v and %+v overlap", cell, a, b)
				}
			}
		}
		// Every home lies in exactly the cell that counts it.
		for _, c := range m.Cells {
			n := 0
			for _, a := range apps {
				if a.Lat >= c.MinLat-1e-12 && a.Lat < c.MaxLat-1e-12 && a.Lon >= c.MinLon-1e-12 && a.Lon < c.MaxLon-1e-12 {
					n++
				}
			}
			if n != c.Count {
				t.Errorf("cell %v m: %+v holds %d homes", cell, c, n)
			}
		}
	}
}

func TestDemoRoundIsRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		rs, err := round.List(ctx, db)
		if err != nil || len(rs) != 1 || rs[0].Name != demo.PlacementRoundName || rs[0].ResultRunID == nil {
			t.Fatalf("demo rounds: %v %v", rs, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_results WHERE run_id = ?", *rs[0].ResultRunID); n != demo.PlacementApplicants {
			t.Fatalf("%d results, want %d", n, demo.PlacementApplicants)
		}
		schools, err := rs[0].Schools()
		if err != nil || len(schools) != 8 {
			t.Fatalf("demo schools from units: %d, %v", len(schools), err)
		}
		// The demo network is made up: explanations say so and do not
		// credit OpenStreetMap for streets it never mapped.
		ds, err := round.Decisions(system(), db, rs[0].ID, *rs[0].ResultRunID)
		if err != nil || len(ds) == 0 {
			t.Fatalf("demo decisions: %d, %v", len(ds), err)
		}
		for _, d := range ds {
			if !d.Explanation.Generated || strings.Contains(d.Explanation.Text.SV+d.Explanation.Text.EN, "OpenStreetMap") ||
				!strings.Contains(d.Explanation.Text.SV, "påhittat exempelnät") {
				t.Fatalf("%s: demo explanation:\n%s", d.ApplicantID, d.Explanation.Text.SV)
			}
		}
	})
}

// BenchmarkDemoPlacement measures what the demo's placement round adds to
// `styrkedjan demo`: generating and storing the network, the round and its
// run, in one transaction (SQLite, on top of a loaded demo).
func BenchmarkDemoPlacement(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := demo.Load(ctx, db); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := store.InTx(system(), db, func(tx *store.Tx) error { return demo.LoadPlacement(system(), tx) }); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCancelledRunIsFailedWithoutResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id, err := round.Create(system(), db, f.draft())
		if err != nil {
			t.Fatal(err)
		}
		var runID int64
		if err := db.QueryRow(context.Background(), `INSERT INTO placement_runs (round_id, kind, status, instance, started_at)
			VALUES (?, 'main', 'running', 'offline', ?) RETURNING id`, id, store.Now()).Scan(&runID); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(system())
		cancel() // the server shuts down as the run begins
		if err := round.Offline(nil).Execute(ctx, db, runID); err == nil {
			t.Fatal("a cancelled run succeeded")
		}
		runs, err := round.Runs(system(), db, id)
		if err != nil || len(runs) != 1 || runs[0].Status != round.StatusFailed {
			t.Fatalf("runs: %+v, %v", runs, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_results"); n != 0 {
			t.Fatalf("%d results from a cancelled run", n)
		}
		r, _ := round.Get(system(), db, id)
		if r.ResultRunID != nil {
			t.Fatal("a cancelled run became the result")
		}
	})
}

// TestRecheckOfAPublishedRound: issue 20. A round published with an
// earlier engine (emulated: the stored result says engine 1, and two
// pupils' stored placements differ from what the current engine decides,
// as rounding noise could have made them) gets a recheck: the same inputs
// and the published result's what-if capacities, run with the current
// engine. It lists exactly the pupils whose placement would change, for
// an officer to review, and changes nothing published.
func TestRecheckOfAPublishedRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc, _ := round.NewService(context.Background(), db, nil)
		id, mainRun := runMain(t, db, svc, f)
		ctx := system()
		if run, _ := round.GetRun(ctx, db, id, mainRun); run.Engine != placement.Engine || run.Outdated() {
			t.Fatalf("new run made by engine %d", run.Engine)
		}
		// The published result is a what-if with a changed capacity.
		run, _ := round.GetRun(ctx, db, id, mainRun)
		top := slices.MaxFunc(run.Cutoffs, func(a, b batch.Cutoff) int { return a.FirstChoice - b.FirstChoice })
		caps := round.Capacities{top.SchoolID: {0: top.Capacity - 1}}
		whatIf, err := svc.Start(ctx, id, round.KindWhatIf, caps)
		if err != nil {
			t.Fatal(err)
		}
		svc.Wait()
		if err := round.Accept(ctx, db, id, whatIf); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Start(ctx, id, round.KindRecheck, nil); err != nil {
			t.Fatal(err) // allowed before publishing too
		}
		svc.Wait()
		links, err := round.Publish(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		// Before the recheck of the published result: the one above is of
		// the same result and found no change.
		rc, err := round.LatestRecheck(ctx, db, id)
		if err != nil || rc == nil || rc.Run.Status != round.StatusDone || len(rc.Changes) != 0 {
			t.Fatalf("recheck of an unchanged result: %+v, %v", rc, err)
		}
		// Emulate a result of engine 1: two pupils at other schools.
		ds, err := round.Decisions(ctx, db, id, whatIf)
		if err != nil {
			t.Fatal(err)
		}
		var moved []string
		for _, d := range ds {
			if d.SchoolID != "" && !d.Fallback && d.ChoiceRank == 1 && len(moved) < 2 {
				moved = append(moved, d.ApplicantID)
				if _, err := db.Exec(context.Background(), "UPDATE placement_results SET school_id = ?, choice_rank = 0, fallback = ? WHERE run_id = ? AND applicant_id = ?",
					"OLD", true, whatIf, d.ApplicantID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := db.Exec(context.Background(), "UPDATE placement_runs SET engine = 1 WHERE id = ?", whatIf); err != nil {
			t.Fatal(err)
		}
		if res, _ := round.GetRun(ctx, db, id, whatIf); !res.Outdated() {
			t.Fatal("a run of engine 1 is not outdated")
		}
		// Published: no main run and no what-if, but a recheck.
		if _, err := svc.Start(ctx, id, round.KindMain, nil); app.Code(err) != app.ECONFLICT {
			t.Errorf("run after publishing: %v", err)
		}
		if _, err := svc.Start(ctx, id, round.KindWhatIf, caps); app.Code(err) != app.ECONFLICT {
			t.Errorf("what-if after publishing: %v", err)
		}
		recheck, err := svc.Start(ctx, id, round.KindRecheck, nil)
		if err != nil {
			t.Fatal(err)
		}
		svc.Wait()
		rr, err := round.GetRun(ctx, db, id, recheck)
		if err != nil || rr.Status != round.StatusDone || rr.Kind != round.KindRecheck || rr.Engine != placement.Engine ||
			rr.BaseRunID == nil || *rr.BaseRunID != whatIf || len(rr.Capacities.Changes()) != 1 || rr.Capacities.Changes()[0].Places != top.Capacity-1 {
			t.Fatalf("recheck run %+v, %v", rr, err)
		}
		rc, err = round.LatestRecheck(ctx, db, id)
		if err != nil || rc == nil || rc.Run.ID != recheck {
			t.Fatalf("latest recheck %+v, %v", rc, err)
		}
		var got []string
		for _, c := range rc.Changes {
			got = append(got, c.ApplicantID)
			if c.FromSchool != "OLD" || c.ToRank != 1 {
				t.Errorf("change %+v", c)
			}
		}
		if !slices.Equal(got, moved) {
			t.Errorf("recheck lists %v, want %v", got, moved)
		}
		// Nothing published changed: the result, its rows, the links.
		r, _ := round.Get(ctx, db, id)
		if !r.Published() || *r.ResultRunID != whatIf {
			t.Fatalf("round after the recheck: %+v", r)
		}
		if err := round.Accept(ctx, db, id, recheck); app.Code(err) != app.ECONFLICT {
			t.Errorf("accepting a recheck: %v", err)
		}
		for _, ln := range links {
			if !slices.Contains(moved, ln.ApplicantID) {
				continue
			}
			v, err := round.ByToken(context.Background(), db, ln.Token)
			if err != nil || v.Decision.SchoolID != "OLD" {
				t.Errorf("%s's published decision after the recheck: %+v, %v", ln.ApplicantID, v, err)
			}
		}
	})
}

// An .osm.gz that unpacks to more than an .osm may be is refused at upload
// with a message of its own (issue 12: 2.8 MB of gzip held 0.98 GB of
// XML), before anything is stored.
func TestSaveNetworkRefusesGzipBomb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write([]byte(`<osm version="0.6"><node id="1" lat="59" lon="18"/>`))
		blank := bytes.Repeat([]byte{' '}, 1<<20)
		for range round.MaxNetworkXML>>20 + 1 {
			zw.Write(blank)
		}
		zw.Write([]byte(`</osm>`))
		zw.Close()
		_, err := round.SaveNetwork(system(), db, "bomb.osm.gz", gz.Bytes())
		var ae *app.Error
		if !errors.As(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].MsgID != "placementweb.err.inflated" || ae.Fields[0].Data["MB"] != int64(128) {
			t.Fatalf("%d KB of gzip, 129 MB of XML: %v", gz.Len()>>10, err)
		}
		// An .osm.pbf block that says it unpacks to 2,000,000,000 bytes
		// panicked in the PBF decoder's goroutine, which ended the server.
		field := func(b []byte, n int, p []byte) []byte {
			b = binary.AppendUvarint(b, uint64(n<<3|2))
			return append(binary.AppendUvarint(b, uint64(len(p))), p...)
		}
		block := func(typ string, blob []byte) []byte {
			hdr := binary.AppendUvarint(append(field(nil, 1, []byte(typ)), 3<<3), uint64(len(blob)))
			return append(append(binary.BigEndian.AppendUint32(nil, uint32(len(hdr))), hdr...), blob...)
		}
		var z bytes.Buffer
		zl := zlib.NewWriter(&z)
		zl.Write([]byte("x"))
		zl.Close()
		pbf := block("OSMHeader", field(nil, 1, field(nil, 4, []byte("OsmSchema-V0.6"))))
		pbf = append(pbf, block("OSMData", field(binary.AppendUvarint([]byte{2 << 3}, 2_000_000_000), 3, z.Bytes()))...)
		_, err = round.SaveNetwork(system(), db, "bomb.osm.pbf", pbf)
		if !errors.As(err, &ae) || len(ae.Fields) != 1 || !strings.Contains(fmtData(ae.Fields[0].Data), "PBF block 2") {
			t.Errorf("a PBF block of 2 GB: %v", err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_networks"); n != 0 {
			t.Errorf("%d networks stored", n)
		}
	})
}

// Several processes (issue 13): a process starting up, or the watchdog,
// fails only runs whose lease ran out, never a run another live process
// is executing and renewing; and the database allows one running run per
// round even when two processes start one at the same moment.
func TestLeasedRunsOfLiveProcessesStay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := system()
		live, err := round.Create(ctx, db, f.draft())
		if err != nil {
			t.Fatal(err)
		}
		dead, err := round.Create(ctx, db, f.draft())
		if err != nil {
			t.Fatal(err)
		}
		insert := func(roundID int64, lease time.Time) int64 {
			var id int64
			if err := db.QueryRow(context.Background(), `INSERT INTO placement_runs (round_id, kind, status, stage, instance, started_at, lease_until)
				VALUES (?, 'main', 'running', 'distances', 'other-process', ?, ?) RETURNING id`, roundID, store.Now(), lease).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		liveRun := insert(live, store.Now().Add(time.Minute))
		deadRun := insert(dead, store.Now().Add(-time.Second))
		if _, err := round.NewService(context.Background(), db, nil); err != nil { // another process starts
			t.Fatal(err)
		}
		if r, _ := round.GetRun(ctx, db, live, liveRun); r.Status != round.StatusRunning {
			t.Errorf("a live process's leased run became %s when another process started", r.Status)
		}
		if r, _ := round.GetRun(ctx, db, dead, deadRun); r.Status != round.StatusFailed || r.Error != round.ErrInterrupted {
			t.Errorf("a run whose lease ran out is %s (%q), want failed", r.Status, r.Error)
		}
		// The database itself refuses a second running run of a round.
		if _, err := db.Exec(context.Background(), `INSERT INTO placement_runs (round_id, kind, status, instance, started_at)
			VALUES (?, 'main', 'running', 'third-process', ?)`, live, store.Now()); !errors.Is(err, store.ErrAlreadyExists) {
			t.Errorf("a second running run of one round: %v, want refused", err)
		}
	})
}
