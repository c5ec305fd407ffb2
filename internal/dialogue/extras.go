package dialogue

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// ---- Inspection findings ----

// Finding kinds: a decision with criticism, or an injunction (föreläggande).
const (
	FindingDecision   = "decision"
	FindingInjunction = "injunction"
)

// Finding is a decision or injunction from Skolinspektionen.
type Finding struct {
	ID          int64    `json:"id"`
	UnitID      *int64   `json:"unit_id,omitempty"`
	UnitName    string   `json:"unit_name"`
	Kind        string   `json:"kind"`
	Reference   string   `json:"reference"`
	DecidedOn   string   `json:"decided_on"`
	Deadline    string   `json:"deadline"`
	Summary     string   `json:"summary"`
	ResolvedOn  string   `json:"resolved_on"`
	Actions     []string `json:"actions"` // titles of the actions linked to it
	ActionsDone int      `json:"actions_done"`
}

// Overdue reports whether the finding is unresolved past its deadline.
func (f Finding) Overdue(today string) bool {
	return f.ResolvedOn == "" && f.Deadline != "" && f.Deadline < today
}

// Findings returns the inspection findings: all for officers and the
// report's readers, the organizer-wide ones and their own units' for a
// principal. Findings concern units, not people; not audited.
func Findings(ctx context.Context, q store.Q) ([]Finding, error) {
	p := auth.FromContext(ctx)
	if !MayReadFindings(p) {
		return nil, app.Forbidden()
	}
	cond, args := findingsScope(p)
	return findings(ctx, q, cond, args)
}

