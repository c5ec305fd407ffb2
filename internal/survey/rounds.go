package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Survey is a questionnaire built from the bank.
type Survey struct {
	ID       int64      `json:"id"`
	Name     string     `json:"name"`
	Audience string     `json:"audience"`
	Items    []Question `json:"items"` // statements in order, then the free-text question
}

// Statements returns the scale items.
func (s Survey) Statements() []Question {
	var out []Question
	for _, q := range s.Items {
		if q.Kind == Scale {
			out = append(out, q)
		}
	}
	return out
}

// FreeText returns the free-text question, if any.
func (s Survey) FreeText() (Question, bool) {
	for _, q := range s.Items {
		if q.Kind == Text {
			return q, true
		}
	}
	return Question{}, false
}

// SurveyInput is the form of a new survey.
type SurveyInput struct {
	Name     string
	Audience string
	Keys     []string // statements, in order
	FreeText string   // the free-text question's key ("" for none)
}

// Validate checks the form against the bank: 5–12 statements of the
// survey's audience, and a free-text question of it.
func (in *SurveyInput) Validate(bank []Question) error {
	var v app.Validation
	in.Name = app.CleanLine(in.Name)
	if in.Name == "" {
		v.Add("name", "field.required")
	} else if app.TooLong(in.Name, 200) {
		v.Add("name", "field.too_long", map[string]any{"Max": 200})
	}
	if !slices.Contains(Audiences, in.Audience) {
		v.Add("audience", "field.required")
	}
	byKey := map[string]Question{}
	for _, q := range bank {
		byKey[q.Key] = q
	}
	var keys []string
	for _, k := range in.Keys {
		q, ok := byKey[k]
		if !ok || q.Kind != Scale || q.Audience != in.Audience || slices.Contains(keys, k) {
			v.Add("keys", "survey.err_statement")
			break
		}
		keys = append(keys, k)
	}
	in.Keys = keys
	if n := len(in.Keys); !v.Has("keys") && (n < MinStatements || n > MaxStatements) {
		v.Add("keys", "survey.err_statements", map[string]any{"Min": MinStatements, "Max": MaxStatements})
	}
	if in.FreeText != "" {
		if q, ok := byKey[in.FreeText]; !ok || q.Kind != Text || q.Audience != in.Audience {
			v.Add("free_text", "survey.err_statement")
		}
	}
	return v.Err()
}

// CreateSurvey stores a survey (auth.ManageSurveys).
func CreateSurvey(ctx context.Context, db store.Q, in SurveyInput) (int64, error) {
	if !mayManage(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	bank, err := Questions(ctx, db)
	if err != nil {
		return 0, err
	}
	if err := in.Validate(bank); err != nil {
		return 0, err
	}
	ids := map[string]int64{}
	for _, q := range bank {
		ids[q.Key] = q.ID
	}
	var id int64
	err = store.InTx(ctx, db, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, "INSERT INTO surveys (name, audience, created_at) VALUES (?, ?, ?) RETURNING id",
			in.Name, in.Audience, store.Now()).Scan(&id); err != nil {
			return err
		}
		keys := in.Keys
		if in.FreeText != "" {
			keys = append(slices.Clone(keys), in.FreeText)
		}
		for i, k := range keys {
			if _, err := tx.Exec(ctx, "INSERT INTO survey_items (survey_id, question_id, position) VALUES (?, ?, ?)", id, ids[k], i+1); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, "survey.create", "survey", strconv.FormatInt(id, 10), in.Name)
	})
	return id, err
}

