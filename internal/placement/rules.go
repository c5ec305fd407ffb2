package placement

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// A School offers places per year group.
type School struct {
	ID, Name string
	// Capacity is the number of places per year group (0 = förskoleklass).
	// A school offers a year when its capacity for it is positive.
	Capacity map[int]int
}

// An Applicant is a pupil to be placed.
type Applicant struct {
	ID       string
	Year     int
	Choices  []string // school IDs in rank order, most wished first
	Siblings []string // school IDs where a sibling attends
}

// Distances gives the distance in metres from an applicant's home to a
// school, and false when it is unknown (e.g. unreachable).
type Distances interface {
	Meters(applicantID, schoolID string) (float64, bool)
}

// Matrix is a map-based [Distances]: applicant ID → school ID → metres.
type Matrix map[string]map[string]float64

// Meters implements [Distances].
func (m Matrix) Meters(applicantID, schoolID string) (float64, bool) {
	d, ok := m[applicantID][schoolID]
	return d, ok
}

// Set records the distance from applicant a to school s.
func (m Matrix) Set(a, s string, meters float64) {
	row := m[a]
	if row == nil {
		row = make(map[string]float64)
		m[a] = row
	}
	row[s] = meters
}

// A Criterion is one ground for priority at an over-subscribed school.
type Criterion int

// The criteria; see the package documentation.
const (
	Sibling Criterion = iota + 1
	RelativeProximity
	AbsoluteProximity
	Lottery
)

var criterionNames = [...]string{"", "sibling", "relative_proximity", "absolute_proximity", "lottery"}

func (c Criterion) String() string {
	if c < Sibling || c > Lottery {
		return "criterion(" + strconv.Itoa(int(c)) + ")"
	}
	return criterionNames[c]
}

// Alternative defines the reference school of relative proximity.
type Alternative int

const (
	// Nearest: the school nearest home that offers the applicant's year
	// (capacity > 0), other than the wished school — so the second nearest
	// when the wished school is itself the nearest. The practice in
	// Stockholm, Malmö and Göteborg. Known flaw (domain.md): when that
	// school is itself full, the score compares with a place the pupil
	// could never have had and is meaningless.
	Nearest Alternative = iota

	// NearestWithRoom: as Nearest, but only among schools that could
	// actually offer a place, defined as: the school's capacity for the
	// year exceeds the number of applicants in that year who put it first.
	// The definition is fixed before the matching (priorities must not
	// depend on the outcome, or stability and strategy-proofness are
	// lost), so it is a proxy: a school not over-subscribed by first
	// choices can still fill up with lower choices, and one that is may
	// still have admitted this pupil. When no other school qualifies, the
	// pupil has no alternative (see Priority.NoAlternative).
	NearestWithRoom
)

func (a Alternative) String() string {
	switch a {
	case Nearest:
		return "nearest"
	case NearestWithRoom:
		return "nearest_with_room"
	}
	return "alternative(" + strconv.Itoa(int(a)) + ")"
}

// A NearHomeLimit is the distance within which pupils of the year groups
// From..To (inclusive) have a right to a place near home, e.g. Göteborg's
// 2000 m for F–3 (From 0, To 3). Results report who is placed beyond it.
type NearHomeLimit struct {
	From, To int
	Meters   float64
}

// Rules are an organizer's placement rules.
type Rules struct {
	// Criteria in priority order; each at most once.
	Criteria []Criterion
	// SiblingYears are the year groups sibling priority applies to; empty
	// means all. Ignored without the Sibling criterion.
	SiblingYears []int
	// Alternative defines the reference school of relative proximity.
	Alternative Alternative
	// Seed draws the lottery; record it with the result.
	Seed int64
	// NearHome limits per year group; non-overlapping.
	NearHome []NearHomeLimit
	// Resolution is the step in metres at which distances are compared:
	// every distance is rounded to a whole number of steps (halves away
	// from zero) before anything is computed from it, so that values
	// equal at the resolution tie and the next criterion decides. 0 means
	// DefaultResolution (whole metres); see [MinResolution], [MaxResolution].
	Resolution float64
}

// The resolution of distance comparisons, in metres.
const (
	DefaultResolution = 1.0
	MinResolution     = 0.01
	MaxResolution     = 100.0
)

// Engine is the version of the decision arithmetic: bump it whenever a
// change can alter a single placement, so that stored results made with
// an earlier version can be rechecked. 1: distances compared as computed
// (ties decided by rounding noise); 2: distances compared at the rules'
// resolution (issue 20).
const Engine = 2

// DistanceResolution returns the resolution in metres (Resolution, or
// DefaultResolution when it is 0).
func (r Rules) DistanceResolution() float64 {
	if r.Resolution == 0 {
		return DefaultResolution
	}
	return r.Resolution
}

// Steps is a distance in whole steps of the resolution: m/resolution
// rounded half away from zero. Distances that give the same Steps are
// equal under the rules.
func (r Rules) Steps(m float64) float64 { return math.Round(m / r.DistanceResolution()) }

// fromSteps returns a whole number of steps in metres, written so that it
// prints as it reads (168.6 rather than 168.60000000000002 at 0.1 m).
func (r Rules) fromSteps(k float64) float64 {
	res := r.DistanceResolution()
	if inv := 1 / res; inv == math.Trunc(inv) {
		return k / inv
	}
	return k * res
}

// AtResolution rounds a distance (or a difference of distances) in metres
// to the resolution.
func (r Rules) AtResolution(m float64) float64 {
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return m
	}
	if k := r.Steps(m); k != 0 {
		return r.fromSteps(k)
	}
	return 0 // not −0 for a small negative difference
}

