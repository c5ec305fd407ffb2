// Package civil owns the civil time of the organizer: the time zone
// Europe/Stockholm, today's date and civil dates (YYYY-MM-DD).
//
// Deadlines, registration years, report periods and every date or time a
// page, PDF or spreadsheet shows are civil dates and times in Stockholm.
// The package embeds the time-zone database (time/tzdata), so every binary
// that imports it knows Europe/Stockholm even on a server without
// zoneinfo; there is no fallback zone that could disagree.
package civil

import (
	"time"
	_ "time/tzdata" // Europe/Stockholm even where the system has no zoneinfo
)

// Zone is Europe/Stockholm, the zone of every civil date and time.
var Zone = mustLoad("Europe/Stockholm")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Cannot happen: time/tzdata is embedded.
		panic("civil: " + err.Error())
	}
	return loc
}

// DateLayout is the layout of a civil date, YYYY-MM-DD.
const DateLayout = time.DateOnly

// DateTimeLayout is the layout of a civil time shown to people,
// YYYY-MM-DD HH:MM.
const DateTimeLayout = "2006-01-02 15:04"

// In returns t in Stockholm.
func In(t time.Time) time.Time { return t.In(Zone) }

// Today is now's civil date in Stockholm, YYYY-MM-DD.
func Today(now time.Time) string { return Date(now) }

// Date is t's civil date in Stockholm, YYYY-MM-DD.
func Date(t time.Time) string { return t.In(Zone).Format(DateLayout) }

// DateTime is t's civil date and time in Stockholm, YYYY-MM-DD HH:MM.
func DateTime(t time.Time) string { return t.In(Zone).Format(DateTimeLayout) }

// Year is t's civil year in Stockholm.
func Year(t time.Time) int { return t.In(Zone).Year() }

// Parse reads a civil date, YYYY-MM-DD, as the start of that day in
// Stockholm.
func Parse(date string) (time.Time, error) {
	return time.ParseInLocation(DateLayout, date, Zone)
}

// Valid reports whether s is a civil date, YYYY-MM-DD.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// At is the instant of a civil date and wall-clock time in Stockholm.
func At(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, Zone)
}

// StartOfDay is the start of t's civil day in Stockholm, in Stockholm.
// The day may last 23 or 25 hours: do not add 24 hours, use NextDay.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

// NextDay is the start of the civil day after t's, in Stockholm: the
// exclusive end of t's day.
func NextDay(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, Zone)
}

// Bounds returns the instants, in UTC, of a span of civil dates with both
// ends included: the start of from's day and the start of the day after
// to.
func Bounds(from, to string) (start, end time.Time, err error) {
	f, err := Parse(from)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	t, err := Parse(to)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return f.UTC(), NextDay(t).UTC(), nil
}

// AddDays moves a civil date by n days (n may be negative).
func AddDays(date string, n int) (string, error) {
	t, err := Parse(date)
	if err != nil {
		return "", err
	}
	y, m, d := t.Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, Zone).Format(DateLayout), nil
}
