package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

const userUsage = `Usage: styrkedjan user <add|set-password|token|list> [flags]`

// runUser runs the operator's user subcommands. They act as the "system"
// principal, so their writes appear in the audit log.
func runUser(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usagef("%s", userUsage)
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet("user "+sub, e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL (env STYRKEDJAN_DB)")
	var (
		check func() error // flag checks that need no database
		act   func(context.Context, *store.DB) error
	)
	switch sub {
	case "add":
		email := fs.String("email", "", "email address (the sign-in name)")
		name := fs.String("name", "", "full name")
		role := fs.String("role", "", "admin, officer, principal, specialist, analyst or board")
		title := fs.String("title", "", "title, e.g. Rektor")
		units := fs.String("units", "", "comma-separated unit codes (principals)")
		cats := fs.String("categories", "", "comma-separated complaint categories (specialists)")
		withPassword := fs.Bool("password-stdin", false, "read a password from the first line of standard input")
		var r auth.Role
		check = func() error {
			var ok bool
			if r, ok = auth.ParseRole(*role); !ok {
				return usagef("user add: --role %q: want one of admin, officer, principal, specialist, analyst, board", *role)
			}
			return nil
		}
		act = func(ctx context.Context, db *store.DB) error {
			p := org.Person{Email: *email, Name: *name, Role: r, Title: *title, Active: true, Categories: splitList(*cats)}
			for _, code := range splitList(*units) {
				id, err := org.UnitIDByCode(ctx, db, code)
				if errors.Is(err, store.ErrNotFound) {
					return usagef("user add: no unit with code %s", code)
				} else if err != nil {
					return err
				}
				p.Units = append(p.Units, id)
			}
			var password string
			if *withPassword {
				var err error
				if password, err = readLine(e); err != nil {
					return err
				}
			}
			err := store.InTx(ctx, db, func(tx *store.Tx) error {
				if err := org.SavePerson(ctx, tx, &p); err != nil {
					return err
				}
				if *withPassword {
					return auth.SetPassword(ctx, tx, p.ID, password)
				}
				return nil
			})
			if err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.stdout, "Added %s (%s) with id %d.\n", p.Email, p.Role, p.ID)
			if !*withPassword {
				fmt.Fprintln(e.stdout, "No password yet: use `styrkedjan user set-password` or send an invitation from the admin pages.")
			}
			return nil
		}
	case "set-password":
		email := fs.String("email", "", "email address of the person")
		act = func(ctx context.Context, db *store.DB) error {
			id, err := userID(ctx, db, *email)
			if err != nil {
				return err
			}
			pw, err := readLine(e)
			if err != nil {
				return err
			}
			// As a reset: the person's sessions, API tokens and open reset
			// links end, so a password set because an account was taken
			// over also shuts the intruder out.
			res, err := auth.ResetPassword(ctx, db, id, pw)
			if err != nil {
				return describe(err)
			}
			fmt.Fprintf(e.stdout, "Password set for %s; ended %d sessions and %d API tokens.\n", auth.NormalizeEmail(*email), res.Sessions, res.Tokens)
			return nil
		}
	case "token":
		email := fs.String("email", "", "email address of the person")
		label := fs.String("label", "cli", "what the token is for")
		ttl := fs.Duration("ttl", 90*24*time.Hour, "how long the token works (0 = until revoked)")
		act = func(ctx context.Context, db *store.DB) error {
			id, err := userID(ctx, db, *email)
			if err != nil {
				return err
			}
			p, err := auth.LoadPrincipal(ctx, db, id)
			if err != nil {
				return fmt.Errorf("user token: %s is not active", *email)
			}
			secret, err := auth.CreateToken(ctx, db, id, *label, *ttl)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, secret)
			fmt.Fprintf(e.stderr, "Token for %s acting as %s. It is shown only once; use it as: Authorization: Bearer <token>\n", p.Email, p.Role)
			return nil
		}
	case "list":
		act = func(ctx context.Context, db *store.DB) error {
			people, err := org.ListPeople(ctx, db, auth.AllUnits(), org.PeopleFilter{})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tACTIVE\tPASSWORD")
			for _, p := range people {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%t\t%t\n", p.ID, p.Email, p.Name, p.Role, p.Active, p.HasPassword)
			}
			return tw.Flush()
		}
	default:
		return usagef("user: unknown subcommand %q\n%s", sub, userUsage)
	}
	return runAdmin(ctx, "user "+sub, fs, rest, check, dbURL, act)
}

func userID(ctx context.Context, db *store.DB, email string) (int64, error) {
	if email == "" {
		return 0, usagef("give --email")
	}
	id, err := org.PersonIDByEmail(ctx, db, email)
	if errors.Is(err, store.ErrNotFound) {
		return 0, fmt.Errorf("no person with email %s", auth.NormalizeEmail(email))
	}
	return id, err
}

func readLine(e env) (string, error) {
	sc := bufio.NewScanner(e.stdin)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return "", err
		}
		return "", usagef("expected a password on standard input")
	}
	return strings.TrimRight(sc.Text(), "\r\n"), nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// describe turns validation errors into operator-readable text from the
// English catalog; field names are the flag names.
func describe(err error) error {
	var ae *app.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return err
	}
	catalog, cerr := i18n.Load()
	if cerr != nil {
		return err
	}
	l := catalog.For("en")
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, f := range ae.Fields {
		fmt.Fprintf(&b, "\n  --%s: %s", f.Field, l.T(f.MsgID, f.Data))
	}
	return usageError{errors.New(b.String())}
}

// runAdmin parses an operator subcommand's flags (what names it, e.g.
// "user add"; dbURL is read after parsing), runs its check, and runs act on the database as the system.
func runAdmin(ctx context.Context, what string, fs *flag.FlagSet, rest []string, check func() error, dbURL *string,
	act func(context.Context, *store.DB) error) error {
	if err := parse(fs, rest); err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	if *dbURL == "" {
		return usagef("%s: no database: give --db or set STYRKEDJAN_DB", what)
	}
	db, err := openCurrent(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	return act(auth.WithPrincipal(ctx, auth.System), db)
}
