// Package unitpicture is the unit picture (issue 5): indicators and their
// values per school unit, school year and group, imported from Skolverket's
// statistics files and API (package skolverket) or from the organizer's own
// tables, and the view models built on them — the indicator view, the unit
// profile, results against background (Adjusted), the compensatory check and
// the board's "what to steer by".
//
// Values are aggregates, not personal data: reads are not audited, imports
// are (who, what, when). Every view is scoped: a principal sees the values of
// their own units plus organizer-level aggregates; officers, analysts and
// board members see every unit. A value based on fewer than MinPupils pupils
// is suppressed for everyone: it leaves this package as StatusSuppressed
// with neither number nor pupil count.
//
// National data: values of units that are not the organizer's are stored
// too (unit_code set, unit_id NULL), so that the organizer can compare with
// the nation and fit the regression nationally. The national reference
// value of an indicator is the row with unit code NationalCode ("riket")
// when a source gave one; otherwise, when at least MinNationalUnits other
// units have values for that year, the median over every unit in the
// database (National.Basis says which).
package unitpicture

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

const (
	// MinPupils is the smallest number of pupils a shown value may be based
	// on (Skolverket's own rule); smaller groups are suppressed everywhere.
	MinPupils = 10
	// MinRegressionPupils excludes small units from Adjusted, as SALSA
	// does (units with fewer than 15 pupils in year 9 are not reported).
	MinRegressionPupils = 15
	// NationalCode is the unit code of national reference values (the
	// statistics files' "Riket" rows, skolverket.NationalCode).
	NationalCode = skolverket.NationalCode
	// MinNationalUnits is how many units other than the organizer's must
	// have values before their median stands in for the national value.
	MinNationalUnits = 30
	// StatusSuppressed marks a value hidden because fewer than MinPupils
	// pupils are behind it.
	StatusSuppressed = "suppressed"
)

// Sources of values.
const (
	SourceCSV = "skolverket-csv"
	SourceAPI = "skolverket-api"
	SourceOwn = "own:" // + the mapping's name
)

// Indicator is a stored indicator: a built-in catalogue entry or one of the
// organizer's own.
type Indicator struct {
	ID int64
	skolverket.Indicator
	BuiltIn bool
	Active  bool
}

// Name returns the indicator's name in lang ("sv" or "en"), Swedish when
// there is no English name.
func (i Indicator) Name(lang string) string {
	if lang == "en" && i.NameEN != "" {
		return i.NameEN
	}
	return i.NameSV
}

// Better reports whether a change of diff is an improvement (+1), a
// deterioration (-1) or neither (0, also for neutral indicators).
func (i Indicator) Better(diff float64) int {
	switch {
	case diff == 0 || i.Direction == skolverket.Neutral:
		return 0
	case (diff > 0) == (i.Direction == skolverket.HigherIsBetter):
		return 1
	}
	return -1
}

const indicatorCols = `id, key, builtin, name_sv, name_en, unit, direction, kind, COALESCE(pupil_sd, 0), background,
	school_form, source, definition_sv, definition_en, active`

func scanIndicator(sc interface{ Scan(...any) error }) (Indicator, error) {
	var i Indicator
	var dir int
	err := sc.Scan(&i.ID, &i.Key, &i.BuiltIn, &i.NameSV, &i.NameEN, &i.Unit, &dir, &i.Kind, &i.PupilSD, &i.Background,
		&i.SchoolForm, &i.Source, &i.DefinitionSV, &i.DefinitionEN, &i.Active)
	i.Direction = skolverket.Direction(dir)
	return i, err
}

