// Package accessibility is the self-assessment of accessible learning
// environments (issue 16): the organizer's statements, grouped in four
// areas and each assessed on five levels; rounds in which the staff of a
// unit assess individually and anonymously (a unit code or personal
// links); the spread of their answers and the unit's gathered level per
// statement (the median proposed); the weakest statements turned into
// actions of the next quality dialogue, followed up by the next round's
// gathered level; and one indicator per area in the unit picture.
package accessibility

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// The four areas of the learning environment, in the order pages show them.
const (
	AreaSocial        = "social"
	AreaPedagogical   = "pedagogical"
	AreaPhysical      = "physical"
	AreaPreconditions = "preconditions"
)

// Areas lists the areas in display order.
var Areas = []string{AreaSocial, AreaPedagogical, AreaPhysical, AreaPreconditions}

// Levels is the number of levels each statement is assessed on (1 to 5).
const Levels = 5

// Limits of a statement set.
const (
	MaxStatements = 60
	MaxText       = 500
	MaxLevelText  = 300
	MaxName       = 200
)

var keyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// Statement is one statement of a set with its five level descriptions.
type Statement struct {
	ID       int64
	SetID    int64
	Key      string
	Area     string
	Position int
	TextSV   string
	TextEN   string
	LevelsSV []string // Levels entries, level 1 first
	LevelsEN []string
}

// Text is the statement in lang (Swedish when there is no English text).
func (s Statement) Text(lang string) string {
	if lang == "en" && s.TextEN != "" {
		return s.TextEN
	}
	return s.TextSV
}

// Level is the description of level n (1..Levels) in lang.
func (s Statement) Level(lang string, n int) string {
	if n < 1 || n > Levels {
		return ""
	}
	if lang == "en" && len(s.LevelsEN) == Levels && s.LevelsEN[n-1] != "" {
		return s.LevelsEN[n-1]
	}
	if len(s.LevelsSV) == Levels {
		return s.LevelsSV[n-1]
	}
	return ""
}

// Own is the description of level n in lang as stored, without falling
// back to Swedish (for the edit form).
func (s Statement) Own(lang string, n int) string {
	ls := s.LevelsSV
	if lang == "en" {
		ls = s.LevelsEN
	}
	if n < 1 || n > len(ls) {
		return ""
	}
	return ls[n-1]
}

// Set is a statement set.
type Set struct {
	ID         int64
	Name       string
	Example    bool
	Statements []Statement
	Rounds     int // rounds that use it
}

// Area returns the statements of one area, in order.
func (s *Set) Area(area string) []Statement {
	var out []Statement
	for _, st := range s.Statements {
		if st.Area == area {
			out = append(out, st)
		}
	}
	return out
}

// StatementInput is a statement as entered or imported.
type StatementInput struct {
	Key      string
	Area     string
	TextSV   string
	TextEN   string
	LevelsSV []string
	LevelsEN []string
}

// clean trims every text.
func (in *StatementInput) clean() {
	in.Key, in.Area = strings.TrimSpace(in.Key), strings.TrimSpace(in.Area)
	in.TextSV, in.TextEN = app.CleanLine(in.TextSV), app.CleanLine(in.TextEN)
	for i := range in.LevelsSV {
		in.LevelsSV[i] = app.CleanLine(in.LevelsSV[i])
	}
	for i := range in.LevelsEN {
		in.LevelsEN[i] = app.CleanLine(in.LevelsEN[i])
	}
}

// Validate checks a statement; field names carry prefix (a form field
// "statement_" or an import's "line N: "). The key is lower-case letters,
// digits, - and _; the area one of Areas; the Swedish text and its five
// level descriptions are required, the English ones optional (all five or
// none).
func (in *StatementInput) Validate(v *app.Validation, prefix string) {
	in.clean()
	if !keyRE.MatchString(in.Key) {
		v.Add(prefix+"key", "accessibility.err_key")
	}
	if !slices.Contains(Areas, in.Area) {
		v.Add(prefix+"area", "field.choose")
	}
	switch {
	case in.TextSV == "":
		v.Add(prefix+"text_sv", "field.required")
	case app.TooLong(in.TextSV, MaxText):
		v.Add(prefix+"text_sv", "field.too_long", map[string]any{"Max": MaxText})
	}
	if app.TooLong(in.TextEN, MaxText) {
		v.Add(prefix+"text_en", "field.too_long", map[string]any{"Max": MaxText})
	}
	checkLevels(v, prefix+"levels_sv", in.LevelsSV, true)
	checkLevels(v, prefix+"levels_en", in.LevelsEN, false)
}

