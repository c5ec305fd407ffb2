package accessibility

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Median is the proposed gathered level of a statement: the median of the
// levels given (don't know left out). When the answers split evenly
// between two levels the lower is proposed: the unit does not claim a level
// half of its staff do not see. ok is false without any level.
func Median(levels []int) (level int, ok bool) {
	if len(levels) == 0 {
		return 0, false
	}
	s := slices.Clone(levels)
	slices.Sort(s)
	return s[(len(s)-1)/2], true
}

// StatementResult is one statement's spread and gathered level in a round.
type StatementResult struct {
	Statement
	// Counts[0] is "don't know", Counts[n] level n. Nil when the spread
	// is not shown (Result.Hidden).
	Counts   []int
	Answered int // levels given (don't know not counted)
	Proposed int // the median; 0 when no level was given or hidden
	Gathered int // the recorded gathered level; 0 before gathering
}

// AreaResult is an area's mean gathered level.
type AreaResult struct {
	Area     string
	Mean     *float64 // nil until every statement of the area is gathered
	Gathered int
	Of       int
}

// Result is a round's spread and gathered result.
type Result struct {
	Round      *Round
	Statements []StatementResult
	Areas      []AreaResult
	// Hidden says why the spread is not shown: "open" (answers are still
	// coming in: the difference between two views would show one
	// person's answer), "few" (fewer than MinResponses answers), or "".
	Hidden string
}

// Weakest returns up to n gathered statements with the lowest gathered
// levels (ties in the set's order), the candidates for actions.
func (r *Result) Weakest(n int) []StatementResult {
	var list []StatementResult
	for _, s := range r.Statements {
		if s.Gathered > 0 {
			list = append(list, s)
		}
	}
	slices.SortStableFunc(list, func(a, b StatementResult) int { return a.Gathered - b.Gathered })
	if len(list) > n {
		list = list[:n]
	}
	return list
}

// GetResult returns the spread and gathered levels of a round the context
// principal may read (auth.ReadAccessibility). Reading is not audited: the
// answers name no one, and the spread of fewer than MinResponses answers,
// or of a round still open, is not shown.
func GetResult(ctx context.Context, q store.Q, roundID int64) (*Result, error) {
	r, err := GetRound(ctx, q, roundID)
	if err != nil {
		return nil, err
	}
	return result(ctx, q, r)
}

func result(ctx context.Context, q store.Q, r *Round) (*Result, error) {
	set, err := GetSet(ctx, q, r.SetID)
	if err != nil {
		return nil, err
	}
	res := &Result{Round: r}
	switch {
	case r.Status == StatusOpen:
		res.Hidden = "open"
	case r.Responses < MinResponses:
		res.Hidden = "few"
	}
	counts := map[int64][]int{}
	levels := map[int64][]int{}
	if res.Hidden == "" {
		rows, err := q.Query(ctx, `SELECT a.statement_id, a.level FROM access_answers a JOIN access_responses x ON x.id = a.response_id
			WHERE x.round_id = ?`, r.ID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var sid int64
			var level *int
			if err := rows.Scan(&sid, &level); err != nil {
				return nil, err
			}
			if counts[sid] == nil {
				counts[sid] = make([]int, Levels+1)
			}
			if level == nil {
				counts[sid][0]++
				continue
			}
			counts[sid][*level]++
			levels[sid] = append(levels[sid], *level)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	gathered, err := gatheredLevels(ctx, q, r.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range set.Statements {
		sr := StatementResult{Statement: s, Gathered: gathered[s.ID]}
		if res.Hidden == "" {
			sr.Counts = counts[s.ID]
			if sr.Counts == nil {
				sr.Counts = make([]int, Levels+1)
			}
			sr.Answered = len(levels[s.ID])
			sr.Proposed, _ = Median(levels[s.ID])
		}
		res.Statements = append(res.Statements, sr)
	}
	res.Areas = areaMeans(res.Statements)
	return res, nil
}

func gatheredLevels(ctx context.Context, q store.Q, roundID int64) (map[int64]int, error) {
	rows, err := q.Query(ctx, "SELECT statement_id, level FROM access_gathered WHERE round_id = ?", roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var l int
		if err := rows.Scan(&id, &l); err != nil {
			return nil, err
		}
		out[id] = l
	}
	return out, rows.Err()
}

// areaMeans is the mean gathered level per area, set only when every
// statement of the area is gathered.
func areaMeans(list []StatementResult) []AreaResult {
	var out []AreaResult
	for _, a := range Areas {
		ar := AreaResult{Area: a}
		sum := 0
		for _, s := range list {
			if s.Area != a {
				continue
			}
			ar.Of++
			if s.Gathered > 0 {
				ar.Gathered++
				sum += s.Gathered
			}
		}
		if ar.Of == 0 {
			continue
		}
		if ar.Gathered == ar.Of {
			m := float64(sum) / float64(ar.Of)
			ar.Mean = &m
		}
		out = append(out, ar)
	}
	return out
}

// GatheredField is the gathering form's field of a statement.
func GatheredField(id int64) string { return "g" + strconv.FormatInt(id, 10) }

// Gather records the unit's gathered level per statement after its
// discussion (auth.RunAccessibility on the unit; the round must be
// closed). A statement left empty stays ungathered. Each area whose
// statements are all gathered becomes the unit's value of the area's
// indicator (source "accessibility") for the round's school year.
func Gather(ctx context.Context, db store.Q, roundID int64, value func(field string) string, now time.Time) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		r, err := forRun(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.Status != StatusClosed {
			return app.Errorf(app.ECONFLICT, "accessibility.err_not_closed")
		}
		set, err := GetSet(ctx, tx, r.SetID)
		if err != nil {
			return err
		}
		var v app.Validation
		levels := map[int64]int{}
		for _, s := range set.Statements {
			raw := value(GatheredField(s.ID))
			if raw == "" {
				continue
			}
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > Levels {
				v.Add(GatheredField(s.ID), "accessibility.err_answer")
				continue
			}
			levels[s.ID] = n
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM access_gathered WHERE round_id = ?", roundID); err != nil {
			return err
		}
		for _, s := range set.Statements {
			if l, ok := levels[s.ID]; ok {
				if _, err := tx.Exec(ctx, "INSERT INTO access_gathered (round_id, statement_id, level) VALUES (?, ?, ?)", roundID, s.ID, l); err != nil {
					return err
				}
			}
		}
		var at any = now
		if len(levels) == 0 {
			at = nil
		}
		if _, err := tx.Exec(ctx, "UPDATE access_rounds SET gathered_at = ? WHERE id = ?", at, roundID); err != nil {
			return err
		}
		res, err := result(ctx, tx, r)
		if err != nil {
			return err
		}
		if err := storeIndicators(ctx, tx, r, res.Areas, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "access_round", strconv.FormatInt(roundID, 10), strconv.Itoa(len(levels))+" gathered levels")
	})
}
