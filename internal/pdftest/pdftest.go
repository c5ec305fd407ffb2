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

// Info returns pdfinfo's report of the PDF and its structure tree
// (pdfinfo -struct), or "" twice when pdfinfo is missing (unless
// STYRKEDJAN_REQUIRE_BROWSER=1, where it fails).
func Info(t testing.TB, pdf []byte) (info, tree string) {
	t.Helper()
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		if os.Getenv("STYRKEDJAN_REQUIRE_BROWSER") == "1" {
			t.Fatal("pdfinfo (apt-get install poppler-utils) is needed: STYRKEDJAN_REQUIRE_BROWSER=1")
		}
		t.Log("pdfinfo not found: the PDF's structure is not checked")
		return "", ""
	}
	run := func(args ...string) string {
		cmd := exec.Command(bin, append(args, "-")...)
		cmd.Stdin = bytes.NewReader(pdf)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("pdfinfo: %v: %s", err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("pdfinfo complains: %s", stderr.String())
		}
		return out.String()
	}
	return run(), run("-struct")
}

// Tagged checks that the PDF is an accessible document: tagged, with XMP
// metadata (where the kit writes the PDF/UA identification), and a
// structure tree that holds each of tags (e.g. "H1", "Table", "TH",
// "TD", "Figure"). printed says whether the kit printed tagged PDFs
// (export.Tagged: Chromium is installed); without it the check is
// skipped, unless STYRKEDJAN_REQUIRE_BROWSER=1, where it fails. It returns
// the structure tree ("" when skipped).
func Tagged(t testing.TB, pdf []byte, printed bool, tags ...string) string {
	t.Helper()
	if !printed {
		if os.Getenv("STYRKEDJAN_REQUIRE_BROWSER") == "1" {
			t.Fatal("tagged PDFs need Chromium: STYRKEDJAN_REQUIRE_BROWSER=1")
		}
		t.Log("Chromium not found: the PDF is untagged and its structure is not checked")
		return ""
	}
	info, tree := Info(t, pdf)
	if info == "" {
		return ""
	}
	for _, want := range []string{"Tagged:          yes", "Metadata Stream: yes"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo does not say %q:\n%s", want, info)
		}
	}
	if !bytes.Contains(pdf, []byte("<pdfuaid:part>1</pdfuaid:part>")) {
		t.Error("the PDF has no PDF/UA identification")
	}
	have := map[string]bool{}
	for _, line := range strings.Split(tree, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			have[strings.TrimSuffix(f[0], ":")] = true
		}
	}
	for _, tag := range tags {
		if !have[tag] {
			t.Errorf("the structure tree has no %s:\n%s", tag, tree)
		}
	}
	return tree
}

// Pages returns the text of each page (folded as Text folds it), or nil
// when pdftotext is missing.
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(strings.ReplaceAll(p, "\u00a0", " ")), " ")
	}
	return pages
}
