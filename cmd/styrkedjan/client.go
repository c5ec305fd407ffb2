package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

const clientUsage = `Usage: styrkedjan client <add|list|revoke> [flags]`

// runClient runs the operator's API client subcommands: e-service
// platforms that file complaints through the API under their own limit.
// They act as the "system" principal; adding and revoking are audited.
func runClient(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usagef("%s", clientUsage)
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet("client "+sub, e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL (env STYRKEDJAN_DB)")
	var (
		check func() error
		act   func(context.Context, *store.DB) error
	)
	switch sub {
	case "add":
		name := fs.String("name", "", "the client's name, shown in the audit log (e.g. the e-service platform)")
		scope := fs.String("scope", "", "comma-separated scopes: "+string(auth.ScopeSubmitComplaints))
		perMinute := fs.Int("per-minute", auth.DefaultClientPerMinute, "submissions a minute the client may send")
		var scopes []auth.ClientScope
		check = func() error {
			if strings.TrimSpace(*name) == "" {
				return usagef("client add: give --name")
			}
			for _, w := range splitList(*scope) {
				c, ok := auth.ParseClientScope(w)
				if !ok {
					return usagef("client add: --scope %q: want %s", w, auth.ScopeSubmitComplaints)
				}
				scopes = append(scopes, c)
			}
			if len(scopes) == 0 {
				return usagef("client add: give --scope %s", auth.ScopeSubmitComplaints)
			}
			if *perMinute < 1 {
				return usagef("client add: --per-minute must be at least 1")
			}
			return nil
		}
		act = func(ctx context.Context, db *store.DB) error {
			secret, err := org.AddClient(ctx, db, *name, scopes, *perMinute)
			if errors.Is(err, auth.ErrClientName) || errors.Is(err, auth.ErrClientExists) {
				return usagef("client add: %v", err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, secret)
			fmt.Fprintf(e.stderr, "Client %s (%s, %d a minute). The token is shown only once; use it as: Authorization: Bearer <token>\n",
				strings.TrimSpace(*name), *scope, *perMinute)
			return nil
		}
	case "list":
		act = func(ctx context.Context, db *store.DB) error {
			clients, err := auth.Clients(ctx, db)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSCOPES\tPER MINUTE\tCREATED\tLAST USED\tREVOKED")
			for _, c := range clients {
				scopes := make([]string, len(c.Scopes))
				for i, s := range c.Scopes {
					scopes[i] = string(s)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", c.Name, strings.Join(scopes, ","), c.PerMinute,
					when(&c.CreatedAt), when(c.LastUsedAt), when(c.RevokedAt))
			}
			return tw.Flush()
		}
	case "revoke":
		name := fs.String("name", "", "the client's name")
		check = func() error {
			if strings.TrimSpace(*name) == "" {
				return usagef("client revoke: give --name")
			}
			return nil
		}
		act = func(ctx context.Context, db *store.DB) error {
			err := org.RevokeClient(ctx, db, *name)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("client revoke: no live client named %q", strings.TrimSpace(*name))
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Revoked client %s; its token no longer works.\n", strings.TrimSpace(*name))
			return nil
		}
	default:
		return usagef("client: unknown subcommand %q\n%s", sub, clientUsage)
	}
	return runAdmin(ctx, "client "+sub, fs, rest, check, dbURL, act)
}

// when formats an optional time for the list, "-" when unset.
func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}
