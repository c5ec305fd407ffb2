package skolverket

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"testing"
	"time"
)

// The fuzz targets' seeds are the heads of the real files in testdata
// (public statistics from Skolverket; see testdata/README.md).

// checkParsed fails unless err is nil with data, or a *ParseError naming
// the file with problems on lines the input has.
func checkParsed(t *testing.T, d *Data, err error, name string, in []byte) {
	t.Helper()
	if err == nil {
		if d == nil {
			t.Fatal("no data and no error")
		}
		return
	}
	pe, ok := errors.AsType[*ParseError](err)
	if !ok {
		t.Fatalf("not a ParseError: %v", err)
	}
	lines := bytes.Count(in, []byte("\n")) + 1
	if pe.File != name || len(pe.Problems) == 0 {
		t.Fatalf("%v: file %q, %d problems", err, pe.File, len(pe.Problems))
	}
	for _, p := range pe.Problems {
		if p.Line < 0 || p.Line > lines {
			t.Fatalf("problem on line %d of %d: %v", p.Line, lines, err)
		}
	}
}

func timed(t *testing.T, fn func()) {
	t.Helper()
	start := time.Now()
	fn()
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
}

func FuzzParseCSV(f *testing.F) {
	b, err := os.ReadFile("testdata/slutbetyg-ak9-2024-25-skolenhet.csv")
	if err != nil {
		f.Fatal(err)
	}
	head := b[:bytes.IndexByte(b[3000:], '\n')+3001]
	f.Add(head)
	f.Add(append(head[:len(head):len(head)], b[len(b)-600:]...)) // the notes after the table
	f.Add([]byte("Skolenhetskod;Skolenhet;Antal elever\n12345678;A;..\n12345679;B;~100\n12345680;C;cirka 210\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		timed(t, func() {
			d, err := ParseCSV(bytes.NewReader(in), "statistik.csv")
			checkParsed(t, d, err, "statistik.csv", in)
		})
	})
}

func FuzzReadReplay(f *testing.F) {
	fh, err := os.Open("testdata/api-v4/responses-0163.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	var lines [][]byte
	for sc.Scan() && len(lines) < 4 {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	f.Add(bytes.Join(lines[:2], []byte("\n")))
	f.Add(bytes.Join(lines[2:4], []byte("\n")))
	f.Add([]byte("{\"url\":\"x\",\"response\":{}}\n\nnot json\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		timed(t, func() {
			d, err := ReadReplay(bytes.NewReader(in), "svar.jsonl")
			checkParsed(t, d, err, "svar.jsonl", in)
		})
	})
}
