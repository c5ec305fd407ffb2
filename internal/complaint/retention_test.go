package complaint_test

import (
	"context"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func TestRetentionRemovesPersonalDataAndKeepsStatistics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		pdf := []byte("%PDF-1.4\n%%EOF")
		old := f.submission(ekbacka, "meals")
		old.Name, old.Email, old.WhatHappened = "Anna Andersson", "anna@example.se", "Min son Kalle fick ingen mat."
		old.Attachments = []complaint.Attachment{complaint.NewAttachment("intyg.pdf", pdf)}
		closedLongAgo := f.submit(old, time.Date(2024, 3, 4, 9, 0, 0, 0, civil.Zone))
		recent := f.submit(f.submission(ekbacka, "teaching"), time.Date(2026, 3, 2, 9, 0, 0, 0, civil.Zone))
		open := f.submit(f.submission(bjorkdalen, "teaching"), time.Date(2024, 3, 4, 9, 0, 0, 0, civil.Zone))
		for _, c := range []struct {
			id int64
			at time.Time
		}{{closedLongAgo.ID, time.Date(2024, 4, 2, 9, 0, 0, 0, civil.Zone)}, {recent.ID, time.Date(2026, 3, 20, 9, 0, 0, 0, civil.Zone)}} {
			if err := complaint.Act(f.as(officer), db, c.id, complaint.Action{Kind: complaint.EventAnswered, Body: "Svar till Anna."}, c.at, nil); err != nil {
				t.Fatal(err)
			}
			if err := complaint.Act(f.as(officer), db, c.id, complaint.Action{Kind: complaint.EventClosed, Outcome: complaint.MeasuresTaken}, c.at, nil); err != nil {
				t.Fatal(err)
			}
		}
		stats := func() string {
			var s string
			rows, _ := db.Query(ctx, "SELECT category_code, kind, outcome, status, COUNT(*) FROM complaints GROUP BY category_code, kind, outcome, status ORDER BY 1, 2, 3, 4")
			defer rows.Close()
			for rows.Next() {
				var a, b, c, d string
				var n int
				_ = rows.Scan(&a, &b, &c, &d, &n)
				s += a + b + c + d + string(rune('0'+n)) + ";"
			}
			return s
		}
		before := stats()

		now := time.Date(2026, 4, 15, 3, 0, 0, 0, civil.Zone)
		if n, err := complaint.Anonymize(ctx, db, now); err != nil || n != 0 {
			t.Fatalf("without a retention period: %d, %v", n, err)
		}
		months := 24
		if err := complaint.SaveSettings(ctx, db, complaint.Settings{AckDays: 2, AnswerDays: 10, RemindDays: 1, RetentionMonths: &months}); err != nil {
			t.Fatal(err)
		}
		n, err := complaint.Anonymize(ctx, db, now)
		if err != nil || n != 1 {
			t.Fatalf("Anonymize = %d, %v; want 1", n, err)
		}
		var name, email, text string
		var files, links, bodies int
		_ = db.QueryRow(ctx, "SELECT filer_name, filer_email, what_happened FROM complaints WHERE id = ?", closedLongAgo.ID).Scan(&name, &email, &text)
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM complaint_attachments WHERE complaint_id = ?", closedLongAgo.ID).Scan(&files)
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM complaint_links WHERE complaint_id = ?", closedLongAgo.ID).Scan(&links)
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM complaint_events WHERE complaint_id = ? AND body <> ''", closedLongAgo.ID).Scan(&bodies)
		if name != "" || email != "" || text != "" || files != 0 || links != 0 || bodies != 0 {
			t.Errorf("personal data left: %q %q %q, %d files, %d links, %d event texts", name, email, text, files, links, bodies)
		}
		// The recent and the open cases keep everything.
		for _, id := range []int64{recent.ID, open.ID} {
			_ = db.QueryRow(ctx, "SELECT what_happened FROM complaints WHERE id = ?", id).Scan(&text)
			if text == "" {
				t.Errorf("case %d lost its text", id)
			}
		}
		if after := stats(); after != before {
			t.Errorf("statistics changed:\n%s\n%s", before, after)
		}
		if _, err := complaint.ByLink(ctx, db, closedLongAgo.Token); err == nil {
			t.Error("the follow-up link still works")
		}
		if n, _ := complaint.Anonymize(ctx, db, now); n != 0 {
			t.Errorf("second run anonymized %d", n)
		}
		var logged int
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE summary LIKE 'retention:%'").Scan(&logged)
		if logged != 1 {
			t.Errorf("%d retention audit entries", logged)
		}
	})
}
