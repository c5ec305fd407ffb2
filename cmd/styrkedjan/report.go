package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/privacy"
)

const reportUsage = "usage: styrkedjan report complaints --db URL --from YYYY-MM-DD --to YYYY-MM-DD --format pdf|xlsx --out FILE [--kind complaint|all|...] [--board] [--lang sv|en]"

// runReport writes the complaints board report as PDF or XLSX. It is the
// administration's version, with full figures (and no personal data),
// unless --board asks for the board members' version, where groups of
// fewer than five cases are suppressed as on the board's pages.
func runReport(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "complaints" {
		return usagef("%s", reportUsage)
	}
	fs := newFlagSet("report complaints", e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL (env STYRKEDJAN_DB)")
	def := report.DefaultPeriod(time.Now())
	from := fs.String("from", def.From, "first day of the period, YYYY-MM-DD (default: the last 12 full months)")
	to := fs.String("to", def.To, "last day of the period, inclusive, YYYY-MM-DD")
	format := fs.String("format", "", "pdf or xlsx (default: the extension of --out)")
	out := fs.String("out", "", "the file to write, or - for standard output")
	kind := fs.String("kind", "complaint", "the kind of case the tables count: complaint, comment, praise, suggestion, fault or all")
	board := fs.Bool("board", false, "the board members' version: groups of fewer than 5 cases suppressed")
	lang := fs.String("lang", "sv", "the report's language: sv or en")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *dbURL == "" {
		return usagef("report: no database: give --db sqlite:PATH or postgres://... (or set STYRKEDJAN_DB)")
	}
	if *out == "" {
		return usagef("report: give --out FILE (or --out - for standard output)\n%s", reportUsage)
	}
	if *format == "" {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	if *format != "pdf" && *format != "xlsx" {
		return usagef("report: --format must be pdf or xlsx")
	}
	if *lang != "sv" && *lang != "en" {
		return usagef("report: --lang must be sv or en")
	}
	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	l := catalog.For(*lang)
	period, perr := report.ParsePeriod(*from, *to)
	k, kerr := report.ParseKind(*kind)
	for _, err := range []error{perr, kerr} {
		var ae *app.Error
		if errors.As(err, &ae) {
			en := catalog.For("en")
			var msgs []string
			for _, f := range ae.Fields {
				msgs = append(msgs, "--"+f.Field+": "+en.T(f.MsgID, f.Data))
			}
			return usagef("report: %s", strings.Join(msgs, "; "))
		}
	}

	db, err := openCurrent(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	o := report.Options{Period: period, Kind: k, Now: time.Now(), L: l}
	if *board {
		o.MinGroup = privacy.DefaultMinGroup
	}
	rep, err := report.Build(ctx, db, o)
	if err != nil {
		return err
	}
	write := rep.WritePDF
	if *format == "xlsx" {
		write = rep.WriteXLSX
	}
	if *out == "-" {
		return write(e.stdout, l)
	}
	if err := writeAtomically(*out, func(w io.Writer) error { return write(w, l) }); err != nil {
		return err
	}
	version := "full figures"
	if *board {
		version = "board members' version, small groups suppressed"
	}
	fmt.Fprintf(e.stdout, "Wrote %s: complaints %s, %s cases (%s).\n", *out, period, rep.Total.Count.Format("en"), version)
	return nil
}

// writeAtomically writes a file through a temporary file beside it, so a
// failure never leaves half a report under the final name.
func writeAtomically(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, nothing to remove
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