func checkLevels(v *app.Validation, field string, levels []string, required bool) {
	empty := 0
	for _, l := range levels {
		if l == "" {
			empty++
		}
		if app.TooLong(l, MaxLevelText) {
			v.Add(field, "field.too_long", map[string]any{"Max": MaxLevelText})
			return
		}
	}
	if len(levels) > Levels {
		v.Add(field, "accessibility.err_levels", map[string]any{"Levels": Levels})
		return
	}
	empty += Levels - len(levels)
	if empty == 0 || (!required && empty == Levels) {
		return
	}
	v.Add(field, "accessibility.err_levels", map[string]any{"Levels": Levels})
}

// SetInput is a whole statement set, as imported.
type SetInput struct {
	Name       string
	Statements []StatementInput
}

// Validate checks the set: a name, 1 to MaxStatements statements, keys
// unique. Statement fields are named "statement N: field".
func (in *SetInput) Validate() error {
	var v app.Validation
	in.Name = app.CleanLine(in.Name)
	switch {
	case in.Name == "":
		v.Add("name", "field.required")
	case app.TooLong(in.Name, MaxName):
		v.Add("name", "field.too_long", map[string]any{"Max": MaxName})
	}
	if len(in.Statements) == 0 || len(in.Statements) > MaxStatements {
		v.Add("file", "accessibility.err_count", map[string]any{"Max": MaxStatements})
	}
	seen := map[string]bool{}
	for i := range in.Statements {
		s := &in.Statements[i]
		s.Validate(&v, "statement "+strconv.Itoa(i+1)+": ")
		if seen[s.Key] {
			v.Add("statement "+strconv.Itoa(i+1)+": key", "accessibility.err_key_twice")
		}
		seen[s.Key] = true
	}
	return v.Err()
}

func joinLevels(ls []string) string {
	if len(ls) == 0 || slices.Equal(ls, make([]string, len(ls))) {
		return ""
	}
	return strings.Join(ls, "\n")
}

