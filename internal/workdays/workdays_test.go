package workdays_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

var stockholm = civil.Zone

// day parses a YYYY-MM-DD date as midnight in Stockholm.
func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, stockholm)
	if err != nil {
		panic(err)
	}
	return t
}

func TestHolidays2026(t *testing.T) {
	want := map[string]workdays.Holiday{
		"2026-01-01": {"nyårsdagen", true},
		"2026-01-06": {"trettondedag jul", true},
		"2026-04-03": {"långfredagen", true},
		"2026-04-05": {"påskdagen", true},
		"2026-04-06": {"annandag påsk", true},
		"2026-05-01": {"första maj", true},
		"2026-05-14": {"Kristi himmelsfärdsdag", true},
		"2026-05-24": {"pingstdagen", true},
		"2026-06-06": {"nationaldagen", true},
		"2026-06-19": {"midsommarafton", false},
		"2026-06-20": {"midsommardagen", true},
		"2026-10-31": {"alla helgons dag", true},
		"2026-12-24": {"julafton", false},
		"2026-12-25": {"juldagen", true},
		"2026-12-26": {"annandag jul", true},
		"2026-12-31": {"nyårsafton", false},
	}
	for d := day("2026-01-01"); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		s := d.Format(time.DateOnly)
		h, ok := workdays.IsHoliday(d)
		if w, holiday := want[s]; ok != holiday || h != w {
			t.Errorf("IsHoliday(%s) = %v, %v; want %v, %v", s, h, ok, w, holiday)
		}
	}
}

func TestIsHoliday(t *testing.T) {
	for _, tc := range []struct {
		date string
		name string // "" for not a holiday
	}{
		{"2026-04-02", ""}, // skärtorsdagen
		{"2026-04-04", ""}, // påskafton
		{"2026-11-01", ""}, // the Sunday after alla helgons dag
		{"2027-06-18", ""}, // a Friday, but midsommarafton is the 25th
		{"2027-06-19", ""}, // a Saturday before the 20th
		{"2027-06-25", "midsommarafton"},
		{"2027-06-26", "midsommardagen"},   // the latest possible
		{"2027-10-30", ""},                 // a Saturday before the 31st
		{"2027-11-06", "alla helgons dag"}, // the latest possible
		{"1818-03-20", "långfredagen"},
		{"1818-03-23", "annandag påsk"},
		{"1943-06-03", "Kristi himmelsfärdsdag"},
		{"1943-06-13", "pingstdagen"},   // the latest possible
		{"2008-05-01", "första maj"},    // and Kristi himmelsfärdsdag
		{"2049-06-06", "nationaldagen"}, // and pingstdagen
	} {
		h, ok := workdays.IsHoliday(day(tc.date))
		if h.Name != tc.name || ok != (tc.name != "") {
			t.Errorf("IsHoliday(%s) = %q, %v; want %q", tc.date, h.Name, ok, tc.name)
		}
	}
}

func TestEaster(t *testing.T) {
	for _, s := range []string{
		"1818-03-22", // the earliest possible
		"1943-04-25", // the latest possible
		"1981-04-19", // 1981 and 2049 need the correction for h = 29 or 28
		"2000-04-23",
		"2024-03-31",
		"2025-04-20",
		"2026-04-05",
		"2027-03-28",
		"2030-04-21",
		"2038-04-25",
		"2049-04-18",
		"2285-03-22",
	} {
		d := day(s)
		if h, _ := workdays.IsHoliday(d); h.Name != "påskdagen" {
			t.Errorf("IsHoliday(%s) = %q, want påskdagen", s, h.Name)
		}
		if h, _ := workdays.IsHoliday(d.AddDate(0, 0, -7)); h.Name != "" {
			t.Errorf("IsHoliday(%s - 7 days) = %q, want none", s, h.Name)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2026-04-02", true},  // Thursday
		{"2026-04-03", false}, // långfredagen
		{"2026-04-04", false}, // Saturday
		{"2026-04-05", false}, // Sunday, påskdagen
		{"2026-04-06", false}, // annandag påsk
		{"2026-04-07", true},  // Tuesday
		{"2026-06-19", false}, // midsommarafton
		{"2026-12-24", false}, // julafton
		{"2026-12-28", true},  // Monday
		{"2026-12-31", false}, // nyårsafton
	} {
		if got := workdays.IsWorkingDay(day(tc.date)); got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.date, got, tc.want)
		}
	}
}

func TestWorkingDaysIn2026(t *testing.T) {
	// 261 weekdays, of which 10 are days off: 1 and 6 January, 3 and 6
	// April, 1 and 14 May, 19 June, 24, 25 and 31 December.
	if got := workdays.Between(day("2025-12-31"), day("2026-12-31")); got != 251 {
		t.Errorf("working days in 2026 = %d, want 251", got)
	}
}

