// Package dialogue keeps the quality dialogues (issue 6): the organizer's
// dialogues with each principal, the principal's staff groups, the
// guardian dialogue series and the national dialogue with Skolverket and
// SPSM. A dialogue has a type (with the organizer's question template),
// units, participants with roles and minutes in a fixed agenda order
// (strengths → challenges → follow-up questions → agreed actions, then
// wins to celebrate and decisions). Actions carry an owner, a due date,
// a status, comments and linked indicators with a baseline and a target;
// at the next dialogue each action shows whether its indicators moved
// beyond chance variation (the unit picture's change test). Beside the
// dialogues: development initiatives across units with their effect
// (difference in differences), Skolinspektionen's findings, good examples
// (exported and imported as JSON) and the series report per term.
//
// Who sees what. Officers (the roles whose auth.HoldDialogues scope is
// every unit) see and run every dialogue. A principal sees the dialogues
// with one of their units and changes those whose units are all theirs.
// Anyone with an account who is linked as a participant sees the
// dialogues they took part in (read only). Board members never see a
// dialogue, even as participants: the minutes may mention people; they
// get the series report and the inspection findings (auth.ReadDialogueReport).
// Reads of a dialogue's minutes and every change are audited.
package dialogue

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Text limits, in characters.
const (
	MaxTitle = 200
	MaxNotes = 10000 // each agenda item's notes
	MaxName  = 200
	MaxLine  = 500
	MaxStaff = 5 // staff a principal picks for a staff group dialogue
	MinStaff = 2
)