// DefaultRules are the rules of issue 7: relative proximity (nearest /
// second nearest), absolute proximity, lottery with seed 1; no sibling
// priority and no near-home limits; distances compared in whole metres.
func DefaultRules() Rules {
	return Rules{
		Criteria:    []Criterion{RelativeProximity, AbsoluteProximity, Lottery},
		Alternative: Nearest,
		Seed:        1,
		Resolution:  DefaultResolution,
	}
}

// Validate reports the first problem with the rules.
func (r Rules) Validate() error {
	seen := map[Criterion]bool{}
	for _, c := range r.Criteria {
		if c < Sibling || c > Lottery {
			return fmt.Errorf("placement: unknown %v", c)
		}
		if seen[c] {
			return fmt.Errorf("placement: criterion %v listed twice", c)
		}
		seen[c] = true
	}
	if res := r.Resolution; res != 0 && !(res >= MinResolution && res <= MaxResolution) {
		return fmt.Errorf("placement: resolution %v m is outside %v–%v m", res, MinResolution, MaxResolution)
	}
	if r.Alternative != Nearest && r.Alternative != NearestWithRoom {
		return fmt.Errorf("placement: unknown %v", r.Alternative)
	}
	for i, l := range r.NearHome {
		if l.From > l.To || !(l.Meters > 0) {
			return fmt.Errorf("placement: near-home limit %d–%d: %v m is invalid", l.From, l.To, l.Meters)
		}
		for _, m := range r.NearHome[:i] {
			if l.From <= m.To && m.From <= l.To {
				return fmt.Errorf("placement: near-home limits %d–%d and %d–%d overlap", m.From, m.To, l.From, l.To)
			}
		}
	}
	return nil
}

// limit returns the near-home limit for a year, 0 when there is none.
func (r Rules) limit(year int) float64 {
	for _, l := range r.NearHome {
		if l.From <= year && year <= l.To {
			return l.Meters
		}
	}
	return 0
}

func (r Rules) siblingApplies(year int) bool {
	if len(r.SiblingYears) == 0 {
		return true
	}
	for _, y := range r.SiblingYears {
		if y == year {
			return true
		}
	}
	return false
}

// LotteryNumber is the applicant's lottery number for a seed, in [0, 1):
// the first 53 bits of SHA-256(decimal seed, NUL, applicant ID). Anyone
// can recompute it from the recorded seed, and it does not change when
// other applicants are added or removed.
func LotteryNumber(seed int64, applicantID string) float64 {
	h := sha256.New()
	h.Write(strconv.AppendInt(nil, seed, 10))
	h.Write([]byte{0})
	h.Write([]byte(applicantID))
	var sum [sha256.Size]byte
	return float64(binary.BigEndian.Uint64(h.Sum(sum[:0]))>>11) / (1 << 53)
}

// A Priority is an applicant's standing at one school. All values are
// filled in whether or not the rules use them; [Rules.Compare] decides
// which count. Match fills in distances at the rules' resolution (whole
// steps, see [Rules.Steps]), so every value here is one the comparison
// uses and anyone can recompute the order from them.
type Priority struct {
	// Sibling: a sibling attends the school and sibling priority applies
	// to the applicant's year.
	Sibling bool

	// Relative proximity: Relative is the distance to the alternative
	// school minus the distance to this one, rounded to the resolution
	// itself (so it can differ by a step from AlternativeMeters − Meters,
	// which are rounded each on their own).
	// NoAlternative is set when no school qualifies as alternative; the
	// pupil then has the strongest relative claim (it ranks above every
	// score) and Relative, AlternativeID and AlternativeMeters are zero.
	Relative          float64
	AlternativeID     string
	AlternativeMeters float64
	NoAlternative     bool

	// Meters is the distance from home to the school (absolute proximity).
	Meters float64

	// Lottery is the applicant's lottery number, lower first.
	Lottery float64
}

// Compare returns a positive number when a has higher priority than b
// under the rules, negative when lower, and 0 when they tie on every
// criterion and the lottery (the applicant ID then decides, ascending).
// Distances are compared in whole steps of the resolution (each value is
// rounded with [Rules.Steps] first, which changes nothing for priorities
// Match computed): values equal at the resolution tie, and the next
// criterion decides.
func (r Rules) Compare(a, b Priority) int {
	c, _ := r.Decisive(a, b)
	if c == 0 {
		return 0
	}
	return r.cmpOn(c, a, b)
}

// Decisive tells which criterion orders a and b: the first criterion, in
// the rules' order, on which they differ (Lottery also when it decides as
// the final tie-break without being listed), and tied, the listed
// criteria before it, on which they were equal. It returns 0 (and every
// listed criterion as tied) when they are equal on everything; the
// applicant ID then decides.
func (r Rules) Decisive(a, b Priority) (decisive Criterion, tied []Criterion) {
	lottery := false
	for _, c := range r.Criteria {
		if c == Lottery {
			lottery = true
		}
		if r.cmpOn(c, a, b) != 0 {
			return c, tied
		}
		tied = append(tied, c)
	}
	if !lottery && r.cmpOn(Lottery, a, b) != 0 {
		return Lottery, tied
	}
	return 0, tied
}

// cmpOn compares a and b on one criterion: positive when a is ahead.
func (r Rules) cmpOn(c Criterion, a, b Priority) int {
	switch c {
	case Sibling:
		return cmpBool(a.Sibling, b.Sibling)
	case RelativeProximity:
		if d := cmpBool(a.NoAlternative, b.NoAlternative); d != 0 || a.NoAlternative {
			return d
		}
		return cmpFloat(r.Steps(a.Relative), r.Steps(b.Relative))
	case AbsoluteProximity:
		return cmpFloat(r.Steps(b.Meters), r.Steps(a.Meters))
	case Lottery:
		return cmpFloat(b.Lottery, a.Lottery)
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func cmpFloat(a, b float64) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}
