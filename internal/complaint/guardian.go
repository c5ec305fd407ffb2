package complaint

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// "Mina ärenden" (issue 13): a guardian signed in with e-identification
// sees the cases they filed while signed in, without keeping links.
//
// Only cases linked at filing time (complaints.guardian_id) are listed.
// Cases filed without signing in are not found by e-mail address: an
// address is not an identity (families share one, addresses are given up
// and handed on, a broker's e-mail claim is not what BankID or Freja
// verified), so matching on it could show one person's complaint to
// another. Such cases stay reachable through their link and link recovery
// (/f/lost), which mails new links to the address itself.

// GuardianCases lists the cases of the guardian signed in (the context
// principal's GuardianID), newest first. Anyone else gets app.NotFound.
// The read is audited.
func GuardianCases(ctx context.Context, q store.Q) ([]*Case, error) {
	g := auth.FromContext(ctx).GuardianID
	if g == 0 {
		return nil, app.NotFound()
	}
	rows, err := q.Query(ctx, "SELECT "+caseColumns+" WHERE c.guardian_id = ? ORDER BY c.submitted_at DESC, c.id DESC", g)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := audit.Log(ctx, q, audit.Read, "guardian_cases", strconv.FormatInt(g, 10), strconv.Itoa(len(out))+" cases"); err != nil {
		return nil, err
	}
	return out, nil
}

// GuardianCase is one case of the signed-in guardian as its filer sees it
// through the follow-up link; another's case, or no guardian, is
// app.NotFound. The read is audited.
func GuardianCase(ctx context.Context, q store.Q, id int64) (*FilerCase, error) {
	g := auth.FromContext(ctx).GuardianID
	if g == 0 {
		return nil, app.NotFound()
	}
	c, err := scanCase(q.QueryRow(ctx, "SELECT "+caseColumns+" WHERE c.id = ? AND c.guardian_id = ?", id, g))
	if errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	}
	if err != nil {
		return nil, err
	}
	evs, err := Events(ctx, q, c.ID, false)
	if err != nil {
		return nil, err
	}
	if err := audit.Log(ctx, q, audit.Read, "complaint", strconv.FormatInt(c.ID, 10), "by the filer, signed in with e-identification"); err != nil {
		return nil, err
	}
	return &FilerCase{Case: c, Events: evs}, nil
}

func guardianArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// GuardianReply adds the signed-in guardian's reply to their case id, as
// the filer's reply through the follow-up link does (Reply): the same
// checks, event, attachments and notice to the handler, audited with the
// guardian as actor. Another's case, or no guardian, is app.NotFound.
func GuardianReply(ctx context.Context, db store.Q, id int64, body string, files []Attachment, now time.Time, compose Composer, handlerEmail func(int64) string) error {
	g := auth.FromContext(ctx).GuardianID
	if g == 0 {
		return app.NotFound()
	}
	return reply(ctx, db, func(tx *store.Tx) (*Case, error) {
		c, err := scanCase(tx.QueryRow(ctx, "SELECT "+caseColumns+" WHERE c.id = ? AND c.guardian_id = ?", id, g))
		if errors.Is(err, store.ErrNotFound) {
			return nil, app.NotFound()
		}
		return c, err
	}, body, files, now, compose, handlerEmail)
}
