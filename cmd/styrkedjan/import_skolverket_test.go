package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// The real files: H4a's testdata copies (public statistics from Skolverket,
// https://www.skolverket.se).
var skolverketData = filepath.Join("..", "..", "internal", "unitpicture", "skolverket", "testdata")

func countValues(t *testing.T, dbURL string) int {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM indicator_values").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportSkolverketCSVCommand(t *testing.T) {
	file := filepath.Join(skolverketData, "slutbetyg-ak9-2024-25-skolenhet.csv")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
			t.Fatal(stderr)
		}
		// A dry run reports and writes nothing.
		code, stdout, stderr := runCmd(t, "", "import", "skolverket-csv", "--db", dbURL, "--dry-run", file)
		if code != 0 || !strings.Contains(stdout, "Dry run") || !strings.Contains(stdout, "Rows read: 1714") {
			t.Fatalf("dry run: %d\n%s%s", code, stdout, stderr)
		}
		if n := countValues(t, dbURL); n != 0 {
			t.Fatalf("dry run wrote %d values", n)
		}
		code, stdout, stderr = runCmd(t, "", "import", "skolverket-csv", "--db", dbURL, file)
		if code != 0 || !strings.Contains(stdout, "Imported: 6856 values added") || !strings.Contains(stdout, "Values missing, by reason: .: 116, ..: 478") {
			t.Fatalf("import: %d\n%s%s", code, stdout, stderr)
		}
		code, stdout, _ = runCmd(t, "", "import", "skolverket-csv", "--db", dbURL, file)
		if code != 0 || !strings.Contains(stdout, "Nothing changed: all 6856 values") {
			t.Errorf("again: %d\n%s", code, stdout)
		}
		// Malformed copies: exit 1, a message naming the file, nothing imported.
		dir := t.TempDir()
		fresh := storetest.SQLiteURL(t)
		if code, _, stderr := runCmd(t, "", "migrate", "--db", fresh); code != 0 {
			t.Fatal(stderr)
		}
		lines := bytes.Split(b, []byte("\n"))
		for name, content := range map[string][]byte{
			"commas.csv":    bytes.ReplaceAll(b, []byte(";"), []byte(",")),
			"truncated.csv": bytes.Join(append(cloneLines(lines[:20]), []byte("Oasens skola;48000763;Aneby")), []byte("\n")),
			"junk.csv":      bytes.Replace(b, []byte(";10;..;..;..\n"), []byte(";10;..;abc;..\n"), 1),
		} {
			bad := filepath.Join(dir, name)
			if err := os.WriteFile(bad, content, 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCmd(t, "", "import", "skolverket-csv", "--db", fresh, bad)
			if code != 1 || !strings.Contains(stderr, "nothing imported") || !strings.Contains(stderr, name) {
				t.Errorf("%s: exit %d\n%s%s", name, code, stdout, stderr)
			}
		}
		if n := countValues(t, fresh); n != 0 {
			t.Errorf("malformed files left %d values", n)
		}
		if code, _, stderr := runCmd(t, "", "import", "skolverket-csv", "--db", dbURL); code != 2 || !strings.Contains(stderr, "usage") {
			t.Errorf("no file: %d %s", code, stderr)
		}
	})
}

func cloneLines(b [][]byte) [][]byte { return append([][]byte(nil), b...) }

func TestImportSkolverketAPICommand(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(skolverketData, "api-v4", "*.jsonl"))
	if err != nil || len(files) != 6 {
		t.Fatalf("want six replay files: %v %v", files, err)
	}
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
			t.Fatal(stderr)
		}
		total := 0
		for _, f := range files {
			muni := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "responses-"), ".jsonl")
			code, stdout, stderr := runCmd(t, "", "import", "skolverket-api", "--db", dbURL, "--municipality", muni, "--replay", f)
			if code != 0 || !strings.Contains(stdout, "Imported: ") {
				t.Fatalf("%s: %d\n%s%s", f, code, stdout, stderr)
			}
			i := strings.Index(stdout, "Imported: ")
			n, err := strconv.Atoi(strings.Fields(stdout[i+len("Imported: "):])[0])
			if err != nil || n == 0 {
				t.Errorf("%s: %q", f, stdout[i:])
			}
			total += n
		}
		if got := countValues(t, dbURL); got != total {
			t.Errorf("%d values stored, the reports say %d", got, total)
		}
		code, stdout, _ := runCmd(t, "", "import", "skolverket-api", "--db", dbURL, "--replay", files[0])
		if code != 0 || !strings.Contains(stdout, "Nothing changed") {
			t.Errorf("again: %s", stdout)
		}
		if code, _, stderr := runCmd(t, "", "import", "skolverket-api", "--db", dbURL, "--municipality", "12"); code != 2 || !strings.Contains(stderr, "four digits") {
			t.Errorf("bad municipality: %d %s", code, stderr)
		}
		bad := filepath.Join(t.TempDir(), "bad.jsonl")
		if err := os.WriteFile(bad, []byte("{not json\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCmd(t, "", "import", "skolverket-api", "--db", dbURL, "--replay", bad); code != 1 || !strings.Contains(stderr, "nothing imported") {
			t.Errorf("bad replay: %d %s", code, stderr)
		}
	})
}
