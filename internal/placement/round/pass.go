package round

// Later passes of a round (issue 15): places declined after publishing go
// to the waiting lists. A child waits at each wished school ranked above
// the place it holds that turned it down for lack of places, in the
// engine's priority order at that school (placement.Rules.Compare on the
// priorities stored in the explanation). A pass fills the free places
// from the waiting lists without taking a place from anyone who holds one:
// a child who accepted or has not answered keeps its place unless it moves
// up to a school it wished for more; a moved child's old place is free for
// the next on that school's list. Everyone moved gets a new decision.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/explain"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// A Move is one child moved up from a waiting list.
type Move struct {
	ApplicantID string
	Child       string // the register's name
	Year        int
	From, To    string // school IDs
	FromName    string
	ToName      string
	FromRank    int // 0: a fallback place
	ToRank      int
}

// Holder is a child's standing place as a pass sees it.
type Holder struct {
	ApplicantID string
	Year        int
	SchoolID    string // "" once declined, or unplaced
	Rank        int    // the choice rank held; 0 for a fallback or none
	Declined    bool
	// Choices are the child's wished schools with its priority at each,
	// in rank order; only those that turned it down for lack of places
	// and rank above the held place are waiting lists.
	Choices []explain.Choice
	Waits   map[string]bool // school IDs whose waiting list the child is on
}

// Plan computes a pass: capacity is school ID → year → places, holders
// the standing places. It returns the moves in the order they were made
// (at each school in priority order). Pure, so that its property can be
// tested: no holder loses a place, every move is to a better choice, no
// school goes over capacity.
func Plan(rules placement.Rules, capacity map[string]map[int]int, holders []Holder) []Move {
	free := map[string]map[int]int{}
	for s, ys := range capacity {
		free[s] = map[int]int{}
		for y, n := range ys {
			free[s][y] = n
		}
	}
	byID := map[string]*Holder{}
	for i := range holders {
		h := &holders[i]
		byID[h.ApplicantID] = h
		if h.SchoolID != "" && !h.Declined {
			if free[h.SchoolID] == nil {
				free[h.SchoolID] = map[int]int{}
			}
			free[h.SchoolID][h.Year]--
		}
	}
	origin := map[string]Move{}
	var order []string
	schools := slices.Sorted(func(yield func(string) bool) {
		for s := range free {
			if !yield(s) {
				return
			}
		}
	})
	prio := func(h *Holder, school string) (explain.Choice, bool) {
		for _, c := range h.Choices {
			if c.SchoolID == school {
				return c, true
			}
		}
		return explain.Choice{}, false
	}
	for changed := true; changed; {
		changed = false
		for _, s := range schools {
			for y, n := range free[s] {
				for ; n > 0; n = free[s][y] {
					var best *Holder
					var bestC explain.Choice
					for i := range holders {
						h := &holders[i]
						if h.Declined || h.Year != y || !h.Waits[s] {
							continue
						}
						c, ok := prio(h, s)
						if !ok || (h.Rank != 0 && c.Rank >= h.Rank) {
							continue
						}
						if best == nil {
							best, bestC = h, c
							continue
						}
						d := rules.Compare(toPriority(c.Priority), toPriority(bestC.Priority))
						if d > 0 || d == 0 && h.ApplicantID < best.ApplicantID {
							best, bestC = h, c
						}
					}
					if best == nil {
						break
					}
					if _, ok := origin[best.ApplicantID]; !ok {
						origin[best.ApplicantID] = Move{ApplicantID: best.ApplicantID, Year: y, From: best.SchoolID, FromRank: best.Rank}
						order = append(order, best.ApplicantID)
					}
					if best.SchoolID != "" {
						free[best.SchoolID][y]++
					}
					free[s][y]--
					best.SchoolID, best.Rank = s, bestC.Rank
					changed = true
				}
			}
		}
	}
	var out []Move
	for _, id := range order {
		m := origin[id]
		h := byID[id]
		m.To, m.ToRank = h.SchoolID, h.Rank
		out = append(out, m)
	}
	return out
}

