package complaint

import (
	"context"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Directory is who can take a case: the specialist for each category, the
// principal of each unit, and the organizer's complaint officer.
type Directory struct {
	Specialists      map[string]int64 // category code -> person
	Principals       map[int64]int64  // unit -> person
	ComplaintOfficer int64            // 0 when none is appointed
}

// Route reasons, recorded on the case's first event.
const (
	ReasonCategory          = "category"           // a specialist's category
	ReasonUnit              = "unit"               // the unit's principal
	ReasonConcernsPrincipal = "concerns_principal" // impartiality: not the principal
	ReasonNoUnit            = "no_unit"            // unknown unit or the whole organization
	ReasonNoPrincipal       = "no_principal"       // the unit has no principal
)

// Route decides who handles a case: a specialist by category first (meals
// go to the meal manager whatever the unit), else the principal of the
// unit, else the complaint officer — also whenever the complaint concerns
// the principal. Handler 0 means nobody could be found: the case is then
// unassigned and shows on every officer's work list.
func Route(s *Submission, d Directory) (handler int64, reason string) {
	if id, ok := d.Specialists[s.Category]; ok {
		return id, ReasonCategory
	}
	switch {
	case s.UnitScope != ScopeUnit:
		return d.ComplaintOfficer, ReasonNoUnit
	case s.ConcernsPrincipal:
		return d.ComplaintOfficer, ReasonConcernsPrincipal
	}
	if id, ok := d.Principals[s.UnitID]; ok {
		return id, ReasonUnit
	}
	return d.ComplaintOfficer, ReasonNoPrincipal
}

// LoadDirectory reads the active specialists, principals and the complaint
// officer. Where several people share a category or a unit, the one added
// first takes new cases.
func LoadDirectory(ctx context.Context, q store.Q) (Directory, error) {
	d := Directory{Specialists: map[string]int64{}, Principals: map[int64]int64{}}
	rows, err := q.Query(ctx, `SELECT c.category_code, u.id FROM user_categories c JOIN users u ON u.id = c.user_id
		WHERE u.active AND u.role = 'specialist' ORDER BY u.id DESC`)
	if err != nil {
		return d, err
	}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			rows.Close()
			return d, err
		}
		d.Specialists[code] = id // descending ids: the lowest wins
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT l.unit_id, u.id FROM user_units l JOIN users u ON u.id = l.user_id
		WHERE u.active AND u.role = 'principal' ORDER BY u.id DESC`)
	if err != nil {
		return d, err
	}
	for rows.Next() {
		var unit, id int64
		if err := rows.Scan(&unit, &id); err != nil {
			rows.Close()
			return d, err
		}
		d.Principals[unit] = id
	}
	rows.Close()
	var officer *int64
	err = q.QueryRow(ctx, `SELECT s.complaint_officer_id FROM complaint_settings s
		LEFT JOIN users u ON u.id = s.complaint_officer_id WHERE s.id = 1 AND (u.id IS NULL OR u.active)`).Scan(&officer)
	if err != nil && !store.IsNotFound(err) {
		return d, err
	}
	if officer != nil {
		d.ComplaintOfficer = *officer
	}
	return d, nil
}
