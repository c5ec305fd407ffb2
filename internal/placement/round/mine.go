package round

// "Mina ärenden" for decisions: a guardian signed in with
// e-identification (auth.Principal.GuardianID) finds the decisions of the
// children whose register guardian has the same pin_mac — the HMAC of the
// personal identity number, never the number — and reads and answers them
// there as through their link.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// MyDecision is one standing decision in a signed-in guardian's list.
type MyDecision struct {
	ID        int64 // placement_decisions.id
	Child     string
	RoundName string
	SchoolID  string
	RespondBy string
	Answer    string
	Open      bool
}

func signedInGuardian(ctx context.Context) (int64, error) {
	g := auth.FromContext(ctx).GuardianID
	if g == 0 {
		return 0, app.NotFound()
	}
	return g, nil
}

// GuardianDecisions lists the standing decisions of the signed-in
// guardian's children in published rounds; audited.
func GuardianDecisions(ctx context.Context, q store.Q) ([]MyDecision, error) {
	gid, err := signedInGuardian(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT d.id, c.name, r.name, d.school_id, d.respond_by, d.answer, d.superseded_at
		FROM guardians me
		JOIN placement_guardians pg ON pg.pin_mac = me.pin_mac AND pg.pin_mac <> ''
		JOIN placement_children c ON c.id = pg.child_id
		JOIN placement_decisions d ON d.round_id = c.round_id AND d.applicant_id = c.child_key AND d.superseded_at IS NULL
		JOIN placement_rounds r ON r.id = c.round_id AND r.published_at IS NOT NULL
		WHERE me.id = ? ORDER BY d.sent_at DESC, d.id`, gid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := civil.Today(store.Now())
	var out []MyDecision
	for rows.Next() {
		var m MyDecision
		var sup *time.Time
		if err := rows.Scan(&m.ID, &m.Child, &m.RoundName, &m.SchoolID, &m.RespondBy, &m.Answer, &sup); err != nil {
			return nil, store.Normalize(err)
		}
		m.Open = (&Sent{Answer: m.Answer, SchoolID: m.SchoolID, RespondBy: m.RespondBy, SupersededAt: sup}).Open(today)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, store.Normalize(err)
	}
	if len(out) > 0 {
		err = audit.Log(ctx, q, audit.Read, "placement_decisions", fmt.Sprintf("guardian:%d", gid), fmt.Sprintf("%d decisions in Mina ärenden", len(out)))
	}
	return out, err
}

// mineLink is the signed-in guardian's way to a decision, as a link
// would lead: the register guardian with their pin_mac.
func mineLink(ctx context.Context, q store.Q, decisionID int64) (*linkRow, error) {
	gid, err := signedInGuardian(ctx)
	if err != nil {
		return nil, err
	}
	var l linkRow
	var pg int64
	err = q.QueryRow(ctx, `SELECT c.round_id, c.child_key, pg.id, r.name, r.result_run_id, r.published_at
		FROM guardians me
		JOIN placement_guardians pg ON pg.pin_mac = me.pin_mac AND pg.pin_mac <> ''
		JOIN placement_children c ON c.id = pg.child_id
		JOIN placement_decisions d ON d.round_id = c.round_id AND d.applicant_id = c.child_key
		JOIN placement_rounds r ON r.id = c.round_id
		WHERE me.id = ? AND d.id = ? AND d.superseded_at IS NULL
		ORDER BY pg.id LIMIT 1`, gid, decisionID).Scan(&l.roundID, &l.applicantID, &pg, &l.name, &l.resultRun, &l.published)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (l.resultRun == nil || l.published == nil)) {
		return nil, app.NotFound()
	}
	if err != nil {
		return nil, err
	}
	l.guardianID = &pg
	return &l, nil
}

// GuardianDecision is one of the signed-in guardian's decisions; others
// are app.NotFound. Audited.
func GuardianDecision(ctx context.Context, q store.Q, decisionID int64) (*GuardianView, error) {
	l, err := mineLink(ctx, q, decisionID)
	if err != nil {
		return nil, err
	}
	v, err := view(ctx, q, l)
	if err != nil {
		return nil, err
	}
	return v, audit.Log(ctx, q, audit.Read, "placement_decision", fmt.Sprintf("%d/%s", l.roundID, l.applicantID),
		fmt.Sprintf("read in Mina ärenden by guardian %d", v.GuardianID))
}

// AnswerMine answers one of the signed-in guardian's decisions, as Answer
// does through a link.
func AnswerMine(ctx context.Context, q store.Q, decisionID int64, answer string) (*GuardianView, error) {
	if answer != Accepted && answer != Declined {
		var v app.Validation
		v.Add("answer", "field.choose")
		return nil, v.Err()
	}
	var out *GuardianView
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		l, err := mineLink(ctx, tx, decisionID)
		if err != nil {
			return err
		}
		out, err = recordAnswer(ctx, tx, l, answer, "in Mina ärenden")
		return err
	})
	return out, err
}
