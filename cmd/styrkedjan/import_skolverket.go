package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

// runImportSkolverketCSV imports a Skolverket statistics file exactly as
// downloaded. A malformed file is refused as a whole (exit 1, nothing
// imported); --dry-run reports what an import would do and writes nothing.
func runImportSkolverketCSV(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("import skolverket-csv", e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL (env STYRKEDJAN_DB)")
	dryRun := fs.Bool("dry-run", false, "read the file and report, import nothing")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usagef("usage: styrkedjan import skolverket-csv [--db URL] [--dry-run] FILE")
	}
	if *dbURL == "" {
		return usagef("import: no database: give --db or set STYRKEDJAN_DB")
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return usageError{err}
	}
	defer f.Close()
	d, err := skolverket.ParseCSV(f, filepath.Base(name))
	if err != nil {
		return fmt.Errorf("nothing imported: %w", err)
	}
	return importSkolverket(ctx, e, *dbURL, d, unitpicture.SourceCSV, filepath.Base(name), *dryRun)
}

// runImportSkolverketAPI imports one municipality's units and statistics
// from the planned-educations API v4, or from recorded responses (--replay).
func runImportSkolverketAPI(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("import skolverket-api", e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL (env STYRKEDJAN_DB)")
	muni := fs.String("municipality", "", "municipality code, four digits (e.g. 0114)")
	replay := fs.String("replay", "", "read recorded responses (JSONL) instead of the network")
	record := fs.String("record", "", "also write the fetched responses to this JSONL file, for --replay")
	api := fs.String("api", skolverket.DefaultBaseURL, "base URL of the API")
	dryRun := fs.Bool("dry-run", false, "fetch and report, import nothing")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	const use = "usage: styrkedjan import skolverket-api [--db URL] --municipality CODE [--replay FILE.jsonl] [--record FILE.jsonl] [--dry-run]"
	switch {
	case fs.NArg() != 0:
		return usagef("%s", use)
	case *dbURL == "":
		return usagef("import: no database: give --db or set STYRKEDJAN_DB")
	case *replay == "" && *muni == "":
		return usagef("import skolverket-api: give --municipality (or --replay FILE)\n%s", use)
	case *replay != "" && *record != "":
		return usagef("import skolverket-api: --record needs a live fetch; it cannot be combined with --replay")
	case *muni != "" && !isMunicipalityCode(*muni):
		return usagef("import skolverket-api: --municipality %q: want four digits, e.g. 0114", *muni)
	}
	var (
		d      *skolverket.Data
		err    error
		source = *replay
	)
	if *replay != "" {
		f, ferr := os.Open(*replay)
		if ferr != nil {
			return usageError{ferr}
		}
		defer f.Close()
		d, err = skolverket.ReadReplay(f, filepath.Base(*replay))
		source = filepath.Base(*replay)
	} else {
		c := &skolverket.Client{BaseURL: *api}
		if *record != "" {
			rf, ferr := os.Create(*record)
			if ferr != nil {
				return usageError{ferr}
			}
			defer rf.Close()
			c.Record = rf
		}
		d, err = c.Municipality(ctx, *muni)
		source = "municipality " + *muni
	}
	if err != nil {
		return fmt.Errorf("nothing imported: %w", err)
	}
	return importSkolverket(ctx, e, *dbURL, d, unitpicture.SourceAPI, source, *dryRun)
}

func isMunicipalityCode(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func importSkolverket(ctx context.Context, e env, dbURL string, d *skolverket.Data, source, name string, dry bool) error {
	db, err := openCurrent(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = auth.WithPrincipal(ctx, auth.System)
	do := unitpicture.Import
	if dry {
		do = unitpicture.Preview
	}
	rep, err := do(ctx, db, auth.System, d, source, name)
	if err != nil {
		return fmt.Errorf("nothing imported: %w", err)
	}
	printReport(e.stdout, rep)
	return nil
}

// printReport writes an import report for people: counts first, then the
// details (at most 20 unknown units; the stored report has all).
func printReport(w io.Writer, r *unitpicture.Report) {
	fmt.Fprintf(w, "%s (%s)\n", r.FileName, r.Source)
	fmt.Fprintf(w, "Rows read: %d; values read: %d; units: %d, of which the organizer's: %d, others (stored as national data): %d.\n",
		r.RowsRead, r.ValuesRead, r.UnitsSeen, r.UnitsMatched, len(r.OtherUnits))
	if len(r.Missing) > 0 {
		keys := make([]string, 0, len(r.Missing))
		for k := range r.Missing {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			label := k
			if label == "" {
				label = "(empty)"
			}
			parts = append(parts, fmt.Sprintf("%s: %d", label, r.Missing[k]))
		}
		fmt.Fprintf(w, "Values missing, by reason: %s.\n", strings.Join(parts, ", "))
	}
	if len(r.OtherUnits) > 0 {
		const show = 20
		var codes []string
		for _, u := range r.OtherUnits[:min(show, len(r.OtherUnits))] {
			codes = append(codes, u.Code+" "+u.Name)
		}
		more := ""
		if len(r.OtherUnits) > show {
			more = fmt.Sprintf(" and %d more", len(r.OtherUnits)-show)
		}
		fmt.Fprintf(w, "Unit codes not among the organizer's units: %s%s.\n", strings.Join(codes, "; "), more)
	}
	if len(r.UnknownColumns) > 0 {
		fmt.Fprintf(w, "Columns not recognised (ignored): %s.\n", strings.Join(r.UnknownColumns, "; "))
	}
	for _, p := range r.Problems {
		if p.Line > 0 {
			fmt.Fprintf(w, "Line %d, %s: %s\n", p.Line, p.Field, p.Msg)
		} else {
			fmt.Fprintf(w, "Note: %s\n", p.Msg)
		}
	}
	switch {
	case r.DryRun:
		fmt.Fprintf(w, "Dry run: %d values would be added, %d changed, %d are unchanged. Nothing was imported.\n", r.Inserted, r.Updated, r.Unchanged)
	case r.NothingChanged():
		fmt.Fprintf(w, "Nothing changed: all %d values were already imported (import run %d).\n", r.Unchanged, r.RunID)
	default:
		fmt.Fprintf(w, "Imported: %d values added, %d changed, %d unchanged (import run %d).\n", r.Inserted, r.Updated, r.Unchanged, r.RunID)
	}
}
