package org

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Person is someone who works for the organizer and may sign in: staff,
// officials and board members. People are personal data: every read and
// write goes through a scope and into the audit log.
type Person struct {
	ID          int64
	Email       string
	Name        string
	Role        auth.Role
	Title       string // e.g. "Rektor", "Måltidschef"
	Phone       string
	Active      bool
	Units       []int64  // units they lead or work at
	Categories  []string // complaint categories (specialists)
	HasPassword bool
	LastLoginAt *time.Time
}

var categoryRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// Validate checks a person and normalises their fields.
func (p *Person) Validate() error {
	var v app.Validation
	p.Email = auth.NormalizeEmail(p.Email)
	p.Name = strings.TrimSpace(p.Name)
	p.Title = strings.TrimSpace(p.Title)
	p.Phone = strings.TrimSpace(p.Phone)
	if p.Name == "" {
		v.Add("name", "field.required")
	}
	if !validEmail(p.Email) {
		v.Add("email", "field.email")
	}
	if _, ok := auth.ParseRole(string(p.Role)); !ok {
		v.Add("role", "field.choose")
	}
	if needsUnits(p.Role) && len(p.Units) == 0 {
		v.Add("units", "field.principal_units")
	}
	if needsCategories(p.Role) && len(p.Categories) == 0 {
		v.Add("categories", "field.specialist_categories")
	}
	for _, c := range p.Categories {
		if !categoryRE.MatchString(c) {
			v.Add("categories", "field.category_code", map[string]any{"Code": c})
			break
		}
	}
	return v.Err()
}

// PeopleFilter narrows a people list.
type PeopleFilter struct {
	Role   auth.Role
	UnitID int64
	Query  string // substring of name or email
}

// ListPeople lists the people within scope: everyone for organization-wide
// scopes, else the people linked to a unit in scope. The read is audited.
func ListPeople(ctx context.Context, q store.Q, scope auth.Scope, f PeopleFilter) ([]Person, error) {
	where, args := []string{"1=1"}, []any{}
	if !scope.All() {
		cond, a := scope.SQL("uu.unit_id")
		where = append(where, "EXISTS (SELECT 1 FROM user_units uu WHERE uu.user_id = p.id AND "+cond+")")
		args = append(args, a...)
	}
	if role := string(f.Role); role != "" {
		where = append(where, "p.role = ?")
		args = append(args, role)
	}
	if f.UnitID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM user_units fu WHERE fu.user_id = p.id AND fu.unit_id = ?)")
		args = append(args, f.UnitID)
	}
	if s := strings.ToLower(strings.TrimSpace(f.Query)); s != "" {
		where = append(where, "(LOWER(p.name) LIKE ? OR p.email LIKE ?)")
		args = append(args, "%"+s+"%", "%"+s+"%")
	}
	people, err := queryPeople(ctx, q, strings.Join(where, " AND "), args)
	if err != nil {
		return nil, err
	}
	summary := "list of " + strconv.Itoa(len(people))
	if f.UnitID != 0 {
		summary += " at unit " + strconv.FormatInt(f.UnitID, 10)
	}
	return people, audit.Log(ctx, q, audit.Read, "user", "", summary)
}

// GetPerson returns one person within scope, or app.NotFound. The read is audited.
func GetPerson(ctx context.Context, q store.Q, scope auth.Scope, id int64) (Person, error) {
	cond, args := "p.id = ?", []any{id}
	if !scope.All() {
		sc, a := scope.SQL("uu.unit_id")
		cond += " AND EXISTS (SELECT 1 FROM user_units uu WHERE uu.user_id = p.id AND " + sc + ")"
		args = append(args, a...)
	}
	people, err := queryPeople(ctx, q, cond, args)
	if err != nil {
		return Person{}, err
	}
	if len(people) == 0 {
		return Person{}, app.NotFound()
	}
	return people[0], audit.Log(ctx, q, audit.Read, "user", strconv.FormatInt(id, 10), "")
}

func queryPeople(ctx context.Context, q store.Q, where string, args []any) ([]Person, error) {
	rows, err := q.Query(ctx, `SELECT p.id, p.email, p.name, p.role, p.title, p.phone, p.active,
			p.password_hash IS NOT NULL, p.last_login_at
		FROM users p WHERE `+where+` ORDER BY p.name, p.id`, args...)
	if err != nil {
		return nil, err
	}
	var people []Person
	byID := map[int64]int{}
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Email, &p.Name, &p.Role, &p.Title, &p.Phone, &p.Active, &p.HasPassword, &p.LastLoginAt); err != nil {
			rows.Close()
			return nil, err
		}
		byID[p.ID] = len(people)
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(people) == 0 {
		return people, err
	}
	rows, err = q.Query(ctx, `SELECT link.user_id, link.unit_id FROM user_units link JOIN users p ON p.id = link.user_id
		WHERE `+where+` ORDER BY link.unit_id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var uid, unit int64
		if err := rows.Scan(&uid, &unit); err != nil {
			rows.Close()
			return nil, err
		}
		people[byID[uid]].Units = append(people[byID[uid]].Units, unit)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT uc.user_id, uc.category_code FROM user_categories uc JOIN users p ON p.id = uc.user_id
		WHERE `+where+` ORDER BY uc.category_code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var c string
		if err := rows.Scan(&uid, &c); err != nil {
			return nil, err
		}
		people[byID[uid]].Categories = append(people[byID[uid]].Categories, c)
	}
	return people, rows.Err()
}

// SavePerson validates and creates (ID 0) or updates a person with their
// units and categories, audited, in one transaction. It sets p.ID.
// Deactivating a person revokes their API tokens and ends their sessions
// at the next request.
func SavePerson(ctx context.Context, q store.Q, p *Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		now := store.Now()
		action := audit.Update
		if p.ID == 0 {
			action = audit.Create
			err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, title, phone, active, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				p.Email, p.Name, string(p.Role), p.Title, p.Phone, p.Active, now, now).Scan(&p.ID)
			if err != nil {
				return err
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE users SET email = ?, name = ?, role = ?, title = ?, phone = ?, active = ?,
				updated_at = ? WHERE id = ?`, p.Email, p.Name, string(p.Role), p.Title, p.Phone, p.Active, now, p.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return app.NotFound()
			}
			for _, t := range []string{"user_units", "user_categories"} {
				if _, err := tx.Exec(ctx, "DELETE FROM "+t+" WHERE user_id = ?", p.ID); err != nil {
					return err
				}
			}
			if !p.Active {
				if err := auth.RevokeTokens(ctx, tx, p.ID); err != nil {
					return err
				}
			}
		}
		for _, u := range p.Units {
			if _, err := tx.Exec(ctx, "INSERT INTO user_units (user_id, unit_id) VALUES (?, ?)", p.ID, u); err != nil {
				return err
			}
		}
		for _, c := range p.Categories {
			if _, err := tx.Exec(ctx, "INSERT INTO user_categories (user_id, category_code) VALUES (?, ?)", p.ID, c); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, action, "user", strconv.FormatInt(p.ID, 10), string(p.Role)+" "+p.Email)
	})
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		var v app.Validation
		v.Add("email", "field.taken")
		return v.Err()
	case errors.Is(err, store.ErrForeignKey):
		var v app.Validation
		v.Add("units", "field.choose")
		return v.Err()
	}
	return err
}

// PersonIDByEmail finds a person by email address.
func PersonIDByEmail(ctx context.Context, q store.Q, email string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM users WHERE email = ?", auth.NormalizeEmail(email)).Scan(&id)
	return id, err
}