func TestAdd(t *testing.T) {
	for _, tc := range []struct {
		start string
		n     int
		want  string
	}{
		{"2026-03-04", 0, "2026-03-04"}, // Wednesday
		{"2026-03-04", 2, "2026-03-06"},
		{"2026-03-06", 1, "2026-03-09"}, // Friday to Monday
		{"2026-03-07", 0, "2026-03-09"}, // received Saturday counts as Monday
		{"2026-03-07", 1, "2026-03-10"},
		{"2026-03-07", 2, "2026-03-11"},
		{"2026-03-08", 2, "2026-03-11"}, // and so does Sunday
		{"2026-04-01", 2, "2026-04-07"}, // over Easter
		{"2026-04-03", 0, "2026-04-07"}, // received långfredagen counts as Tuesday
		{"2026-04-03", 2, "2026-04-09"},
		{"2026-04-30", 1, "2026-05-04"},  // första maj on a Friday
		{"2026-05-07", 10, "2026-05-22"}, // over Kristi himmelsfärdsdag
		{"2026-06-18", 2, "2026-06-23"},  // over midsommarafton
		{"2026-06-19", 0, "2026-06-22"},
		{"2026-12-23", 2, "2026-12-29"}, // over Christmas
		// 29, 30 December, 4, 5, 7, 8, 11, 12, 13, 14 January; 31 December,
		// 1 and 6 January are days off.
		{"2026-12-28", 10, "2027-01-14"},
	} {
		got := workdays.Add(day(tc.start), tc.n)
		if want := day(tc.want); !got.Equal(want) || got.Location() != stockholm {
			t.Errorf("Add(%s, %d) = %v, want %v", tc.start, tc.n, got, want)
		}
	}
}

func TestAddMidnight(t *testing.T) {
	// The result is midnight even across the switch to summer time on
	// Sunday 29 March 2026, and the time of day of start is ignored.
	start := time.Date(2026, time.March, 27, 15, 42, 0, 0, stockholm)
	want := time.Date(2026, time.March, 30, 0, 0, 0, 0, stockholm)
	if got := workdays.Add(start, 1); !got.Equal(want) {
		t.Errorf("Add(%v, 1) = %v, want %v", start, got, want)
	}
}

func TestAddNegative(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Add with n = -1 did not panic")
		}
	}()
	workdays.Add(day("2026-03-04"), -1)
}

func TestBetween(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2026-04-01", "2026-04-01", 0},
		{"2026-04-01", "2026-04-07", 2},
		{"2026-04-07", "2026-04-01", -2},
		{"2026-03-06", "2026-03-09", 1}, // Friday to Monday
		{"2026-03-07", "2026-03-08", 0}, // Saturday to Sunday
		{"2026-03-07", "2026-03-11", 3}, // Saturday to Wednesday
		{"2026-12-29", "2027-01-07", 4}, // 30 December, 4, 5 and 7 January
		{"2027-01-07", "2026-12-29", -4},
	} {
		if got := workdays.Between(day(tc.from), day(tc.to)); got != tc.want {
			t.Errorf("Between(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestAddBetween(t *testing.T) {
	for start := day("2025-01-01"); start.Year() < 2028; start = start.AddDate(0, 0, 1) {
		first := workdays.Add(start, 0)
		if workdays.IsWorkingDay(start) != first.Equal(start) || workdays.Between(start, first) > 1 {
			t.Fatalf("Add(%s, 0) = %s", start.Format(time.DateOnly), first.Format(time.DateOnly))
		}
		for n := 0; n <= 30; n++ {
			end := workdays.Add(start, n)
			if !workdays.IsWorkingDay(end) {
				t.Fatalf("Add(%s, %d) = %s, not a working day", start.Format(time.DateOnly), n, end.Format(time.DateOnly))
			}
			if got := workdays.Between(first, end); got != n {
				t.Fatalf("Between(%s, Add(%s, %d)) = %d", first.Format(time.DateOnly), start.Format(time.DateOnly), n, got)
			}
			if got := workdays.Between(end, first); got != -n {
				t.Fatalf("Between(Add(%s, %d), %s) = %d", start.Format(time.DateOnly), n, first.Format(time.DateOnly), got)
			}
		}
	}
}

func TestLocation(t *testing.T) {
	// 23:30 UTC on Thursday 2 April 2026 is 01:30 on långfredagen in Stockholm.
	utc := time.Date(2026, time.April, 2, 23, 30, 0, 0, time.UTC)
	local := utc.In(stockholm)

	if !workdays.IsWorkingDay(utc) {
		t.Errorf("IsWorkingDay(%v) = false, want true", utc)
	}
	if h, ok := workdays.IsHoliday(local); !ok || h.Name != "långfredagen" {
		t.Errorf("IsHoliday(%v) = %q, %v; want långfredagen", local, h.Name, ok)
	}
	if got, want := workdays.Add(utc, 0), time.Date(2026, time.April, 2, 0, 0, 0, 0, time.UTC); got != want {
		t.Errorf("Add(%v, 0) = %v, want %v", utc, got, want)
	}
	if got, want := workdays.Add(local, 0), day("2026-04-07"); got != want {
		t.Errorf("Add(%v, 0) = %v, want %v", local, got, want)
	}
}

func ExampleAdd() {
	received := time.Date(2026, time.April, 1, 14, 5, 0, 0, civil.Zone) // a Wednesday
	fmt.Println(workdays.Add(received, 2).Format("Mon 2006-01-02"))
	// Output: Tue 2026-04-07
}

func BenchmarkAdd(b *testing.B) {
	start := day("2026-12-23")
	for b.Loop() {
		workdays.Add(start, 10)
	}
}

func BenchmarkBetween(b *testing.B) {
	from, to := day("2025-12-31"), day("2026-12-31")
	for b.Loop() {
		workdays.Between(from, to)
	}
}
