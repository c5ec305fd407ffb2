package complaint

import (
	"context"
	"fmt"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// retentionBatch is how many cases one transaction anonymizes.
const retentionBatch = 500

// Anonymize carries out the organizer's retention decision: in cases closed
// more than the configured number of months ago it removes the personal
// data — the filer's name and contact details, every free text (what
// happened, the wish, the summary, messages, letters and notes) and the
// attachments — and revokes the follow-up links. It keeps what statistics
// need: dates, unit, kind, category, status and outcome, so reports over
// old periods still add up. It returns how many cases it anonymized and
// logs each batch in the audit log. Without a retention period it does
// nothing.
func Anonymize(ctx context.Context, db *store.DB, now time.Time) (int, error) {
	ctx = auth.WithPrincipal(ctx, auth.System)
	settings, err := GetSettings(ctx, db)
	if err != nil || settings.RetentionMonths == nil {
		return 0, err
	}
	cutoff := now.AddDate(0, -*settings.RetentionMonths, 0)
	total := 0
	for {
		var ids []any
		rows, err := db.Query(ctx, `SELECT id FROM complaints WHERE status = 'closed' AND closed_at < ? AND anonymized_at IS NULL
			ORDER BY id LIMIT ?`, cutoff, retentionBatch)
		if err != nil {
			return total, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return total, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return total, err
		}
		in := "(" + store.Placeholders(len(ids)) + ")"
		err = store.InTx(ctx, db, func(tx *store.Tx) error {
			steps := []struct {
				q    string
				args []any
			}{
				{`UPDATE complaints SET what_happened = '', desired_outcome = '', summary = '', filer_name = '',
					filer_email = '', filer_phone = '', submission_key = NULL, guardian_id = NULL, anonymized_at = ? WHERE id IN ` + in,
					append([]any{now}, ids...)},
				{"UPDATE complaint_events SET body = '' WHERE complaint_id IN " + in, ids},
				{"DELETE FROM complaint_attachments WHERE complaint_id IN " + in, ids},
				{"DELETE FROM complaint_links WHERE complaint_id IN " + in, ids},
			}
			for _, s := range steps {
				if _, err := tx.Exec(ctx, s.q, s.args...); err != nil {
					return err
				}
			}
			return audit.Log(ctx, tx, audit.Update, "complaint", "",
				fmt.Sprintf("retention: personal data removed from %d cases closed before %s", len(ids), civil.Date(cutoff)))
		})
		if err != nil {
			return total, err
		}
		total += len(ids)
	}
}
