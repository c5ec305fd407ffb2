package placement

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Result is the outcome of one run.
type Result struct {
	Rules      Rules        // the rules applied, seed included
	Placements []Placement  // one per applicant, by applicant ID
	Schools    []SchoolYear // one per school and year, by school ID and year
}

// A Placement is the decision for one applicant, with the data its
// explanation needs.
type Placement struct {
	ApplicantID string
	Year        int
	SchoolID    string  // "" when unplaced: no school with a known distance had room
	ChoiceRank  int     // 1 for the first choice; 0 for a fallback or unplaced
	Meters      float64 // distance home → placed school, at the resolution
	Fallback    bool    // got none of the choices; placed at the nearest school with room
	// Priority at the placed school; nil for a fallback or unplaced.
	Priority *Priority
	// Lottery is the applicant's lottery number (the same at every school).
	Lottery float64
	// Choices are the applicant's priorities at every choice, in rank
	// order, whether or not the choice was needed: with the lottery
	// number, anyone can recompute the matching from them.
	Choices []Choice

	// NearHomeLimit is the near-home limit for the year (0: none);
	// BeyondLimit is set when placed farther away than it, or unplaced.
	NearHomeLimit float64
	BeyondLimit   bool

	// Declined explains each choice ranked above the placement (all choices
	// for a fallback), in rank order.
	Declined []Declined
}

// A Choice is an applicant's priority at one of their choices.
type Choice struct {
	SchoolID string
	Rank     int  // 1 for the first choice
	Offered  bool // the school has places for the applicant's year
	Priority Priority
}

// Reason tells why a wished school did not admit an applicant.
type Reason int

const (
	// NotOffered: the school has no places for the applicant's year.
	NotOffered Reason = iota + 1
	// Outranked: the school was full with applicants of higher priority.
	Outranked
)

