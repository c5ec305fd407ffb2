package report

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// MaxAnalysis is the longest analysis text, in characters.
const MaxAnalysis = 20000

// analysis reads the stored analysis text for exactly this period.
func analysis(ctx context.Context, q store.Q, p Period) (string, *time.Time, error) {
	var text string
	var at time.Time
	err := q.QueryRow(ctx, "SELECT analysis, updated_at FROM board_reports WHERE period_from = ? AND period_to = ?",
		p.From, p.To).Scan(&text, &at)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	return text, &at, nil
}

// SaveAnalysis stores the officer's analysis for the period, replacing
// any earlier text, and logs the change. An empty text is kept as empty.
// The text goes to the board: it must not name anyone.
func SaveAnalysis(ctx context.Context, q store.Q, p Period, text string, now time.Time) error {
	who := auth.FromContext(ctx)
	if !CanWrite(who) {
		return app.Forbidden()
	}
	text = app.CleanText(text)
	if utf8.RuneCountInString(text) > MaxAnalysis {
		var v app.Validation
		v.Add("analysis", "field.too_long", map[string]any{"Max": MaxAnalysis})
		return v.Err()
	}
	var by any
	if who.UserID != 0 {
		by = who.UserID
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO board_reports (period_from, period_to, analysis, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (period_from, period_to) DO UPDATE SET analysis = excluded.analysis,
				updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			p.From, p.To, text, by, now.UTC().Truncate(time.Microsecond))
		if err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "board_report", p.From+"/"+p.To, "analysis")
	})
}

// Summary is a handler's neutral summary of a case closed with measures.
type Summary struct {
	ID        int64
	Reference string
	Category  string
	Unit      string // unit name, or "" with Scope saying why
	Scope     complaint.UnitScope
	ClosedAt  time.Time
	Text      string
}

// MaxSummaries is how many summaries Summaries returns at most.
const MaxSummaries = 200

// Summaries lists, newest first, the handlers' summaries of the cases
// closed in the period with measures taken, and how many there are. They
// are free text about cases, so only officers (who see every case) get
// them, never analysts or board members, and never in an exported file.
// The read is audited.
func Summaries(ctx context.Context, q store.Q, p Period, kind complaint.Kind, lang string) ([]Summary, int, error) {
	if !MayReadSummaries(auth.FromContext(ctx)) {
		return nil, 0, app.Forbidden()
	}
	start, end := p.Bounds()
	where := `c.status = 'closed' AND c.outcome = 'measures_taken' AND c.summary <> '' AND c.closed_at >= ? AND c.closed_at < ?`
	args := []any{start, end}
	if kind != "" {
		where += " AND c.kind = ?"
		args = append(args, string(kind))
	}
	// The partial indexes of migration 00014 hold exactly these cases.
	// SQLite, which keeps no statistics here, would take the status index
	// and read every closed case; it is told.
	from := "complaints c"
	if q.Dialect() == store.SQLite {
		from = "complaints c INDEXED BY complaints_summaries"
		if kind != "" {
			from = "complaints c INDEXED BY complaints_summaries_kind"
		}
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM "+from+" WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	name := "k.name_sv"
	if lang == "en" {
		name = "COALESCE(NULLIF(k.name_en, ''), k.name_sv)"
	}
	rows, err := q.Query(ctx, `SELECT c.id, c.reference, `+name+`, COALESCE(u.name, ''), c.unit_scope, c.closed_at, c.summary
		FROM `+from+` JOIN complaint_categories k ON k.code = c.category_code LEFT JOIN units u ON u.id = c.unit_id
		WHERE `+where+` ORDER BY c.closed_at DESC, c.id DESC LIMIT ?`, append(args, MaxSummaries)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.ID, &s.Reference, &s.Category, &s.Unit, &s.Scope, &s.ClosedAt, &s.Text); err != nil {
			return nil, 0, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 {
		return nil, total, nil
	}
	return out, total, audit.Log(ctx, q, audit.Read, "complaint", "", "board report: summaries of "+p.String())
}
