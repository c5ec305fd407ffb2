package dialogue_test

import (
	"context"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/pdftest"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// The self-assessment in the dialogues (issue 16): the staff groups'
// answers on a staff dialogue's pack and PDF, answered once, 2–5 members;
// the national dialogue's pack with the organizer's summary per area; the
// follow-up of the demo's actions made from weak statements.
func TestAccessibilityInDialogues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := x.as(chief)
		var staffID, nationalID int64
		if err := db.QueryRow(context.Background(), `SELECT d.id FROM dialogues d JOIN dialogue_types t ON t.id = d.type_id WHERE t.kind = 'staff'`).Scan(&staffID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(context.Background(), `SELECT d.id FROM dialogues d JOIN dialogue_types t ON t.id = d.type_id WHERE t.kind = 'national'`).Scan(&nationalID); err != nil {
			t.Fatal(err)
		}
		token, err := dialogue.AddStaffGroup(ctx, db, staffID, "Kökslaget", x.now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dialogue.AddStaffGroup(ctx, db, nationalID, "Fel", x.now); code(err) != app.ECONFLICT {
			t.Errorf("a group on the national dialogue: %v", err)
		}
		if _, err := dialogue.AddStaffGroup(x.as(principalB), db, staffID, "Fel", x.now); code(err) != app.ENOTFOUND {
			t.Errorf("another unit's principal adds a group: %v", err)
		}
		for _, n := range []string{"1", "6", "två"} {
			if err := dialogue.AnswerStaffGroup(context.Background(), db, token, dialogue.StaffGroupAnswer{Members: n, Succeed: "a", Prevent: "b"}, x.now); code(err) != app.EINVALID {
				t.Errorf("%s members: %v", n, err)
			}
		}
		ans := dialogue.StaffGroupAnswer{Members: "2", Succeed: "Vi lagar maten tillsammans med eleverna.", Prevent: "Vi frågar eleverna varje vecka."}
		if err := dialogue.AnswerStaffGroup(context.Background(), db, token, ans, x.now); err != nil {
			t.Fatal(err)
		}
		if err := dialogue.AnswerStaffGroup(context.Background(), db, token, ans, x.now); code(err) != app.ECONFLICT {
			t.Errorf("a second answer: %v", err)
		}
		if _, err := dialogue.StaffGroupByToken(context.Background(), db, "nope"); code(err) != app.ENOTFOUND {
			t.Errorf("an unknown link: %v", err)
		}
		pk, err := dialogue.Prepare(ctx, db, staffID, "sv", x.now)
		if err != nil {
			t.Fatal(err)
		}
		answered := 0
		for _, g := range pk.StaffGroups {
			if g.Answered() {
				answered++
			}
		}
		if answered != 3 {
			t.Errorf("%d groups answered in the pack, want 3 (two from the demo)", answered)
		}
		tr := func(id string, args ...any) string { return id }
		b, err := pk.PDF(tr)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(pdftest.Text(t, b)), " ")
		for _, want := range []string{"dialogue.groups.title", "dialogue.groups.q_succeed", "Vi lagar maten tillsammans med eleverna."} {
			if !strings.Contains(text, want) {
				t.Errorf("the staff pack's PDF lacks %q", want)
			}
		}
		pk, err = dialogue.Prepare(ctx, db, nationalID, "sv", x.now)
		if err != nil {
			t.Fatal(err)
		}
		if pk.Accessibility == nil || pk.Accessibility.SchoolYear != "2025/26" || len(pk.Accessibility.Areas) != 4 || pk.Accessibility.Areas[0].Units != 4 {
			t.Fatalf("national pack's accessibility %+v", pk.Accessibility)
		}
		for _, a := range pk.Accessibility.Areas {
			if a.Low > a.Median || a.Median > a.High || a.Low < 1 || a.High > 5 {
				t.Errorf("area %s: %v %v %v", a.Key, a.Low, a.Median, a.High)
			}
		}
		if b, err = pk.PDF(tr); err != nil {
			t.Fatal(err)
		}
		if text := pdftest.Text(t, b); !strings.Contains(text, "dialogue.access.summary") {
			t.Error("the national pack's PDF lacks the self-assessment")
		}
		// The demo's actions from weak statements wait for the next round.
		var ids []int64
		rows, err := db.Query(context.Background(), "SELECT action_id FROM access_action_links")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		fu, err := dialogue.AccessFollowUps(context.Background(), db, ids)
		if err != nil || len(ids) != 8 || len(fu) != 8 {
			t.Fatalf("%d actions, %d follow-ups: %v", len(ids), len(fu), err)
		}
		for _, f := range fu {
			if f.Movement != dialogue.AccessPending || f.Baseline < 1 || f.SchoolYear != "2025/26" {
				t.Errorf("follow-up %+v", f)
			}
		}
	})
}
