// Package pdftest reads the text of PDFs that tests produce, with
// pdftotext from poppler-utils, so tests can check that a PDF opens and
// what it says.
package pdftest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Text returns the PDF's text with white space folded to single spaces. It
// fails the test when the PDF does not parse or pdftotext complains. When
// pdftotext is missing it returns "" (the caller skips its text checks),
// unless STYRKEDJAN_REQUIRE_BROWSER=1, as in CI, where it fails.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("STYRKEDJAN_REQUIRE_BROWSER") == "1" {
			t.Fatal("pdftotext (apt-get install poppler-utils) is needed: STYRKEDJAN_REQUIRE_BROWSER=1")
		}
		t.Log("pdftotext not found: the PDF's text is not checked")
		return ""
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("pdftotext complains: %s", stderr.String())
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(out.String(), "\u00a0", " ")), " ")
}
