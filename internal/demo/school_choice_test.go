package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// The demo round runs the whole school choice process: register,
// applications in every state, a run from the register, decisions in
// several languages answered both ways, a second pass and appeals — and
// nothing in it is dated before what it follows from.
func TestLoadSchoolChoice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := demo.LoadSchoolChoice(ctx, db, now); err != nil {
			t.Fatal(err)
		}
		for what, q := range map[string]string{
			"children":               "SELECT COUNT(*) FROM placement_children",
			"agreed applications":    "SELECT COUNT(*) FROM placement_applications WHERE status = 'agreed'",
			"disputed applications":  "SELECT COUNT(*) FROM placement_applications WHERE status = 'disputed'",
			"waiting applications":   "SELECT COUNT(*) FROM placement_applications WHERE status = 'waiting'",
			"children without":       "SELECT COUNT(*) FROM placement_children c WHERE NOT EXISTS (SELECT 1 FROM placement_applications a WHERE a.child_id = c.id)",
			"decisions by e-mail":    "SELECT COUNT(*) FROM placement_decisions WHERE channel = 'email'",
			"decisions by letter":    "SELECT COUNT(*) FROM placement_decisions WHERE channel = 'letter'",
			"decisions not Swedish":  "SELECT COUNT(*) FROM placement_decisions WHERE language NOT IN ('sv', 'sv-x-easy')",
			"accepted":               "SELECT COUNT(*) FROM placement_decisions WHERE answer = 'accepted'",
			"declined":               "SELECT COUNT(*) FROM placement_decisions WHERE answer = 'declined'",
			"second-pass decisions":  "SELECT COUNT(*) FROM placement_decisions WHERE pass = 2",
			"appeals":                "SELECT COUNT(*) FROM placement_appeals",
			"decision mails as sent": "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL",
		} {
			if n := count(t, db, q); n == 0 {
				t.Errorf("no %s", what)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"); n != 0 {
			t.Errorf("%d decision mails wait to be sent weeks after the decisions went out", n)
		}
		// The register's run is the standing result, not the example file's.
		if n := count(t, db, `SELECT COUNT(*) FROM placement_rounds r JOIN placement_runs u ON u.id = r.result_run_id
			WHERE u.id = (SELECT MAX(id) FROM placement_runs WHERE round_id = r.id AND pass = 1)`); n != 1 {
			t.Error("the run from the register is not the round's result")
		}
		// Dates follow one another: window, decisions, answers, appeals.
		var closes, respondBy, received string
		var sent time.Time
		if err := db.QueryRow(ctx, "SELECT apply_closes FROM placement_rounds WHERE name = ?", demo.PlacementRoundName).Scan(&closes); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, "SELECT sent_at, respond_by FROM placement_decisions WHERE pass = 1 ORDER BY sent_at, respond_by LIMIT 1").Scan(&sent, &respondBy); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, "SELECT MIN(received_on) FROM placement_appeals").Scan(&received); err != nil {
			t.Fatal(err)
		}
		day := sent.Format(time.DateOnly)
		if !(closes < day && day < respondBy && day <= received && received <= now.Format(time.DateOnly)) {
			t.Errorf("window closes %s, decisions sent %s, answer by %s, first appeal %s", closes, day, respondBy, received)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_decisions WHERE answered_at < sent_at"); n != 0 {
			t.Errorf("%d answers before their decision", n)
		}
		// Again: nothing is added twice.
		before := count(t, db, "SELECT COUNT(*) FROM placement_decisions") + count(t, db, "SELECT COUNT(*) FROM placement_appeals")
		if err := demo.LoadSchoolChoice(ctx, db, now); err != nil {
			t.Fatal(err)
		}
		if after := count(t, db, "SELECT COUNT(*) FROM placement_decisions") + count(t, db, "SELECT COUNT(*) FROM placement_appeals"); after != before {
			t.Errorf("%d decisions and appeals after a second load, %d before", after, before)
		}
	})
}