func (r Reason) String() string {
	switch r {
	case NotOffered:
		return "not_offered"
	case Outranked:
		return "outranked"
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// Declined is why one higher-ranked choice was not given.
type Declined struct {
	SchoolID    string
	ChoiceRank  int
	Reason      Reason
	Capacity    int // for the applicant's year
	Applicants  int // all who listed the school for the year
	FirstChoice int // who listed it first
	// Own is the applicant's priority there, including the distances
	// behind relative proximity; LastAdmitted is the priority of the last
	// (lowest-priority) applicant admitted there, nil when NotOffered.
	Own          Priority
	LastAdmitted *Priority
}

// SchoolYear sums up one school and year group.
type SchoolYear struct {
	SchoolID    string
	Year        int
	Capacity    int
	FirstChoice int // applicants with the school as first choice
	Applicants  int // applicants with the school as any choice
	Admitted    int // placed through their choices
	Fallbacks   int // placed there as fallback
	// LastAdmitted is the priority of the lowest-priority applicant
	// admitted through their choices (the cut-off when full); nil if none.
	LastAdmitted *Priority
}

// seat is one school and year during a run.
type seat struct {
	school, year int
	capacity     int
	firstChoice  int
	applicants   int
	held         []int // applicant indices admitted through their choices
	last         int   // the lowest-priority applicant in held, -1 if none
	fallbacks    int
}

func (s *seat) room() int { return s.capacity - len(s.held) - s.fallbacks }

// app is one applicant during a run.
type app struct {
	*Applicant
	lottery float64
	seats   []*seat    // per choice
	prio    []Priority // per choice
	meters  []float64  // per choice, at the resolution
	raw     []float64  // per choice, as the distances gave them
	held    int        // choice index held, -1 if none
	school  int        // placed school index, -1 if none
	dist    float64    // distance to placed school
}

type run struct {
	rules   Rules
	schools []School
	byID    map[string]int
	apps    []app
	seats   map[[2]int]*seat
	offer   map[int][]int // year → indices of schools offering it
	dist    Distances
}

// meters is the distance from applicant a to school s at the rules'
// resolution, and as the distances gave it (raw): every decision uses
// the rounded distance, or relative proximity rounded itself, so none
// depends on digits below the resolution (issue 20).
func (r *run) meters(a, s string) (d, raw float64, ok bool) {
	raw, ok = r.dist.Meters(a, s)
	if !ok {
		return raw, raw, false
	}
	return r.rules.AtResolution(raw), raw, true
}

// Match places the applicants at the schools under the rules. It returns
// an error for invalid input (empty or duplicate IDs, unknown school IDs,
// a school chosen twice, negative capacity, a missing, negative or NaN
// distance to a chosen school) and if the result fails its self-check.
// The input slices are not modified.
func Match(schools []School, applicants []Applicant, dist Distances, rules Rules) (*Result, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	r := &run{rules: rules, dist: dist, byID: map[string]int{}, seats: map[[2]int]*seat{}, offer: map[int][]int{}}
	if err := r.load(schools, applicants); err != nil {
		return nil, err
	}
	r.prioritize()
	r.accept()
	r.fallback()
	if err := r.check(); err != nil {
		return nil, err
	}
	return r.result(), nil
}

func (r *run) load(schools []School, applicants []Applicant) error {
	r.schools = slices.Clone(schools)
	slices.SortFunc(r.schools, func(a, b School) int { return strings.Compare(a.ID, b.ID) })
	for i, s := range r.schools {
		if s.ID == "" {
			return errors.New("placement: school with empty ID")
		}
		if _, dup := r.byID[s.ID]; dup {
			return fmt.Errorf("placement: duplicate school %q", s.ID)
		}
		r.byID[s.ID] = i
		years := make([]int, 0, len(s.Capacity))
		for y := range s.Capacity {
			years = append(years, y)
		}
		slices.Sort(years)
		for _, y := range years {
			c := s.Capacity[y]
			if c < 0 {
				return fmt.Errorf("placement: school %q year %d: negative capacity %d", s.ID, y, c)
			}
			r.seats[[2]int{i, y}] = &seat{school: i, year: y, capacity: c}
			if c > 0 {
				r.offer[y] = append(r.offer[y], i)
			}
		}
	}

	r.apps = make([]app, len(applicants))
	for i := range applicants {
		r.apps[i] = app{Applicant: &applicants[i], held: -1, school: -1}
	}
	slices.SortFunc(r.apps, func(a, b app) int { return strings.Compare(a.ID, b.ID) })
	for i := range r.apps {
		a := &r.apps[i]
		if a.ID == "" {
			return errors.New("placement: applicant with empty ID")
		}
		if i > 0 && r.apps[i-1].ID == a.ID {
			return fmt.Errorf("placement: duplicate applicant %q", a.ID)
		}
		if a.Year < 0 {
			return fmt.Errorf("placement: applicant %q: negative year %d", a.ID, a.Year)
		}
		for _, id := range a.Siblings {
			if _, ok := r.byID[id]; !ok {
				return fmt.Errorf("placement: applicant %q: unknown sibling school %q", a.ID, id)
			}
		}
		a.lottery = LotteryNumber(r.rules.Seed, a.ID)
		a.seats = make([]*seat, len(a.Choices))
		a.prio = make([]Priority, len(a.Choices))
		a.meters = make([]float64, len(a.Choices))
		a.raw = make([]float64, len(a.Choices))
		for k, id := range a.Choices {
			s, ok := r.byID[id]
			if !ok {
				return fmt.Errorf("placement: applicant %q: unknown school %q", a.ID, id)
			}
			if slices.Contains(a.Choices[:k], id) {
				return fmt.Errorf("placement: applicant %q: school %q chosen twice", a.ID, id)
			}
			d, raw, ok := r.meters(a.ID, id)
			if !ok || !(d >= 0) {
				return fmt.Errorf("placement: applicant %q: no valid distance to chosen school %q", a.ID, id)
			}
			a.meters[k], a.raw[k] = d, raw
			key := [2]int{s, a.Year}
			st := r.seats[key]
			if st == nil { // chosen but not offered: keep count of the demand
				st = &seat{school: s, year: a.Year}
				r.seats[key] = st
			}
			a.seats[k] = st
			st.applicants++
			if k == 0 {
				st.firstChoice++
			}
		}
	}
	return nil
}

// prioritize fills in every applicant's priority at each choice.
func (r *run) prioritize() {
	for i := range r.apps {
		a := &r.apps[i]
		// The two nearest reference schools, by distance at the
		// resolution then ID (the schools are sorted by ID, so the first
		// found wins a tie).
		first, second := -1, -1
		var d1, d2, raw1, raw2 float64
		for _, s := range r.offer[a.Year] {
			if r.rules.Alternative == NearestWithRoom {
				if st := r.seats[[2]int{s, a.Year}]; st.capacity <= st.firstChoice {
					continue
				}
			}
			d, raw, ok := r.meters(a.ID, r.schools[s].ID)
			if !ok || !(d >= 0) {
				continue
			}
			switch {
			case first < 0 || d < d1:
				second, d2, raw2 = first, d1, raw1
				first, d1, raw1 = s, d, raw
			case second < 0 || d < d2:
				second, d2, raw2 = s, d, raw
			}
		}
		sibling := slices.Contains(r.rules.Criteria, Sibling) && r.rules.siblingApplies(a.Year)
		for k, st := range a.seats {
			p := Priority{
				Sibling: sibling && slices.Contains(a.Siblings, r.schools[st.school].ID),
				Meters:  a.meters[k],
				Lottery: a.lottery,
			}
			alt, altD, altRaw := first, d1, raw1
			if alt == st.school {
				alt, altD, altRaw = second, d2, raw2
			}
			if alt < 0 {
				p.NoAlternative = true
			} else {
				p.AlternativeID = r.schools[alt].ID
				p.AlternativeMeters = altD
				// The difference rounded itself, not the difference of
				// the rounded distances: homes whose paths to both
				// schools leave through the same corner have the same
				// difference wherever they lie on their street, and
				// rounding each distance first would split them by a
				// step according to where in a metre they lie.
				p.Relative = r.rules.AtResolution(altRaw - a.raw[k])
			}
			a.prio[k] = p
		}
	}
}

// cmp compares applicant i's claim at its choice k with j's at its choice
// l (the same school): positive when i has the higher priority.
func (r *run) cmp(i, k, j, l int) int {
	if c := r.rules.Compare(r.apps[i].prio[k], r.apps[j].prio[l]); c != 0 {
		return c
	}
	return strings.Compare(r.apps[j].ID, r.apps[i].ID)
}

// accept runs student-proposing deferred acceptance.
func (r *run) accept() {
	free := make([]int, 0, len(r.apps))
	for i := len(r.apps) - 1; i >= 0; i-- {
		free = append(free, i)
	}
	next := make([]int, len(r.apps)) // next choice to propose to
	for len(free) > 0 {
		i := free[len(free)-1]
		free = free[:len(free)-1]
		a := &r.apps[i]
		for a.held < 0 && next[i] < len(a.seats) {
			k := next[i]
			next[i]++
			st := a.seats[k]
			if len(st.held) < st.capacity {
				st.held = append(st.held, i)
				a.held = k
				break
			}
			if st.capacity == 0 {
				continue
			}
			w := r.worst(st)
			j := st.held[w]
			if r.cmp(i, k, j, r.apps[j].held) > 0 {
				st.held[w] = i
				a.held = k
				r.apps[j].held = -1
				free = append(free, j)
			}
		}
	}
	for i := range r.apps {
		if a := &r.apps[i]; a.held >= 0 {
			a.school, a.dist = a.seats[a.held].school, a.meters[a.held]
		}
	}
	for _, st := range r.seats {
		st.last = -1
		if len(st.held) > 0 {
			st.last = st.held[r.worst(st)]
		}
	}
}

// worst returns the index in st.held of the lowest-priority applicant.
func (r *run) worst(st *seat) int {
	w := 0
	for x := 1; x < len(st.held); x++ {
		i, j := st.held[x], st.held[w]
		if r.cmp(i, r.apps[i].held, j, r.apps[j].held) < 0 {
			w = x
		}
	}
	return w
}

// fallback places every applicant without a choice at the nearest school
// with room for their year (distances at the resolution; the first by ID
// among equally near), in lottery order.
func (r *run) fallback() {
	var left []int
	for i := range r.apps {
		if r.apps[i].held < 0 {
			left = append(left, i)
		}
	}
	slices.SortFunc(left, func(i, j int) int {
		return cmp.Or(cmp.Compare(r.apps[i].lottery, r.apps[j].lottery), strings.Compare(r.apps[i].ID, r.apps[j].ID))
	})
	for _, i := range left {
		a := &r.apps[i]
		best, bestD := -1, math.Inf(1)
		for _, s := range r.offer[a.Year] {
			if r.seats[[2]int{s, a.Year}].room() <= 0 {
				continue
			}
			if d, _, ok := r.meters(a.ID, r.schools[s].ID); ok && d >= 0 && d < bestD {
				best, bestD = s, d
			}
		}
		if best >= 0 {
			r.seats[[2]int{best, a.Year}].fallbacks++
			a.school, a.dist = best, bestD
		}
	}
}

// check verifies the result: capacities respected, and for every applicant
// and every choice above their placement, the school is full with
// applicants admitted through their choices, all of higher priority. It
// compares with the matching's own comparison (Rules.Compare, distances at
// the resolution): an applicant who lost a wished school to one with equal
// priority on every criterion before the lottery and a worse lottery
// number is an error.
func (r *run) check() error {
	for _, st := range r.seats {
		if st.room() < 0 {
			return fmt.Errorf("placement: self-check: school %q year %d over capacity", r.schools[st.school].ID, st.year)
		}
	}
	for i := range r.apps {
		a := &r.apps[i]
		for k, st := range a.seats {
			if k == a.held {
				break
			}
			if st.capacity == 0 {
				continue
			}
			id := r.schools[st.school].ID
			if st.fallbacks > 0 || len(st.held) < st.capacity {
				return fmt.Errorf("placement: self-check: applicant %q denied school %q which had a seat without a claim", a.ID, id)
			}
			j := st.last
			if r.cmp(i, k, j, r.apps[j].held) > 0 {
				return fmt.Errorf("placement: self-check: applicant %q lost school %q to %q with lower priority", a.ID, id, r.apps[j].ID)
			}
		}
	}
	return nil
}

func (r *run) result() *Result {
	res := &Result{Rules: r.rules, Placements: make([]Placement, len(r.apps))}
	lastOf := func(st *seat) *Priority {
		if st.last < 0 {
			return nil
		}
		j := &r.apps[st.last]
		return new(j.prio[j.held])
	}
	for i := range r.apps {
		a := &r.apps[i]
		p := Placement{ApplicantID: a.ID, Year: a.Year, NearHomeLimit: r.rules.limit(a.Year), Lottery: a.lottery}
		for k, st := range a.seats {
			p.Choices = append(p.Choices, Choice{SchoolID: r.schools[st.school].ID, Rank: k + 1, Offered: st.capacity > 0, Priority: a.prio[k]})
		}
		if a.school >= 0 {
			p.SchoolID, p.Meters = r.schools[a.school].ID, a.dist
		}
		if a.held >= 0 {
			p.ChoiceRank = a.held + 1
			p.Priority = new(a.prio[a.held])
		} else {
			p.Fallback = true
		}
		p.BeyondLimit = p.NearHomeLimit > 0 && (a.school < 0 || p.Meters > p.NearHomeLimit)
		for k, st := range a.seats {
			if k == a.held {
				break
			}
			d := Declined{
				SchoolID: r.schools[st.school].ID, ChoiceRank: k + 1, Reason: NotOffered,
				Capacity: st.capacity, Applicants: st.applicants, FirstChoice: st.firstChoice,
				Own: a.prio[k],
			}
			if st.capacity > 0 {
				d.Reason, d.LastAdmitted = Outranked, lastOf(st)
			}
			p.Declined = append(p.Declined, d)
		}
		res.Placements[i] = p
	}
	for _, st := range r.seats {
		res.Schools = append(res.Schools, SchoolYear{
			SchoolID: r.schools[st.school].ID, Year: st.year, Capacity: st.capacity,
			FirstChoice: st.firstChoice, Applicants: st.applicants,
			Admitted: len(st.held), Fallbacks: st.fallbacks, LastAdmitted: lastOf(st),
		})
	}
	slices.SortFunc(res.Schools, func(a, b SchoolYear) int {
		return cmp.Or(strings.Compare(a.SchoolID, b.SchoolID), cmp.Compare(a.Year, b.Year))
	})
	return res
}
