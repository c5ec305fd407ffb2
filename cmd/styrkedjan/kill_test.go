package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// TestMain lets the test binary act as the styrkedjan command, so a test
// can run the real program in a child process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("STYRKEDJAN_TEST_AS_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// startChild runs the program in a child process (this test binary, see
// TestMain) and returns it with the base URL it serves; the child is killed
// when the test ends.
func startChild(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STYRKEDJAN_TEST_AS_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`running at (http://\S+)`)
	for lines.Scan() {
		if m := re.FindStringSubmatch(lines.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stdout) }() // keep the pipe drained
			return cmd, m[1]
		}
	}
	t.Fatal("the child did not start")
	return nil, ""
}

// TestKilledServerKeepsWhatItAcknowledged runs the server in a child
// process, makes changes through HTTP, kills the process with SIGKILL the
// moment the answers arrive, and checks the changes are in the database.
func TestKilledServerKeepsWhatItAcknowledged(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "kill.db")
	dbURL := "sqlite:" + dbPath
	if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCmd(t, "ett långt lösenord\n", "user", "add", "--db", dbURL, "--email", "admin@example.se",
		"--name", "Admin", "--role", "admin", "--password-stdin"); code != 0 {
		t.Fatal(stderr)
	}

	cmd, base := startChild(t, "serve", "--db", dbURL, "--addr", "127.0.0.1:0")

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	post := func(path string, form url.Values) int {
		res, err := c.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := post("/login", url.Values{"email": {"admin@example.se"}, "password": {"ett långt lösenord"}}); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	const areas = 20
	for i := range areas {
		if code := post("/admin/areas", url.Values{"name": {"Område " + strings.Repeat("x", i+1)}}); code != http.StatusSeeOther {
			t.Fatalf("create area %d: %d", i, code)
		}
	}
	if code := post("/password/forgot", url.Values{"email": {"admin@example.se"}}); code != http.StatusOK {
		t.Fatalf("forgot: %d", code)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	_ = cmd.Wait()

	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, mails int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM areas").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM outbox WHERE to_addr = 'admin@example.se'").Scan(&mails); err != nil {
		t.Fatal(err)
	}
	if n != areas || mails != 1 {
		t.Fatalf("after SIGKILL: %d areas (want %d), %d queued mails (want 1)", n, areas, mails)
	}
}

