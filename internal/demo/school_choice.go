package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	plround "github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// decisionsAgo is how long ago the demo round's decisions went out: the
// appeals of LoadAppeals are dated from then.
const decisionsAgo = 40

// LoadSchoolChoice carries the demo's placement round through the whole
// process, as a plain `styrkedjan demo` shows it (issue 15): the register
// extract (LoadRegister), an application window that closed before the
// decisions, the guardians' applications made through package apply
// (LoadApplications: most agreed by both custodians, one disputed, some
// waiting, some children without), a run from the register that replaces
// the run from the example file, decisions published 40 days ago in the
// guardians' languages with answers and a second pass from the waiting
// lists (LoadDecisionsAt), and appeals (LoadAppeals). The decision mails
// went out then: they are recorded as sent, not sent again. Each part is
// skipped when done, so it may run again.
func LoadSchoolChoice(ctx context.Context, db *store.DB, now time.Time) error {
	ctx = auth.WithPrincipal(ctx, auth.System)
	var id int64
	if err := db.QueryRow(ctx, "SELECT id FROM placement_rounds WHERE name = ?", PlacementRoundName).Scan(&id); err != nil {
		return fmt.Errorf("demo school choice: %w", store.Normalize(err))
	}
	var sent int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM placement_decisions WHERE round_id = ?", id).Scan(&sent); err != nil {
		return err
	}
	if sent > 0 {
		return LoadAppeals(ctx, db, id)
	}
	published := civil.StartOfDay(now).AddDate(0, 0, -decisionsAgo).Add(9 * time.Hour)
	day, err := civil.Parse(civil.Today(published))
	if err != nil {
		return err
	}
	opens, closes := day.AddDate(0, 0, -42).Format(civil.DateLayout), day.AddDate(0, 0, -14).Format(civil.DateLayout)
	if _, err := db.Exec(ctx, `UPDATE placement_rounds SET apply_opens = ?, apply_closes = ?, accept_days = 14 WHERE id = ? AND apply_opens = ''`,
		opens, closes, id); err != nil {
		return err
	}
	if err := LoadRegister(ctx, db, id); err != nil {
		return fmt.Errorf("demo register: %w", err)
	}
	if err := LoadApplications(ctx, db, id); err != nil {
		return fmt.Errorf("demo applications: %w", err)
	}
	run, err := plround.Offline(nil).RunNow(ctx, db, id, plround.KindMain, nil)
	if err != nil {
		return fmt.Errorf("demo run from the register: %w", err)
	}
	if err := plround.Accept(ctx, db, id, run); err != nil {
		return fmt.Errorf("demo run from the register: %w", err)
	}
	var before int64
	if err := db.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM outbox").Scan(&before); err != nil {
		return err
	}
	if err := LoadDecisionsAt(ctx, db, id, published); err != nil {
		return err
	}
	// The decisions' mails went out when they were published.
	if _, err := db.Exec(ctx, "UPDATE outbox SET sent_at = created_at WHERE id > ? AND sent_at IS NULL", before); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, "UPDATE outbox SET created_at = ?, next_attempt_at = ?, sent_at = ? WHERE id > ?",
		published, published, published, before); err != nil {
		return err
	}
	return LoadAppeals(ctx, db, id)
}