// Indicators returns every stored indicator (built-in first, then the
// organizer's own), by key.
func Indicators(ctx context.Context, q store.Q) ([]Indicator, error) {
	rows, err := q.Query(ctx, "SELECT "+indicatorCols+" FROM indicators ORDER BY builtin DESC, key")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Indicator
	for rows.Next() {
		i, err := scanIndicator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// IndicatorByKey returns one indicator; app.NotFound when there is none.
func IndicatorByKey(ctx context.Context, q store.Q, key string) (Indicator, error) {
	i, err := scanIndicator(q.QueryRow(ctx, "SELECT "+indicatorCols+" FROM indicators WHERE key = ?", key))
	if store.IsNotFound(err) {
		return i, app.NotFound()
	}
	return i, err
}

// SyncCatalogue makes the built-in indicators match skolverket.Catalogue():
// new entries are added, changed ones updated; the organizer's own
// indicators are left alone. It is idempotent and runs at the start of
// every import and when the demo is loaded (so a fresh database has no
// indicators until data arrives).
func SyncCatalogue(ctx context.Context, q store.Q) error {
	existing := map[string]bool{}
	rows, err := q.Query(ctx, "SELECT key FROM indicators")
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return err
		}
		existing[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := store.Now()
	for _, c := range skolverket.Catalogue() {
		if existing[c.Key] {
			_, err = q.Exec(ctx, `UPDATE indicators SET builtin = ?, name_sv = ?, name_en = ?, unit = ?, direction = ?, kind = ?,
				pupil_sd = ?, background = ?, school_form = ?, source = ?, definition_sv = ?, definition_en = ?, updated_at = ?
				WHERE key = ? AND (builtin <> ? OR name_sv <> ? OR name_en <> ? OR unit <> ? OR direction <> ? OR kind <> ?
				OR COALESCE(pupil_sd, 0) <> ? OR background <> ? OR school_form <> ? OR source <> ? OR definition_sv <> ? OR definition_en <> ?)`,
				true, c.NameSV, c.NameEN, c.Unit, int(c.Direction), c.Kind, c.PupilSD, c.Background, c.SchoolForm, c.Source,
				c.DefinitionSV, c.DefinitionEN, now, c.Key,
				true, c.NameSV, c.NameEN, c.Unit, int(c.Direction), c.Kind, c.PupilSD, c.Background, c.SchoolForm, c.Source,
				c.DefinitionSV, c.DefinitionEN)
		} else {
			err = insertIndicator(ctx, q, c, true)
		}
		if err != nil {
			return fmt.Errorf("sync indicator %s: %w", c.Key, err)
		}
	}
	return nil
}

func insertIndicator(ctx context.Context, q store.Q, c skolverket.Indicator, builtin bool) error {
	now := store.Now()
	_, err := q.Exec(ctx, `INSERT INTO indicators (key, builtin, name_sv, name_en, unit, direction, kind, pupil_sd, background,
		school_form, source, definition_sv, definition_en, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Key, builtin, c.NameSV, c.NameEN, c.Unit, int(c.Direction), c.Kind, c.PupilSD, c.Background,
		c.SchoolForm, c.Source, c.DefinitionSV, c.DefinitionEN, true, now, now)
	return err
}

// UnitRef names a unit in a report.
type UnitRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Report is what an import did. It is stored as JSON with the import run.
type Report struct {
	RunID    int64     `json:"run_id,omitempty"`
	Source   string    `json:"source"`
	FileName string    `json:"file_name"`
	At       time.Time `json:"at"`
	DryRun   bool      `json:"dry_run,omitempty"`

	RowsRead   int `json:"rows_read"`   // rows or records in the source
	ValuesRead int `json:"values_read"` // values (including missing ones)
	UnitsSeen  int `json:"units_seen"`
	// UnitsMatched counts the organizer's units among them; the others are
	// stored as national data and listed in OtherUnits.
	UnitsMatched int       `json:"units_matched"`
	OtherUnits   []UnitRef `json:"other_units,omitempty"`

	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`

	// Missing counts values without a number, by why ("..", ".", the
	// API's valueType, ...).
	Missing        map[string]int       `json:"missing,omitempty"`
	UnknownColumns []string             `json:"unknown_columns,omitempty"`
	Problems       []skolverket.Problem `json:"problems,omitempty"`
}

// NothingChanged reports whether the import wrote no value: the data were
// already there (a repeated import).
func (r *Report) NothingChanged() bool { return r.Inserted == 0 && r.Updated == 0 }

var (
	unitCodeRE   = regexp.MustCompile(`^[0-9]{8}$`)
	schoolYearRE = regexp.MustCompile(`^([0-9]{4})/([0-9]{2})$`)
)

// YearStart returns the first calendar year of a school year "2024/25".
func YearStart(schoolYear string) (int, bool) {
	m := schoolYearRE.FindStringSubmatch(schoolYear)
	if m == nil {
		return 0, false
	}
	y, _ := strconv.Atoi(m[1])
	next, _ := strconv.Atoi(m[2])
	if (y+1)%100 != next {
		return 0, false
	}
	return y, true
}

// SchoolYear returns "2024/25" for 2024.
func SchoolYear(start int) string { return fmt.Sprintf("%d/%02d", start, (start+1)%100) }

var errDryRun = errors.New("dry run")

// Import stores d in one transaction — all or nothing. Values are upserted
// on (indicator, unit code, school year, group): importing the same data
// twice changes nothing and the report says so (Report.NothingChanged).
// Units that are not the organizer's are kept as national data. The import
// run and its report are stored and the import is audited. p must be
// allowed to manage indicators (auth.System, for operator commands, is).
// Year-9 values without a pupil count get the count of the same source's
// pupils_grade9 value for that unit and year (d is changed in place).
func Import(ctx context.Context, db store.Q, p *auth.Principal, d *skolverket.Data, source, fileName string) (*Report, error) {
	return importData(ctx, db, p, d, source, fileName, false)
}

// Preview is Import without writing anything: the same report, rolled back.
func Preview(ctx context.Context, db store.Q, p *auth.Principal, d *skolverket.Data, source, fileName string) (*Report, error) {
	return importData(ctx, db, p, d, source, fileName, true)
}

type valueKey struct {
	indicator int64
	code      string
	year      string
	group     string
}

type storedValue struct {
	id       int64
	unitID   *int64
	unitName string
	value    *float64
	status   string
	raw      string
	pupils   *int
}

func importData(ctx context.Context, db store.Q, p *auth.Principal, d *skolverket.Data, source, fileName string, dry bool) (*Report, error) {
	if !mayImport(p) {
		return nil, app.Forbidden()
	}
	if d == nil {
		return nil, errors.New("unitpicture: no data to import")
	}
	ctx = auth.WithPrincipal(ctx, p)
	rep := &Report{Source: source, FileName: fileName, At: store.Now(), DryRun: dry,
		RowsRead: d.Report.RowsRead, ValuesRead: len(d.Values), UnknownColumns: d.Report.UnknownColumns,
		Problems: slices.Clone(d.Report.Problems), Missing: map[string]int{}}
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		if err := SyncCatalogue(ctx, tx); err != nil {
			return err
		}
		inds, err := Indicators(ctx, tx)
		if err != nil {
			return err
		}
		indID := map[string]int64{}
		for _, i := range inds {
			indID[i.Key] = i.ID
		}
		own, err := ownUnits(ctx, tx)
		if err != nil {
			return err
		}
		fillPupils(d)
		names := map[string]string{}
		for _, u := range d.Units {
			names[u.Code] = u.Name
		}
		// Validate and deduplicate.
		type item struct {
			v     skolverket.Value
			year  int
			indID int64
		}
		items := map[valueKey]item{}
		var order []valueKey
		years := map[int]bool{}
		indSet := map[int64]bool{}
		seen := map[string]bool{}
		for _, v := range d.Values {
			id, ok := indID[v.Indicator]
			if !ok {
				rep.Problems = append(rep.Problems, skolverket.Problem{Line: v.Line, Field: v.Indicator, Msg: "unknown indicator; value skipped"})
				continue
			}
			if !unitCodeRE.MatchString(v.UnitCode) && v.UnitCode != NationalCode {
				rep.Problems = append(rep.Problems, skolverket.Problem{Line: v.Line, Field: "unit code", Msg: fmt.Sprintf("%q is not an 8-digit unit code; value skipped", v.UnitCode)})
				continue
			}
			ys, ok := YearStart(v.SchoolYear)
			if !ok {
				rep.Problems = append(rep.Problems, skolverket.Problem{Line: v.Line, Field: "school year", Msg: fmt.Sprintf("%q is not a school year like 2024/25; value skipped", v.SchoolYear)})
				continue
			}
			g := v.Group
			if g == "" {
				g = skolverket.GroupAll
			}
			if g != skolverket.GroupAll && g != skolverket.GroupGirls && g != skolverket.GroupBoys {
				rep.Problems = append(rep.Problems, skolverket.Problem{Line: v.Line, Field: "group", Msg: fmt.Sprintf("unknown group %q; value skipped", g)})
				continue
			}
			v.Group = g
			if v.Value == nil {
				rep.Missing[string(v.Status)]++
			}
			k := valueKey{id, v.UnitCode, v.SchoolYear, g}
			if prev, dup := items[k]; dup {
				if !sameValue(prev.v, v) {
					rep.Problems = append(rep.Problems, skolverket.Problem{Line: v.Line, Field: v.Indicator,
						Msg: fmt.Sprintf("unit %s, %s given again with another value (first on line %d); the later one is kept", v.UnitCode, v.SchoolYear, prev.v.Line)})
				}
			} else {
				order = append(order, k)
			}
			items[k] = item{v, ys, id}
			years[ys] = true
			indSet[id] = true
			if !seen[v.UnitCode] && v.UnitCode != NationalCode {
				seen[v.UnitCode] = true
				if _, ok := own[v.UnitCode]; ok {
					rep.UnitsMatched++
				} else {
					rep.OtherUnits = append(rep.OtherUnits, UnitRef{v.UnitCode, names[v.UnitCode]})
				}
			}
		}
		for _, u := range d.Units {
			if u.Code != "" && !seen[u.Code] && unitCodeRE.MatchString(u.Code) {
				seen[u.Code] = true
				if _, ok := own[u.Code]; ok {
					rep.UnitsMatched++
				} else {
					rep.OtherUnits = append(rep.OtherUnits, UnitRef{u.Code, u.Name})
				}
			}
		}
		rep.UnitsSeen = len(seen)
		sort.Slice(rep.OtherUnits, func(i, j int) bool { return rep.OtherUnits[i].Code < rep.OtherUnits[j].Code })
		// National unit register.
		now := store.Now()
		if err := saveNationalUnits(ctx, tx, d.Units, now); err != nil {
			return err
		}
		// What is there already.
		existing := map[valueKey]storedValue{}
		if len(items) > 0 {
			ids := make([]any, 0, len(indSet))
			for id := range indSet {
				ids = append(ids, id)
			}
			ys := make([]any, 0, len(years))
			for y := range years {
				ys = append(ys, y)
			}
			rows, err := tx.Query(ctx, `SELECT id, indicator_id, unit_code, school_year, grp, unit_id, unit_name, value, status, raw, pupils
				FROM indicator_values WHERE indicator_id IN (`+store.Placeholders(len(ids))+`) AND year_start IN (`+store.Placeholders(len(ys))+`)`,
				append(ids, ys...)...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var k valueKey
				var s storedValue
				if err := rows.Scan(&s.id, &k.indicator, &k.code, &k.year, &k.group, &s.unitID, &s.unitName, &s.value, &s.status, &s.raw, &s.pupils); err != nil {
					rows.Close()
					return err
				}
				existing[k] = s
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		runID, err := insertRun(ctx, tx, p, source, fileName, now)
		if err != nil {
			return err
		}
		rep.RunID = runID
		var inserts [][]any
		for _, k := range order {
			it := items[k]
			v := it.v
			var unitID *int64
			if u, ok := own[v.UnitCode]; ok {
				unitID = &u.id
			}
			name := names[v.UnitCode]
			if name == "" {
				if u, ok := own[v.UnitCode]; ok {
					name = u.name
				}
			}
			if v.UnitCode == NationalCode && name == "" {
				name = "Riket"
			}
			if old, ok := existing[k]; ok {
				if eqInt64(old.unitID, unitID) && old.unitName == name && eqFloat(old.value, v.Value) && old.status == string(v.Status) &&
					old.raw == v.Raw && eqInt(old.pupils, v.Pupils) {
					rep.Unchanged++
					continue
				}
				if _, err := tx.Exec(ctx, `UPDATE indicator_values SET unit_id = ?, unit_name = ?, value = ?, status = ?, raw = ?, pupils = ?,
					source = ?, imported_at = ?, import_run_id = ? WHERE id = ?`,
					unitID, name, v.Value, string(v.Status), v.Raw, v.Pupils, source, now, runID, old.id); err != nil {
					return err
				}
				rep.Updated++
				continue
			}
			inserts = append(inserts, []any{k.indicator, v.UnitCode, unitID, name, v.SchoolYear, it.year, k.group, v.Value,
				string(v.Status), v.Raw, v.Pupils, source, now, runID})
			rep.Inserted++
		}
		if err := insertValues(ctx, tx, inserts); err != nil {
			return err
		}
		js, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE import_runs SET report = ? WHERE id = ?", string(js), runID); err != nil {
			return err
		}
		if err := audit.Log(ctx, tx, audit.Import, "indicator_values", strconv.FormatInt(runID, 10),
			fmt.Sprintf("%s %s: %d new, %d changed, %d unchanged values", source, fileName, rep.Inserted, rep.Updated, rep.Unchanged)); err != nil {
			return err
		}
		if dry {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		rep.RunID = 0
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	if _, inTx := db.(*store.Tx); !inTx && rep.Inserted >= OptimizeAfter {
		if rows, err := plannerRows(ctx, db); err != nil || rep.Inserted*10 >= rows {
			if err := Optimize(ctx, db); err != nil {
				return nil, fmt.Errorf("import done, but updating the query planner's statistics failed: %w", err)
			}
		}
	}
	return rep, nil
}

// plannerRows is the row count of indicator_values the query planner
// believes (0 when it has no statistics).
func plannerRows(ctx context.Context, db store.Q) (int, error) {
	var n float64
	var err error
	if db.Dialect() == store.SQLite {
		var stat string
		err = db.QueryRow(ctx, "SELECT stat FROM sqlite_stat1 WHERE tbl = 'indicator_values' AND idx = 'indicator_values_code'").Scan(&stat)
		if err == nil {
			f, _, _ := strings.Cut(stat, " ")
			n, err = strconv.ParseFloat(f, 64)
		}
	} else {
		err = db.QueryRow(ctx, "SELECT reltuples FROM pg_class WHERE oid = 'indicator_values'::regclass").Scan(&n)
	}
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// saveNationalUnits upserts the units a source describes, writing only
// new and changed ones, in batches.
func saveNationalUnits(ctx context.Context, tx *store.Tx, units []skolverket.Unit, now time.Time) error {
	type reg struct{ name, muni, muniCode, orgType, org, orgNo string }
	have := map[string]reg{}
	rows, err := tx.Query(ctx, "SELECT unit_code, name, municipality, municipality_code, organizer_type, organizer, org_number FROM national_units")
	if err != nil {
		return err
	}
	for rows.Next() {
		var c string
		var r reg
		if err := rows.Scan(&c, &r.name, &r.muni, &r.muniCode, &r.orgType, &r.org, &r.orgNo); err != nil {
			rows.Close()
			return err
		}
		have[c] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO national_units (unit_code, name, municipality, municipality_code, organizer_type,
			organizer, org_number, lat, lon, updated_at) VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")+`
			ON CONFLICT (unit_code) DO UPDATE SET name = excluded.name, municipality = excluded.municipality,
			municipality_code = excluded.municipality_code, organizer_type = excluded.organizer_type,
			organizer = excluded.organizer, org_number = excluded.org_number,
			lat = COALESCE(excluded.lat, national_units.lat), lon = COALESCE(excluded.lon, national_units.lon),
			updated_at = excluded.updated_at`, args...)
		args, n = args[:0], 0
		return err
	}
	seen := map[string]bool{}
	for _, u := range units {
		if !unitCodeRE.MatchString(u.Code) || seen[u.Code] {
			continue
		}
		seen[u.Code] = true
		if old, ok := have[u.Code]; ok && u.Lat == nil && u.Lon == nil &&
			old == (reg{u.Name, u.Municipality, u.MunicipalityCode, u.OrganizerType, u.Organizer, u.OrgNumber}) {
			continue
		}
		args = append(args, u.Code, u.Name, u.Municipality, u.MunicipalityCode, u.OrganizerType, u.Organizer, u.OrgNumber, u.Lat, u.Lon, now)
		if n++; n == 200 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// OptimizeAfter is the number of new values after which an import updates
// the query planner's statistics (Optimize).
const OptimizeAfter = 1000

// Optimize updates the query planner's statistics of indicator_values. The
// views depend on them at national scale: without statistics SQLite reads
// a whole indicator (50,000 values) instead of the organizer's few units.
// On SQLite the analysis is sampled (PRAGMA analysis_limit), so it stays
// fast on millions of rows; PostgreSQL samples anyway.
func Optimize(ctx context.Context, db store.Q) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		if tx.Dialect() == store.SQLite {
			if _, err := tx.Exec(ctx, "PRAGMA analysis_limit = 1000"); err != nil {
				return err
			}
		}
		// units too: the planner must know the organizer has few of them.
		_, err := tx.Exec(ctx, "ANALYZE units")
		if err == nil {
			_, err = tx.Exec(ctx, "ANALYZE indicator_values")
		}
		return err
	})
}

func insertRun(ctx context.Context, tx *store.Tx, p *auth.Principal, source, fileName string, now time.Time) (int64, error) {
	var actorID *int64
	if p.Authenticated() {
		actorID = &p.UserID
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO import_runs (at, actor_id, actor, source, file_name, report) VALUES (?, ?, ?, ?, ?, '{}') RETURNING id`,
		now, actorID, p.Label(), source, fileName).Scan(&id)
	return id, err
}

// insertValues inserts rows in batches of multi-row INSERTs (14 columns).
func insertValues(ctx context.Context, tx *store.Tx, rows [][]any) error {
	const batch = 200
	const one = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	for len(rows) > 0 {
		n := min(batch, len(rows))
		args := make([]any, 0, n*14)
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		q := `INSERT INTO indicator_values (indicator_id, unit_code, unit_id, unit_name, school_year, year_start, grp, value, status, raw,
			pupils, source, imported_at, import_run_id) VALUES ` + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

type ownUnit struct {
	id   int64
	name string
}

// ownUnits maps the organizer's unit codes to their ids and names.
func ownUnits(ctx context.Context, q store.Q) (map[string]ownUnit, error) {
	rows, err := q.Query(ctx, "SELECT id, unit_code, name FROM units")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]ownUnit{}
	for rows.Next() {
		var u ownUnit
		var code string
		if err := rows.Scan(&u.id, &code, &u.name); err != nil {
			return nil, err
		}
		m[code] = u
	}
	return m, rows.Err()
}

// PupilsIndicator9 is the number of pupils finishing year 9: the pupils
// behind every year-9 value of the same unit, year and group.
const PupilsIndicator9 = "pupils_grade9"

// fillPupils sets the pupil count of year-9 values (keys ending in "_9")
// that have none from the same source's pupils_grade9 value for that unit,
// year and group: in Skolverket's grade files "Antal elever" is the number
// of pupils behind the row's figures.
func fillPupils(d *skolverket.Data) {
	type k struct{ code, year, group string }
	n := map[k]int{}
	for _, v := range d.Values {
		if v.Indicator == PupilsIndicator9 && v.Value != nil && *v.Value >= 0 && *v.Value == math.Trunc(*v.Value) {
			n[k{v.UnitCode, v.SchoolYear, v.Group}] = int(*v.Value)
		}
	}
	if len(n) == 0 {
		return
	}
	for i := range d.Values {
		v := &d.Values[i]
		if v.Pupils != nil || v.Indicator == PupilsIndicator9 || !strings.HasSuffix(v.Indicator, "_9") {
			continue
		}
		if c, ok := n[k{v.UnitCode, v.SchoolYear, v.Group}]; ok {
			v.Pupils = &c
		}
	}
}

func sameValue(a, b skolverket.Value) bool {
	return eqFloat(a.Value, b.Value) && a.Status == b.Status && eqInt(a.Pupils, b.Pupils)
}

func eqFloat(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqInt(a, b *int) bool       { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqInt64(a, b *int64) bool   { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// Run is a stored import run.
type Run struct {
	ID       int64
	At       time.Time
	Actor    string
	Source   string
	FileName string
	Report   Report
}

// Runs returns the latest import runs, newest first.
func Runs(ctx context.Context, q store.Q, p *auth.Principal, limit int) ([]Run, error) {
	if !mayReadAny(p) {
		return nil, app.Forbidden()
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := q.Query(ctx, "SELECT id, at, actor, source, file_name, report FROM import_runs ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var js string
		if err := rows.Scan(&r.ID, &r.At, &r.Actor, &r.Source, &r.FileName, &js); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(js), &r.Report); err != nil {
			return nil, fmt.Errorf("import run %d: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