func toPriority(p explain.Priority) placement.Priority {
	return placement.Priority{Sibling: p.Sibling, Relative: p.RelativeMeters, AlternativeID: p.AlternativeID,
		AlternativeMeters: p.AlternativeMeters, NoAlternative: p.NoAlternative, Meters: p.Meters, Lottery: p.Lottery}
}

// passState reads what a pass needs: the round, its rules and
// capacities, the standing decisions with their results, the register.
type passState struct {
	round    *Round
	rules    placement.Rules
	capacity map[string]map[int]int
	names    map[string]string
	holders  []Holder
	current  map[string]*Sent
	results  map[string]Decision
	children map[string]*regChild
}

func readPass(ctx context.Context, q store.Q, roundID int64) (*passState, error) {
	r, err := Get(ctx, q, roundID)
	if err != nil {
		return nil, err
	}
	if r.ResultRunID == nil || !r.Published() {
		return nil, app.Errorf(app.ECONFLICT, "decide.err.not_published")
	}
	st := &passState{round: r, capacity: map[string]map[int]int{}, names: map[string]string{}, results: map[string]Decision{}}
	schools, _, rules, err := r.Inputs()
	if err != nil {
		return nil, err
	}
	res, err := GetRun(ctx, q, roundID, *r.ResultRunID)
	if err != nil {
		return nil, err
	}
	for _, s := range res.Capacities.Apply(schools) {
		st.capacity[s.ID] = s.Capacity
		st.names[s.ID] = s.Name
	}
	st.rules = rules
	if st.current, err = currentSent(ctx, q, roundID); err != nil {
		return nil, err
	}
	if len(st.current) == 0 {
		return nil, app.Errorf(app.ECONFLICT, "decide.err.no_decisions")
	}
	if st.children, err = registerOf(ctx, q, roundID); err != nil {
		return nil, err
	}
	runs := map[int64]bool{}
	for _, s := range st.current {
		runs[s.RunID] = true
	}
	for run := range runs {
		ds, err := scanDecisions(ctx, q, "run_id = ?", run)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if s := st.current[d.ApplicantID]; s != nil && s.RunID == run {
				st.results[d.ApplicantID] = d
			}
		}
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range st.current {
			if !yield(id) {
				return
			}
		}
	})
	for _, id := range ids {
		s, d := st.current[id], st.results[id]
		h := Holder{ApplicantID: id, Year: d.Year, SchoolID: s.SchoolID, Rank: d.ChoiceRank, Declined: s.Answer == Declined,
			Choices: d.Explanation.Choices, Waits: map[string]bool{}}
		if d.Fallback {
			h.Rank = 0
		}
		for _, x := range d.Explanation.Declined {
			if x.Reason == placement.Outranked.String() {
				h.Waits[x.SchoolID] = true
			}
		}
		st.holders = append(st.holders, h)
	}
	return st, nil
}

func (st *passState) plan() []Move {
	moves := Plan(st.rules, st.capacity, st.holders)
	for i := range moves {
		m := &moves[i]
		m.FromName, m.ToName = st.names[m.From], st.names[m.To]
		if c := st.children[m.ApplicantID]; c != nil {
			m.Child = c.Name
		}
	}
	return moves
}

// PlanPass shows who a new pass would move, for the officer to check
// before confirming; audited.
func PlanPass(ctx context.Context, q store.Q, roundID int64) ([]Move, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	st, err := readPass(ctx, q, roundID)
	if err != nil {
		return nil, err
	}
	moves := st.plan()
	return moves, audit.Log(ctx, q, audit.Read, "placement_round", strconv.FormatInt(roundID, 10), fmt.Sprintf("pass planned: %d moves", len(moves)))
}

