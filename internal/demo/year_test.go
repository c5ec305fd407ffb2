package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/meeting"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// A plain demo has a year of life: trends with a flagged rise, meetings
// held every other week whose notes say what their agendas show, the next
// meeting planned, and the board report's analysis written from its own
// figures.
func TestLoadYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		now := store.Now()
		if err := demo.LoadYear(ctx, db, now); err != nil {
			t.Fatal(err)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM complaints"); got != demo.YearCases {
			t.Fatalf("%d cases, want %d", got, demo.YearCases)
		}
		checkSeries(t, db)
		// The last year holds cases of every sort a board report and a
		// meeting must handle.
		yearAgo := now.AddDate(-1, 0, 0)
		for _, cond := range []string{
			"secret", "concerns_principal", "status IN ('registered', 'acknowledged', 'investigating') AND answer_due < '" +
				now.In(civil.Zone).Format(time.DateOnly) + "'", "category_code = 'meals'",
		} {
			if count(t, db, "SELECT COUNT(*) FROM complaints WHERE submitted_at >= ? AND "+cond, yearAgo) == 0 {
				t.Errorf("no case of the last year has %s", cond)
			}
		}

		catalog, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		officer := as(t, db, "klagomal@exempelby.example")
		p := report.DefaultPeriod(now)
		rep, err := report.Build(officer, db, report.Options{Period: p, Now: now, L: catalog.For("sv")})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Count.N() < demo.YearCases/3 {
			t.Errorf("the default period holds %d cases", rep.Total.Count.N())
		}
		var rises []string
		for _, r := range rep.Rises() {
			rises = append(rises, r.Key)
		}
		if !strings.Contains(strings.Join(rises, " "), "meals") {
			t.Errorf("meals does not rise in the board report; rises: %v", rises)
		}
		if rep.Analysis == "" || rep.Analysis != demo.AnalysisText(rep) {
			t.Errorf("analysis %q, want the text of the report's own figures %q", rep.Analysis, demo.AnalysisText(rep))
		}
		t.Logf("analysis: %s", rep.Analysis)
		if !strings.Contains(rep.Analysis, "Måltider") {
			t.Errorf("the analysis does not name the rising category: %q", rep.Analysis)
		}
		// The board sees the same report with small groups suppressed.
		board := as(t, db, "ordforande@exempelby.example")
		if _, err := report.Build(board, db, report.Options{Period: p, Now: now, L: catalog.For("sv"), MinGroup: 5}); err != nil {
			t.Fatal(err)
		}

		// Meetings every other week over the year, the next one planned.
		list, err := meeting.List(officer, db)
		if err != nil {
			t.Fatal(err)
		}
		today := now.In(civil.Zone).Format(time.DateOnly)
		var held, planned int
		for _, m := range list {
			if m.HeldOn > today {
				planned++
				continue
			}
			held++
			if m.Presented == 0 {
				t.Errorf("meeting %s: no unit presented", m.HeldOn)
			}
		}
		if held < 15 || held > 26 || planned != 1 {
			t.Errorf("%d meetings held, %d planned; want every other week in term time and one planned", held, planned)
		}
		next := now.In(civil.Zone).AddDate(0, 0, 14).Format(time.DateOnly)
		upcoming, err := meeting.Upcoming(officer, db, today, next)
		if err != nil || len(upcoming) != 1 {
			t.Errorf("meetings in the coming two weeks: %v, %v", upcoming, err)
		}
		// A unit's note says what the agenda shows.
		latest := list[0] // the list is latest first: the planned one, then the last held
		if latest.HeldOn > today {
			latest = list[1]
		}
		agenda, err := meeting.GetAgenda(officer, db, latest.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range agenda.Sections {
			if s.Unit == nil || s.Unit.Notes == "" {
				continue
			}
			if s.Counts.Overdue > 0 && !strings.Contains(s.Unit.Notes, "försenade") && !strings.Contains(s.Unit.Notes, "försenat") {
				t.Errorf("unit %s: %d overdue but the note says %q", s.Unit.Name, s.Counts.Overdue, s.Unit.Notes)
			}
		}
		if count(t, db, "SELECT COUNT(*) FROM meeting_followups") == 0 {
			t.Error("no follow-ups")
		}

		// Again: nothing is added twice.
		before := count(t, db, "SELECT COUNT(*) FROM meetings")
		if err := demo.LoadYear(ctx, db, now); err != nil {
			t.Fatal(err)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM meetings"); got != before {
			t.Errorf("meetings %d after a second load, %d before", got, before)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM complaints"); got != demo.YearCases {
			t.Errorf("%d cases after a second load", got)
		}
	})
}
