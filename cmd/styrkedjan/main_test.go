package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

// runCmd runs a command to completion.
func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	code = run(context.Background(), args, noEnv, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// boot starts a long-running command on port 0 and returns its base URL;
// the command is stopped (as by SIGTERM) when the test ends, and must then
// exit 0.
func boot(t *testing.T, args ...string) (baseURL string, stdout *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &syncBuffer{}
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, noEnv, strings.NewReader(""), stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("exit code after shutdown = %d\n%s", code, stderr)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not shut down")
		}
	})
	re := regexp.MustCompile(`running at (http://\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stdout
		}
		select {
		case code := <-done:
			t.Fatalf("exited with %d before serving:\n%s\n%s", code, stdout, stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("server did not start:\n%s\n%s", stdout, stderr)
	return "", nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestDemoStartsAndReusesItsData(t *testing.T) {
	dir := t.TempDir()
	url, out := boot(t, "demo", "--addr", "127.0.0.1:0", "--data", dir)
	if code, body := get(t, url+"/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	for _, want := range []string{"Exempelby kommun", "admin@exempelby.example", "ordforande@exempelby.example", "exempelby2026"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out.String(), "Loading the demo organizer") {
		t.Error("first run did not load the demo")
	}
	// A plain demo shows a year of life: trends, meetings and the board
	// report are not empty, for the officer and for the board.
	for _, c := range []struct{ email, path, want string }{
		{"klagomal@exempelby.example", "/complaints/trends", "Måltider"},
		{"klagomal@exempelby.example", "/meetings", "Rektorsmöte vecka"},
		{"klagomal@exempelby.example", "/complaints/report", "slumpen kan förklara"},
		{"ordforande@exempelby.example", "/complaints/report", "slumpen kan förklara"},
		{"rektor.ekbacka@exempelby.example", "/meetings", "Rektorsmöte vecka"},
	} {
		if body := signedInGet(t, url, c.email, c.path); !strings.Contains(body, c.want) {
			t.Errorf("%s %s lacks %q", c.email, c.path, c.want)
		}
	}
	// A second run reuses the data rather than loading it again.
	url2, out2 := boot(t, "demo", "--addr", "127.0.0.1:0", "--data", dir)
	if strings.Contains(out2.String(), "Loading the demo organizer") {
		t.Error("second run loaded the demo again")
	}
	if code, _ := get(t, url2+"/healthz"); code != 200 {
		t.Fatalf("second run healthz: %d", code)
	}
	code, stdout, stderr := runCmd(t, "", "user", "list", "--db", "sqlite:"+filepath.Join(dir, "styrkedjan.db"))
	if code != 0 || strings.Count(stdout, "@exempelby.example") != 25 {
		t.Fatalf("user list after two runs: %d\n%s%s", code, stdout, stderr)
	}
}

// signedInGet signs in with the demo password and returns the page at path.
func signedInGet(t *testing.T, base, email, path string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, err = c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Errorf("%s as %s: %d", path, email, res.StatusCode)
	}
	return string(b)
}

func TestServeMigrateAndUserCommands(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		// serve refuses an unmigrated database, clearly.
		code, _, stderr := runCmd(t, "", "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
		if code != 1 || !strings.Contains(stderr, "styrkedjan migrate") {
			t.Fatalf("serve on empty db: %d %s", code, stderr)
		}
		code, stdout, stderr := runCmd(t, "", "migrate", "--db", dbURL)
		if code != 0 || !strings.Contains(stdout, "Applied migrations") {
			t.Fatalf("migrate: %d %s %s", code, stdout, stderr)
		}
		if code, stdout, _ = runCmd(t, "", "migrate", "--db", dbURL); code != 0 || !strings.Contains(stdout, "up to date") {
			t.Fatalf("second migrate: %d %s", code, stdout)
		}
		code, stdout, stderr = runCmd(t, "ett långt lösenord\n", "user", "add", "--db", dbURL, "--email", "Ada@Example.se",
			"--name", "Ada Admin", "--role", "admin", "--password-stdin")
		if code != 0 {
			t.Fatalf("user add: %d %s %s", code, stdout, stderr)
		}
		code, _, stderr = runCmd(t, "", "user", "add", "--db", dbURL, "--email", "not-an-email", "--name", "", "--role", "admin")
		if code != 2 || !strings.Contains(stderr, "--email") || !strings.Contains(stderr, "--name: Fill in this field.") {
			t.Fatalf("invalid user add: %d %s", code, stderr)
		}
		code, _, stderr = runCmd(t, "kort\n", "user", "set-password", "--db", dbURL, "--email", "ada@example.se")
		if code != 2 || !strings.Contains(stderr, "at least 10 characters") {
			t.Fatalf("short password: %d %s", code, stderr)
		}
		code, token, stderr := runCmd(t, "", "user", "token", "--db", dbURL, "--email", "ada@example.se")
		if code != 0 || !strings.HasPrefix(token, "sdk_") {
			t.Fatalf("user token: %d %s %s", code, token, stderr)
		}

		url, _ := boot(t, "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
		req, _ := http.NewRequest("GET", url+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), `"role":"admin"`) {
			t.Fatalf("GET /api/v1/me with the CLI token: %d %s", res.StatusCode, body)
		}
	})
}

func TestBadInputExitsWithTwo(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"serve"},
		{"serve", "--db", "mysql://x"},
		{"serve", "--db", "sqlite:x.db", "--addr", "nonsense"},
		{"serve", "--db", "sqlite:x.db", "--min-group", "zero"},
		{"serve", "--db", "sqlite:x.db", "--trusted-proxies", "not-an-address"},
		{"demo", "--no-such-flag"},
		{"migrate"},
		{"user", "add", "--db", "sqlite:" + filepath.Join(t.TempDir(), "x.db"), "--role", "emperor"},
	} {
		code, _, stderr := runCmd(t, "", args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr)
		}
		if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
			t.Errorf("%v: stack trace in output", args)
		}
	}
}

func TestUnreachableDatabaseIsAClearFailure(t *testing.T) {
	code, _, stderr := runCmd(t, "", "serve", "--db", "postgres://app:hemligt@127.0.0.1:1/x?connect_timeout=2", "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "cannot reach the database") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "hemligt") {
		t.Error("the password is printed")
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	var out, errOut syncBuffer
	getenv := func(k string) string {
		return map[string]string{"STYRKEDJAN_DB": "postgres://app:hemligt@db.example/styrkedjan", "STYRKEDJAN_SMTP_PASSWORD": "smtp-hemligt"}[k]
	}
	code := run(context.Background(), []string{"config", "--smtp-host", "mail.example"}, getenv, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("config: %d %s", code, errOut.String())
	}
	s := out.String()
	if strings.Contains(s, "hemligt") || !strings.Contains(s, "smtp-password     *****") || !strings.Contains(s, "db.example") || !strings.Contains(s, "mail.example") {
		t.Fatalf("config output:\n%s", s)
	}
}

func TestVersion(t *testing.T) {
	if code, stdout, _ := runCmd(t, "", "version"); code != 0 || !strings.HasPrefix(stdout, "styrkedjan ") {
		t.Fatalf("version: %d %q", code, stdout)
	}
}

func TestImportCommand(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
			t.Fatal(stderr)
		}
		bad := filepath.Join("..", "..", "internal", "org", "testdata", "import", "units_errors.csv")
		code, stdout, stderr := runCmd(t, "", "import", "units", "--db", dbURL, bad)
		if code != 1 || !strings.Contains(stdout, "line ") || !strings.Contains(stderr, "nothing imported") {
			t.Fatalf("import with errors: %d\n%s%s", code, stdout, stderr)
		}
		good := filepath.Join("..", "..", "internal", "org", "testdata", "import", "units_sv.csv")
		code, stdout, stderr = runCmd(t, "", "import", "units", "--db", dbURL, "--dry-run", good)
		if code != 0 || !strings.Contains(stdout, "0 rejected") {
			t.Fatalf("dry run: %d\n%s%s", code, stdout, stderr)
		}
		code, stdout, stderr = runCmd(t, "", "import", "units", "--db", dbURL, good)
		if code != 0 || !strings.Contains(stdout, "Imported:") {
			t.Fatalf("import: %d\n%s%s", code, stdout, stderr)
		}
		if code, _, _ := runCmd(t, "", "import", "pupils", "--db", dbURL, good); code != 2 {
			t.Errorf("unknown kind: exit %d, want 2", code)
		}
	})
}
