package appeal_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/placement/appeal"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func TestDeadline(t *testing.T) {
	for from, want := range map[string]string{
		"2027-05-20": "2027-06-10", // Thursday to Thursday
		"2027-06-04": "2027-06-28", // ends on midsommarafton: the next weekday
		"2027-05-15": "2027-06-07", // ends on a Saturday, then nationaldagen (a Sunday)
		"2026-12-10": "2027-01-04", // ends on nyårsafton: past nyårsdagen and the weekend
	} {
		if got, err := appeal.Deadline(from); err != nil || got != want {
			t.Errorf("Deadline(%s) = %s, %v; want %s", from, got, err, want)
		}
	}
	if _, err := appeal.Deadline("2027-02-30"); err == nil {
		t.Error("an invalid date gave a deadline")
	}
}

// fields returns the fields of a validation error in order.
func fields(err error) string {
	var e *app.Error
	if !errors.As(err, &e) {
		return ""
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+":"+f.MsgID)
	}
	return strings.Join(out, " ")
}

func TestFormValidate(t *testing.T) {
	const today = "2027-06-15"
	ok := func() appeal.Form {
		return appeal.Form{ApplicantID: " A-1 ", Route: appeal.RouteBoard, ReceivedOn: "2027-06-01", DeadlineFrom: "2027-05-20"}
	}
	f := ok()
	if err := f.Validate(today); err != nil {
		t.Fatal(err)
	}
	if f.ApplicantID != "A-1" || f.Deadline != "2027-06-10" {
		t.Errorf("cleaned form %+v", f)
	}
	for _, c := range []struct {
		name   string
		change func(*appeal.Form)
		want   string
	}{
		{"nothing", func(f *appeal.Form) { *f = appeal.Form{} },
			"applicant:appeal.err.applicant_missing route:appeal.err.route received_on:appeal.err.date_missing"},
		{"bad dates", func(f *appeal.Form) { f.ReceivedOn, f.DeadlineFrom = "2027-13-01", "1 juni" },
			"received_on:appeal.err.date deadline_from:appeal.err.date"},
		{"future", func(f *appeal.Form) { f.ReceivedOn = "2027-06-16" }, "received_on:appeal.err.future"},
		{"entered deadline disagrees", func(f *appeal.Form) { f.Deadline = "2027-06-11" }, "deadline:appeal.err.deadline_mismatch"},
		{"decision got after the appeal", func(f *appeal.Form) { f.DeadlineFrom = "2027-06-02" }, "deadline_from:appeal.err.after_received"},
		{"forwarded before received", func(f *appeal.Form) { f.ForwardedOn = "2027-05-31" }, "forwarded_on:appeal.err.before_received"},
		{"outcome without date", func(f *appeal.Form) { f.Outcome = appeal.Rejected }, "outcome_on:appeal.err.date_missing"},
		{"date without outcome", func(f *appeal.Form) { f.OutcomeOn = "2027-06-10" }, "outcome:appeal.err.outcome_missing"},
		{"unknown outcome", func(f *appeal.Form) { f.Outcome, f.OutcomeOn = "lost", "2027-06-10" }, "outcome:appeal.err.outcome"},
		{"long note", func(f *appeal.Form) { f.Note = strings.Repeat("x", appeal.MaxNoteRunes+1) }, "note:appeal.err.too_long"},
	} {
		f := ok()
		c.change(&f)
		if got := fields(f.Validate(today)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	// An entered deadline stands when no date to count from is known.
	f = appeal.Form{ApplicantID: "A-1", Route: appeal.RouteLegality, ReceivedOn: "2027-06-01", Deadline: "2027-06-20",
		ForwardedOn: "2027-06-02", Outcome: appeal.Withdrawn, OutcomeOn: "2027-06-03"}
	if err := f.Validate(today); err != nil || f.Deadline != "2027-06-20" {
		t.Errorf("entered deadline: %v %+v", err, f)
	}
}

// newRound stores a bare round with children A-1..A-n in its register.
func newRound(t *testing.T, db *store.DB, name string, n int) int64 {
	t.Helper()
	ctx := context.Background()
	now := store.Now()
	var net, id int64
	if err := db.QueryRow(ctx, `INSERT INTO placement_networks (name, format, size, sha256, data, generated, created_at)
		VALUES ('x.osm', 'osm', 0, '', ?, ?, ?) RETURNING id`, []byte{}, true, now).Scan(&net); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO placement_rounds (name, years, rules_toml, network_id, schools_source, schools_csv,
		applicants_csv, created_at, updated_at) VALUES (?, '0', '', ?, 'file', '', '', ?, ?) RETURNING id`, name, net, now, now).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if _, err := db.Exec(ctx, `INSERT INTO placement_children (round_id, child_key, name, year, created_at) VALUES (?, ?, ?, 0, ?)`,
			id, "A-"+itoa(i), "Barn "+itoa(i), now); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func itoa(i int) string { return fmt.Sprintf("%02d", i) }

func officer() context.Context {
	return auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 1, Email: "pia@x", Role: auth.RoleSpecialist,
		Categories: []string{auth.CategoryPlacement}})
}

func TestRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := officer()
		rd := newRound(t, db, "F-klass 2027", 3)
		other := newRound(t, db, "Åk 7 2027", 1)
		rec := func(f appeal.Form) int64 {
			t.Helper()
			id, err := appeal.Record(ctx, db, rd, f)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		decided := rec(appeal.Form{ApplicantID: "A-01", SchoolID: "S1", Route: appeal.RouteBoard, ReceivedOn: "2026-05-02",
			DeadlineFrom: "2026-04-20", ForwardedOn: "2026-05-04", Outcome: appeal.Rejected, OutcomeOn: "2026-06-01"})
		late := rec(appeal.Form{ApplicantID: "A-02", SchoolID: "S2", Route: appeal.RouteBoard, ReceivedOn: "2026-05-20", DeadlineFrom: "2026-04-20"})
		open := rec(appeal.Form{ApplicantID: "A-03", SchoolID: "S1", Route: appeal.RouteLegality, ReceivedOn: "2026-05-03"})
		fwd := rec(appeal.Form{ApplicantID: "A-01", SchoolID: "S1", Route: appeal.RouteLegality, ReceivedOn: "2026-05-01",
			Deadline: "2026-05-12", ForwardedOn: "2026-05-02"})

		if _, err := appeal.Record(ctx, db, rd, appeal.Form{ApplicantID: "B-9", Route: appeal.RouteBoard, ReceivedOn: "2026-05-02"}); fields(err) != "applicant:appeal.err.applicant_unknown" {
			t.Errorf("unknown applicant: %v", err)
		}
		if _, err := appeal.Record(ctx, db, other, appeal.Form{ApplicantID: "A-02", Route: appeal.RouteBoard, ReceivedOn: "2026-05-02"}); fields(err) != "applicant:appeal.err.applicant_unknown" {
			t.Errorf("another round's applicant: %v", err)
		}

		all, err := appeal.List(ctx, db, rd, appeal.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var order []int64
		for _, a := range all {
			order = append(order, a.ID)
		}
		// Open first (deadline known before unknown), then forwarded, then decided.
		if want := []int64{late, open, fwd, decided}; !equal(order, want) {
			t.Errorf("register order %v, want %v", order, want)
		}
		if all[0].Deadline != "2026-05-11" || !all[0].Late() || all[1].Late() || all[0].Status() != appeal.StatusOpen {
			t.Errorf("late appeal %+v", all[0])
		}
		for f, want := range map[appeal.Filter][]int64{
			{Status: appeal.StatusForwarded}:          {fwd},
			{Route: appeal.RouteLegality}:             {open, fwd},
			{School: "S1", Status: appeal.StatusOpen}: {open},
			{Outcome: appeal.Rejected}:                {decided},
			{Late: true}:                              {late},
		} {
			got, err := appeal.List(ctx, db, rd, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			if !equal(ids, want) {
				t.Errorf("filter %+v: %v, want %v", f, ids, want)
			}
		}

		// Update: the outcome of the open appeal; another round's path does not find it.
		a, err := appeal.Get(ctx, db, rd, open)
		if err != nil {
			t.Fatal(err)
		}
		f := a.Form()
		f.Outcome, f.OutcomeOn = appeal.Withdrawn, "2026-05-10"
		if err := appeal.Update(ctx, db, other, open, f); app.Code(err) != app.ENOTFOUND {
			t.Errorf("update through another round: %v", err)
		}
		if err := appeal.Update(ctx, db, rd, open, f); err != nil {
			t.Fatal(err)
		}
		if a, _ = appeal.Get(ctx, db, rd, open); a.Status() != appeal.StatusDecided || a.Outcome != appeal.Withdrawn {
			t.Errorf("updated %+v", a)
		}
		if _, err := appeal.Get(ctx, db, other, open); app.Code(err) != app.ENOTFOUND {
			t.Errorf("get through another round: %v", err)
		}

		// Audited: the writes and the reads.
		var n int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity LIKE 'placement_appeal%' AND actor = 'pia@x'").Scan(&n); err != nil || n < 10 {
			t.Errorf("audit entries %d, %v", n, err)
		}

		// Principals and other specialists find no register.
		for _, p := range []*auth.Principal{{UserID: 2, Role: auth.RolePrincipal, Units: []int64{1}},
			{UserID: 3, Role: auth.RoleSpecialist, Categories: []string{"meals"}}, {UserID: 4, Role: auth.RoleBoard}} {
			pctx := auth.WithPrincipal(context.Background(), p)
			if _, err := appeal.List(pctx, db, rd, appeal.Filter{}); app.Code(err) != app.ENOTFOUND {
				t.Errorf("%s lists appeals: %v", p.Role, err)
			}
			if _, err := appeal.Record(pctx, db, rd, f); app.Code(err) != app.ENOTFOUND {
				t.Errorf("%s records an appeal: %v", p.Role, err)
			}
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := officer()
		rd := newRound(t, db, "F-klass 2027", 20)
		// S1: 6 rejected, 2 upheld; S2: 5 pending.
		for i := 1; i <= 13; i++ {
			f := appeal.Form{ApplicantID: "A-" + itoa(i), SchoolID: "S1", Route: appeal.RouteBoard, ReceivedOn: "2026-05-02",
				Outcome: appeal.Rejected, OutcomeOn: "2026-06-01"}
			switch {
			case i > 8:
				f.SchoolID, f.Outcome, f.OutcomeOn = "S2", "", ""
			case i > 6:
				f.Outcome = appeal.Upheld
			}
			if _, err := appeal.Record(ctx, db, rd, f); err != nil {
				t.Fatal(err)
			}
		}
		full, err := appeal.Stats(ctx, db, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(full) != 1 || full[0].Suppressed || len(full[0].Rows) != 2 {
			t.Fatalf("officer's stats %+v", full)
		}
		s1 := full[0].Rows[0]
		if s1.SchoolID != "S1" || s1.Counts[1].N() != 2 || s1.Counts[2].N() != 6 || s1.Total.N() != 8 || full[0].Total.N() != 13 {
			t.Errorf("S1 %+v", s1)
		}

		board := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 4, Role: auth.RoleBoard})
		sup, err := appeal.Stats(board, db, 5)
		if err != nil {
			t.Fatal(err)
		}
		r := sup[0]
		s1, s2 := r.Rows[0], r.Rows[1]
		// The 2 upheld at S1 are hidden, and so is every total they go into.
		if !r.Suppressed || !s1.Counts[1].Suppressed() || s1.Counts[2].N() != 6 || !s1.Total.Suppressed() ||
			!r.Totals[1].Suppressed() || !r.Total.Suppressed() {
			t.Errorf("board S1 %+v totals %+v", s1, r.Totals)
		}
		// S2's 5 pending and the totals over no hidden count are shown; zero is shown.
		if s2.Counts[0].N() != 5 || s2.Total.N() != 5 || r.Totals[0].N() != 5 || r.Totals[2].N() != 6 || s2.Counts[3].Suppressed() {
			t.Errorf("board S2 %+v totals %+v", s2, r.Totals)
		}

		analyst := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 5, Role: auth.RoleAnalyst})
		if _, err := appeal.Stats(analyst, db, 5); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("analyst reads appeal stats: %v", err)
		}
	})
}
