package org

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Unit is a school or preschool unit (skolenhet / förskoleenhet).
type Unit struct {
	ID            int64
	Name          string
	Code          string // skolenhetskod: 8 digits
	AreaID        *int64
	AreaName      string
	StreetAddress string
	PostalCode    string
	City          string
	Lat, Lon      *float64 // WGS84
	Email         string
	Phone         string
	Pupils        *int // number of pupils or children, for rates
	Active        bool
	Forms         []UnitForm
	Capacity      []Capacity
	UpdatedAt     time.Time
}

// UnitForm is a school form a unit offers, with the grade years it covers.
type UnitForm struct {
	Form     string
	YearFrom *int
	YearTo   *int
}

// Years returns the grade years offered; a single 0 for forms without years.
func (f UnitForm) Years() []int {
	if f.YearFrom == nil {
		return []int{0}
	}
	var ys []int
	for y := *f.YearFrom; y <= *f.YearTo; y++ {
		ys = append(ys, y)
	}
	return ys
}

// Capacity is the number of places in one school form and grade year. Year
// 0 is förskoleklass or, for forms without grade years, the whole form.
type Capacity struct {
	Form   string
	Year   int
	Places int
}

// Places returns the capacity for a form and year, nil when not set.
func (u Unit) Places(form string, year int) *int {
	for _, c := range u.Capacity {
		if c.Form == form && c.Year == year {
			return &c.Places
		}
	}
	return nil
}

// Offers reports whether the unit offers a school form.
func (u Unit) Offers(form string) bool {
	return slices.ContainsFunc(u.Forms, func(f UnitForm) bool { return f.Form == form })
}

var unitCodeRE = regexp.MustCompile(`^\d{8}$`)

// Validate checks a unit against the school forms and normalises it.
func (u *Unit) Validate(forms []SchoolForm) error {
	var v app.Validation
	u.Name = strings.TrimSpace(u.Name)
	u.Code = strings.TrimSpace(u.Code)
	u.Email = strings.TrimSpace(u.Email)
	if u.Name == "" {
		v.Add("name", "field.required")
	}
	if !unitCodeRE.MatchString(u.Code) {
		v.Add("code", "field.unit_code")
	}
	if u.Lat != nil && (*u.Lat < 55 || *u.Lat > 69.1) {
		v.Add("lat", "field.lat")
	}
	if u.Lon != nil && (*u.Lon < 10.5 || *u.Lon > 24.2) {
		v.Add("lon", "field.lon")
	}
	if (u.Lat == nil) != (u.Lon == nil) {
		v.Add("lat", "field.coords_pair")
	}
	if u.Email != "" && !validEmail(u.Email) {
		v.Add("email", "field.email")
	}
	if u.Pupils != nil && (*u.Pupils < 0 || *u.Pupils > 100000) {
		v.Add("pupils", "field.pupils")
	}
	if len(u.Forms) == 0 {
		v.Add("forms", "field.forms_none")
	}
	seen := map[string]bool{}
	for i, uf := range u.Forms {
		field := fmt.Sprintf("forms.%s", uf.Form)
		fi := slices.IndexFunc(forms, func(f SchoolForm) bool { return f.Code == uf.Form })
		if fi < 0 || seen[uf.Form] {
			v.Add(field, "field.form_unknown", map[string]any{"Form": uf.Form})
			continue
		}
		seen[uf.Form] = true
		sf := forms[fi]
		switch {
		case !sf.HasYears():
			u.Forms[i].YearFrom, u.Forms[i].YearTo = nil, nil
		case uf.YearFrom == nil || uf.YearTo == nil:
			u.Forms[i].YearFrom, u.Forms[i].YearTo = sf.MinYear, sf.MaxYear
		case *uf.YearFrom < *sf.MinYear || *uf.YearTo > *sf.MaxYear || *uf.YearFrom > *uf.YearTo:
			v.Add(field, "field.year_range_form", map[string]any{"Form": sf.NameSV, "Min": *sf.MinYear, "Max": *sf.MaxYear})
		}
	}
	for _, c := range u.Capacity {
		field := fmt.Sprintf("capacity.%s.%d", c.Form, c.Year)
		i := slices.IndexFunc(u.Forms, func(f UnitForm) bool { return f.Form == c.Form })
		switch {
		case c.Places < 0 || c.Places > 10000:
			v.Add(field, "field.capacity")
		case i < 0 || !slices.Contains(u.Forms[i].Years(), c.Year):
			v.Add(field, "field.capacity_year", map[string]any{"Form": c.Form, "Year": c.Year})
		}
	}
	return v.Err()
}

// ActiveUnits lists the organization's active units by name: the choice
// of units on forms (filing a complaint, planning a meeting or an
// initiative). Unit facts are not personal data, so no scope applies.
func ActiveUnits(ctx context.Context, q store.Q) ([]Unit, error) {
	units, err := ListUnits(ctx, q, auth.AllUnits())
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(u Unit) bool { return !u.Active }), nil
}

// ListUnits lists units in scope, with their forms and capacity, by name.
// Unit facts are not personal data, but the scope still decides which
// units a user works with.
func ListUnits(ctx context.Context, q store.Q, scope auth.Scope) ([]Unit, error) {
	return queryUnits(ctx, q, scope, 0)
}

