package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/pdftest"

	"github.com/xuri/excelize/v2"

	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func TestReportCommand(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
			t.Fatal(stderr)
		}
		ctx := context.Background()
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.GenerateCases(ctx, db, 200, 8); err != nil {
			t.Fatal(err)
		}
		today := time.Now().In(civil.Zone)
		from, to := today.AddDate(0, -6, 0).Format(time.DateOnly), today.Format(time.DateOnly)
		start, end := (report.Period{From: from, To: to}).Bounds()
		var complaints int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM complaints WHERE kind = 'complaint' AND submitted_at >= ? AND submitted_at < ?",
			start, end).Scan(&complaints); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()

		xlsx := filepath.Join(dir, "rapport.xlsx")
		code, stdout, stderr := runCmd(t, "", "report", "complaints", "--db", dbURL, "--from", from, "--to", to, "--format", "xlsx", "--out", xlsx)
		if code != 0 || !strings.Contains(stdout, "Wrote "+xlsx) {
			t.Fatalf("xlsx: %d\n%s%s", code, stdout, stderr)
		}
		f, err := excelize.OpenFile(xlsx)
		if err != nil {
			t.Fatalf("the XLSX does not open: %v", err)
		}
		rows, _ := f.GetRows("Per kategori", excelize.Options{RawCellValue: true})
		if total := rows[len(rows)-1]; total[0] != "Totalt" || total[1] != strconv.Itoa(complaints) {
			t.Errorf("XLSX total %v, want %d complaints", total[:2], complaints)
		}
		f.Close()

		pdf := filepath.Join(dir, "rapport.pdf")
		code, stdout, stderr = runCmd(t, "", "report", "complaints", "--db", dbURL, "--from", from, "--to", to, "--out", pdf, "--board", "--lang", "en")
		if code != 0 || !strings.Contains(stdout, "board members' version") {
			t.Fatalf("pdf: %d\n%s%s", code, stdout, stderr)
		}
		b, err := os.ReadFile(pdf)
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Fatalf("not a PDF: %v", err)
		}
		if text := pdftest.Text(t, b); text != "" {
			for _, want := range []string{"Complaints and feedback – report to the board", "The board's version", "Cases per unit", from} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF's text lacks %q", want)
				}
			}
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 2 {
			t.Errorf("the folder holds %d files, want the two reports and no temporary file", len(entries))
		}

		for _, args := range [][]string{
			{"report"},
			{"report", "units", "--db", dbURL, "--out", pdf},
			{"report", "complaints", "--db", dbURL, "--from", "2026-02-30", "--out", pdf},
			{"report", "complaints", "--db", dbURL, "--from", "2024-01-01", "--to", "2026-01-01", "--out", pdf},
			{"report", "complaints", "--db", dbURL, "--out", filepath.Join(dir, "rapport.doc")},
			{"report", "complaints", "--db", dbURL},
			{"report", "complaints", "--db", dbURL, "--out", pdf, "--kind", "gossip"},
		} {
			if code, _, stderr := runCmd(t, "", args...); code != exitUsage {
				t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr)
			}
		}
	})
}
