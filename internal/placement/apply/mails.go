package apply

import (
	"context"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Mailer writes the guardians' mails from the apply.mail.* messages in
// each guardian's language (placement_guardians.language: sv, en, ar, so,
// fa or easy-to-read Swedish) and queues them in the caller's
// transaction. A zero Mailer (no catalog) sends nothing.
type Mailer struct {
	Catalog   *i18n.Catalog
	PublicURL string // links to PublicURL + "/apply"
	Organizer string // signed under the mails
}

func (m Mailer) link() string { return strings.TrimRight(m.PublicURL, "/") + "/apply" }

func (m Mailer) send(ctx context.Context, q store.Q, to, lang, id string, data map[string]any) error {
	if m.Catalog == nil || strings.TrimSpace(to) == "" {
		return nil
	}
	l := m.Catalog.For(lang)
	data["Organizer"] = m.Organizer
	data["Link"] = m.link()
	_, err := mail.Enqueue(ctx, q, mail.Message{To: to, Subject: l.T(id+".subject", data), Body: l.T(id+".body", data)})
	return err
}

func (m Mailer) code(ctx context.Context, q store.Q, to, lang, name, code string) error {
	return m.send(ctx, q, to, lang, "apply.mail.code", map[string]any{"Code": code, "Name": name, "Minutes": int(CodeLifetime.Minutes())})
}

// choiceLines lists the ranked schools, one a line, in lang.
func (m Mailer) choiceLines(ctx context.Context, q store.Q, c *Child, lang string) (string, error) {
	names, err := schoolNames(ctx, q, c)
	if err != nil {
		return "", err
	}
	l := m.Catalog.For(lang)
	var b strings.Builder
	for i, id := range c.Application.Choices {
		name := names[id]
		if name == "" {
			name = id
		}
		b.WriteString(l.T("apply.mail.choice_line", map[string]any{"Rank": i + 1, "School": name}))
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

// submitted mails the receipt to the guardian who applied and, with joint
// custody, asks the other custodians to agree or disagree.
func (m Mailer) submitted(ctx context.Context, q store.Q, c *Child, me Guardian) error {
	if m.Catalog == nil {
		return nil
	}
	for _, g := range c.Custodians() {
		lang := g.Language
		id := "apply.mail.confirm"
		if g.ID == me.ID {
			lang, id = me.Language, "apply.mail.submitted"
		}
		lines, err := m.choiceLines(ctx, q, c, lang)
		if err != nil {
			return err
		}
		data := map[string]any{"Child": c.Name, "Round": c.RoundName, "Choices": lines, "Closes": c.Closes,
			"Submitter": me.Name, "Status": m.Catalog.For(lang).T("apply.status." + c.Application.Status)}
		if err := m.send(ctx, q, g.Email, lang, id, data); err != nil {
			return err
		}
	}
	return nil
}

// answered tells every custodian the other's answer.
func (m Mailer) answered(ctx context.Context, q store.Q, c *Child) error {
	if m.Catalog == nil {
		return nil
	}
	me, _ := c.Guardian(c.Me)
	for _, g := range c.Custodians() {
		lines, err := m.choiceLines(ctx, q, c, g.Language)
		if err != nil {
			return err
		}
		data := map[string]any{"Child": c.Name, "Round": c.RoundName, "Choices": lines, "Closes": c.Closes,
			"Answerer": me.Name, "Status": m.Catalog.For(g.Language).T("apply.status." + c.Application.Status)}
		if err := m.send(ctx, q, g.Email, g.Language, "apply.mail.answered", data); err != nil {
			return err
		}
	}
	return nil
}