// GetUnit returns one unit, or app.NotFound when it is missing or out of scope.
func GetUnit(ctx context.Context, q store.Q, scope auth.Scope, id int64) (Unit, error) {
	us, err := queryUnits(ctx, q, scope, id)
	if err != nil {
		return Unit{}, err
	}
	if len(us) == 0 {
		return Unit{}, app.NotFound()
	}
	return us[0], nil
}

func queryUnits(ctx context.Context, q store.Q, scope auth.Scope, id int64) ([]Unit, error) {
	cond, args := scope.SQL("u.id")
	if id != 0 {
		cond += " AND u.id = ?"
		args = append(args, id)
	}
	rows, err := q.Query(ctx, `SELECT u.id, u.name, u.unit_code, u.area_id, COALESCE(a.name, ''), u.street_address,
			u.postal_code, u.city, u.lat, u.lon, u.email, u.phone, u.pupils, u.active, u.updated_at
		FROM units u LEFT JOIN areas a ON a.id = u.area_id
		WHERE `+cond+` ORDER BY u.name, u.id`, args...)
	if err != nil {
		return nil, err
	}
	var units []Unit
	byID := map[int64]int{}
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.Code, &u.AreaID, &u.AreaName, &u.StreetAddress, &u.PostalCode,
			&u.City, &u.Lat, &u.Lon, &u.Email, &u.Phone, &u.Pupils, &u.Active, &u.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		byID[u.ID] = len(units)
		units = append(units, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(units) == 0 {
		return units, err
	}
	// Forms and capacity for the same units, in two more queries.
	rows, err = q.Query(ctx, `SELECT f.unit_id, f.form_code, f.year_from, f.year_to FROM unit_school_forms f
		JOIN units u ON u.id = f.unit_id JOIN school_forms s ON s.code = f.form_code
		WHERE `+cond+` ORDER BY s.sort`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var uid int64
		var f UnitForm
		if err := rows.Scan(&uid, &f.Form, &f.YearFrom, &f.YearTo); err != nil {
			rows.Close()
			return nil, err
		}
		units[byID[uid]].Forms = append(units[byID[uid]].Forms, f)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT c.unit_id, c.form_code, c.year, c.places FROM unit_capacity c
		JOIN units u ON u.id = c.unit_id JOIN school_forms s ON s.code = c.form_code
		WHERE `+cond+` ORDER BY s.sort, c.year`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var c Capacity
		if err := rows.Scan(&uid, &c.Form, &c.Year, &c.Places); err != nil {
			return nil, err
		}
		units[byID[uid]].Capacity = append(units[byID[uid]].Capacity, c)
	}
	return units, rows.Err()
}

// SaveUnit validates and creates (ID 0) or updates a unit with its forms and
// capacity, in one transaction. It sets u.ID.
func SaveUnit(ctx context.Context, q store.Q, u *Unit) error {
	forms, err := SchoolForms(ctx, q)
	if err != nil {
		return err
	}
	if err := u.Validate(forms); err != nil {
		return err
	}
	err = store.InTx(ctx, q, func(tx *store.Tx) error {
		now := store.Now()
		if u.ID == 0 {
			err := tx.QueryRow(ctx, `INSERT INTO units (name, unit_code, area_id, street_address, postal_code, city,
				lat, lon, email, phone, pupils, active, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				u.Name, u.Code, u.AreaID, u.StreetAddress, u.PostalCode, u.City, u.Lat, u.Lon, u.Email, u.Phone,
				u.Pupils, u.Active, now, now).Scan(&u.ID)
			if err != nil {
				return err
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE units SET name = ?, unit_code = ?, area_id = ?, street_address = ?,
				postal_code = ?, city = ?, lat = ?, lon = ?, email = ?, phone = ?, pupils = ?, active = ?, updated_at = ?
				WHERE id = ?`,
				u.Name, u.Code, u.AreaID, u.StreetAddress, u.PostalCode, u.City, u.Lat, u.Lon, u.Email, u.Phone,
				u.Pupils, u.Active, now, u.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return app.NotFound()
			}
			if _, err := tx.Exec(ctx, "DELETE FROM unit_school_forms WHERE unit_id = ?", u.ID); err != nil {
				return err
			}
		}
		for _, f := range u.Forms {
			if _, err := tx.Exec(ctx, "INSERT INTO unit_school_forms (unit_id, form_code, year_from, year_to) VALUES (?, ?, ?, ?)",
				u.ID, f.Form, f.YearFrom, f.YearTo); err != nil {
				return err
			}
		}
		for _, c := range u.Capacity {
			if _, err := tx.Exec(ctx, "INSERT INTO unit_capacity (unit_id, form_code, year, places) VALUES (?, ?, ?, ?)",
				u.ID, c.Form, c.Year, c.Places); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		var v app.Validation
		v.Add("code", "field.taken")
		return v.Err()
	case errors.Is(err, store.ErrForeignKey):
		var v app.Validation
		v.Add("area", "field.choose")
		return v.Err()
	}
	return err
}

// UnitIDByCode finds a unit by its 8-digit code.
func UnitIDByCode(ctx context.Context, q store.Q, code string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM units WHERE unit_code = ?", strings.TrimSpace(code)).Scan(&id)
	return id, err
}