// TestKillDuringSubmissionBurst kills the server with SIGKILL in the
// middle of a burst of concurrent submissions to the intake API, and
// checks that every case acknowledged with 201 survives: it is in the
// database and its follow-up link works after a restart. The registration
// numbers, which continue a series already under way, have no gaps.
func TestKillDuringSubmissionBurst(t *testing.T) {
	const workers, killAfter = 8, 150
	ctx := context.Background()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			// A demo organizer and some generated cases.
			var dbURL string
			if dialect == "sqlite" {
				dir := t.TempDir()
				dbURL = "sqlite:" + filepath.Join(dir, "styrkedjan.db")
				if !t.Run("demo --cases", func(t *testing.T) {
					boot(t, "demo", "--data", dir, "--cases", "300", "--addr", "127.0.0.1:0") // stopped at the end of the subtest
				}) {
					t.FailNow()
				}
			} else {
				dbURL = storetest.PostgresURL(t)
				if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
					t.Fatal(stderr)
				}
				db, err := store.Open(ctx, dbURL)
				if err != nil {
					t.Fatal(err)
				}
				err = demo.Load(ctx, db)
				if err == nil {
					_, err = demo.EnsureCases(ctx, db, 300, 1)
				}
				db.Close()
				if err != nil {
					t.Fatal(err)
				}
			}

			cmd, base := startChild(t, "serve", "--db", dbURL, "--addr", "127.0.0.1:0", "--intake-rate", "0")

			// The burst: each worker submits until the server is gone.
			type receipt struct{ Reference, FollowUpURL string }
			var (
				mu       sync.Mutex
				acked    []receipt
				cut      int // requests that got no answer
				unwanted []string
				stop     = make(chan struct{}) // closed at killAfter acknowledgements or on a refusal
				stopOnce sync.Once
			)
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := 0; ; i++ {
						body := fmt.Sprintf(`{"filerRole":"guardian","unit":"unknown","kind":"complaint","category":"teaching",
							"whatHappened":"Inlämning %d från arbetare %d.","email":"filer%d.%d@epost.example"}`, i, w, w, i)
						res, err := client.Post(base+"/api/v1/complaints", "application/json", strings.NewReader(body))
						var r receipt
						if err == nil {
							if res.StatusCode == http.StatusCreated {
								err = json.NewDecoder(res.Body).Decode(&r)
							} else {
								b, _ := io.ReadAll(res.Body)
								mu.Lock()
								unwanted = append(unwanted, fmt.Sprintf("%d %s", res.StatusCode, b))
								mu.Unlock()
								stopOnce.Do(func() { close(stop) })
							}
							res.Body.Close()
						}
						mu.Lock()
						if err != nil {
							cut++ // killed before the whole answer arrived: not acknowledged
							mu.Unlock()
							return
						}
						if r.Reference != "" {
							acked = append(acked, r)
							if len(acked) == killAfter {
								stopOnce.Do(func() { close(stop) })
							}
						}
						mu.Unlock()
					}
				})
			}
			select {
			case <-stop:
			case <-time.After(2 * time.Minute):
				t.Error("the burst did not reach", killAfter, "acknowledged submissions")
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
				t.Fatal(err)
			}
			_ = cmd.Wait()
			wg.Wait()
			client.CloseIdleConnections()
			if len(unwanted) > 0 {
				t.Fatalf("%d submissions not accepted, first: %s", len(unwanted), unwanted[0])
			}
			t.Logf("%d acknowledged, %d cut off by the kill", len(acked), cut)

			// Every acknowledged case is in the database, with its event and link.
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if dialect == "sqlite" {
				var check string
				if err := db.QueryRow(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
					t.Fatalf("integrity check: %q, %v", check, err)
				}
			}
			for _, r := range acked {
				var n int
				err := db.QueryRow(ctx, `SELECT COUNT(*) FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id
					JOIN complaint_links l ON l.complaint_id = c.id WHERE c.reference = ? AND e.kind = 'registered'`, r.Reference).Scan(&n)
				if err != nil || n != 1 {
					t.Errorf("acknowledged case %s after SIGKILL: %d rows, %v", r.Reference, n, err)
				}
			}

			// The registration numbers run from 1 without a gap, per year.
			rows, err := db.Query(ctx, "SELECT reference FROM complaints")
			if err != nil {
				t.Fatal(err)
			}
			numbers := map[int][]int{}
			for rows.Next() {
				var ref string
				var year, number int
				if err := rows.Scan(&ref); err != nil {
					t.Fatal(err)
				}
				if _, err := fmt.Sscanf(ref, "BUN %d/%d", &year, &number); err != nil {
					t.Fatalf("reference %q: %v", ref, err)
				}
				numbers[year] = append(numbers[year], number)
			}
			rows.Close()
			total := 0
			for year, got := range numbers {
				slices.Sort(got)
				var last int
				if err := db.QueryRow(ctx, "SELECT last_number FROM registration_series WHERE prefix = 'BUN' AND year = ?", year).Scan(&last); err != nil {
					t.Fatal(err)
				}
				for i, n := range got {
					if n != i+1 {
						t.Fatalf("series %d: number %d where %d was due (%d cases, last number %d)", year, n, i+1, len(got), last)
					}
				}
				if len(got) != last {
					t.Errorf("series %d: %d cases but last number %d", year, len(got), last)
				}
				total += len(got)
			}
			if total < 300+len(acked) {
				t.Errorf("%d cases, want at least %d", total, 300+len(acked))
			}

			// After a restart the filers' follow-up links show their cases.
			restarted, _ := boot(t, "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
			for _, r := range acked {
				_, token, _ := strings.Cut(r.FollowUpURL, "/f/")
				if code, body := get(t, restarted+"/f/"+token); code != http.StatusOK || !strings.Contains(body, r.Reference) {
					t.Errorf("follow-up page of %s after restart: %d", r.Reference, code)
				}
			}
		})
	}
}
