package report

import (
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/civil"
)

// Period is a span of civil dates in Europe/Stockholm, both ends included.
type Period struct {
	From, To string // YYYY-MM-DD
}

// MaxDays is the longest period: a report compares its period with the
// same period a year earlier, which only makes sense for a year or less.
const MaxDays = 366

// ParsePeriod validates a period from a form or the command line. Errors
// name the fields "from" and "to".
func ParsePeriod(from, to string) (Period, error) {
	var v app.Validation
	f, errF := time.Parse(time.DateOnly, from)
	t, errT := time.Parse(time.DateOnly, to)
	if errF != nil || f.Year() < 2000 || f.Year() > 2200 {
		v.Add("from", "field.date")
	}
	if errT != nil || t.Year() < 2000 || t.Year() > 2200 {
		v.Add("to", "field.date")
	}
	if err := v.Err(); err != nil {
		return Period{}, err
	}
	switch {
	case t.Before(f):
		v.Add("to", "report.err_order")
	case int(t.Sub(f).Hours()/24)+1 > MaxDays:
		v.Add("to", "report.err_span", map[string]any{"Max": MaxDays})
	}
	return Period{f.Format(time.DateOnly), t.Format(time.DateOnly)}, v.Err()
}

// DefaultPeriod is the last twelve full months before now's month.
func DefaultPeriod(now time.Time) Period {
	y, m, _ := now.In(civil.Zone).Date()
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return Period{first.AddDate(-1, 0, 0).Format(time.DateOnly), first.AddDate(0, 0, -1).Format(time.DateOnly)}
}

// dateOf reads a civil date as midnight UTC, for counting days.
func dateOf(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// Bounds returns the period as instants: the start of its first day and
// the start of the day after its last, in Stockholm.
func (p Period) Bounds() (start, end time.Time) {
	start, end, _ = civil.Bounds(p.From, p.To)
	return start, end
}

// Days is the number of days in the period.
func (p Period) Days() int { return int(dateOf(p.To).Sub(dateOf(p.From)).Hours()/24) + 1 }

// YearBefore is the same period a year earlier; 29 February becomes 28
// February.
func (p Period) YearBefore() Period {
	return Period{shiftYear(p.From, -1), shiftYear(p.To, -1)}
}

func shiftYear(s string, years int) string {
	t := dateOf(s)
	y, m, d := t.Date()
	out := time.Date(y+years, m, d, 0, 0, 0, 0, time.UTC)
	if out.Month() != m { // 29 February in a year without one
		out = time.Date(y+years, m+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return out.Format(time.DateOnly)
}

// months lists the calendar months the period touches, as YYYY-MM.
func (p Period) months() []string {
	f, t := dateOf(p.From), dateOf(p.To)
	var out []string
	for m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(t); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// String is "2025-01-01 – 2025-12-31".
func (p Period) String() string { return p.From + " – " + p.To }
