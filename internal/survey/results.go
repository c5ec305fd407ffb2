package survey

import (
	"context"
	"math"
	"sort"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Levels of a results row.
const (
	LevelOrganizer = "organizer"
	LevelUnit      = "unit"
	LevelYear      = "year"
	LevelGroup     = "group"
)

// Measure is a column of the results: an index (0–100: the mean over
// respondents of their own mean on the index's statements, 1 → 0 and 5 →
// 100; "don't know" and skipped statements left out) or a statement (its
// mean on the 1–5 scale).
type Measure struct {
	Key      string    `json:"key"` // the index, or the statement's question key
	Index    bool      `json:"index"`
	Question *Question `json:"-"`
}

// Value is a measure of one row; nil when suppressed or nobody answered.
type Value struct {
	Mean *float64 `json:"mean"`
	N    *int     `json:"n"` // respondents behind the mean
	sd   float64
}

// Row is one unit, year group or group of a round, or the organizer.
type Row struct {
	Level      string   `json:"level"`
	UnitID     int64    `json:"unit_id,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	UnitCode   string   `json:"-"`
	Year       int      `json:"year,omitempty"`
	Label      string   `json:"label,omitempty"`
	Kind       string   `json:"kind,omitempty"`
	Invited    int      `json:"invited"`
	Answers    *int     `json:"answers"` // respondents; nil when suppressed
	Rate       *float64 `json:"rate"`    // answers / invited; nil when suppressed or nobody invited
	Suppressed bool     `json:"suppressed"`
	Values     []Value  `json:"values"`
	depth      int
}

// Results are a round's figures as the caller may see them.
type Results struct {
	Round    Round     `json:"round"`
	MinGroup int       `json:"min_group"`
	Closed   bool      `json:"closed"` // before the round closes only answers and rates are given
	Measures []Measure `json:"measures"`
	Rows     []Row     `json:"rows"`
}

type acc struct {
	n          int
	sum, sumSq float64
}

func (a *acc) add(b acc) { a.n += b.n; a.sum += b.sum; a.sumSq += b.sumSq }

// respondent is one response's answers: question ID → value (nil: don't know).
type respondent map[int64]*int

// Score returns a respondent's index score (0–100) over the statements
// qids, and false when none of them has a value.
func score(r respondent, qids []int64) (float64, bool) {
	s, n := 0.0, 0
	for _, q := range qids {
		if v := r[q]; v != nil {
			s += float64(*v)
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return (s/float64(n) - 1) * 25, true
}

// GetResults computes a round's results (auth.ReadSurveyResults) with
// minGroup the server's smallest group (--min-group); the round's own
// minimum applies when it is larger. Suppression is decided over every
// unit of the round before the caller's scope picks rows, so what a
// principal sees agrees with what the board sees.
func GetResults(ctx context.Context, db store.Q, roundID int64, minGroup int, today string) (Results, error) {
	p := auth.FromContext(ctx)
	if !p.Can(auth.ReadSurveyResults) {
		return Results{}, app.Forbidden()
	}
	return results(ctx, db, roundID, minGroup, today, resultScope(p))
}

func results(ctx context.Context, db store.Q, roundID int64, minGroup int, today string, scope auth.Scope) (Results, error) {
	var res Results
	r, err := GetRound(ctx, db, roundID)
	if err != nil {
		return res, err
	}
	res.Round, res.MinGroup, res.Closed = r, max(r.MinGroup, minGroup), r.Closed(today)
	groups, err := Groups(ctx, db, roundID)
	if err != nil {
		return res, err
	}
	resp, err := responses(ctx, db, roundID)
	if err != nil {
		return res, err
	}
	res.Measures = measures(r.Survey)
	rows, _ := compute(groups, resp, res.Measures, res.MinGroup, !res.Closed)
	codes, err := unitCodes(ctx, db)
	if err != nil {
		return res, err
	}
	for _, row := range rows {
		if row.Level != LevelOrganizer && !scope.Contains(row.UnitID) {
			continue
		}
		row.UnitCode = codes[row.UnitID]
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

func measures(s Survey) []Measure {
	var out []Measure
	seen := map[string]bool{}
	for _, q := range s.Statements() {
		if !seen[q.Index] {
			seen[q.Index] = true
			out = append(out, Measure{Key: q.Index, Index: true})
		}
	}
	for _, q := range s.Statements() {
		out = append(out, Measure{Key: q.Key, Question: &q})
	}
	return out
}

// responses returns the round's responses by group.
func responses(ctx context.Context, db store.Q, roundID int64) (map[int64][]respondent, error) {
	rows, err := db.Query(ctx, `SELECT r.group_id, a.response_id, a.question_id, a.value FROM survey_answers a
		JOIN survey_responses r ON r.id = a.response_id JOIN survey_groups g ON g.id = r.group_id
		WHERE g.round_id = ? ORDER BY r.group_id, a.response_id`, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]respondent{}
	last := ""
	for rows.Next() {
		var gid, qid int64
		var id string
		var v *int
		if err := rows.Scan(&gid, &id, &qid, &v); err != nil {
			return nil, err
		}
		if id != last {
			out[gid] = append(out[gid], respondent{})
			last = id
		}
		rs := out[gid]
		rs[len(rs)-1][qid] = v
	}
	return out, rows.Err()
}

func unitCodes(ctx context.Context, db store.Q) (map[int64]string, error) {
	rows, err := db.Query(ctx, "SELECT id, unit_code FROM units")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

// compute builds the rows (the organizer, then each unit followed by its
// year groups and groups) and suppresses: first respondents, then each
// measure's counts with the suppressed rows already hidden. With open set
// (the round still runs) no measure is given, only answers and rates.
func compute(groups []Group, resp map[int64][]respondent, ms []Measure, minGroup int, open bool) ([]Row, []bool) {
	rows := []Row{{Level: LevelOrganizer}}
	parent := []int{-1}
	leafGroup := map[int]Group{}
	unitNode := map[int64]int{}
	yearNode := map[[2]int64]int{}
	add := func(r Row, p int) int {
		r.depth = rows[p].depth + 1
		rows = append(rows, r)
		parent = append(parent, p)
		return len(rows) - 1
	}
	// Units in the order Groups gives (by name), then years, then groups.
	sorted := append([]Group(nil), groups...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].UnitName != sorted[j].UnitName {
			return sorted[i].UnitName < sorted[j].UnitName
		}
		if sorted[i].UnitID != sorted[j].UnitID {
			return sorted[i].UnitID < sorted[j].UnitID
		}
		return sorted[i].Year < sorted[j].Year
	})
	for _, g := range sorted {
		u, ok := unitNode[g.UnitID]
		if !ok {
			u = add(Row{Level: LevelUnit, UnitID: g.UnitID, Unit: g.UnitName}, 0)
			unitNode[g.UnitID] = u
		}
		p := u
		if g.Year > 0 {
			k := [2]int64{g.UnitID, int64(g.Year)}
			y, ok := yearNode[k]
			if !ok {
				y = add(Row{Level: LevelYear, UnitID: g.UnitID, Unit: g.UnitName, Year: g.Year}, u)
				yearNode[k] = y
			}
			p = y
		}
		i := add(Row{Level: LevelGroup, UnitID: g.UnitID, Unit: g.UnitName, Year: g.Year, Label: g.Label, Kind: g.Kind}, p)
		leafGroup[i] = g
	}
	n := len(rows)
	counts := make([]int, n)
	invited := make([]int, n)
	accs := make([][]acc, n)
	for i := range accs {
		accs[i] = make([]acc, len(ms))
	}
	qids := map[string][]int64{}
	for _, m := range ms {
		if !m.Index {
			qids[m.Question.Index] = append(qids[m.Question.Index], m.Question.ID)
		}
	}
	// Leaves first, then add each node into its parent (children come
	// after their parents in rows, so walk backwards).
	for i, g := range leafGroup {
		invited[i] = g.Invited
		for _, r := range resp[g.ID] {
			counts[i]++
			for j, m := range ms {
				var v float64
				var ok bool
				if m.Index {
					v, ok = score(r, qids[m.Key])
				} else if x := r[m.Question.ID]; x != nil {
					v, ok = float64(*x), true
				}
				if ok {
					accs[i][j].add(acc{1, v, v * v})
				}
			}
		}
	}
	for i := n - 1; i > 0; i-- {
		p := parent[i]
		counts[p] += counts[i]
		invited[p] += invited[i]
		for j := range ms {
			accs[p][j].add(accs[i][j])
		}
	}
	hidden := Suppress(parent, counts, minGroup, nil)
	measureHidden := make([][]bool, len(ms))
	for j := range ms {
		c := make([]int, n)
		for i := range c {
			c[i] = accs[i][j].n
		}
		measureHidden[j] = Suppress(parent, c, minGroup, hidden)
	}
	for i := range rows {
		rows[i].Invited = invited[i]
		rows[i].Suppressed = hidden[i]
		rows[i].Values = make([]Value, len(ms))
		if hidden[i] {
			continue
		}
		c := counts[i]
		rows[i].Answers = &c
		if invited[i] > 0 {
			rate := float64(c) / float64(invited[i])
			rows[i].Rate = &rate
		}
		if open {
			continue
		}
		for j := range ms {
			a := accs[i][j]
			if measureHidden[j][i] || a.n == 0 {
				continue
			}
			mean := a.sum / float64(a.n)
			nn := a.n
			v := Value{Mean: &mean, N: &nn}
			if a.n > 1 {
				v.sd = math.Sqrt(math.Max(0, (a.sumSq-a.sum*a.sum/float64(a.n))/float64(a.n-1)))
			}
			rows[i].Values[j] = v
		}
	}
	return rows, hidden
}

// Today is the civil date of now, for callers without one.
func Today() string { return civil.Today(store.Now()) }