// Kinds of dialogue types.
const (
	KindPrincipal = "principal" // the organizer with a principal
	KindStaff     = "staff"     // a principal's staff group (2–5 staff)
	KindGuardian  = "guardian"  // a guardian dialogue series with themes
	KindNational  = "national"  // Skolverket and SPSM with the organizer
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []string{KindPrincipal, KindStaff, KindGuardian, KindNational}

// Participant roles.
const (
	RolePolitician = "politician"
	RoleOfficial   = "official"
	RolePrincipal  = "principal"
	RoleStaff      = "staff"
	RoleGuardian   = "guardian"
	RoleAgency     = "agency" // Skolverket, SPSM
)

// Roles lists the participant roles in form order.
var Roles = []string{RolePolitician, RoleOfficial, RolePrincipal, RoleStaff, RoleGuardian, RoleAgency}

// Dialogue statuses.
const (
	Planned = "planned"
	Held    = "held"
)

// Type is a kind of dialogue with its question template.
type Type struct {
	ID        int64    `json:"id"`
	Key       string   `json:"key"`
	Kind      string   `json:"kind"`
	NameSV    string   `json:"name_sv"`
	NameEN    string   `json:"name_en"`
	Questions []string `json:"questions"`
	Themes    []string `json:"themes,omitempty"`
	Active    bool     `json:"active"`
}

// Name returns the type's name in lang.
func (t Type) Name(lang string) string {
	if lang == "en" && t.NameEN != "" {
		return t.NameEN
	}
	return t.NameSV
}

// UnitRef is a unit taking part.
type UnitRef struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// Participant is a person at a dialogue.
type Participant struct {
	ID     int64  `json:"id"`
	UserID *int64 `json:"user_id,omitempty"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// Minutes are the notes of a dialogue in the fixed agenda order.
type Minutes struct {
	Strengths  string `json:"strengths"`
	Challenges string `json:"challenges"`
	Questions  string `json:"questions"`
	Actions    string `json:"actions"`
	Wins       string `json:"wins"`
	Decisions  string `json:"decisions"`
	// The national dialogue: the agencies' analysis pack and the agreed
	// development areas.
	AnalysisPack     string `json:"analysis_pack,omitempty"`
	DevelopmentAreas string `json:"development_areas,omitempty"`
}

// Dialogue is one dialogue with everything recorded on it.
type Dialogue struct {
	ID           int64         `json:"id"`
	Type         Type          `json:"type"`
	Title        string        `json:"title"`
	HeldOn       string        `json:"held_on"`
	Term         string        `json:"term"`
	Theme        string        `json:"theme,omitempty"`
	Status       string        `json:"status"`
	Minutes      Minutes       `json:"minutes"`
	Units        []UnitRef     `json:"units"`
	Participants []Participant `json:"participants"`
	Actions      []Action      `json:"actions"`
	CreatedBy    string        `json:"created_by"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	CanEdit      bool          `json:"-"`
}

// UnitIDs returns the ids of the dialogue's units.
func (d *Dialogue) UnitIDs() []int64 {
	out := make([]int64, len(d.Units))
	for i, u := range d.Units {
		out[i] = u.ID
	}
	return out
}

// Staff counts the staff participants.
func (d *Dialogue) Staff() int {
	n := 0
	for _, p := range d.Participants {
		if isStaff(p.Role) {
			n++
		}
	}
	return n
}

// Summary is a dialogue in a list.
type Summary struct {
	ID      int64     `json:"id"`
	Title   string    `json:"title"`
	Type    string    `json:"type"` // the type's key
	Kind    string    `json:"kind"`
	TypeSV  string    `json:"-"`
	TypeEN  string    `json:"-"`
	HeldOn  string    `json:"held_on"`
	Term    string    `json:"term"`
	Status  string    `json:"status"`
	Units   []UnitRef `json:"units"`
	Actions int       `json:"actions"`
}

// TypeName returns the type's name in lang.
func (s Summary) TypeName(lang string) string {
	if lang == "en" && s.TypeEN != "" {
		return s.TypeEN
	}
	return s.TypeSV
}

// Input is a new dialogue.
type Input struct {
	TypeID  int64
	Title   string
	HeldOn  string
	Theme   string
	UnitIDs []int64
}

// Term returns the school term of a civil date: "VT 2026" (spring,
// January–June) or "HT 2026" (autumn), "" for a malformed date.
func Term(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	if t.Month() <= time.June {
		return "VT " + strconv.Itoa(t.Year())
	}
	return "HT " + strconv.Itoa(t.Year())
}

// TermBounds returns the first and last dates of a term ("VT 2026"), and
// false when term is malformed.
func TermBounds(term string) (from, to string, ok bool) {
	season, year, found := strings.Cut(strings.TrimSpace(term), " ")
	y, err := strconv.Atoi(year)
	if !found || err != nil || y < 1990 || y > 2200 {
		return "", "", false
	}
	switch strings.ToUpper(season) {
	case "VT":
		return year + "-01-01", year + "-06-30", true
	case "HT":
		return year + "-07-01", year + "-12-31", true
	}
	return "", "", false
}

const typeCols = "id, key, kind, name_sv, name_en, questions, themes, active"

func scanType(sc interface{ Scan(...any) error }) (Type, error) {
	var t Type
	var q, th string
	err := sc.Scan(&t.ID, &t.Key, &t.Kind, &t.NameSV, &t.NameEN, &q, &th, &t.Active)
	t.Questions, t.Themes = lines(q), lines(th)
	return t, err
}

// lines splits text into its non-empty trimmed lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Types returns the dialogue types. It only reads: the built-in types are
// stored by Seed.
func Types(ctx context.Context, db store.Q) ([]Type, error) {
	rows, err := db.Query(ctx, "SELECT "+typeCols+" FROM dialogue_types ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Type
	for rows.Next() {
		t, err := scanType(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Seed stores the four built-in dialogue types when none exist
// (idempotent). It runs once where a database is made ready: after the
// migrations (`styrkedjan migrate`), at server start (web.New) and when the
// demo is loaded; reads never write.
func Seed(ctx context.Context, db store.Q, now time.Time) error {
	var n int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM dialogue_types").Scan(&n); err != nil || n > 0 {
		return err
	}
	for _, t := range builtinTypes {
		if _, err := db.Exec(ctx, `INSERT INTO dialogue_types (key, kind, name_sv, name_en, questions, themes, active, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.Key, t.Kind, t.NameSV, t.NameEN, strings.Join(t.Questions, "\n"),
			strings.Join(t.Themes, "\n"), true, now); err != nil && !errors.Is(err, store.ErrAlreadyExists) {
			return err
		}
	}
	return nil
}

// The built-in types (Hammarö's principal dialogues and staff groups,
// Göteborg's guardian series, Skolverket and SPSM's national dialogue).
var builtinTypes = []Type{
	{Key: KindPrincipal, Kind: KindPrincipal, NameSV: "Kvalitetsdialog huvudman–rektor", NameEN: "Quality dialogue, organizer and principal",
		Questions: []string{"Vad är ni mest stolta över sedan förra dialogen?", "Vilka förutsättningar på enheten styr ert arbete just nu?",
			"Vad behöver ni från huvudmannen för att nå nästa steg?", "Hur vet vi vid nästa dialog att vi har rört oss?"}},
	{Key: KindStaff, Kind: KindStaff, NameSV: "Personalgruppsdialog", NameEN: "Staff group dialogue",
		Questions: []string{"Vad gör att vi lyckas?", "Hur kan vi arbeta förebyggande?"}},
	{Key: KindGuardian, Kind: KindGuardian, NameSV: "Vårdnadshavardialog", NameEN: "Guardian dialogue series",
		Questions: []string{"Vad fungerar bra i dag?", "Vad skulle göra störst skillnad för ert barn?", "Vad ska vi återkomma till nästa gång?"},
		Themes:    []string{"Bemötande", "Placeringsprocessen", "Kommunikation", "Förutsägbarhet"}},
	{Key: KindNational, Kind: KindNational, NameSV: "Nationell kvalitetsdialog med Skolverket och SPSM", NameEN: "National quality dialogue with Skolverket and SPSM",
		Questions: []string{"Vad visar analyspaketet om huvudmannens resultat?", "Hur tillgängliga är lärmiljöerna för elever med funktionsnedsättning?",
			"Vilka utvecklingsområden kommer vi överens om?"}},
}

// TypeByID returns one type; app.NotFound when there is none.
func TypeByID(ctx context.Context, q store.Q, id int64) (Type, error) {
	t, err := scanType(q.QueryRow(ctx, "SELECT "+typeCols+" FROM dialogue_types WHERE id = ?", id))
	if store.IsNotFound(err) {
		return t, app.NotFound()
	}
	return t, err
}

// TypeInput changes or adds a type.
type TypeInput struct {
	ID        int64 // 0: a new type
	Kind      string
	NameSV    string
	NameEN    string
	Questions string // one per line
	Themes    string
	Active    bool
}

// SaveType adds or changes a dialogue type (officers only). Fields:
// "kind", "name_sv", "name_en", "questions", "themes".
func SaveType(ctx context.Context, db store.Q, in TypeInput, now time.Time) (int64, error) {
	if !Organizer(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	in.NameSV, in.NameEN = app.CleanLine(in.NameSV), app.CleanLine(in.NameEN)
	in.Questions, in.Themes = strings.Join(lines(app.CleanText(in.Questions)), "\n"), strings.Join(lines(app.CleanText(in.Themes)), "\n")
	var v app.Validation
	if !slices.Contains(Kinds, in.Kind) {
		v.Add("kind", "field.choose")
	}
	switch {
	case in.NameSV == "":
		v.Add("name_sv", "field.required")
	case app.TooLong(in.NameSV, MaxTitle):
		v.Add("name_sv", "field.too_long", map[string]any{"Max": MaxTitle})
	}
	if app.TooLong(in.NameEN, MaxTitle) {
		v.Add("name_en", "field.too_long", map[string]any{"Max": MaxTitle})
	}
	if in.Questions == "" {
		v.Add("questions", "field.required")
	} else if app.TooLong(in.Questions, MaxNotes) {
		v.Add("questions", "field.too_long", map[string]any{"Max": MaxNotes})
	}
	if app.TooLong(in.Themes, MaxNotes) {
		v.Add("themes", "field.too_long", map[string]any{"Max": MaxNotes})
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	id := in.ID
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		if id == 0 {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM dialogue_types").Scan(&n); err != nil {
				return err
			}
			key := in.Kind + "-" + strconv.Itoa(n+1)
			if err := tx.QueryRow(ctx, `INSERT INTO dialogue_types (key, kind, name_sv, name_en, questions, themes, active, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, key, in.Kind, in.NameSV, in.NameEN, in.Questions, in.Themes, true, now).Scan(&id); err != nil {
				return err
			}
			return audit.Log(ctx, tx, audit.Create, "dialogue_type", strconv.FormatInt(id, 10), in.NameSV)
		}
		res, err := tx.Exec(ctx, `UPDATE dialogue_types SET kind = ?, name_sv = ?, name_en = ?, questions = ?, themes = ?, active = ?, updated_at = ?
			WHERE id = ?`, in.Kind, in.NameSV, in.NameEN, in.Questions, in.Themes, in.Active, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.NotFound()
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue_type", strconv.FormatInt(id, 10), in.NameSV)
	})
	return id, err
}

// Create validates and stores a new dialogue. Officers plan dialogues for
// any units; a principal for their own units. Fields: "type", "title",
// "held_on", "theme", "units".
func Create(ctx context.Context, db store.Q, in Input, now time.Time) (int64, error) {
	p := auth.FromContext(ctx)
	if !MayPlan(p) {
		return 0, app.Forbidden()
	}
	in.Title, in.Theme, in.HeldOn = app.CleanLine(in.Title), app.CleanLine(in.Theme), strings.TrimSpace(in.HeldOn)
	slices.Sort(in.UnitIDs)
	in.UnitIDs = slices.Compact(in.UnitIDs)
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		var v app.Validation
		t, err := TypeByID(ctx, tx, in.TypeID)
		if app.Code(err) == app.ENOTFOUND || (err == nil && !t.Active) {
			v.Add("type", "field.choose")
		} else if err != nil {
			return err
		}
		switch {
		case in.Title == "":
			v.Add("title", "field.required")
		case app.TooLong(in.Title, MaxTitle):
			v.Add("title", "field.too_long", map[string]any{"Max": MaxTitle})
		}
		if !validDate(in.HeldOn) {
			v.Add("held_on", "field.date")
		}
		if t.Kind == KindGuardian && in.Theme == "" {
			v.Add("theme", "dialogue.err_theme")
		} else if app.TooLong(in.Theme, MaxName) {
			v.Add("theme", "field.too_long", map[string]any{"Max": MaxName})
		}
		switch {
		case len(in.UnitIDs) == 0:
			v.Add("units", "dialogue.err_no_units")
		case t.Kind == KindStaff && len(in.UnitIDs) != 1:
			v.Add("units", "dialogue.err_one_unit")
		default:
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM units WHERE active AND id IN ("+store.Placeholders(len(in.UnitIDs))+")",
				anys(in.UnitIDs)...).Scan(&n); err != nil {
				return err
			}
			if n != len(in.UnitIDs) {
				v.Add("units", "field.choose")
			} else if !mayEdit(p, in.UnitIDs) {
				v.Add("units", "dialogue.err_not_your_units")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO dialogues (type_id, title, held_on, theme, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.TypeID, in.Title, in.HeldOn, in.Theme, Planned, p.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		for _, u := range in.UnitIDs {
			if _, err := tx.Exec(ctx, "INSERT INTO dialogue_units (dialogue_id, unit_id) VALUES (?, ?)", id, u); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, audit.Create, "dialogue", strconv.FormatInt(id, 10), in.Title+" ("+in.HeldOn+")")
	})
	return id, err
}

// Filter narrows List.
type Filter struct {
	Term   string // "VT 2026"; "" for all
	UnitID int64  // 0 for all
}

// List returns the dialogues the context principal may see, latest first.
func List(ctx context.Context, q store.Q, f Filter) ([]Summary, error) {
	cond, args := visible(auth.FromContext(ctx))
	if f.Term != "" {
		from, to, ok := TermBounds(f.Term)
		if !ok {
			var v app.Validation
			v.Add("term", "dialogue.err_term")
			return nil, v.Err()
		}
		cond += " AND d.held_on BETWEEN ? AND ?"
		args = append(args, from, to)
	}
	if f.UnitID != 0 {
		cond += " AND EXISTS (SELECT 1 FROM dialogue_units x WHERE x.dialogue_id = d.id AND x.unit_id = ?)"
		args = append(args, f.UnitID)
	}
	return summaries(ctx, q, cond+" ORDER BY d.held_on DESC, d.id DESC LIMIT 1000", args)
}

// summaries lists the dialogues that match where (a condition on alias d,
// followed by the order and limit) with their units and action counts.
func summaries(ctx context.Context, q store.Q, where string, args []any) ([]Summary, error) {
	rows, err := q.Query(ctx, `SELECT d.id, d.title, t.key, t.kind, t.name_sv, t.name_en, d.held_on, d.status,
			(SELECT COUNT(*) FROM dialogue_actions a WHERE a.dialogue_id = d.id)
		FROM dialogues d JOIN dialogue_types t ON t.id = d.type_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.ID, &s.Title, &s.Type, &s.Kind, &s.TypeSV, &s.TypeEN, &s.HeldOn, &s.Status, &s.Actions); err != nil {
			rows.Close()
			return nil, err
		}
		s.Term = Term(s.HeldOn)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Units, err = units(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func units(ctx context.Context, q store.Q, id int64) ([]UnitRef, error) {
	rows, err := q.Query(ctx, `SELECT n.id, n.unit_code, n.name FROM dialogue_units du JOIN units n ON n.id = du.unit_id
		WHERE du.dialogue_id = ? ORDER BY n.name, n.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnitRef
	for rows.Next() {
		var u UnitRef
		if err := rows.Scan(&u.ID, &u.Code, &u.Name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// load reads a dialogue the context principal may see, without auditing;
// app.NotFound otherwise.
func load(ctx context.Context, q store.Q, id int64) (*Dialogue, error) {
	p := auth.FromContext(ctx)
	cond, args := visible(p)
	d := &Dialogue{}
	var typeID int64
	err := q.QueryRow(ctx, `SELECT d.id, d.type_id, d.title, d.held_on, d.theme, d.status, d.notes_strengths, d.notes_challenges,
			d.notes_questions, d.notes_actions, d.wins, d.decisions, d.analysis_pack, d.development_areas, COALESCE(u.name, ''),
			d.created_at, d.updated_at
		FROM dialogues d LEFT JOIN users u ON u.id = d.created_by WHERE d.id = ? AND `+cond, append([]any{id}, args...)...).
		Scan(&d.ID, &typeID, &d.Title, &d.HeldOn, &d.Theme, &d.Status, &d.Minutes.Strengths, &d.Minutes.Challenges,
			&d.Minutes.Questions, &d.Minutes.Actions, &d.Minutes.Wins, &d.Minutes.Decisions, &d.Minutes.AnalysisPack,
			&d.Minutes.DevelopmentAreas, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt)
	if store.IsNotFound(err) {
		return nil, app.NotFound()
	}
	if err != nil {
		return nil, err
	}
	d.Term = Term(d.HeldOn)
	if d.Type, err = TypeByID(ctx, q, typeID); err != nil {
		return nil, err
	}
	if d.Units, err = units(ctx, q, id); err != nil {
		return nil, err
	}
	d.CanEdit = mayEdit(p, d.UnitIDs())
	rows, err := q.Query(ctx, "SELECT id, user_id, name, role FROM dialogue_participants WHERE dialogue_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var x Participant
		if err := rows.Scan(&x.ID, &x.UserID, &x.Name, &x.Role); err != nil {
			rows.Close()
			return nil, err
		}
		d.Participants = append(d.Participants, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	d.Actions, err = actions(ctx, q, "a.dialogue_id = ?", []any{id}, p)
	return d, err
}

// Get returns a dialogue with its minutes, participants and actions (with
// their follow-up), and audits the read: the minutes may mention people.
func Get(ctx context.Context, q store.Q, id int64) (*Dialogue, error) {
	d, err := load(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return d, audit.Log(ctx, q, audit.Read, "dialogue", strconv.FormatInt(id, 10), "minutes")
}

// forChange loads a dialogue the context principal may change:
// app.NotFound when out of sight, app.Forbidden when read only.
func forChange(ctx context.Context, tx *store.Tx, id int64) (*Dialogue, error) {
	d, err := load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !d.CanEdit {
		return nil, app.Forbidden()
	}
	return d, nil
}

func touch(ctx context.Context, tx *store.Tx, id int64, now time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE dialogues SET updated_at = ? WHERE id = ?", now, id)
	return err
}

// ParticipantInput is a person to add. Email links a person with an
// account (who then sees the dialogue); Name may then be empty.
type ParticipantInput struct {
	Name  string
	Role  string
	Email string
}

// AddParticipant adds a person to a dialogue. Guardians only take part in
// guardian dialogues, the agencies only in the national dialogue, and a
// staff group has at most MaxStaff staff. Fields: "participant_name",
// "participant_role", "participant_email".
func AddParticipant(ctx context.Context, db store.Q, id int64, in ParticipantInput, now time.Time) (int64, error) {
	in.Name, in.Email = app.CleanLine(in.Name), strings.ToLower(strings.TrimSpace(in.Email))
	var pid int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		d, err := forChange(ctx, tx, id)
		if err != nil {
			return err
		}
		var v app.Validation
		switch {
		case !slices.Contains(Roles, in.Role):
			v.Add("participant_role", "field.choose")
		case !participantAllowed(in.Role, d.Type.Kind):
			v.Add("participant_role", participantRules[in.Role].refused)
		case isStaff(in.Role) && d.Type.Kind == KindStaff && d.Staff() >= MaxStaff:
			v.Add("participant_role", "dialogue.err_staff_max", map[string]any{"Max": MaxStaff})
		}
		var user any
		if in.Email != "" {
			var uid int64
			var name string
			err := tx.QueryRow(ctx, "SELECT id, name FROM users WHERE email = ? AND active", in.Email).Scan(&uid, &name)
			switch {
			case store.IsNotFound(err):
				v.Add("participant_email", "dialogue.err_no_account")
			case err != nil:
				return err
			default:
				user = uid
				if in.Name == "" {
					in.Name = name
				}
			}
		}
		switch {
		case in.Name == "" && in.Email == "":
			v.Add("participant_name", "field.required")
		case app.TooLong(in.Name, MaxName):
			v.Add("participant_name", "field.too_long", map[string]any{"Max": MaxName})
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO dialogue_participants (dialogue_id, user_id, name, role, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, id, user, in.Name, in.Role, now).Scan(&pid); err != nil {
			return err
		}
		if err := touch(ctx, tx, id, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue", strconv.FormatInt(id, 10), "participant "+strconv.FormatInt(pid, 10)+" added ("+in.Role+")")
	})
	return pid, err
}

// RemoveParticipant takes a person off a dialogue.
func RemoveParticipant(ctx context.Context, db store.Q, id, participantID int64, now time.Time) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		if _, err := forChange(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "DELETE FROM dialogue_participants WHERE id = ? AND dialogue_id = ?", participantID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.NotFound()
		}
		if err := touch(ctx, tx, id, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue", strconv.FormatInt(id, 10), "participant "+strconv.FormatInt(participantID, 10)+" removed")
	})
}

// Record stores the minutes; with held true the dialogue is marked as
// held. A staff group dialogue is held with MinStaff to MaxStaff staff.
// Fields: "strengths", "challenges", "questions", "actions", "wins",
// "decisions", "analysis_pack", "development_areas".
func Record(ctx context.Context, db store.Q, id int64, m Minutes, held bool, now time.Time) error {
	fields := []struct {
		name string
		s    *string
	}{{"strengths", &m.Strengths}, {"challenges", &m.Challenges}, {"questions", &m.Questions}, {"actions", &m.Actions},
		{"wins", &m.Wins}, {"decisions", &m.Decisions}, {"analysis_pack", &m.AnalysisPack}, {"development_areas", &m.DevelopmentAreas}}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		d, err := forChange(ctx, tx, id)
		if err != nil {
			return err
		}
		var v app.Validation
		for _, f := range fields {
			*f.s = app.CleanText(*f.s)
			if app.TooLong(*f.s, MaxNotes) {
				v.Add(f.name, "field.too_long", map[string]any{"Max": MaxNotes})
			}
		}
		if held && d.Type.Kind == KindStaff && (d.Staff() < MinStaff || d.Staff() > MaxStaff) {
			v.Add("held", "dialogue.err_staff_count", map[string]any{"Min": MinStaff, "Max": MaxStaff})
		}
		if err := v.Err(); err != nil {
			return err
		}
		status := d.Status
		if held {
			status = Held
		}
		if _, err := tx.Exec(ctx, `UPDATE dialogues SET notes_strengths = ?, notes_challenges = ?, notes_questions = ?, notes_actions = ?,
				wins = ?, decisions = ?, analysis_pack = ?, development_areas = ?, status = ?, updated_at = ? WHERE id = ?`,
			m.Strengths, m.Challenges, m.Questions, m.Actions, m.Wins, m.Decisions, m.AnalysisPack, m.DevelopmentAreas, status, now, id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue", strconv.FormatInt(id, 10), "minutes ("+status+")")
	})
}

// validDate reports whether s is a real YYYY-MM-DD date.
func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

func anys[T any](list []T) []any {
	out := make([]any, len(list))
	for i, x := range list {
		out[i] = x
	}
	return out
}
