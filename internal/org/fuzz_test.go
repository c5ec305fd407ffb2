package org_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// FuzzParseImport: a units or people file is checked or refused, never a
// panic: problems with the file are an EINVALID error, problems with rows
// are rejected rows on lines the file has, and no file takes long. It runs
// against a migrated SQLite database (ParseImport reads, never writes).
// Seeds: testdata/import.
func FuzzParseImport(f *testing.F) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "import", "*.csv"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, bytes.Contains([]byte(filepath.Base(name)), []byte("people")))
	}
	f.Fuzz(func(t *testing.T, in []byte, people bool) {
		kind := org.ImportUnits
		if people {
			kind = org.ImportPeople
		}
		start := time.Now()
		p, err := org.ParseImport(ctx, db, kind, bytes.NewReader(in))
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
		if err != nil {
			if app.Code(err) != app.EINVALID {
				t.Fatalf("%v", err)
			}
			return
		}
		lines := bytes.Count(in, []byte("\n")) + 1
		check := func(line int) {
			if line < 2 || line > lines {
				t.Fatalf("row on line %d of %d", line, lines)
			}
		}
		for _, r := range p.Units {
			check(r.Line)
		}
		for _, r := range p.People {
			check(r.Line)
		}
		for _, r := range p.Rejected {
			check(r.Line)
			if len(r.Errors) == 0 {
				t.Fatalf("line %d rejected without a reason", r.Line)
			}
		}
	})
}