// findings reads the findings matching cond (on alias f) with their actions.
func findings(ctx context.Context, q store.Q, cond string, args []any) ([]Finding, error) {
	rows, err := q.Query(ctx, `SELECT f.id, f.unit_id, COALESCE(n.name, ''), f.kind, f.reference, f.decided_on, f.deadline, f.summary, f.resolved_on
		FROM inspection_findings f LEFT JOIN units n ON n.id = f.unit_id WHERE `+cond+` ORDER BY f.decided_on DESC, f.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.ID, &f.UnitID, &f.UnitName, &f.Kind, &f.Reference, &f.DecidedOn, &f.Deadline, &f.Summary, &f.ResolvedOn); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		rows, err := q.Query(ctx, "SELECT title, status FROM dialogue_actions WHERE finding_id = ? ORDER BY id", out[i].ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var t, s string
			if err := rows.Scan(&t, &s); err != nil {
				rows.Close()
				return nil, err
			}
			out[i].Actions = append(out[i].Actions, t)
			if s == StatusDone {
				out[i].ActionsDone++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindingInput is a new finding.
type FindingInput struct {
	UnitID    int64 // 0: the organizer as a whole
	Kind      string
	Reference string
	DecidedOn string
	Deadline  string
	Summary   string
}

// AddFinding records a finding (officers only). Fields: "finding_unit",
// "finding_kind", "finding_reference", "finding_decided_on",
// "finding_deadline", "finding_summary".
func AddFinding(ctx context.Context, db store.Q, in FindingInput, now time.Time) (int64, error) {
	p := auth.FromContext(ctx)
	if !Organizer(p) {
		return 0, app.Forbidden()
	}
	in.Reference, in.Summary = app.CleanLine(in.Reference), app.CleanText(in.Summary)
	in.DecidedOn, in.Deadline = strings.TrimSpace(in.DecidedOn), strings.TrimSpace(in.Deadline)
	var v app.Validation
	var unit any
	if in.UnitID != 0 {
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM units WHERE id = ?", in.UnitID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			v.Add("finding_unit", "field.choose")
		}
		unit = in.UnitID
	}
	if in.Kind != FindingDecision && in.Kind != FindingInjunction {
		v.Add("finding_kind", "field.choose")
	}
	if app.TooLong(in.Reference, MaxName) {
		v.Add("finding_reference", "field.too_long", map[string]any{"Max": MaxName})
	}
	if !validDate(in.DecidedOn) {
		v.Add("finding_decided_on", "field.date")
	}
	switch {
	case in.Deadline == "" && in.Kind == FindingInjunction:
		v.Add("finding_deadline", "dialogue.err_deadline")
	case in.Deadline != "" && !validDate(in.Deadline):
		v.Add("finding_deadline", "field.date")
	case in.Deadline != "" && validDate(in.DecidedOn) && in.Deadline < in.DecidedOn:
		v.Add("finding_deadline", "dialogue.err_deadline_order")
	}
	switch {
	case in.Summary == "":
		v.Add("finding_summary", "field.required")
	case app.TooLong(in.Summary, MaxNotes):
		v.Add("finding_summary", "field.too_long", map[string]any{"Max": MaxNotes})
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO inspection_findings (unit_id, kind, reference, decided_on, deadline, summary, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, unit, in.Kind, in.Reference, in.DecidedOn, in.Deadline, in.Summary, p.UserID, now).Scan(&id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "inspection_finding", strconv.FormatInt(id, 10), in.Kind+" "+in.Reference)
	})
	return id, err
}

// ResolveFinding marks a finding as resolved on a date ("" reopens it).
func ResolveFinding(ctx context.Context, db store.Q, id int64, on string) error {
	if !Organizer(auth.FromContext(ctx)) {
		return app.Forbidden()
	}
	if on != "" && !validDate(on) {
		var v app.Validation
		v.Add("resolved_on", "field.date")
		return v.Err()
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE inspection_findings SET resolved_on = ? WHERE id = ?", on, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.NotFound()
		}
		return audit.Log(ctx, tx, audit.Update, "inspection_finding", strconv.FormatInt(id, 10), "resolved "+on)
	})
}

// ---- Development initiatives ----

// Initiative is a development effort across units (e.g. a reading programme).
type Initiative struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	StartYear   int       `json:"start_year"` // the start of the first school year it ran
	Indicator   string    `json:"indicator"`  // key of the indicator the effect view compares
	Units       []UnitRef `json:"units"`
}

// StartSchoolYear is the first school year, e.g. "2023/24".
func (i Initiative) StartSchoolYear() string { return unitpicture.SchoolYear(i.StartYear) }

// Initiatives returns every initiative (they concern units, not people).
func Initiatives(ctx context.Context, q store.Q) ([]Initiative, error) {
	if !MayReadInitiatives(auth.FromContext(ctx)) {
		return nil, app.Forbidden()
	}
	rows, err := q.Query(ctx, "SELECT id, name, description, start_year, indicator_key FROM initiatives ORDER BY start_year DESC, name")
	if err != nil {
		return nil, err
	}
	var out []Initiative
	for rows.Next() {
		var i Initiative
		if err := rows.Scan(&i.ID, &i.Name, &i.Description, &i.StartYear, &i.Indicator); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k := range out {
		rows, err := q.Query(ctx, `SELECT n.id, n.unit_code, n.name FROM initiative_units iu JOIN units n ON n.id = iu.unit_id
			WHERE iu.initiative_id = ? ORDER BY n.name`, out[k].ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var u UnitRef
			if err := rows.Scan(&u.ID, &u.Code, &u.Name); err != nil {
				rows.Close()
				return nil, err
			}
			out[k].Units = append(out[k].Units, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InitiativeInput is a new initiative.
type InitiativeInput struct {
	Name        string
	Description string
	StartYear   string // a school year "2023/24"
	Indicator   string
	UnitIDs     []int64
}

// AddInitiative records an initiative (officers only). Fields:
// "initiative_name", "initiative_description", "initiative_start",
// "initiative_indicator", "initiative_units".
func AddInitiative(ctx context.Context, db store.Q, in InitiativeInput, now time.Time) (int64, error) {
	p := auth.FromContext(ctx)
	if !Organizer(p) {
		return 0, app.Forbidden()
	}
	in.Name, in.Description = app.CleanLine(in.Name), app.CleanText(in.Description)
	slices.Sort(in.UnitIDs)
	in.UnitIDs = slices.Compact(in.UnitIDs)
	var v app.Validation
	switch {
	case in.Name == "":
		v.Add("initiative_name", "field.required")
	case app.TooLong(in.Name, MaxTitle):
		v.Add("initiative_name", "field.too_long", map[string]any{"Max": MaxTitle})
	}
	if app.TooLong(in.Description, MaxNotes) {
		v.Add("initiative_description", "field.too_long", map[string]any{"Max": MaxNotes})
	}
	start, ok := unitpicture.YearStart(strings.TrimSpace(in.StartYear))
	if !ok {
		v.Add("initiative_start", "dialogue.err_school_year")
	}
	if ind, err := unitpicture.IndicatorByKey(ctx, db, in.Indicator); app.Code(err) == app.ENOTFOUND || (err == nil && ind.Background) {
		v.Add("initiative_indicator", "field.choose")
	} else if err != nil {
		return 0, err
	}
	if len(in.UnitIDs) == 0 {
		v.Add("initiative_units", "dialogue.err_no_units")
	} else {
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM units WHERE id IN ("+store.Placeholders(len(in.UnitIDs))+")", anys(in.UnitIDs)...).Scan(&n); err != nil {
			return 0, err
		}
		if n != len(in.UnitIDs) {
			v.Add("initiative_units", "field.choose")
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO initiatives (name, description, start_year, indicator_key, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.Description, start, in.Indicator, p.UserID, now).Scan(&id); err != nil {
			return err
		}
		for _, u := range in.UnitIDs {
			if _, err := tx.Exec(ctx, "INSERT INTO initiative_units (initiative_id, unit_id) VALUES (?, ?)", id, u); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, audit.Create, "initiative", strconv.FormatInt(id, 10), in.Name)
	})
	return id, err
}

// EffectLevel is the confidence level of the effect view's interval.
const EffectLevel = 0.95

// Effect is the effect view of an initiative: participating units against
// the organizer's other units with values, before and after the start.
type Effect struct {
	Initiative Initiative
	Indicator  unitpicture.Indicator
	Result     stats.DiDResult
	Err        error // stats.ErrDiDTooFew when a group is too small
	// Better is +1 when the estimate is an improvement beyond chance, −1 a
	// deterioration beyond chance, 0 within chance or too little data.
	Better int
	// Years are the school years with values of the indicator.
	Years []string
	// Treated and Control are each group's mean before and after the start
	// (the mean of the unit means, over the units with values in both
	// periods — the units the comparison counts), for the chart.
	Treated, Control PeriodMeans
}

// PeriodMeans is a group's mean before and after an initiative's start;
// OK is false when no unit of the group has values in both periods.
type PeriodMeans struct {
	Before, After float64
	OK            bool
}

// periodMeans averages the unit means of the units with values both
// before and after.
func periodMeans(us []stats.UnitPeriods) PeriodMeans {
	var m PeriodMeans
	var n int
	for _, u := range us {
		if len(u.Before) == 0 || len(u.After) == 0 {
			continue
		}
		m.Before += mean(u.Before)
		m.After += mean(u.After)
		n++
	}
	if n == 0 {
		return PeriodMeans{}
	}
	m.Before /= float64(n)
	m.After /= float64(n)
	m.OK = true
	return m
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// InitiativeEffect compares the initiative's units with the organizer's
// other units that have values of its indicator (group "all", values on
// fewer than MinPupils pupils left out): each unit's mean after the start
// minus its mean before, participants against the rest (stats.DiD).
func InitiativeEffect(ctx context.Context, q store.Q, id int64) (*Effect, error) {
	list, err := Initiatives(ctx, q)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(list, func(x Initiative) bool { return x.ID == id })
	if i < 0 {
		return nil, app.NotFound()
	}
	e := &Effect{Initiative: list[i]}
	if e.Indicator, err = unitpicture.IndicatorByKey(ctx, q, e.Initiative.Indicator); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT u.id, v.year_start, v.school_year, v.value, v.pupils FROM indicator_values v
		JOIN units u ON u.unit_code = v.unit_code WHERE v.indicator_id = ? AND v.grp = 'all' AND v.value IS NOT NULL ORDER BY v.year_start`, e.Indicator.ID)
	if err != nil {
		return nil, err
	}
	byUnit := map[int64]*stats.UnitPeriods{}
	years := map[string]bool{}
	for rows.Next() {
		var uid int64
		var start int
		var year string
		var value float64
		var pupils *int
		if err := rows.Scan(&uid, &start, &year, &value, &pupils); err != nil {
			rows.Close()
			return nil, err
		}
		if pupils != nil && *pupils < unitpicture.MinPupils {
			continue
		}
		up := byUnit[uid]
		if up == nil {
			up = &stats.UnitPeriods{}
			byUnit[uid] = up
		}
		if start >= e.Initiative.StartYear {
			up.After = append(up.After, value)
		} else {
			up.Before = append(up.Before, value)
		}
		years[year] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for y := range years {
		e.Years = append(e.Years, y)
	}
	slices.Sort(e.Years)
	var treated, control []stats.UnitPeriods
	in := map[int64]bool{}
	for _, u := range e.Initiative.Units {
		in[u.ID] = true
	}
	ids := make([]int64, 0, len(byUnit))
	for id := range byUnit {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if in[id] {
			treated = append(treated, *byUnit[id])
		} else {
			control = append(control, *byUnit[id])
		}
	}
	e.Result, e.Err = stats.DiD(treated, control, EffectLevel)
	e.Treated, e.Control = periodMeans(treated), periodMeans(control)
	if e.Err == nil && e.Result.Verdict != stats.NoChange {
		e.Better = e.Indicator.Better(e.Result.Estimate)
	}
	return e, nil
}

// ---- Good examples ----

// Example is an approach that worked, published without personal data.
type Example struct {
	ID          int64     `json:"-"`
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`
	Approach    string    `json:"approach"`
	Results     string    `json:"results"`
	SchoolForm  string    `json:"school_form"`
	Indicators  []string  `json:"indicators"`
	Organizer   string    `json:"organizer"`
	Imported    bool      `json:"-"`
	PublishedAt time.Time `json:"published_at"`
}

// ExampleFile is the exchange format of good examples.
type ExampleFile struct {
	Format   string    `json:"format"` // ExampleFormat
	Examples []Example `json:"examples"`
}

// ExampleFormat names the exchange format and its version.
const ExampleFormat = "styrkedjan-good-examples/1"

// MaxExampleFile is the largest file Import accepts, in bytes.
const MaxExampleFile = 2 << 20

// Examples lists the good examples, newest first. They hold no personal
// data; anyone who plans dialogues or reads the report may see them.
func Examples(ctx context.Context, q store.Q) ([]Example, error) {
	if !MayReadFindings(auth.FromContext(ctx)) {
		return nil, app.Forbidden()
	}
	rows, err := q.Query(ctx, `SELECT id, title, summary, approach, results, school_form, indicators, organizer, imported, published_at
		FROM good_examples ORDER BY published_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Example
	for rows.Next() {
		var e Example
		var inds string
		if err := rows.Scan(&e.ID, &e.Title, &e.Summary, &e.Approach, &e.Results, &e.SchoolForm, &inds, &e.Organizer, &e.Imported, &e.PublishedAt); err != nil {
			return nil, err
		}
		if inds != "" {
			e.Indicators = strings.Split(inds, ",")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// checkExample validates an example; prefix names the fields ("example_"
// on the form, "" in a file).
func checkExample(e *Example, v *app.Validation, prefix string) {
	e.Title, e.SchoolForm, e.Organizer = app.CleanLine(e.Title), app.CleanLine(e.SchoolForm), app.CleanLine(e.Organizer)
	e.Summary, e.Approach, e.Results = app.CleanText(e.Summary), app.CleanText(e.Approach), app.CleanText(e.Results)
	switch {
	case e.Title == "":
		v.Add(prefix+"title", "field.required")
	case app.TooLong(e.Title, MaxTitle):
		v.Add(prefix+"title", "field.too_long", map[string]any{"Max": MaxTitle})
	}
	if e.Summary == "" {
		v.Add(prefix+"summary", "field.required")
	}
	for _, f := range []struct {
		name, s string
	}{{"summary", e.Summary}, {"approach", e.Approach}, {"results", e.Results}} {
		if app.TooLong(f.s, MaxNotes) {
			v.Add(prefix+f.name, "field.too_long", map[string]any{"Max": MaxNotes})
		}
		if personal(f.s) {
			v.Add(prefix+f.name, "dialogue.err_personal")
		}
	}
	var keys []string
	for _, k := range e.Indicators {
		if k = strings.TrimSpace(k); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	e.Indicators = keys
}

// personal reports text that looks like it carries personal data: an
// email address, a phone number or a personal identity number. Names
// cannot be detected; the form asks the writer to leave them out.
func personal(s string) bool {
	return emailRE.MatchString(s) || pnrRE.MatchString(s) || phoneRE.MatchString(s)
}

// PublishExample publishes a good example of the organizer (officers and
// principals). Fields: "example_title", "example_summary",
// "example_approach", "example_results", "example_school_form".
func PublishExample(ctx context.Context, db store.Q, e Example, now time.Time) (int64, error) {
	if !MayPlan(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	o, err := org.GetOrganizer(ctx, db)
	if err != nil && !store.IsNotFound(err) {
		return 0, err
	}
	e.Organizer = o.Name
	var v app.Validation
	checkExample(&e, &v, "example_")
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id int64
	err = store.InTx(ctx, db, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO good_examples (title, summary, approach, results, school_form, indicators, organizer, imported, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.Title, e.Summary, e.Approach, e.Results, e.SchoolForm,
			strings.Join(e.Indicators, ","), e.Organizer, false, now).Scan(&id)
		if errors.Is(err, store.ErrAlreadyExists) {
			var v app.Validation
			v.Add("example_title", "dialogue.err_example_exists")
			return v.Err()
		}
		if err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "good_example", strconv.FormatInt(id, 10), e.Title)
	})
	return id, err
}

// ExportExamples writes the organizer's own good examples (not imported
// ones) as a JSON file.
func ExportExamples(ctx context.Context, q store.Q, w io.Writer) error {
	all, err := Examples(ctx, q)
	if err != nil {
		return err
	}
	f := ExampleFile{Format: ExampleFormat, Examples: []Example{}}
	for _, e := range all {
		if !e.Imported {
			f.Examples = append(f.Examples, e)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// ImportError is a problem with an examples file, naming the file and the
// example (1-based) or the line of a JSON syntax error.
type ImportError struct {
	File    string
	Line    int // of a syntax error, 0 otherwise
	Example int // 1-based, 0 for the whole file
	MsgID   string
}

func (e *ImportError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.MsgID)
	case e.Example > 0:
		return fmt.Sprintf("%s: example %d: %s", e.File, e.Example, e.MsgID)
	}
	return e.File + ": " + e.MsgID
}

// ParseExamples reads an examples file and validates every example; any
// problem is an *ImportError and nothing is to be imported.
func ParseExamples(r io.Reader, name string) ([]Example, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxExampleFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxExampleFile {
		return nil, &ImportError{File: name, MsgID: "dialogue.err_file_large"}
	}
	var f ExampleFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		line := 1
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line += bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		case errors.As(err, &te):
			line += bytes.Count(b[:min(int(te.Offset), len(b))], []byte("\n"))
		default: // e.g. an unknown field: where the decoder stopped
			line += bytes.Count(b[:min(int(dec.InputOffset()), len(b))], []byte("\n"))
		}
		return nil, &ImportError{File: name, Line: line, MsgID: "dialogue.err_file_json"}
	}
	if f.Format != ExampleFormat {
		return nil, &ImportError{File: name, MsgID: "dialogue.err_file_format"}
	}
	for i := range f.Examples {
		var v app.Validation
		checkExample(&f.Examples[i], &v, "")
		if f.Examples[i].Organizer == "" {
			v.Add("organizer", "field.required")
		}
		if err := v.Err(); err != nil {
			var ae *app.Error
			msg := "err.invalid"
			if errors.As(err, &ae) && len(ae.Fields) > 0 {
				msg = ae.Fields[0].MsgID
			}
			return nil, &ImportError{File: name, Example: i + 1, MsgID: msg}
		}
	}
	return f.Examples, nil
}

// ImportExamples stores the examples of a file, all or nothing; examples
// already present (same organizer and title) are skipped. It returns how
// many were added.
func ImportExamples(ctx context.Context, db store.Q, list []Example, now time.Time) (int, error) {
	if !MayPlan(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	added := 0
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		for _, e := range list {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM good_examples WHERE organizer = ? AND title = ?", e.Organizer, e.Title).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			at := e.PublishedAt
			if at.IsZero() {
				at = now
			}
			if _, err := tx.Exec(ctx, `INSERT INTO good_examples (title, summary, approach, results, school_form, indicators, organizer, imported, published_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Title, e.Summary, e.Approach, e.Results, e.SchoolForm, strings.Join(e.Indicators, ","),
				e.Organizer, true, at.UTC().Truncate(time.Microsecond)); err != nil {
				return err
			}
			added++
		}
		return audit.Log(ctx, tx, audit.Create, "good_example", "", strconv.Itoa(added)+" imported")
	})
	return added, err
}

var (
	emailRE = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[a-zA-Z]{2,}`)
	pnrRE   = regexp.MustCompile(`\b(19|20)?\d{6}[-+]?\d{4}\b`)
	phoneRE = regexp.MustCompile(`(?:\+46|\b0)[\s-]?\d{1,3}[\s-]?\d{2,3}[\s-]?\d{2}[\s-]?\d{2}\b`)
)
