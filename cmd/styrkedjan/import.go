package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

// runImport imports units or people from a CSV file: the same checks as the
// admin page's preview, then all valid rows in one transaction. With any
// rejected row it imports nothing unless --skip-invalid is given.
func runImport(ctx context.Context, e env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "skolverket-csv":
			return runImportSkolverketCSV(ctx, e, args[1:])
		case "skolverket-api":
			return runImportSkolverketAPI(ctx, e, args[1:])
		}
	}
	if len(args) == 0 || !slices.Contains(org.ImportKinds, org.ImportKind(args[0])) {
		return usagef(`usage: styrkedjan import units|people [--db URL] [--dry-run] [--skip-invalid] FILE
       styrkedjan import skolverket-csv [--db URL] [--dry-run] FILE
       styrkedjan import skolverket-api [--db URL] --municipality CODE [--replay FILE.jsonl] [--record FILE.jsonl] [--dry-run]`)
	}
	kind := org.ImportKind(args[0])
	fs := newFlagSet("import "+args[0], e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL (env STYRKEDJAN_DB)")
	dryRun := fs.Bool("dry-run", false, "check the file and report, import nothing")
	skipInvalid := fs.Bool("skip-invalid", false, "import the valid rows even when some are rejected")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usagef("import %s: give one CSV file", kind)
	}
	if *dbURL == "" {
		return usagef("import: no database: give --db or set STYRKEDJAN_DB")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return usageError{err}
	}
	defer f.Close()
	db, err := openCurrent(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	l := catalog.For("en")
	plan, err := org.ParseImport(ctx, db, kind, f)
	var ae *app.Error
	if errors.As(err, &ae) {
		return fmt.Errorf("%s: %s", fs.Arg(0), l.T(ae.MsgID, ae.Data))
	} else if err != nil {
		return err
	}
	for _, r := range plan.Rejected {
		for _, fe := range r.Errors {
			fmt.Fprintf(e.stdout, "line %d, %s: %s\n", r.Line, fe.Field, l.T(fe.MsgID, fe.Data))
		}
	}
	fmt.Fprintf(e.stdout, "%d rows to create, %d to update, %d rejected.\n", plan.Creates(), plan.Updates(), len(plan.Rejected))
	switch {
	case *dryRun:
		return nil
	case len(plan.Rejected) > 0 && !*skipInvalid:
		return fmt.Errorf("nothing imported: fix the rejected rows, or pass --skip-invalid to import the %d valid rows", plan.Valid())
	case plan.Valid() == 0:
		return errors.New("nothing to import")
	}
	created, updated, err := plan.Apply(auth.WithPrincipal(ctx, auth.System), db)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Imported: %d created, %d updated.\n", created, updated)
	return nil
}
