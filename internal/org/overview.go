package org

import (
	"context"

	"github.com/styrkedjan/styrkedjan/internal/privacy"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Overview is the organization in aggregate: safe for every role, including
// board members. Counts of people are suppressed below minGroup.
type Overview struct {
	Units      int
	Forms      []FormTotal
	Areas      []AreaTotal
	StaffRoles []RoleCount
}

// FormTotal is the number of units and places in one school form.
type FormTotal struct {
	Form   SchoolForm
	Units  int
	Places int
}

// AreaTotal is the number of units and places in one area ("" = no area).
type AreaTotal struct {
	Area   string
	Units  int
	Places int
}

// RoleCount is the number of active people in a role, possibly suppressed.
type RoleCount struct {
	Role  string
	Count privacy.Count
}

// GetOverview computes the aggregate picture of active units.
func GetOverview(ctx context.Context, q store.Q, minGroup int) (Overview, error) {
	var ov Overview
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM units WHERE active").Scan(&ov.Units); err != nil {
		return ov, err
	}
	forms, err := SchoolForms(ctx, q)
	if err != nil {
		return ov, err
	}
	rows, err := q.Query(ctx, `SELECT f.form_code, COUNT(DISTINCT f.unit_id), COALESCE(SUM(c.places), 0)
		FROM unit_school_forms f JOIN units u ON u.id = f.unit_id AND u.active
		LEFT JOIN unit_capacity c ON c.unit_id = f.unit_id AND c.form_code = f.form_code
		GROUP BY f.form_code`)
	if err != nil {
		return ov, err
	}
	totals := map[string]FormTotal{}
	for rows.Next() {
		var code string
		var t FormTotal
		if err := rows.Scan(&code, &t.Units, &t.Places); err != nil {
			rows.Close()
			return ov, err
		}
		totals[code] = t
	}
	rows.Close()
	for _, f := range forms {
		if t, ok := totals[f.Code]; ok {
			t.Form = f
			ov.Forms = append(ov.Forms, t)
		}
	}
	rows, err = q.Query(ctx, `SELECT COALESCE(a.name, ''), COUNT(DISTINCT u.id), COALESCE(SUM(c.places), 0)
		FROM units u LEFT JOIN areas a ON a.id = u.area_id LEFT JOIN unit_capacity c ON c.unit_id = u.id
		WHERE u.active GROUP BY a.id, a.name ORDER BY COALESCE(a.name, '')`)
	if err != nil {
		return ov, err
	}
	for rows.Next() {
		var t AreaTotal
		if err := rows.Scan(&t.Area, &t.Units, &t.Places); err != nil {
			rows.Close()
			return ov, err
		}
		ov.Areas = append(ov.Areas, t)
	}
	rows.Close()
	rows, err = q.Query(ctx, "SELECT role, COUNT(*) FROM users WHERE active GROUP BY role ORDER BY role")
	if err != nil {
		return ov, err
	}
	defer rows.Close()
	for rows.Next() {
		var role string
		var n int
		if err := rows.Scan(&role, &n); err != nil {
			return ov, err
		}
		ov.StaffRoles = append(ov.StaffRoles, RoleCount{Role: role, Count: privacy.Suppress(n, minGroup)})
	}
	return ov, rows.Err()
}
