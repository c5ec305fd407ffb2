package i18n

import (
	"math"
	"strconv"
	"strings"
)

// Numbers for people. Every page, PDF and spreadsheet text writes its
// numbers with these functions (or the Localizer's methods of the same
// names), so the same quantity has the same decimals and marks everywhere.
//
// The rule per language is decided in one place, numberStyleFor:
//   - English: decimal point, comma between thousands ("12,345.6"),
//     percent sign without a space ("87%").
//   - Every other language (Swedish, and the public pages' Arabic, Somali
//     and Persian, which today show Swedish figures): decimal comma, a
//     narrow no-break space (U+202F) between thousands ("12 345,6"), and a
//     no-break space before the percent sign ("87 %"). Digits stay Western
//     (0–9) in every language.
//
// Negative numbers take a real minus sign (U+2212), never a hyphen; a value
// that rounds to zero has no sign ("0,0", not "−0,0"). NaN and ±Inf are
// not numbers a person can read: they are written as an en dash ("–").
// Machine formats (CSV files read by programs, form values) use Plain,
// which never groups thousands.

// Dash is what a missing or undefined number is written as.
const Dash = "–"

const (
	minus         = "\u2212"
	narrowNBSP    = "\u202f"
	nbsp          = "\u00a0"
	kilometre     = 1000.0
	kmDecimals    = 2 // a distance from 1 km is written with 2 decimals: 10 m steps
	metreUnit     = " m"
	kilometreUnit = " km"
)

type numberStyle struct {
	decimal string // decimal mark
	group   string // between groups of three digits
	percent string // between the number and "%"
}

// numberStyleFor is the one place that decides how a language writes
// numbers.
func numberStyleFor(lang string) numberStyle {
	if lang == "en" || strings.HasPrefix(lang, "en-") {
		return numberStyle{decimal: ".", group: ",", percent: ""}
	}
	return numberStyle{decimal: ",", group: narrowNBSP, percent: nbsp}
}

// DecimalComma reports whether lang writes a decimal comma (and so, in
// CSV files, separates fields with semicolons as Swedish spreadsheets do).
func DecimalComma(lang string) bool { return numberStyleFor(lang).decimal == "," }

// finite reports whether x can be written as a number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// digits writes |x| rounded to decimals (< 0: as many as x needs) and whether the result is
// zero, with mark as decimal mark and group between thousands ("" for
// none).
func digits(x float64, decimals int, mark, group string) (s string, zero bool) {
	// Halves round away from zero (2.5 → 3, 0.125 → 0.13), as people
	// round; strconv alone would round exact halves to even. Negative
	// decimals write the shortest text that reads back as x exactly.
	a := math.Abs(x)
	if p := math.Pow10(decimals); decimals >= 0 && a*p < 1e15 {
		a = math.Round(a*p) / p
	}
	raw := strconv.FormatFloat(a, 'f', max(decimals, -1), 64)
	whole, frac, _ := strings.Cut(raw, ".")
	zero = strings.Trim(raw, "0.") == ""
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && group != "" && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(mark)
		b.WriteString(frac)
	}
	return b.String(), zero
}

// Number writes x with decimals digits after the decimal mark and grouped
// thousands: Number("sv", -12345.678, 1) = "−12 345,7".
func Number(lang string, x float64, decimals int) string {
	if !finite(x) {
		return Dash
	}
	st := numberStyleFor(lang)
	s, zero := digits(x, decimals, st.decimal, st.group)
	if x < 0 && !zero {
		return minus + s
	}
	return s
}

// Int writes a whole number with grouped thousands: Int("sv", 12345) =
// "12 345", Int("en", 12345) = "12,345".
func Int(lang string, n int) string { return Number(lang, float64(n), 0) }

// Percent writes a value in per cent (87.5 for 87.5 %) with decimals:
// Percent("sv", 87.5, 1) = "87,5 %", Percent("en", 87.5, 0) = "88%".
func Percent(lang string, x float64, decimals int) string {
	if !finite(x) {
		return Dash
	}
	return Number(lang, x, decimals) + numberStyleFor(lang).percent + "%"
}

// Signed writes a change with its sign: a plus sign when it is positive,
// a real minus sign when negative, no sign when it rounds to zero:
// Signed("sv", 1.25, 1) = "+1,3", Signed("sv", -0.04, 1) = "0,0".
func Signed(lang string, x float64, decimals int) string {
	if !finite(x) {
		return Dash
	}
	st := numberStyleFor(lang)
	s, zero := digits(x, decimals, st.decimal, st.group)
	switch {
	case zero:
		return s
	case x < 0:
		return minus + s
	}
	return "+" + s
}

// SignedPercent writes a change in per cent with its sign:
// SignedPercent("sv", 12, 0) = "+12 %", SignedPercent("en", -5, 0) = "−5%".
func SignedPercent(lang string, x float64, decimals int) string {
	if !finite(x) {
		return Dash
	}
	return Signed(lang, x, decimals) + numberStyleFor(lang).percent + "%"
}

// Distance writes a distance given in metres, one rule everywhere: whole
// metres below 1 km ("850 m"), from 1 km kilometres with two decimals
// ("1,25 km" in Swedish, "1.25 km" in English). Negative distances (a
// difference) take a minus sign; unknown or unreachable ones (NaN, ±Inf)
// are an en dash.
func Distance(lang string, metres float64) string {
	if !finite(metres) {
		return Dash
	}
	if math.Round(math.Abs(metres)) < kilometre {
		return Number(lang, metres, 0) + metreUnit
	}
	return Number(lang, metres/kilometre, kmDecimals) + kilometreUnit
}

// Plain writes x with decimals (< 0: exactly, as many as x needs) and the
// language's decimal mark but no
// thousands separator and a hyphen-minus, so that spreadsheet programs
// read the text back as a number (CSV cells); NaN and ±Inf are "".
func Plain(lang string, x float64, decimals int) string {
	if !finite(x) {
		return ""
	}
	s, zero := digits(x, decimals, numberStyleFor(lang).decimal, "")
	if x < 0 && !zero {
		return "-" + s
	}
	return s
}

// Number writes x for the localizer's language; see the package function.
func (l *Localizer) Number(x float64, decimals int) string { return Number(l.Lang, x, decimals) }

// Int writes a whole number with grouped thousands.
func (l *Localizer) Int(n int) string { return Int(l.Lang, n) }

// Percent writes a value in per cent (87.5 for 87.5 %).
func (l *Localizer) Percent(x float64, decimals int) string { return Percent(l.Lang, x, decimals) }

// Signed writes a change with a plus or minus sign.
func (l *Localizer) Signed(x float64, decimals int) string { return Signed(l.Lang, x, decimals) }

// SignedPercent writes a change in per cent with its sign.
func (l *Localizer) SignedPercent(x float64, decimals int) string {
	return SignedPercent(l.Lang, x, decimals)
}

// Distance writes a distance in metres ("850 m", "1,25 km").
func (l *Localizer) Distance(metres float64) string { return Distance(l.Lang, metres) }
