package complaint

import (
	"context"
	"strconv"
	"strings"

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
	if n.Staff {
		data["Kind"] = l.T("kind." + string(n.Case.Kind))
		data["Category"] = n.CategoryName
		data["Deadline"] = m.deadline(l, n.Case)
		kind = "notice_" + kind
	}
	return mail.Message{To: n.To, Subject: l.T("mail."+kind+".subject", data), Body: l.T("mail."+kind+".body", data)}
}

// deadline is the line naming the deadline that applies to c
// (Case.Deadline), or "" when none does.
func (m MailComposer) deadline(l *i18n.Localizer, c *Case) string {
	which, date := c.Deadline()
	if which == "" {
		return l.T("mail.notice.no_deadline")
	}
	return l.T("mail.notice."+which+"_by", map[string]any{"Date": date})
}

// ComposeDigest implements DigestComposer: the overdue cases, those due
// soon and the other new ones (new ones marked in every section), each with reference, kind, category, deadline
// and link, in the person's language.
func (m MailComposer) ComposeDigest(d Digest) mail.Message {
	l := m.Catalog.For(d.Lang)
	var b strings.Builder
	section := func(head string, keep func(DigestItem) bool) {
		var lines []string
		for _, it := range d.Items {
			if !keep(it) {
				continue
			}
			id := "mail.digest.item"
			if it.New {
				id = "mail.digest.item_new"
			}
			lines = append(lines, l.T(id, map[string]any{
				"Reference": it.Case.Reference, "Kind": l.T("kind." + string(it.Case.Kind)), "Category": it.CategoryName,
				"Deadline": m.deadline(l, it.Case), "CaseLink": m.PublicURL + "/cases/" + strconv.FormatInt(it.Case.ID, 10),
			}))
		}
		if len(lines) == 0 {
			return
		}
		b.WriteString(l.T(head, map[string]any{"Count": len(lines)}))
		b.WriteString("\n\n")
		b.WriteString(strings.Join(lines, "\n"))
		b.WriteString("\n\n")
	}
	section("mail.digest.overdue", func(it DigestItem) bool { return it.Overdue })
	section("mail.digest.due_soon", func(it DigestItem) bool { return !it.Overdue && it.DueSoon })
	section("mail.digest.new", func(it DigestItem) bool { return !it.Overdue && !it.DueSoon && it.New })
	data := map[string]any{"Day": d.Day, "Count": len(d.Items), "List": strings.TrimRight(b.String(), "\n"),
		"Organizer": m.Organizer, "Link": m.PublicURL + "/cases"}
	return mail.Message{To: d.To, Subject: l.T("mail.digest.subject", data), Body: l.T("mail.digest.body", data)}
}
