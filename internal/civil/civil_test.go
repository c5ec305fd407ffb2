package civil_test

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
)

func TestZoneIsStockholm(t *testing.T) {
	if civil.Zone.String() != "Europe/Stockholm" {
		t.Fatalf("zone %q", civil.Zone)
	}
	// Winter UTC+1, summer UTC+2: a fixed zone would get one of them wrong.
	for _, tc := range []struct {
		at     time.Time
		offset int
	}{
		{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), 3600},
		{time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC), 7200},
	} {
		if _, off := tc.at.In(civil.Zone).Zone(); off != tc.offset {
			t.Errorf("%v: offset %d, want %d", tc.at, off, tc.offset)
		}
	}
}

func TestToday(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		// 23:30 UTC on 31 December is already New Year's Day in Stockholm.
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "2027-01-01"},
		// 22:30 UTC in summer is 00:30 the next day.
		{time.Date(2026, 6, 18, 22, 30, 0, 0, time.UTC), "2026-06-19"},
		// 21:59 UTC in summer is still the same day.
		{time.Date(2026, 6, 18, 21, 59, 0, 0, time.UTC), "2026-06-18"},
		// 22:59 UTC in winter is 23:59 the same day.
		{time.Date(2026, 2, 3, 22, 59, 0, 0, time.UTC), "2026-02-03"},
		// A time already in another zone counts by its instant.
		{time.Date(2026, 3, 1, 19, 0, 0, 0, time.FixedZone("EST", -5*3600)), "2026-03-02"},
	} {
		if got := civil.Today(tc.now); got != tc.want {
			t.Errorf("Today(%v) = %s, want %s", tc.now, got, tc.want)
		}
		if got := civil.Date(tc.now); got != tc.want {
			t.Errorf("Date(%v) = %s, want %s", tc.now, got, tc.want)
		}
	}
}

func TestDateTime(t *testing.T) {
	if got := civil.DateTime(time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)); got != "2026-03-29 03:30" {
		t.Errorf("DateTime after the spring change = %s", got)
	}
	if got := civil.DateTime(time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)); got != "2026-10-25 02:30" {
		t.Errorf("DateTime before the autumn change = %s", got)
	}
	if got := civil.DateTime(time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)); got != "2026-10-25 02:30" {
		t.Errorf("DateTime after the autumn change = %s (the hour repeats)", got)
	}
	if got := civil.Year(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)); got != 2027 {
		t.Errorf("Year = %d, want 2027", got)
	}
}

func TestParseAndDays(t *testing.T) {
	d, err := civil.Parse("2026-03-29") // summer time starts at 02:00
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC); !d.Equal(want) {
		t.Errorf("Parse = %v, want %v", d.UTC(), want)
	}
	if next := civil.NextDay(d); next.Sub(d) != 23*time.Hour || civil.Date(next) != "2026-03-30" {
		t.Errorf("NextDay(29 March) = %v, %v after the start: want 23 h", next, next.Sub(d))
	}
	autumn, _ := civil.Parse("2026-10-25")
	if next := civil.NextDay(autumn); next.Sub(autumn) != 25*time.Hour {
		t.Errorf("25 October lasts %v, want 25 h", next.Sub(autumn))
	}
	if s := civil.StartOfDay(time.Date(2026, 10, 25, 22, 30, 0, 0, time.UTC)); !s.Equal(time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC)) || s.Location() != civil.Zone {
		t.Errorf("StartOfDay of 23:30 local on 25 Oct = %v", s)
	}
	for _, bad := range []string{"", "2026-02-30", "2026-1-5", "05/01/2026", "2026-01-05T00:00"} {
		if _, err := civil.Parse(bad); err == nil || civil.Valid(bad) {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if !civil.Valid("2028-02-29") {
		t.Error("leap day refused")
	}
}

func TestBounds(t *testing.T) {
	start, end, err := civil.Bounds("2026-03-01", "2026-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC); !start.Equal(want) || start.Location() != time.UTC {
		t.Errorf("start %v, want %v", start, want)
	}
	if want := time.Date(2026, 3, 31, 22, 0, 0, 0, time.UTC); !end.Equal(want) {
		t.Errorf("end %v, want %v (midnight of 1 April in summer time)", end, want)
	}
	if _, _, err := civil.Bounds("2026-03-01", "x"); err == nil {
		t.Error("bad date accepted")
	}
}

func TestAddDays(t *testing.T) {
	for _, tc := range []struct {
		date string
		n    int
		want string
	}{
		{"2026-03-28", 1, "2026-03-29"},
		{"2026-03-29", 1, "2026-03-30"},
		{"2026-10-25", -1, "2026-10-24"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2028-03-01", -1, "2028-02-29"},
	} {
		if got, err := civil.AddDays(tc.date, tc.n); err != nil || got != tc.want {
			t.Errorf("AddDays(%s, %d) = %s, %v; want %s", tc.date, tc.n, got, err, tc.want)
		}
	}
}

func TestAt(t *testing.T) {
	if got := civil.At(2026, time.April, 1, 10, 0); !got.Equal(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("At = %v", got.UTC())
	}
}

// TestWithoutSystemZone runs this package's tests again in a child process
// with TZ=UTC and ZONEINFO pointing at an empty folder.
func TestWithoutSystemZone(t *testing.T) {
	if os.Getenv("CIVIL_CHILD") != "" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^Test(ZoneIsStockholm|Today|DateTime|ParseAndDays|Bounds)$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CIVIL_CHILD=1", "TZ=UTC", "ZONEINFO="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
