package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// logAs audits an act on a child's application by a guardian row.
func logAs(ctx context.Context, q store.Q, who Who, guardianID int64, action string, childID int64, what string) error {
	return audit.Log(ctx, q, action, "placement_application", itoa(childID),
		fmt.Sprintf("%s by placement guardian %d (%s)", what, guardianID, who.Via))
}

// ValidateChoices checks ranked school IDs against the schools that offer
// the child's year group and the number allowed: at least one, no more
// than allowed, each offered, none twice. Blank ranks are skipped.
func ValidateChoices(choices []string, offered []string, allowed int) ([]string, error) {
	var v app.Validation
	var out []string
	for _, c := range choices {
		c = strings.TrimSpace(c)
		switch {
		case c == "":
			continue
		case !slices.Contains(offered, c):
			v.Add("choices", "apply.err.school")
		case slices.Contains(out, c):
			v.Add("choices", "apply.err.twice")
		default:
			out = append(out, c)
		}
	}
	switch {
	case len(out) == 0 && !v.Has("choices"):
		v.Add("choices", "apply.err.none")
	case len(out) > allowed:
		v.Add("choices", "apply.err.too_many", map[string]any{"Count": allowed})
	}
	return out, v.Err()
}

// windowError is the refusal outside the window, with its dates: an
// app.EINVALID on the field "window", so the form shows it.
func windowError(c *Child) error {
	var v app.Validation
	if c.Window == WindowClosed {
		v.Add("window", "apply.err.closed", map[string]any{"Closes": c.Closes})
	} else {
		v.Add("window", "apply.err.not_yet", map[string]any{"Opens": c.Opens})
	}
	return v.Err()
}

// Submit stores the ranked choices for a child who acts for, in lang (the
// page's language, kept as the guardian's). With sole custody the
// application is agreed at once; with joint custody it waits for the
// other custodian, also when it is a change of an agreed one. Outside the
// window it is refused (windowError).
// Receipts go to the submitter and a request to answer to the others.
func Submit(ctx context.Context, q store.Q, m Mailer, who Who, childID int64, choices []string, lang string, now time.Time) (*Application, error) {
	var out *Application
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		c, err := child(ctx, tx, childID, now)
		if err != nil {
			return err
		}
		if c.Me = who.actsFor(c.Guardians); c.Me == 0 || c.Opens == "" {
			return app.NotFound()
		}
		me, _ := c.Guardian(c.Me)
		if !me.Custody {
			var v app.Validation
			v.Add("choices", "apply.err.no_custody")
			return v.Err()
		}
		if c.Window != WindowOpen {
			return windowError(c)
		}
		offered, err := offeredIDs(ctx, tx, c)
		if err != nil {
			return err
		}
		list, err := ValidateChoices(choices, offered, c.ChoicesAllowed)
		if err != nil {
			return err
		}
		status := StatusAgreed
		if c.Joint() {
			status = StatusWaiting
		}
		ts := now.UTC()
		switch {
		case c.Application != nil && c.Application.Status == StatusAgreed && slices.Equal(c.Application.Choices, list):
			// Nothing changed: the agreement stands, nothing to ask again.
			_, err = tx.Exec(ctx, "UPDATE placement_applications SET updated_at = ? WHERE child_id = ?", ts, c.ID)
		case c.Application == nil:
			_, err = tx.Exec(ctx, `INSERT INTO placement_applications (child_id, choices, status, submitted_by, submitted_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?)`, c.ID, joinChoices(list), status, c.Me, ts, ts)
		default:
			_, err = tx.Exec(ctx, `UPDATE placement_applications SET choices = ?, status = ?, submitted_by = ?, updated_at = ?,
				answered_by = NULL, answered_at = NULL WHERE child_id = ?`, joinChoices(list), status, c.Me, ts, c.ID)
		}
		if err != nil {
			return err
		}
		if err := setLanguage(ctx, tx, c.Me, lang); err != nil {
			return err
		}
		what := "application submitted"
		if c.Application != nil {
			what = "application changed"
		}
		if err := logAs(ctx, tx, who, c.Me, audit.Update, c.ID, fmt.Sprintf("%s (%s, %d choices)", what, status, len(list))); err != nil {
			return err
		}
		if out, err = application(ctx, tx, c.ID); err != nil {
			return err
		}
		c.Application = out
		me.Language = languageOr(lang, me.Language)
		return m.submitted(ctx, tx, c, me)
	})
	return out, err
}

// Answer records the other custodian's answer: agree makes the
// application agreed, disagree makes it disputed (the municipality
// cannot follow one guardian's wish; the child is placed by the
// near-home rule and the case flagged for an officer). Only a custodian
// other than the one who submitted may answer, within the window.
func Answer(ctx context.Context, q store.Q, m Mailer, who Who, childID int64, agree bool, lang string, now time.Time) error {
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		c, err := child(ctx, tx, childID, now)
		if err != nil {
			return err
		}
		if c.Me = who.actsFor(c.Guardians); c.Me == 0 || c.Opens == "" {
			return app.NotFound()
		}
		if !c.MayAnswer() {
			var v app.Validation
			v.Add("answer", "apply.err.no_answer")
			return v.Err()
		}
		if c.Window != WindowOpen {
			return windowError(c)
		}
		status := StatusDisputed
		if agree {
			status = StatusAgreed
		}
		ts := now.UTC()
		if _, err := tx.Exec(ctx, "UPDATE placement_applications SET status = ?, answered_by = ?, answered_at = ? WHERE child_id = ?",
			status, c.Me, ts, c.ID); err != nil {
			return err
		}
		if err := setLanguage(ctx, tx, c.Me, lang); err != nil {
			return err
		}
		if err := logAs(ctx, tx, who, c.Me, audit.Update, c.ID, "answered: "+status); err != nil {
			return err
		}
		if c.Application, err = application(ctx, tx, c.ID); err != nil {
			return err
		}
		return m.answered(ctx, tx, c)
	})
}

func languageOr(lang, old string) string {
	if validLanguage(lang) {
		return lang
	}
	return old
}

func validLanguage(lang string) bool {
	return slices.ContainsFunc(i18n.FilerLanguages(), func(l i18n.Language) bool { return l.Code == lang })
}

// setLanguage keeps the language a guardian used as theirs.
func setLanguage(ctx context.Context, q store.Q, guardianID int64, lang string) error {
	if !validLanguage(lang) {
		return nil
	}
	_, err := q.Exec(ctx, "UPDATE placement_guardians SET language = ? WHERE id = ?", lang, guardianID)
	return err
}
