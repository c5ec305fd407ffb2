package unitpicture

import (
	"context"
	"errors"

	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

// FedValue is one unit's value of an indicator another capability feeds
// into the unit picture (pulse surveys: source "survey"). A nil Value is
// missing with Status saying why (e.g. StatusSuppressed); Pupils is how
// many people are behind it.
type FedValue struct {
	UnitID   int64
	UnitCode string
	UnitName string
	Value    *float64
	Status   string
	Pupils   *int
}

// Feed stores an indicator of another capability (not built in: its key,
// names, kind and pupil SD as given, updated when they change) and its
// values for one school year, as an upsert in the caller's transaction:
// feeding the same values again changes nothing but imported_at.
func Feed(ctx context.Context, tx *store.Tx, ind skolverket.Indicator, schoolYear string, yearStart int, values []FedValue) error {
	var id int64
	err := tx.QueryRow(ctx, "SELECT id FROM indicators WHERE key = ?", ind.Key).Scan(&id)
	switch {
	case store.IsNotFound(err):
		if err := insertIndicator(ctx, tx, ind, false); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT id FROM indicators WHERE key = ?", ind.Key).Scan(&id); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if _, err := tx.Exec(ctx, `UPDATE indicators SET name_sv = ?, name_en = ?, unit = ?, direction = ?, kind = ?, pupil_sd = ?,
			source = ?, definition_sv = ?, definition_en = ?, updated_at = ? WHERE id = ? AND builtin = ?`,
			ind.NameSV, ind.NameEN, ind.Unit, int(ind.Direction), ind.Kind, ind.PupilSD, ind.Source, ind.DefinitionSV,
			ind.DefinitionEN, store.Now(), id, false); err != nil {
			return err
		}
	}
	now := store.Now()
	for _, v := range values {
		if v.UnitCode == "" {
			return errors.New("unitpicture: fed value without a unit code")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO indicator_values (indicator_id, unit_code, unit_id, unit_name, school_year, year_start, grp,
			value, status, raw, pupils, source, imported_at) VALUES (?, ?, ?, ?, ?, ?, 'all', ?, ?, '', ?, ?, ?)
			ON CONFLICT (indicator_id, school_year, grp, unit_code) DO UPDATE SET value = excluded.value, status = excluded.status,
			pupils = excluded.pupils, unit_id = excluded.unit_id, unit_name = excluded.unit_name, source = excluded.source,
			imported_at = excluded.imported_at`,
			id, v.UnitCode, v.UnitID, v.UnitName, schoolYear, yearStart, v.Value, v.Status, v.Pupils, ind.Source, now); err != nil {
			return err
		}
	}
	return nil
}