// RunPass makes the next pass: a run with placement_runs.pass one above
// the last, a result with a new explanation for every moved child, a new
// decision sent to its guardians (the old one superseded) — all in one
// transaction. It returns the pass number and the moves.
func RunPass(ctx context.Context, q store.Q, roundID int64, n Notify) (int, []Move, error) {
	if err := requireOfficer(ctx); err != nil {
		return 0, nil, err
	}
	var pass int
	var moves []Move
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		st, err := readPass(ctx, tx, roundID)
		if err != nil {
			return err
		}
		moves = st.plan()
		if len(moves) == 0 {
			return app.Errorf(app.ECONFLICT, "decide.err.no_moves")
		}
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(pass), 1) + 1 FROM placement_runs WHERE round_id = ?", roundID).Scan(&pass); err != nil {
			return err
		}
		now := n.now()
		var runID int64
		if err := tx.QueryRow(ctx, `INSERT INTO placement_runs (round_id, kind, engine, base_run_id, status, stage, done, total, started_at, finished_at, pass)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, roundID, KindMain, placement.Engine, *st.round.ResultRunID, StatusDone, "done",
			len(moves), len(moves), now, now, pass).Scan(&runID); err != nil {
			return err
		}
		days, contact, err := process(ctx, tx, roundID)
		if err != nil {
			return err
		}
		for _, m := range moves {
			old := st.results[m.ApplicantID]
			d := moved(old, m, st.names)
			if n.Catalog != nil {
				x := &explain.Explainer{}
				e := d.Explanation
				d.Explanation.Text = explain.Texts{SV: x.Render(n.Catalog.For("sv"), e, false), EN: x.Render(n.Catalog.For("en"), e, false),
					SVEasy: x.Render(n.Catalog.For("sv"), e, true)}
			}
			ex, err := json.Marshal(&d.Explanation)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO placement_results (run_id, applicant_id, year, school_id, choice_rank, meters, fallback, explanation)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, runID, d.ApplicantID, d.Year, d.SchoolID, d.ChoiceRank, d.Meters, d.Fallback, string(ex)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE placement_decisions SET superseded_at = ? WHERE id = ?", now, st.current[m.ApplicantID].ID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE placement_links SET revoked_at = ? WHERE round_id = ? AND applicant_id = ? AND revoked_at IS NULL",
				now, roundID, m.ApplicantID); err != nil {
				return err
			}
			c := st.children[m.ApplicantID]
			if c == nil {
				c = &regChild{Key: m.ApplicantID}
			}
			s := &Sent{RunID: runID, Pass: pass, ApplicantID: m.ApplicantID, SchoolID: m.To, SentAt: now, RespondBy: RespondBy(now, days)}
			if err := insertSent(ctx, tx, roundID, c, s); err != nil {
				return err
			}
			v := &GuardianView{RoundID: roundID, RoundName: st.round.Name, PublishedAt: *st.round.PublishedAt, Decision: d, Child: c.Name,
				Sent: s, Contact: contact, Custody: true}
			if _, err := deliver(ctx, tx, v, c, n, now); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, audit.Create, "placement_run", strconv.FormatInt(runID, 10),
			fmt.Sprintf("round %d, pass %d: %d moved up from waiting lists", roundID, pass, len(moves)))
	})
	return pass, moves, err
}

// moved is the result of a child moved up by a pass: the new school and
// rank with the priority there, the choices still declined above it, and
// the explanation's texts rewritten (with the sentence on the move, which
// PlainText adds from the decision's pass).
func moved(old Decision, m Move, names map[string]string) Decision {
	d := old
	e := old.Explanation
	d.SchoolID, d.ChoiceRank, d.Fallback = m.To, m.ToRank, false
	e.SchoolID, e.SchoolName, e.ChoiceRank, e.Fallback, e.Unplaced = m.To, names[m.To], m.ToRank, false, false
	e.Declined = slices.DeleteFunc(slices.Clone(e.Declined), func(x explain.Declined) bool { return x.ChoiceRank >= m.ToRank })
	e.Appeal.BoardSchools = nil
	for _, x := range e.Declined {
		if x.Reason == placement.NotOffered.String() {
			e.Appeal.BoardSchools = append(e.Appeal.BoardSchools, x.SchoolID)
		}
	}
	e.Appeal.Routes = []string{explain.LegalityReview}
	if len(e.Appeal.BoardSchools) > 0 {
		e.Appeal.Routes = append(e.Appeal.Routes, explain.AppealsBoard)
	}
	for _, c := range e.Choices {
		if c.SchoolID == m.To {
			p := c.Priority
			e.Priority = &p
			d.Meters, e.Meters = p.Meters, p.Meters
		}
	}
	// The stored texts are rendered again from the changed data.
	e.Text = explain.Texts{}
	d.Explanation = e
	return d
}
