// Package workdays counts Swedish working days, for deadlines such as
// "acknowledge a complaint within 2 working days, answer within 10".
//
// A working day is a Monday to Friday that is not a day off: neither a
// public holiday (allmän helgdag) under lagen (1989:253) om allmänna
// helgdagar nor one of the eves that Swedish employers, public ones
// included, treat as days off (midsommarafton, julafton, nyårsafton).
// Today's rules are applied to every year; the Easter dates follow the
// Gregorian calendar.
//
// A time.Time stands for its calendar date in its own location: only
// t.Date() matters, so 2026-04-02 23:30 UTC is a Thursday in UTC but
// långfredagen once converted to Europe/Stockholm. Pass times in
// Europe/Stockholm. Dates returned are midnight in the argument's location.
package workdays

import "time"

// A Holiday is a named day off: a public holiday or a de facto day off.
type Holiday struct {
	Name string // Swedish name, e.g. "långfredagen"

	// Statutory is true for the public holidays of lagen (1989:253) and
	// false for the de facto days off: midsommarafton, julafton and
	// nyårsafton.
	Statutory bool
}

// IsHoliday reports whether t's date is a public holiday or de facto day
// off, and which. The statutory holidays are nyårsdagen (1 January),
// trettondedag jul (6 January), långfredagen (Good Friday), påskdagen
// (Easter Sunday), annandag påsk (Easter Monday), första maj, Kristi
// himmelsfärdsdag (Easter + 39 days), pingstdagen (Easter + 49),
// nationaldagen (6 June), midsommardagen (the Saturday 20–26 June), alla
// helgons dag (the Saturday 31 October – 6 November), juldagen (25
// December) and annandag jul (26 December). The de facto days off are
// midsommarafton (the Friday before midsommardagen), julafton (24
// December) and nyårsafton (31 December).
//
// When two fall on the same date, as första maj and Kristi
// himmelsfärdsdag did in 2008, the one with a fixed date is reported.
func IsHoliday(t time.Time) (Holiday, bool) {
	return holiday(date(t))
}

// IsWorkingDay reports whether t's date is a Monday to Friday that is not
// a holiday or de facto day off.
func IsWorkingDay(t time.Time) bool {
	return isWorkingDay(date(t))
}

// Add returns the date n working days after start's date. A start on a
// day off counts as the next working day, as a complaint received on a
// Saturday counts as received on Monday. Thus n == 0 gives start's date if
// it is a working day and otherwise the next working day, and the result
// is always a working day. For example, in 2026:
//
//	Add(Wed 4 March, 2)  = Fri 6 March
//	Add(Sat 7 March, 0)  = Mon 9 March
//	Add(Sat 7 March, 2)  = Wed 11 March, as from Mon 9 March
//	Add(Wed 1 April, 2)  = Tue 7 April: Thu 2 is day 1, 3–6 April are off
//	Add(Wed 23 Dec, 2)   = Tue 29 December: 24–27 December are off
//	Add(Mon 28 Dec, 10)  = Thu 14 January 2027: 31 Dec, 1 and 6 Jan are off
//
// Add panics if n is negative.
func Add(start time.Time, n int) time.Time {
	if n < 0 {
		panic("workdays: Add with negative n")
	}
	d := date(start)
	for !isWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if isWorkingDay(d) {
			n--
		}
	}
	return midnight(d, start.Location())
}

// Between returns the number of working days after from's date up to and
// including to's date, or minus the number after to's up to and including
// from's if to's date is the earlier. For example, a deadline passed on
// Tuesday 29 December 2026 is 4 working days overdue on Thursday 7 January
// 2027, as 31 December, 1 January and 6 January are days off.
//
// For a from on a working day, Between(from, Add(from, n)) == n.
// The time taken grows with the number of days between the dates.
func Between(from, to time.Time) int {
	a, b, sign := date(from), date(to), 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if isWorkingDay(d) {
			n++
		}
	}
	return sign * n
}

// date returns t's calendar date as midnight UTC, where adding days and
// subtracting dates is exact.
func date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func midnight(d time.Time, loc *time.Location) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc)
}

// isWorkingDay and holiday take a date as returned by date.
func isWorkingDay(d time.Time) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, ok := holiday(d)
	return !ok
}

func holiday(d time.Time) (Holiday, bool) {
	y, m, day := d.Date()
	statutory := func(name string) (Holiday, bool) { return Holiday{name, true}, true }
	deFacto := func(name string) (Holiday, bool) { return Holiday{name, false}, true }

	switch {
	case m == time.January && day == 1:
		return statutory("nyårsdagen")
	case m == time.January && day == 6:
		return statutory("trettondedag jul")
	case m == time.May && day == 1:
		return statutory("första maj")
	case m == time.June && day == 6:
		return statutory("nationaldagen")
	case m == time.December && day == 24:
		return deFacto("julafton")
	case m == time.December && day == 25:
		return statutory("juldagen")
	case m == time.December && day == 26:
		return statutory("annandag jul")
	case m == time.December && day == 31:
		return deFacto("nyårsafton")
	}

	switch d.Sub(easter(y)) / (24 * time.Hour) {
	case -2:
		return statutory("långfredagen")
	case 0:
		return statutory("påskdagen")
	case 1:
		return statutory("annandag påsk")
	case 39:
		return statutory("Kristi himmelsfärdsdag")
	case 49:
		return statutory("pingstdagen")
	}

	switch wd := d.Weekday(); {
	case wd == time.Friday && m == time.June && 19 <= day && day <= 25:
		return deFacto("midsommarafton")
	case wd == time.Saturday && m == time.June && 20 <= day && day <= 26:
		return statutory("midsommardagen")
	case wd == time.Saturday && (m == time.October && day == 31 || m == time.November && day <= 6):
		return statutory("alla helgons dag")
	}
	return Holiday{}, false
}

// easter returns Easter Sunday of the Gregorian year y (y > 0) as midnight
// UTC, by the anonymous Gregorian computus (Meeus/Jones/Butcher).
func easter(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
