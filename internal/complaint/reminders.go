package complaint

import (
	"context"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

// Sweep reminds handlers of deadlines coming within the organizer's
// reminder window and escalates overdue cases to the complaint officer,
// each at most once per deadline. It returns how many of each it sent.
// Run it periodically; it is safe to run from several processes, since
// every case is claimed with a conditional update.
func Sweep(ctx context.Context, db *store.DB, now time.Time, compose Composer) (reminded, escalated int, err error) {
	ctx = auth.WithPrincipal(ctx, auth.System)
	// Link recovery requests are kept only as long as their limits need.
	if _, err := db.Exec(ctx, "DELETE FROM complaint_link_requests WHERE requested_at < ?", now.Add(-24*time.Hour)); err != nil {
		return 0, 0, err
	}
	settings, err := GetSettings(ctx, db)
	if err != nil {
		return 0, 0, err
	}
	local := now.In(civil.Zone)
	today := local.Format(time.DateOnly)
	soon := workdays.Add(local, settings.RemindDays).Format(time.DateOnly)
	dir, err := LoadDirectory(ctx, db)
	if err != nil {
		return 0, 0, err
	}

	type due struct {
		id      int64
		handler *int64
		overdue bool
	}
	rows, err := db.Query(ctx, `SELECT id, handler_id, ((kind = 'complaint' AND answer_due < ?) OR (status = 'registered' AND ack_due < ?))
		FROM complaints
		WHERE status IN ('registered', 'acknowledged', 'investigating')
		  AND ((reminded_at IS NULL AND ((kind = 'complaint' AND answer_due <= ?) OR (status = 'registered' AND ack_due <= ?)))
		    OR (escalated_at IS NULL AND ((kind = 'complaint' AND answer_due < ?) OR (status = 'registered' AND ack_due < ?))))
		ORDER BY id`, today, today, soon, soon, today, today)
	if err != nil {
		return 0, 0, err
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.handler, &d.overdue); err != nil {
			rows.Close()
			return 0, 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}

	for _, d := range list {
		kind, to := EventReminder, d.handler
		if d.overdue {
			kind = EventEscalated
			if dir.ComplaintOfficer != 0 {
				to = &dir.ComplaintOfficer
			}
		}
		err := store.InTx(ctx, db, func(tx *store.Tx) error {
			claim, args := "UPDATE complaints SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL", []any{now, d.id}
			if kind == EventEscalated {
				// An escalated case counts as reminded too, so it is not picked again.
				claim = "UPDATE complaints SET escalated_at = ?, reminded_at = COALESCE(reminded_at, ?) WHERE id = ? AND escalated_at IS NULL"
				args = []any{now, now, d.id}
			}
			res, err := tx.Exec(ctx, claim, args...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // another process took it
			}
			c, err := scanCase(tx.QueryRow(ctx, "SELECT "+caseColumns+" WHERE c.id = ?", d.id))
			if err != nil {
				return err
			}
			if _, err := addEvent(ctx, tx, d.id, now, kind, "internal", "", c.AnswerDue); err != nil {
				return err
			}
			if compose != nil && to != nil {
				var email, lang string
				if err := tx.QueryRow(ctx, "SELECT email, language FROM users WHERE id = ? AND active", *to).Scan(&email, &lang); err == nil {
					if _, err := mail.Enqueue(ctx, tx, compose.Compose(Notice{Kind: kind, Case: c, To: email, Lang: lang})); err != nil {
						return err
					}
				}
			}
			if kind == EventEscalated {
				escalated++
			} else {
				reminded++
			}
			return nil
		})
		if err != nil {
			return reminded, escalated, err
		}
	}
	return reminded, escalated, nil
}
