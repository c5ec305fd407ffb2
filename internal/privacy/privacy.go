// Package privacy protects individuals in aggregate figures: counts below a
// threshold are suppressed before they leave the server, so board members
// and published reports never reveal small groups.
package privacy

import "strconv"

// DefaultMinGroup is the smallest group shown; Skolverket uses 10 for pupil
// results, 5 is common for staff and complaint counts.
const DefaultMinGroup = 5

// Count is an aggregate that may be suppressed.
type Count struct {
	n          int
	suppressed bool
}

// Suppress returns n as a Count, suppressed when 0 < n < min. Zero is shown:
// it reveals nobody.
func Suppress(n, min int) Count {
	if n > 0 && n < min {
		return Count{suppressed: true}
	}
	return Count{n: n}
}

// Suppressed reports whether the value is hidden.
func (c Count) Suppressed() bool { return c.suppressed }

// N returns the count, 0 when suppressed; check Suppressed first.
func (c Count) N() int { return c.n }

// Value returns the count and whether it may be shown.
func (c Count) Value() (int, bool) { return c.n, !c.suppressed }

// MarshalJSON writes the count, or null when suppressed.
func (c Count) MarshalJSON() ([]byte, error) {
	if c.suppressed {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(c.n), 10), nil
}
