package complaint

import (
	"context"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// MailComposer writes the mails cases send, in the recipient's language,
// from the mail.KIND.subject and mail.KIND.body messages. Links point to
// PublicURL: the filer's follow-up page /f/TOKEN and the case page
// /cases/ID for staff.
type MailComposer struct {
	Catalog   *i18n.Catalog
	PublicURL string
	Organizer string // the organizer's name, signed under the mails
}

// NewMailComposer returns a MailComposer with the organizer's name read
// from the database now (empty when there is no organizer yet).
func NewMailComposer(ctx context.Context, q store.Q, catalog *i18n.Catalog, publicURL string) MailComposer {
	o, _ := org.GetOrganizer(ctx, q)
	return MailComposer{Catalog: catalog, PublicURL: publicURL, Organizer: o.Name}
}

// Compose implements Composer.
func (m MailComposer) Compose(n Notice) mail.Message {
	l := m.Catalog.For(n.Lang)
	data := map[string]any{
		"Reference": n.Case.Reference, "Organizer": m.Organizer, "Body": n.Body,
		"AckDue": n.Case.AckDue, "AnswerDue": n.Case.AnswerDue,
		"Link": m.PublicURL + "/f/" + n.Token, "CaseLink": m.PublicURL + "/cases/" + strconv.FormatInt(n.Case.ID, 10),
	}
	kind := string(n.Kind)
	return mail.Message{To: n.To, Subject: l.T("mail."+kind+".subject", data), Body: l.T("mail."+kind+".body", data)}
}
