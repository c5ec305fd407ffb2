package report

import (
	"encoding/json"
	"math"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/privacy"
)

// Count is a number of cases that may be suppressed for a board member.
// It marshals as a number, or null when suppressed.
type Count struct{ privacy.Count }

// hiddenCount is a suppressed Count.
var hiddenCount = Count{privacy.Suppress(1, 2)}

func shown(n int) Count { return Count{privacy.Suppress(n, 0)} }

func count(n int, hidden bool) Count {
	if hidden {
		return hiddenCount
	}
	return shown(n)
}

// Format writes the count with the language's digit grouping, or an en
// dash when suppressed.
func (c Count) Format(lang string) string {
	if c.Suppressed() {
		return "–"
	}
	return i18n.Int(lang, c.N())
}

// Figure is a derived number: a rate, a share, a median, a change or a
// p-value. It is missing when there is nothing to compute it from, and
// suppressed when it rests on a group too small to show.
type Figure struct {
	v       float64
	ok      bool
	hidden  bool
	decimal int
}

func value(v float64, decimals int) Figure { return Figure{v: v, ok: true, decimal: decimals} }

var (
	missing      = Figure{}
	hiddenFigure = Figure{hidden: true}
)

// Value returns the number and whether it may be shown.
func (f Figure) Value() (float64, bool) { return f.v, f.ok && !f.hidden }

// Suppressed reports whether the figure is hidden to protect a small group.
func (f Figure) Suppressed() bool { return f.hidden }

// Missing reports whether there is nothing to show (and nothing hidden).
func (f Figure) Missing() bool { return !f.ok && !f.hidden }

// MarshalJSON writes the number, or null when missing or suppressed.
func (f Figure) MarshalJSON() ([]byte, error) {
	if v, ok := f.Value(); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return json.Marshal(v)
	}
	return []byte("null"), nil
}

// Format writes the figure with its decimals and the language's decimal
// mark; missing and suppressed figures are an en dash.
func (f Figure) Format(lang string) string {
	v, ok := f.Value()
	if !ok {
		return "–"
	}
	return i18n.Number(lang, v, f.decimal)
}

// Percent writes a share (0–1) as a whole percentage, "87 %".
func (f Figure) Percent(lang string) string {
	v, ok := f.Value()
	if !ok {
		return "–"
	}
	return i18n.Percent(lang, v*100, 0)
}

// Signed writes a change in per cent with its sign, "+12 %" or "−5 %".
func (f Figure) Signed(lang string) string {
	v, ok := f.Value()
	if !ok {
		return "–"
	}
	return i18n.SignedPercent(lang, v, 0)
}

// hideSmall decides which counts a board member may not see. Every count
// from 1 to min-1 is hidden; zero is shown, as it reveals nobody. Then,
// in each group of counts that add up to a total shown elsewhere (a
// table's column, a row of outcomes), a lone hidden count could be worked
// out by subtraction, so the smallest other non-zero count in the group is
// hidden too, until no group has exactly one hidden count. min <= 0 hides
// nothing.
func hideSmall(ns []int, groups [][]int, min int) []bool {
	hidden := make([]bool, len(ns))
	if min <= 0 {
		return hidden
	}
	for i, n := range ns {
		hidden[i] = n > 0 && n < min
	}
	for changed := true; changed; {
		changed = false
		for _, g := range groups {
			lone, next := 0, -1
			for _, i := range g {
				switch {
				case hidden[i]:
					lone++
				case ns[i] > 0 && (next < 0 || ns[i] < ns[next]):
					next = i
				}
			}
			if lone == 1 && next >= 0 {
				hidden[next] = true
				changed = true
			}
		}
	}
	return hidden
}

// hideColumn is hideSmall for one group: a table's column.
func hideColumn(ns []int, min int) []bool {
	g := make([]int, len(ns))
	for i := range g {
		g[i] = i
	}
	return hideSmall(ns, [][]int{g}, min)
}