// Surveys returns every survey with its items.
func Surveys(ctx context.Context, db store.Q) ([]Survey, error) {
	rows, err := db.Query(ctx, "SELECT id, name, audience FROM surveys ORDER BY id")
	if err != nil {
		return nil, err
	}
	var out []Survey
	for rows.Next() {
		var s Survey
		if err := rows.Scan(&s.ID, &s.Name, &s.Audience); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Items, err = items(ctx, db, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func items(ctx context.Context, db store.Q, surveyID int64) ([]Question, error) {
	cols := strings.ReplaceAll("q."+questionCols, ", ", ", q.")
	rows, err := db.Query(ctx, "SELECT "+cols+` FROM survey_items i JOIN survey_questions q ON q.id = i.question_id
		WHERE i.survey_id = ? ORDER BY i.position`, surveyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Round is one running of a survey.
type Round struct {
	ID         int64  `json:"id"`
	Survey     Survey `json:"survey"`
	Name       string `json:"name"`
	OpensOn    string `json:"opens_on"`
	ClosesOn   string `json:"closes_on"`
	SchoolYear string `json:"school_year"`
	YearStart  int    `json:"-"`
	MinGroup   int    `json:"min_group"`
}

// OpenOn reports whether the round takes answers on the civil date today.
func (r Round) OpenOn(today string) bool { return r.OpensOn <= today && today <= r.ClosesOn }

// Closed reports whether the round's last day has passed.
func (r Round) Closed(today string) bool { return today > r.ClosesOn }

// SchoolYear returns the school year of a civil date (from 1 July): "2025/26" and 2025.
func SchoolYear(date string) (string, int) {
	y, _ := strconv.Atoi(date[:4])
	if date[5:7] < "07" {
		y--
	}
	return strconv.Itoa(y) + "/" + strconv.Itoa((y+1)%100 + 100)[1:], y
}

// RoundInput is the form of a new round.
type RoundInput struct {
	SurveyID          int64
	Name              string
	OpensOn, ClosesOn string
	MinGroup          int // 0: DefaultMinGroup
}

// Validate checks the dates (civil, the closing day not before the opening
// one, within a school year) and the name.
func (in *RoundInput) Validate() error {
	var v app.Validation
	in.Name = app.CleanLine(in.Name)
	if in.SurveyID == 0 {
		v.Add("survey", "field.required")
	}
	if in.Name == "" {
		v.Add("name", "field.required")
	} else if app.TooLong(in.Name, 200) {
		v.Add("name", "field.too_long", map[string]any{"Max": 200})
	}
	if !civil.Valid(in.OpensOn) {
		v.Add("opens_on", "survey.err_date")
	}
	if !civil.Valid(in.ClosesOn) {
		v.Add("closes_on", "survey.err_date")
	} else if civil.Valid(in.OpensOn) {
		a, _ := SchoolYear(in.OpensOn)
		b, _ := SchoolYear(in.ClosesOn)
		if in.ClosesOn < in.OpensOn || a != b {
			v.Add("closes_on", "survey.err_dates")
		}
	}
	if in.MinGroup == 0 {
		in.MinGroup = DefaultMinGroup
	}
	if in.MinGroup < DefaultMinGroup || in.MinGroup > 100 {
		v.Add("min_group", "survey.err_min_group", map[string]any{"Min": DefaultMinGroup})
	}
	return v.Err()
}

// CreateRound stores a round (auth.ManageSurveys).
func CreateRound(ctx context.Context, db store.Q, in RoundInput) (int64, error) {
	if !mayManage(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	if err := in.Validate(); err != nil {
		return 0, err
	}
	sy, ys := SchoolYear(in.OpensOn)
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO survey_rounds (survey_id, name, opens_on, closes_on, school_year, year_start, min_group, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.SurveyID, in.Name, in.OpensOn, in.ClosesOn, sy, ys, in.MinGroup, store.Now()).Scan(&id)
		if err != nil {
			if errors.Is(err, store.ErrForeignKey) {
				var v app.Validation
				v.Add("survey", "field.required")
				return v.Err()
			}
			return err
		}
		return audit.Log(ctx, tx, "survey.round", "survey_round", strconv.FormatInt(id, 10), in.Name)
	})
	return id, err
}

const roundCols = "r.id, r.name, r.opens_on, r.closes_on, r.school_year, r.year_start, r.min_group, s.id, s.name, s.audience"

func scanRound(sc interface{ Scan(...any) error }) (Round, error) {
	var r Round
	err := sc.Scan(&r.ID, &r.Name, &r.OpensOn, &r.ClosesOn, &r.SchoolYear, &r.YearStart, &r.MinGroup, &r.Survey.ID, &r.Survey.Name, &r.Survey.Audience)
	return r, err
}

// Rounds returns every round, the newest first (their items not loaded).
// Rounds are not personal data; who may see which results is decided by
// Results.
func Rounds(ctx context.Context, db store.Q) ([]Round, error) {
	rows, err := db.Query(ctx, "SELECT "+roundCols+" FROM survey_rounds r JOIN surveys s ON s.id = r.survey_id ORDER BY r.opens_on DESC, r.id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Round
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetRound returns one round with its survey's items; app.NotFound when
// there is none.
func GetRound(ctx context.Context, db store.Q, id int64) (Round, error) {
	r, err := scanRound(db.QueryRow(ctx, "SELECT "+roundCols+" FROM survey_rounds r JOIN surveys s ON s.id = r.survey_id WHERE r.id = ?", id))
	if store.IsNotFound(err) {
		return r, app.NotFound()
	}
	if err != nil {
		return r, err
	}
	r.Survey.Items, err = items(ctx, db, r.Survey.ID)
	return r, err
}

// Group kinds.
const (
	KindClass     = "class"
	KindGuardians = "guardians"
	KindStaff     = "staff"
)

// Group is a target group of a round.
type Group struct {
	ID       int64  `json:"id"`
	RoundID  int64  `json:"-"`
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit"`
	Kind     string `json:"kind"`
	Year     int    `json:"year,omitempty"`
	Label    string `json:"label"`
	Invited  int    `json:"invited"`
	Code     string `json:"-"` // a class's code
}

// GroupInput adds a group to a round: a class (with its code) for pupil
// surveys, the guardians (of a year group, or 0) or the staff of a unit.
type GroupInput struct {
	UnitID  int64
	Year    int
	Label   string
	Invited int
}

// Validate checks the group form.
func (in *GroupInput) Validate(audience string) error {
	var v app.Validation
	in.Label = app.CleanLine(in.Label)
	if in.UnitID == 0 {
		v.Add("unit", "field.required")
	}
	if in.Year < 0 || in.Year > 13 || (audience == Pupil && in.Year == 0) {
		v.Add("year", "survey.err_year")
	}
	if audience == Pupil && in.Label == "" {
		v.Add("label", "field.required")
	} else if app.TooLong(in.Label, 40) {
		v.Add("label", "field.too_long", map[string]any{"Max": 40})
	}
	if in.Invited < 0 || in.Invited > 100000 || (audience == Pupil && in.Invited == 0) {
		v.Add("invited", "survey.err_invited")
	}
	return v.Err()
}

// codeAlphabet has no letters or digits easily confused (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func newCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NormalizeCode accepts a class code as typed: any case, spaces and dashes.
func NormalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// AddGroup adds a target group (auth.ManageSurveys): a pupil round's
// class gets its class code; guardians and staff are reached through
// Invite.
func AddGroup(ctx context.Context, db store.Q, roundID int64, in GroupInput) (int64, error) {
	if !mayManage(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	r, err := GetRound(ctx, db, roundID)
	if err != nil {
		return 0, err
	}
	if err := in.Validate(r.Survey.Audience); err != nil {
		return 0, err
	}
	kind := map[string]string{Pupil: KindClass, Guardian: KindGuardians, Staff: KindStaff}[r.Survey.Audience]
	var code any
	if kind == KindClass {
		code = newCode()
	}
	var id int64
	err = store.InTx(ctx, db, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO survey_groups (round_id, unit_id, kind, year, label, invited, code)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, roundID, in.UnitID, kind, in.Year, in.Label, in.Invited, code).Scan(&id)
		if errors.Is(err, store.ErrForeignKey) {
			var v app.Validation
			v.Add("unit", "field.required")
			return v.Err()
		}
		return err
	})
	return id, err
}

// Groups returns a round's groups by unit, year and label.
func Groups(ctx context.Context, db store.Q, roundID int64) ([]Group, error) {
	rows, err := db.Query(ctx, `SELECT g.id, g.round_id, g.unit_id, u.name, g.kind, g.year, g.label, g.invited, COALESCE(g.code, '')
		FROM survey_groups g JOIN units u ON u.id = g.unit_id WHERE g.round_id = ? ORDER BY u.name, g.unit_id, g.year, g.label, g.id`, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		var g Group
		if err := rows.Scan(&g.ID, &g.RoundID, &g.UnitID, &g.UnitName, &g.Kind, &g.Year, &g.Label, &g.Invited, &g.Code); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// token returns a new personal link token and its digest.
func token() (string, string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	t := hex.EncodeToString(b)
	return t, digest(t)
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// randomID is a response's or a text's ID: 128 random bits, so IDs say
// nothing of the order they were made in.
func randomID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
