package sso

import (
	"context"
	"errors"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// ErrNoRole: the person's groups map to no role (or to units this
// organizer does not have); they are not let in.
var ErrNoRole = app.Errorf(app.EFORBIDDEN, "sso.no_role")

// SignInStaff finds or creates the person behind verified staff claims
// and sets their role, units and categories from their groups, in one
// transaction; it returns the person's id.
//
// A person is found by the provider's (issuer, subject) once linked. The
// first time, they are matched by e-mail address — unless the provider
// says the address is not verified — and linked; with no such person,
// they are created. Group changes at the provider take effect at the next
// sign-in. A deactivated person stays out (auth.ErrBadCredentials). Every
// change is audited with the provider as actor.
func SignInStaff(ctx context.Context, db store.Q, c Claims, m *Mapping) (int64, error) {
	if c.Subject == "" {
		return 0, refused("no subject")
	}
	grant, ok := m.Resolve(c.Strings(m.Claim))
	if !ok {
		return 0, ErrNoRole
	}
	actor := auth.WithPrincipal(ctx, &auth.Principal{Email: "sso:" + c.Issuer})
	var id int64
	err := store.InTx(actor, db, func(tx *store.Tx) error {
		now := store.Now()
		err := tx.QueryRow(actor, "SELECT user_id FROM sso_identities WHERE issuer = ? AND subject = ?", c.Issuer, c.Subject).Scan(&id)
		linked := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		email := auth.NormalizeEmail(c.Email)
		if !linked {
			if email == "" || (c.EmailVerified != nil && !*c.EmailVerified) {
				return refused("no verified e-mail address to match or create the person by")
			}
			if id, err = org.PersonIDByEmail(actor, tx, email); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		p := org.Person{Email: email, Name: c.Name, Active: true}
		if id != 0 {
			if p, err = org.GetPerson(actor, tx, auth.AllUnits(), id); err != nil {
				return err
			}
			if !p.Active {
				return auth.ErrBadCredentials
			}
		}
		origName, origTitle := p.Name, p.Title
		if p.Name == "" {
			p.Name = email
		}
		if c.Name != "" {
			p.Name = c.Name
		}
		if grant.Title != "" {
			p.Title = grant.Title
		}
		units := []int64{}
		for _, code := range grant.UnitCodes {
			u, err := org.UnitIDByCode(actor, tx, code)
			if errors.Is(err, store.ErrNotFound) {
				continue // a unit the mapping names that this organizer lacks
			}
			if err != nil {
				return err
			}
			units = append(units, u)
		}
		if auth.RequiresUnits(grant.Role) && len(units) == 0 {
			return ErrNoRole
		}
		slices.Sort(units)
		cats := slices.Clone(grant.Categories)
		slices.Sort(cats)
		before := slices.Sorted(slices.Values(p.Units))
		beforeCats := slices.Sorted(slices.Values(p.Categories))
		if id == 0 || p.Role != grant.Role || !slices.Equal(before, units) || !slices.Equal(beforeCats, cats) ||
			p.Name != origName || p.Title != origTitle {
			p.Role, p.Units, p.Categories = grant.Role, units, cats
			if err := org.SavePerson(actor, tx, &p); err != nil {
				if app.Code(err) == app.EINVALID {
					return ErrNoRole
				}
				return err
			}
			id = p.ID
		}
		if linked {
			_, err = tx.Exec(actor, "UPDATE sso_identities SET last_seen = ? WHERE issuer = ? AND subject = ?", now, c.Issuer, c.Subject)
		} else {
			_, err = tx.Exec(actor, "INSERT INTO sso_identities (issuer, subject, user_id, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
				c.Issuer, c.Subject, id, now, now)
			if err == nil {
				err = audit.Log(actor, tx, audit.Create, "sso_identity", idString(id), c.Issuer)
			}
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(actor, "UPDATE users SET last_login_at = ? WHERE id = ?", now, id)
		return err
	})
	return id, err
}
