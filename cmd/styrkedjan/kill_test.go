package main

import (
	"bufio"
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// TestMain lets the test binary act as the styrkedjan command, so a test
// can run the real program in a child process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("STYRKEDJAN_TEST_AS_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
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

	cmd := exec.Command(os.Args[0], "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "STYRKEDJAN_TEST_AS_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := ""
	lines := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`running at (http://\S+)`)
	for base == "" && lines.Scan() {
		if m := re.FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatal("the child did not start")
	}

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
