package dialogue

import (
	"context"
	"slices"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Translate is a message catalog's T: the files' words come from the web
// layer's catalogs.
type Translate func(id string, args ...any) string

// TypeCount is the dialogues of one type in a term.
type TypeCount struct {
	Key, NameSV, NameEN string
	Held, Planned       int
}

// Name returns the type's name in lang.
func (t TypeCount) Name(lang string) string {
	if lang == "en" && t.NameEN != "" {
		return t.NameEN
	}
	return t.NameSV
}

// UnitRow is what one unit's dialogues led to.
type UnitRow struct {
	Unit      UnitRef
	Dialogues int // held or planned in the term
	Decided   int // actions decided at the term's dialogues
	Done      int // of them, done
	Open      int // of every action of the unit up to the term's end, planned or started
	// Indicators of every action decided up to the end of the term, by
	// follow-up verdict.
	Moved, NotMoved, Worse, TooLittle, NotYet int
}

// MovedRow is an indicator that moved (for the better or the worse).
type MovedRow struct {
	Unit          string
	Key           string
	NameSV        string
	NameEN        string
	BaselineYear  string
	Baseline      float64
	LatestYear    string
	Latest        float64
	Verdict       string
	TargetMet     bool
	DecidedOn     string // the dialogue's date
	DecidedInTerm bool
	// Follow is the action's indicator with its verdict: its texts
	// (VerdictText, BasisText) are the ones every other page shows.
	Follow ActionIndicator
}

// Name returns the indicator's name in lang.
func (m MovedRow) Name(lang string) string {
	if lang == "en" && m.NameEN != "" {
		return m.NameEN
	}
	if m.NameSV != "" {
		return m.NameSV
	}
	return m.Key
}

// Series is the series report of a term for the board: what the term's
// dialogues led to. It holds counts, units and indicators only, never the
// minutes, an action's title or a person.
type Series struct {
	Organizer string
	Term      string
	From, To  string
	Terms     []string // terms with dialogues, newest first
	Generated time.Time
	Types     []TypeCount
	Dialogues int
	Held      int
	Decided   int
	Done      int
	Open      int
	Moved     int
	NotMoved  int
	Worse     int
	TooLittle int
	NotYet    int // indicators without a value after their action yet
	Units     []UnitRow
	MovedRows []MovedRow
	Findings  []Finding
	AsOf      string // the date "overdue" refers to
}

// Terms returns the terms with dialogues, newest first.
func Terms(ctx context.Context, q store.Q) ([]string, error) {
	rows, err := q.Query(ctx, "SELECT DISTINCT held_on FROM dialogues ORDER BY held_on DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		if t := Term(d); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// SeriesReport compiles the series report of a term ("" for the latest
// term with dialogues, or the current term when there are none).
func SeriesReport(ctx context.Context, q store.Q, term string, now time.Time) (*Series, error) {
	p := auth.FromContext(ctx)
	if !MayReadSeries(p) {
		return nil, app.Forbidden()
	}
	terms, err := Terms(ctx, q)
	if err != nil {
		return nil, err
	}
	today := civil.Date(now)
	if term == "" {
		term = Term(today)
		if len(terms) > 0 {
			term = terms[0]
		}
	}
	from, to, ok := TermBounds(term)
	if !ok {
		var v app.Validation
		v.Add("term", "dialogue.err_term")
		return nil, v.Err()
	}
	s := &Series{Term: Term(from), From: from, To: to, Terms: terms, Generated: now.UTC(), AsOf: today}
	if o, err := org.GetOrganizer(ctx, q); err == nil {
		s.Organizer = o.Name
	} else if !store.IsNotFound(err) {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT t.key, t.name_sv, t.name_en, d.status, COUNT(*) FROM dialogues d JOIN dialogue_types t ON t.id = d.type_id
		WHERE d.held_on BETWEEN ? AND ? GROUP BY t.id, t.key, t.name_sv, t.name_en, d.status ORDER BY t.id`, from, to)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var key, sv, en, status string
		var n int
		if err := rows.Scan(&key, &sv, &en, &status, &n); err != nil {
			rows.Close()
			return nil, err
		}
		i := slices.IndexFunc(s.Types, func(t TypeCount) bool { return t.Key == key })
		if i < 0 {
			s.Types = append(s.Types, TypeCount{Key: key, NameSV: sv, NameEN: en})
			i = len(s.Types) - 1
		}
		if status == Held {
			s.Types[i].Held += n
			s.Held += n
		} else {
			s.Types[i].Planned += n
		}
		s.Dialogues += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byUnit := map[int64]*UnitRow{}
	unit := func(id int64, code, name string) *UnitRow {
		r := byUnit[id]
		if r == nil {
			r = &UnitRow{Unit: UnitRef{ID: id, Code: code, Name: name}}
			byUnit[id] = r
		}
		return r
	}
	rows, err = q.Query(ctx, `SELECT n.id, n.unit_code, n.name, COUNT(*) FROM dialogues d JOIN dialogue_units du ON du.dialogue_id = d.id
		JOIN units n ON n.id = du.unit_id WHERE d.held_on BETWEEN ? AND ? GROUP BY n.id, n.unit_code, n.name`, from, to)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var code, name string
		var n int
		if err := rows.Scan(&id, &code, &name, &n); err != nil {
			rows.Close()
			return nil, err
		}
		unit(id, code, name).Dialogues = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Every action decided up to the end of the term, with its follow-up.
	list, err := actions(ctx, q, "d.held_on <= ?", []any{to}, p)
	if err != nil {
		return nil, err
	}
	codes := map[int64]string{}
	for _, a := range list {
		if _, ok := codes[a.UnitID]; !ok {
			var code string
			if err := q.QueryRow(ctx, "SELECT unit_code FROM units WHERE id = ?", a.UnitID).Scan(&code); err != nil {
				return nil, err
			}
			codes[a.UnitID] = code
		}
		r := unit(a.UnitID, codes[a.UnitID], a.UnitName)
		inTerm := a.DialogueHeldOn >= from
		if inTerm {
			r.Decided++
			s.Decided++
			if a.Status == StatusDone {
				r.Done++
				s.Done++
			}
		}
		if a.Status == StatusPlanned || a.Status == StatusStarted {
			r.Open++
			s.Open++
		}
		for _, i := range a.Indicators {
			switch i.FollowUp.Verdict {
			case Moved:
				r.Moved++
				s.Moved++
			case Worse:
				r.Worse++
				s.Worse++
			case NotMoved:
				r.NotMoved++
				s.NotMoved++
			case NotYetMeasurable:
				r.NotYet++
				s.NotYet++
			default:
				r.TooLittle++
				s.TooLittle++
			}
			f := i.FollowUp
			if v := f.Verdict; (v == Moved || v == Worse) && f.Baseline.Has() && f.Latest.Has() {
				s.MovedRows = append(s.MovedRows, MovedRow{Unit: a.UnitName, Key: i.Key, NameSV: i.Indicator.NameSV, NameEN: i.Indicator.NameEN,
					BaselineYear: f.BaselineYear, Baseline: *f.Baseline.Value, LatestYear: f.Latest.Year, Latest: *f.Latest.Value,
					Verdict: v, TargetMet: f.TargetMet, DecidedOn: a.DialogueHeldOn, DecidedInTerm: inTerm, Follow: i})
			}
		}
	}
	for _, r := range byUnit {
		s.Units = append(s.Units, *r)
	}
	slices.SortFunc(s.Units, func(a, b UnitRow) int {
		if a.Unit.Name != b.Unit.Name {
			if a.Unit.Name < b.Unit.Name {
				return -1
			}
			return 1
		}
		return int(a.Unit.ID - b.Unit.ID)
	})
	all, err := allFindings(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, f := range all {
		// Findings open during the term: decided by its end and not
		// resolved before it began.
		if f.DecidedOn <= to && (f.ResolvedOn == "" || f.ResolvedOn >= from) {
			s.Findings = append(s.Findings, f)
		}
	}
	return s, nil
}

// allFindings reads every finding regardless of the viewer (the caller
// has checked the right to the report).
func allFindings(ctx context.Context, q store.Q) ([]Finding, error) {
	return findings(ctx, q, "1=1", nil)
}
