package accessibility

import (
	"context"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Source is the indicators' and values' source in the unit picture.
const Source = "accessibility"

// IndicatorKey is the unit picture's indicator of an area.
func IndicatorKey(area string) string { return "accessibility_" + area }

// areaNames are the indicators' names and definitions; the unit picture
// shows them like any own indicator.
var areaNames = map[string][2]string{
	AreaSocial:        {"Tillgänglighet: social lärmiljö", "Accessibility: social learning environment"},
	AreaPedagogical:   {"Tillgänglighet: pedagogisk lärmiljö", "Accessibility: pedagogical learning environment"},
	AreaPhysical:      {"Tillgänglighet: fysisk lärmiljö", "Accessibility: physical learning environment"},
	AreaPreconditions: {"Tillgänglighet: organisationens förutsättningar", "Accessibility: the organisation's preconditions"},
}

const (
	definitionSV = "Medelvärdet av enhetens samlade nivåer (1–5) för områdets påståenden i självskattningen av tillgänglig lärmiljö. En självskattning, inte en mätning: jämför en enhet med sig själv över tid."
	definitionEN = "The mean of the unit's gathered levels (1–5) for the area's statements in the accessibility self-assessment. A self-assessment, not a measurement: compare a unit with itself over time."
)

// syncIndicators creates the four area indicators when missing (the
// organizer's own, kind and unit "index", higher is better).
func syncIndicators(ctx context.Context, tx *store.Tx, now time.Time) error {
	for _, a := range Areas {
		n := areaNames[a]
		_, err := tx.Exec(ctx, `INSERT INTO indicators (key, builtin, name_sv, name_en, unit, direction, kind, background, source,
				definition_sv, definition_en, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'index', 1, 'index', ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO NOTHING`, IndicatorKey(a), false, n[0], n[1], false, Source, definitionSV, definitionEN, true, now, now)
		if err != nil {
			return err
		}
	}
	return nil
}

// storeIndicators writes a round's area means as the unit's indicator
// values for its school year (an upsert), and removes an area's value
// when it is no longer completely gathered.
func storeIndicators(ctx context.Context, tx *store.Tx, r *Round, areas []AreaResult, now time.Time) error {
	if err := syncIndicators(ctx, tx, now); err != nil {
		return err
	}
	for _, a := range areas {
		var id int64
		if err := tx.QueryRow(ctx, "SELECT id FROM indicators WHERE key = ?", IndicatorKey(a.Area)).Scan(&id); err != nil {
			return err
		}
		if a.Mean == nil {
			if _, err := tx.Exec(ctx, `DELETE FROM indicator_values WHERE indicator_id = ? AND school_year = ? AND grp = 'all' AND unit_code = ?`,
				id, r.SchoolYear, r.UnitCode); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO indicator_values (indicator_id, unit_code, unit_id, unit_name, school_year, year_start, grp,
				value, status, raw, source, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, 'all', ?, '', '', ?, ?)
			ON CONFLICT (indicator_id, school_year, grp, unit_code) DO UPDATE SET value = excluded.value, unit_id = excluded.unit_id,
				unit_name = excluded.unit_name, source = excluded.source, imported_at = excluded.imported_at`,
			id, r.UnitCode, r.UnitID, r.UnitName, r.SchoolYear, r.YearStart, *a.Mean, Source, now); err != nil {
			return err
		}
	}
	return nil
}
