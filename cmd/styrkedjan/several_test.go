package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/mail/mailtest"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// TestThreeServersOnePostgres runs three serve processes on one
// PostgreSQL database behind no balancer but the test itself, which
// spreads the work over them (issue 13):
//
//   - Complaints go to all three at once, and one process is killed with
//     SIGKILL in the middle of the burst. Every complaint acknowledged with
//     201 gets its receipt over real SMTP exactly once.
//   - An officer signs in on one process; the session cookie works on the
//     others (sessions live in the database). Placement runs are started
//     on all three, one of them large and on the process that is killed,
//     mid-run. Every other run is done once, with its results stored once;
//     the killed process's run is failed by the surviving processes when
//     its lease runs out (never taken over, never run twice), and can then
//     be rerun.
//   - An API client's own limit (10 a minute) holds across the processes.
//   - /metrics answers on the process started with --metrics, to the
//     allowed address only.
func TestThreeServersOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dbURL := storetest.PostgresURL(t)
	ctx := context.Background()
	if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
		t.Fatal(stderr)
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	rounds := copyRounds(t, db, 4) // rounds[0] is the large one
	code, token, stderr := runCmd(t, "", "client", "add", "--db", dbURL, "--name", "Mina sidor", "--scope", "complaints:submit", "--per-minute", "10")
	if code != 0 {
		t.Fatal(stderr)
	}
	token = strings.TrimSpace(token[strings.LastIndex(token, "sdc_"):])
	token = strings.Fields(token)[0]

	smtp := mailtest.Start(t)
	common := []string{"serve", "--db", dbURL, "--addr", "127.0.0.1:0", "--intake-rate", "0",
		"--smtp-host", smtp.Host, "--smtp-port", strconv.Itoa(smtp.Port), "--smtp-tls", "none", "--run-lease", "3s"}
	_, a := startChild(t, append(common, "--metrics")...)
	_, b := startChild(t, common...)
	victim, c := startChild(t, common...)
	bases := []string{a, b, c}
	began := time.Now()
	phase := func(what string) { t.Logf("%6.1fs %s", time.Since(began).Seconds(), what) }

	// Sessions: sign in on A, act on B and C with the same cookie.
	jar, _ := cookiejar.New(nil)
	officer := &http.Client{Jar: jar, Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(base, path string) *http.Response {
		t.Helper()
		u, _ := url.Parse(base)
		// The cookie was set by A; a balancer shows the processes under one name.
		for _, ck := range jar.Cookies(mustURL(a)) {
			jar.SetCookies(u, []*http.Cookie{ck})
		}
		res, err := officer.PostForm(base+path, url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res, err := officer.PostForm(a+"/login", url.Values{"email": {"klagomal@exempelby.example"}, "password": {demo.Password}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on A: %v %v", res, err)
	}
	res.Body.Close()

	// The large run on C, the process to be killed; the others on A and B.
	if r := post(c, fmt.Sprintf("/placement/rounds/%d/run", rounds[0])); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("start the large run on C: %d (the session did not carry over?)", r.StatusCode)
	}
	for i, id := range rounds[1:] {
		if r := post(bases[i%2], fmt.Sprintf("/placement/rounds/%d/run", id)); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("start run of round %d: %d", id, r.StatusCode)
		}
	}
	// A second run of a round while one runs is refused, on any process.
	if r := post(b, fmt.Sprintf("/placement/rounds/%d/run", rounds[0])); r.StatusCode != http.StatusConflict {
		t.Errorf("a second run of the running round on B: %d, want 409", r.StatusCode)
	}

	// The burst: workers send complaints to all three until C is killed
	// and then some more to the survivors.
	type receipt struct{ Reference, Email string }
	var (
		mu      sync.Mutex
		acked   []receipt
		refused []string
		wg      sync.WaitGroup
		killed  = make(chan struct{})
	)
	httpc := &http.Client{Timeout: 30 * time.Second}
	for w := range 6 {
		wg.Go(func() {
			for i := 0; i < 40; i++ {
				base := bases[(w+i)%3]
				select {
				case <-killed:
					base = bases[(w+i)%2]
				default:
				}
				email := fmt.Sprintf("filer%d.%d@epost.example", w, i)
				body := fmt.Sprintf(`{"filerRole":"guardian","unit":"unknown","kind":"complaint","category":"teaching",
					"whatHappened":"Tre servrar, arbetare %d, nummer %d.","email":%q}`, w, i, email)
				res, err := httpc.Post(base+"/api/v1/complaints", "application/json", strings.NewReader(body))
				if err != nil {
					continue // the killed process: not acknowledged
				}
				var r receipt
				if res.StatusCode == http.StatusCreated {
					err = json.NewDecoder(res.Body).Decode(&r)
				} else {
					b, _ := io.ReadAll(res.Body)
					mu.Lock()
					refused = append(refused, fmt.Sprintf("%d %s", res.StatusCode, b))
					mu.Unlock()
				}
				res.Body.Close()
				if err == nil && r.Reference != "" {
					r.Email = email
					mu.Lock()
					acked = append(acked, r)
					mu.Unlock()
				}
			}
		})
	}
	// Kill C mid-burst, while its large run is under way.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var stage string
		var n int
		if err := db.QueryRow(ctx, "SELECT stage FROM placement_runs WHERE round_id = ? AND status = 'running'", rounds[0]).Scan(&stage); err != nil {
			t.Fatalf("the large run is not running: %v", err)
		}
		mu.Lock()
		n = len(acked)
		mu.Unlock()
		if stage != "queued" && n >= 30 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the large run did not get going (stage %q, %d acknowledged)", stage, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := victim.Process.Kill(); err != nil { // SIGKILL: no shutdown
		t.Fatal(err)
	}
	_ = victim.Wait()
	close(killed)
	wg.Wait()
	if len(refused) > 0 {
		t.Fatalf("%d submissions refused, first: %s", len(refused), refused[0])
	}
	phase(fmt.Sprintf("%d complaints acknowledged by three processes, one killed mid-burst", len(acked)))

	// Every acknowledged complaint's receipt arrives exactly once. A mail
	// the killed process had claimed waits for its lease (two minutes).
	want := map[string]string{}
	for _, r := range acked {
		want[r.Email] = r.Reference
	}
	got := map[string]int{}
	deadline = time.Now().Add(4 * time.Minute)
	for {
		clear(got)
		for _, m := range smtp.Messages() {
			for _, to := range m.To {
				if _, ok := want[to]; ok {
					got[to]++
				}
			}
		}
		if len(got) == len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // let a duplicate, if any, arrive
	for _, m := range smtp.Messages() {
		for _, to := range m.To {
			if ref, ok := want[to]; ok && !strings.Contains(m.Subject+m.Body, ref) {
				t.Errorf("the mail to %s does not name %s: %q", to, ref, m.Subject)
			}
		}
	}
	clear(got)
	for _, m := range smtp.Messages() {
		for _, to := range m.To {
			if _, ok := want[to]; ok {
				got[to]++
			}
		}
	}
	phase(fmt.Sprintf("%d receipts delivered", len(got)))
	for email, ref := range want {
		if got[email] != 1 {
			t.Errorf("receipt of %s to %s arrived %d times, want once", ref, email, got[email])
		}
	}

	// The killed process's run is failed once its lease runs out; the
	// other runs are done once, each pupil's result stored once.
	deadline = time.Now().Add(time.Minute)
	for {
		var status, msg string
		if err := db.QueryRow(ctx, "SELECT status, error FROM placement_runs WHERE round_id = ? ORDER BY id DESC", rounds[0]).Scan(&status, &msg); err != nil {
			t.Fatal(err)
		}
		if status == round.StatusFailed {
			if msg != round.ErrInterrupted {
				t.Errorf("the killed run failed with %q", msg)
			}
			break
		}
		if status != round.StatusRunning || time.Now().After(deadline) {
			t.Fatalf("the killed process's run is %s, want failed after its lease", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	phase("the killed process's run failed")
	for _, id := range rounds[1:] {
		waitRunDone(t, db, id, 1)
	}
	phase("the other runs done once")
	// The failed round can be rerun, on a survivor.
	if r := post(b, fmt.Sprintf("/placement/rounds/%d/run", rounds[0])); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("rerun the failed round on B: %d", r.StatusCode)
	}
	waitRunDone(t, db, rounds[0], 1)
	phase("the failed round rerun on B")

	// An API client's own limit holds across the surviving processes.
	passed := 0
	for i := range 14 {
		req, _ := http.NewRequest(http.MethodPost, bases[i%2]+"/api/v1/complaints", strings.NewReader(
			`{"filerRole":"guardian","unit":"unknown","kind":"complaint","category":"teaching","whatHappened":"Via plattformen."}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := httpc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusCreated {
			passed++
		} else if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("client submission: %d", res.StatusCode)
		}
	}
	if passed != 10 {
		t.Errorf("%d of 14 client submissions over two processes passed a limit of 10 a minute", passed)
	}

	// Metrics: on A (enabled, from 127.0.0.1), not on B (not enabled).
	code, body := get(t, a+"/metrics")
	for _, want := range []string{
		`styrkedjan_http_requests_total{method="POST",route="POST /api/v1/complaints",status="201"}`,
		"styrkedjan_http_request_duration_seconds_bucket{route=\"POST /api/v1/complaints\"",
		"styrkedjan_mail_queue_waiting ",
		`styrkedjan_job_runs_total{job="case-sweep",outcome=`,
		"go_sql_open_connections",
	} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("/metrics on A: %d, no %s", code, want)
		}
	}
	if code, _ := get(t, b+"/metrics"); code != http.StatusForbidden {
		t.Errorf("/metrics on B, which has it off: %d, want 403", code)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// waitRunDone waits until the round's latest run is done and checks that
// it ran once: results for every applicant, none twice, and want done
// main runs in the round beyond the demo's.
func waitRunDone(t *testing.T, db *store.DB, roundID int64, want int) {
	t.Helper()
	ctx := auth.WithPrincipal(context.Background(), auth.System)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		runs, err := round.Runs(ctx, db, roundID)
		if err != nil {
			t.Fatal(err)
		}
		if runs[0].Status == round.StatusDone {
			break
		}
		if runs[0].Status != round.StatusRunning || time.Now().After(deadline) {
			t.Fatalf("round %d: the run is %s (%s)", roundID, runs[0].Status, runs[0].Error)
		}
		time.Sleep(100 * time.Millisecond)
	}
	runs, _ := round.Runs(ctx, db, roundID)
	r, err := round.Get(ctx, db, roundID)
	if err != nil {
		t.Fatal(err)
	}
	applicants := strings.Count(strings.TrimSpace(r.ApplicantsCSV), "\n")
	var results, distinct, done int
	if err := db.QueryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT applicant_id) FROM placement_results WHERE run_id = ?", runs[0].ID).Scan(&results, &distinct); err != nil {
		t.Fatal(err)
	}
	for _, run := range runs {
		if run.Status == round.StatusDone {
			done++
		}
	}
	if results != applicants || distinct != applicants || done != want {
		t.Errorf("round %d: %d results for %d pupils (%d distinct), %d done runs; want each pupil once and %d done run", roundID, results, applicants, distinct, done, want)
	}
}

// copyRounds creates n copies of the demo's placement round without runs;
// the first has 20 times the applicants, so that its run takes a while.
func copyRounds(t *testing.T, db *store.DB, n int) []int64 {
	t.Helper()
	ctx := auth.WithPrincipal(context.Background(), auth.System)
	var demoID int64
	if err := db.QueryRow(ctx, "SELECT id FROM placement_rounds WHERE name = ?", demo.PlacementRoundName).Scan(&demoID); err != nil {
		t.Fatal(err)
	}
	src, err := round.Get(ctx, db, demoID)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(src.ApplicantsCSV), "\n")
	var ids []int64
	for i := range n {
		apps := src.ApplicantsCSV
		if i == 0 {
			var sb strings.Builder
			sb.WriteString(lines[0] + "\n")
			for k := range 20 {
				for _, l := range lines[1:] {
					id, rest, _ := strings.Cut(l, ",")
					fmt.Fprintf(&sb, "%s-%d,%s\n", id, k, rest)
				}
			}
			apps = sb.String()
		}
		id, err := round.Create(ctx, db, round.Draft{Name: fmt.Sprintf("Kopia %d", i+1), Years: "0", RulesTOML: src.RulesTOML,
			NetworkID: strconv.FormatInt(src.NetworkID, 10), SchoolsSource: src.SchoolsSource, SchoolsCSV: src.SchoolsCSV, ApplicantsCSV: apps})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}
