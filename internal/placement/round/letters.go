package round

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// PrintLetters writes the printed letters of the round's standing
// decisions sent by letter (no guardian has an e-mail address): one per
// child, addressed to its guardians, in the first guardian's language,
// with a private link for answering online. Since only digests of links
// are kept, printing issues the guardians of those children new links.
// Only decisions not printed yet are printed (a later pass's new ones),
// unless again is set: then every letter is printed again and the links
// on letters printed earlier stop working. It returns the document and
// the number of letters; audited.
func PrintLetters(ctx context.Context, q store.Q, roundID int64, n Notify, again bool) (*export.Doc, int, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, 0, err
	}
	var parts []LetterPart
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		r, err := Get(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if !r.Published() {
			return nil
		}
		current, err := currentSent(ctx, tx, roundID)
		if err != nil {
			return err
		}
		_, contact, err := process(ctx, tx, roundID)
		if err != nil {
			return err
		}
		now := store.Now()
		rows, err := tx.Query(ctx, `SELECT c.child_key, c.name, c.address, c.postal_code, c.city, g.id, g.name, g.address
			FROM placement_children c JOIN placement_guardians g ON g.child_id = c.id
			WHERE c.round_id = ? ORDER BY c.child_key, g.id`, roundID)
		if err != nil {
			return err
		}
		type guardian struct {
			id            int64
			name, address string
		}
		type kid struct {
			key, name, address string
			guardians          []guardian
		}
		var kids []*kid
		for rows.Next() {
			var k kid
			var g guardian
			var postal, city string
			if err := rows.Scan(&k.key, &k.name, &k.address, &postal, &city, &g.id, &g.name, &g.address); err != nil {
				rows.Close()
				return store.Normalize(err)
			}
			k.address = strings.TrimSpace(k.address + "\n" + strings.TrimSpace(postal+" "+city))
			if len(kids) == 0 || kids[len(kids)-1].key != k.key {
				kids = append(kids, &k)
			}
			last := kids[len(kids)-1]
			last.guardians = append(last.guardians, g)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return store.Normalize(err)
		}
		for _, k := range kids {
			s := current[k.key]
			if s == nil || s.Channel != ChannelLetter {
				continue
			}
			if !again {
				// Printed: a link issued after the decision was sent.
				var printed int
				if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM placement_links WHERE round_id = ? AND applicant_id = ? AND created_at > ?",
					roundID, k.key, s.SentAt).Scan(&printed); err != nil {
					return err
				}
				if printed > 0 {
					continue
				}
			}
			ds, err := scanDecisions(ctx, tx, "run_id = ? AND applicant_id = ?", s.RunID, k.key)
			if err != nil {
				return err
			}
			if len(ds) == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, "UPDATE placement_links SET revoked_at = ? WHERE round_id = ? AND applicant_id = ? AND revoked_at IS NULL",
				now, roundID, k.key); err != nil {
				return err
			}
			var names []string
			var link string
			for i, g := range k.guardians {
				tok, err := issueLink(ctx, tx, roundID, k.key, g.id, now)
				if err != nil {
					return err
				}
				if i == 0 {
					link = n.link(tok, mailLang(s.Language))
				}
				names = append(names, g.name)
			}
			addr := k.guardians[0].address
			if addr == "" {
				addr = k.address
			}
			v := &GuardianView{RoundID: roundID, RoundName: r.Name, PublishedAt: *r.PublishedAt, Decision: ds[0], Child: k.name,
				Sent: s, Contact: contact, Custody: true}
			parts = append(parts, LetterPart{View: v, Guardian: strings.Join(names, ", "), Address: addr, Lang: s.Language, Link: link})
		}
		return audit.Log(ctx, tx, audit.Export, "placement_round", strconv.FormatInt(roundID, 10),
			fmt.Sprintf("%d decision letters printed; their links reissued", len(parts)))
	})
	if err != nil {
		return nil, 0, err
	}
	return Letters(n.Catalog, parts, store.Now()), len(parts), nil
}
