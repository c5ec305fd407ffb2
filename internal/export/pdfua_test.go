package export

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

func TestObjectDictFindsTheLastDefinition(t *testing.T) {
	pdf := []byte("%PDF-1.7\n112 0 obj\n<< /Type /Page >>\nendobj\n12 0 obj\n<< /Old true >>\nendobj\n" +
		"x 12 0 obj not at a line start\n12 0 obj\r\n<< /Type /Catalog /Title (a >> b) /Kids << /A 1 >> >>\nendobj\n")
	got, err := objectDict(pdf, 12)
	if err != nil {
		t.Fatal(err)
	}
	if want := "<< /Type /Catalog /Title (a >> b) /Kids << /A 1 >> >>"; string(got) != want {
		t.Fatalf("objectDict(12) = %q, want %q", got, want)
	}
	if got, _ := objectDict(pdf, 112); string(got) != "<< /Type /Page >>" {
		t.Fatalf("objectDict(112) = %q", got)
	}
	// Other spacing is still found, by the slower search.
	odd := []byte("%PDF-1.7\n7  0\tobj <<\n/Type /Catalog >>\nendobj\n")
	if got, err := objectDict(odd, 7); err != nil || string(got) != "<<\n/Type /Catalog >>" {
		t.Fatalf("objectDict(odd spacing) = %q, %v", got, err)
	}
	if _, err := objectDict(pdf, 13); err == nil {
		t.Fatal("a missing object was found")
	}
}

// BenchmarkObjectDict looks up the catalog of a 1 MB file with a classic
// cross-reference table, as identify does for every printed PDF.
func BenchmarkObjectDict(b *testing.B) {
	pdf := withXref(1 << 20)
	b.SetBytes(int64(len(pdf)))
	for b.Loop() {
		if _, err := objectDict(pdf, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// withXref makes a PDF of about size bytes: a catalog, then small objects,
// a cross-reference table and a trailer.
func withXref(size int) []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.7\n")
	offsets := []int{buf.Len()}
	buf.WriteString("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	for i := 2; buf.Len() < size; i++ {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n<< /Length 40 >>\nstream\n%s\nendstream\nendobj\n", i, strings.Repeat("q 1 0 0 1 0 0 cm Q ", 2))
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f\r\n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n\r\n", o)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return buf.Bytes()
}

func TestObjectDictFromTheXrefTable(t *testing.T) {
	pdf := withXref(4096)
	if off := xrefOffset(pdf, 1); off != len("%PDF-1.7\n") {
		t.Fatalf("xrefOffset(1) = %d", off)
	}
	for _, n := range []int{1, 2, 7} {
		got, err := objectDict(pdf, n)
		want := "<< /Length 40 >>"
		if n == 1 {
			want = "<< /Type /Catalog /Pages 2 0 R >>"
		}
		if err != nil || string(got) != want {
			t.Fatalf("objectDict(%d) = %q, %v; want %q", n, got, err, want)
		}
	}
	if off := xrefOffset(pdf, 100000); off != -1 {
		t.Fatalf("an object beyond the table has offset %d", off)
	}
}

// cp1252 writes what fpdf's own translator writes, for every character of
// the Basic Multilingual Plane, and may be used by documents at once.
func TestCP1252MatchesFpdf(t *testing.T) {
	theirs := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
	var differ []rune
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue // surrogates are not characters
		}
		if s := string(r); cp1252(s) != theirs(s) {
			differ = append(differ, r)
		}
	}
	// Windows-1252 leaves five bytes undefined; fpdf's table writes '.'
	// for their C1 code points, x/text passes them through. Neither is text.
	for _, r := range differ {
		if r < 0x80 || r > 0x9F {
			t.Errorf("U+%04X: %q, fpdf writes %q", r, cp1252(string(r)), theirs(string(r)))
		}
	}
	done := make(chan string)
	for range 8 {
		go func() { done <- cp1252("Ärenden – “citat” € 12 ½") }()
	}
	for range 8 {
		if got := <-done; got != theirs("Ärenden – “citat” € 12 ½") {
			t.Fatalf("concurrent: %q", got)
		}
	}
}
