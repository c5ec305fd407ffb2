package round

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// GuardianView is what a guardian sees through a link: the decision that
// stands for the child, and with a register, the child's name, what was
// sent, the answer and who to contact.
type GuardianView struct {
	RoundID     int64
	RoundName   string
	PublishedAt time.Time
	Decision    Decision
	// Child is the child's name from the register; "" without one.
	Child string
	// Sent is the decision as sent (placement_decisions); nil for rounds
	// without a register, which take no answers.
	Sent *Sent
	// GuardianID is the guardian the link was issued to (0: a link of a
	// round without a register); Custody whether they share custody.
	GuardianID int64
	Custody    bool
	Contact    Contact
}

// Waiting lists the child's higher wished schools whose waiting lists the
// child is on: those that turned the child down for lack of places, while
// the place is not declined.
func (v *GuardianView) Waiting() []string {
	if v.Sent == nil || v.Sent.Answer == Declined || v.Decision.SchoolID == "" {
		return nil
	}
	var out []string
	for _, d := range v.Decision.Explanation.Declined {
		if d.Reason == placement.Outranked.String() {
			out = append(out, d.SchoolName)
		}
	}
	return out
}

type linkRow struct {
	roundID     int64
	applicantID string
	guardianID  *int64
	name        string
	resultRun   *int64
	published   *time.Time
}

func lookupLink(ctx context.Context, q store.Q, token string) (*linkRow, error) {
	if token == "" || len(token) > 64 {
		return nil, app.NotFound()
	}
	var l linkRow
	err := q.QueryRow(ctx, `SELECT l.round_id, l.applicant_id, l.guardian_id, r.name, r.result_run_id, r.published_at
		FROM placement_links l JOIN placement_rounds r ON r.id = l.round_id
		WHERE l.token_hash = ? AND l.revoked_at IS NULL`, linkDigest(token)).Scan(&l.roundID, &l.applicantID, &l.guardianID, &l.name, &l.resultRun, &l.published)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (l.resultRun == nil || l.published == nil)) {
		return nil, app.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// view builds the guardian's view of the decision behind a link.
func view(ctx context.Context, q store.Q, l *linkRow) (*GuardianView, error) {
	v := &GuardianView{RoundID: l.roundID, RoundName: l.name, PublishedAt: *l.published}
	run := *l.resultRun
	if l.guardianID != nil {
		s, err := scanSent(q.QueryRow(ctx, "SELECT "+sentColumns+" WHERE round_id = ? AND applicant_id = ? AND superseded_at IS NULL",
			l.roundID, l.applicantID))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			v.Sent, run = s, s.RunID
		}
		err = q.QueryRow(ctx, `SELECT c.name, g.custody FROM placement_guardians g JOIN placement_children c ON c.id = g.child_id
			WHERE g.id = ? AND c.round_id = ?`, *l.guardianID, l.roundID).Scan(&v.Child, &v.Custody)
		if errors.Is(err, store.ErrNotFound) {
			return nil, app.NotFound() // the register no longer has the guardian
		}
		if err != nil {
			return nil, err
		}
		v.GuardianID = *l.guardianID
	}
	ds, err := scanDecisions(ctx, q, "run_id = ? AND applicant_id = ?", run, l.applicantID)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, app.NotFound()
	}
	v.Decision = ds[0]
	_, v.Contact, err = process(ctx, q, l.roundID)
	return v, err
}

// ByToken returns the decision behind a guardian's link; an unknown or
// revoked link, or a round no longer published, is app.NotFound. Every
// read is audited.
func ByToken(ctx context.Context, q store.Q, token string) (*GuardianView, error) {
	l, err := lookupLink(ctx, q, token)
	if err != nil {
		return nil, err
	}
	v, err := view(ctx, q, l)
	if err != nil {
		return nil, err
	}
	who := "read via link"
	if v.GuardianID != 0 {
		who = fmt.Sprintf("read via the link of guardian %d", v.GuardianID)
	}
	return v, audit.Log(ctx, q, audit.Read, "placement_decision", fmt.Sprintf("%d/%s", l.roundID, l.applicantID), who)
}

// Answer records a guardian's answer (Accepted or Declined) to the
// decision behind their link: either custodian may answer, once, until
// the decision's respond-by date (civil, inclusive). A declined place
// goes back to the waiting lists, and the child leaves the waiting lists
// of the round. Audited in the same transaction.
func Answer(ctx context.Context, q store.Q, token, answer string) (*GuardianView, error) {
	if answer != Accepted && answer != Declined {
		var v app.Validation
		v.Add("answer", "field.choose")
		return nil, v.Err()
	}
	var out *GuardianView
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		l, err := lookupLink(ctx, tx, token)
		if err != nil {
			return err
		}
		out, err = recordAnswer(ctx, tx, l, answer, "via link")
		return err
	})
	return out, err
}

// recordAnswer records answer to the decision l leads to, in tx.
func recordAnswer(ctx context.Context, tx *store.Tx, l *linkRow, answer, how string) (*GuardianView, error) {
	v, err := view(ctx, tx, l)
	if err != nil {
		return nil, err
	}
	switch {
	case v.Sent == nil:
		return nil, app.NotFound()
	case !v.Custody:
		return nil, app.Errorf(app.EFORBIDDEN, "decide.err.no_custody")
	case v.Sent.Answer != "":
		return nil, app.Errorf(app.ECONFLICT, "decide.err.answered")
	case !v.Sent.Open(civil.Today(store.Now())):
		return nil, app.Errorf(app.ECONFLICT, "decide.err.closed")
	}
	now := store.Now()
	res, err := tx.Exec(ctx, `UPDATE placement_decisions SET answer = ?, answered_at = ?, answered_by = ?
		WHERE id = ? AND answer = '' AND superseded_at IS NULL`, answer, now, v.GuardianID, v.Sent.ID)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, app.Errorf(app.ECONFLICT, "decide.err.answered")
	}
	v.Sent.Answer, v.Sent.AnsweredAt = answer, &now
	return v, audit.Log(ctx, tx, audit.Update, "placement_decision", fmt.Sprintf("%d/%s", l.roundID, l.applicantID),
		fmt.Sprintf("%s by guardian %d %s", answer, v.GuardianID, how))
}