func splitLevels(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Sets lists the statement sets with the number of rounds using each.
// Statement sets hold no personal data; everyone who runs or reads the
// self-assessment may list them.
func Sets(ctx context.Context, q store.Q) ([]Set, error) {
	rows, err := q.Query(ctx, `SELECT s.id, s.name, s.example, (SELECT COUNT(*) FROM access_rounds r WHERE r.set_id = s.id)
		FROM access_sets s ORDER BY s.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Set
	for rows.Next() {
		var s Set
		if err := rows.Scan(&s.ID, &s.Name, &s.Example, &s.Rounds); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// GetSet returns a set with its statements by area and position.
func GetSet(ctx context.Context, q store.Q, id int64) (*Set, error) {
	s := &Set{ID: id}
	err := q.QueryRow(ctx, `SELECT name, example, (SELECT COUNT(*) FROM access_rounds r WHERE r.set_id = s.id)
		FROM access_sets s WHERE id = ?`, id).Scan(&s.Name, &s.Example, &s.Rounds)
	if store.IsNotFound(err) {
		return nil, app.NotFound()
	} else if err != nil {
		return nil, err
	}
	s.Statements, err = statements(ctx, q, id)
	return s, err
}

func statements(ctx context.Context, q store.Q, setID int64) ([]Statement, error) {
	rows, err := q.Query(ctx, `SELECT id, set_id, key, area, position, text_sv, text_en, levels_sv, levels_en
		FROM access_statements WHERE set_id = ?`, setID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Statement
	for rows.Next() {
		var s Statement
		var lsv, len_ string
		if err := rows.Scan(&s.ID, &s.SetID, &s.Key, &s.Area, &s.Position, &s.TextSV, &s.TextEN, &lsv, &len_); err != nil {
			return nil, err
		}
		s.LevelsSV, s.LevelsEN = splitLevels(lsv), splitLevels(len_)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortStatements(out)
	return out, nil
}

func sortStatements(list []Statement) {
	slices.SortStableFunc(list, func(a, b Statement) int {
		if d := slices.Index(Areas, a.Area) - slices.Index(Areas, b.Area); d != 0 {
			return d
		}
		return a.Position - b.Position
	})
}

// ImportSet stores a new statement set (auth.ManageAccessibility); the
// name must be new.
func ImportSet(ctx context.Context, db store.Q, in SetInput, now time.Time) (int64, error) {
	if !MayManage(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	return importSet(ctx, db, in, false, now)
}

func importSet(ctx context.Context, db store.Q, in SetInput, example bool, now time.Time) (int64, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO access_sets (name, example, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
			in.Name, example, now, now).Scan(&id)
		if errors.Is(err, store.ErrAlreadyExists) {
			var v app.Validation
			v.Add("name", "accessibility.err_name_taken")
			return v.Err()
		} else if err != nil {
			return err
		}
		for i, s := range in.Statements {
			if _, err := tx.Exec(ctx, `INSERT INTO access_statements (set_id, key, area, position, text_sv, text_en, levels_sv, levels_en)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, s.Key, s.Area, i+1, s.TextSV, s.TextEN, joinLevels(s.LevelsSV), joinLevels(s.LevelsEN)); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, audit.Import, "access_set", strconv.FormatInt(id, 10), strconv.Itoa(len(in.Statements))+" statements")
	})
	return id, err
}

// SaveStatement changes a statement of a set, found by key, or adds it at
// the end of its area (auth.ManageAccessibility). Fields "key", "area",
// "text_sv", "text_en", "levels_sv", "levels_en". A changed text applies
// to earlier rounds too: change wording, not meaning, once a set is used.
func SaveStatement(ctx context.Context, db store.Q, setID int64, in StatementInput, now time.Time) error {
	if !MayManage(auth.FromContext(ctx)) {
		return app.Forbidden()
	}
	var v app.Validation
	in.Validate(&v, "")
	if err := v.Err(); err != nil {
		return err
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		set, err := GetSet(ctx, tx, setID)
		if err != nil {
			return err
		}
		for _, s := range set.Statements {
			if s.Key != in.Key {
				continue
			}
			if s.Area != in.Area && set.Rounds > 0 {
				v.Add("area", "accessibility.err_area_used")
				return v.Err()
			}
			if _, err := tx.Exec(ctx, `UPDATE access_statements SET area = ?, text_sv = ?, text_en = ?, levels_sv = ?, levels_en = ? WHERE id = ?`,
				in.Area, in.TextSV, in.TextEN, joinLevels(in.LevelsSV), joinLevels(in.LevelsEN), s.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE access_sets SET updated_at = ? WHERE id = ?", now, setID); err != nil {
				return err
			}
			return audit.Log(ctx, tx, audit.Update, "access_statement", strconv.FormatInt(s.ID, 10), in.Key)
		}
		if len(set.Statements) >= MaxStatements {
			v.Add("key", "accessibility.err_count", map[string]any{"Max": MaxStatements})
			return v.Err()
		}
		pos := 1
		for _, s := range set.Statements {
			pos = max(pos, s.Position+1)
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO access_statements (set_id, key, area, position, text_sv, text_en, levels_sv, levels_en)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, setID, in.Key, in.Area, pos, in.TextSV, in.TextEN,
			joinLevels(in.LevelsSV), joinLevels(in.LevelsEN)).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE access_sets SET updated_at = ? WHERE id = ?", now, setID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "access_statement", strconv.FormatInt(id, 10), in.Key)
	})
}
