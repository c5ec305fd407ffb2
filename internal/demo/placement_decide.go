package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	plround "github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// DecisionsBaseURL is the address the demo's decision mails link to (the
// lead's process demo may set it to the server's public URL).
var DecisionsBaseURL = "http://localhost:8080"

// demoGuardianLanguages are the fictional guardians' languages, in turn.
var demoGuardianLanguages = []string{"sv", "sv", "ar", "sv", "en", "so", "sv", "fa", i18n.EasySwedish, "sv"}

// LoadDecisions carries the demo round roundID (after its run) through
// decisions: a register of fictional children and guardians when the
// round has none (every fifth child's guardian without e-mail, so a
// letter), publishing (decisions mailed in the guardians' languages),
// answers (some accepted, some declined — places at the first choice,
// so that children wait for them) and a second pass from the waiting
// lists. Each step is skipped when done, so a second call changes
// nothing.
func LoadDecisions(ctx context.Context, db *store.DB, roundID int64) error {
	return LoadDecisionsAt(ctx, db, roundID, time.Now())
}

// LoadDecisionsAt is LoadDecisions for decisions published at a given
// time: the answers come three days later and the second pass sixteen
// days later (after the fourteen days to answer), never after now.
func LoadDecisionsAt(ctx context.Context, db *store.DB, roundID int64, published time.Time) error {
	later := func(days int) func() time.Time {
		return func() time.Time {
			if t := published.AddDate(0, 0, days); t.Before(time.Now()) {
				return t
			}
			return time.Now()
		}
	}
	if auth.FromContext(ctx) != auth.System {
		ctx = auth.WithPrincipal(ctx, auth.System)
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	n := plround.Notify{Catalog: cat, BaseURL: DecisionsBaseURL, Now: later(0)}
	r, err := plround.Get(ctx, db, roundID)
	if err != nil {
		return err
	}
	if r.ResultRunID == nil {
		return fmt.Errorf("demo decisions: round %d has no result", roundID)
	}
	reg, err := plround.HasRegister(ctx, db, roundID)
	if err != nil {
		return err
	}
	if !reg {
		if err := demoRegister(ctx, db, r); err != nil {
			return err
		}
	}
	var sent int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM placement_decisions WHERE round_id = ?", roundID).Scan(&sent); err != nil {
		return err
	}
	if sent == 0 {
		if _, err := db.Exec(ctx, `UPDATE placement_rounds SET contact_name = ?, contact_phone = ?, contact_email = ?
			WHERE id = ? AND contact_name = ''`, "Placeringsenheten, Sara Lind", "0123-45 67 89", "placering@exempelby.se", roundID); err != nil {
			return err
		}
		if _, err := plround.PublishDecisions(ctx, db, roundID, n); err != nil {
			return fmt.Errorf("demo decisions: publish: %w", err)
		}
	}
	var answered int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND answer <> ''", roundID).Scan(&answered); err != nil {
		return err
	}
	if answered == 0 {
		if err := decideAnswers(ctx, db, roundID, *r.ResultRunID, later(3)()); err != nil {
			return err
		}
	}
	var passes int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM placement_runs WHERE round_id = ? AND pass > 1", roundID).Scan(&passes); err != nil {
		return err
	}
	if passes == 0 {
		n.Now = later(16)
		if _, _, err := plround.RunPass(ctx, db, roundID, n); err != nil {
			return fmt.Errorf("demo decisions: second pass: %w", err)
		}
	}
	return nil
}

var decideFirstNames = []string{"Alva", "Omar", "Elsa", "Liam", "Maja", "Hamza", "Saga", "Noah", "Amal", "Hugo", "Leila", "Ella"}
var decideLastNames = []string{"Lind", "Ali", "Berg", "Hassan", "Nilsson", "Karimi", "Ek", "Warsame", "Holm", "Rahimi"}

// demoRegister adds a fictional child with guardians for every applicant
// of the round's result.
func demoRegister(ctx context.Context, db *store.DB, r *plround.Round) error {
	rows, err := db.Query(ctx, "SELECT applicant_id, year FROM placement_results WHERE run_id = ? ORDER BY applicant_id", *r.ResultRunID)
	if err != nil {
		return err
	}
	type app struct {
		id   string
		year int
	}
	var apps []app
	for rows.Next() {
		var a app
		if err := rows.Scan(&a.id, &a.year); err != nil {
			rows.Close()
			return err
		}
		apps = append(apps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		now := store.Now()
		for i, a := range apps {
			last := decideLastNames[i%len(decideLastNames)]
			name := decideFirstNames[i%len(decideFirstNames)] + " " + last
			var cid int64
			if err := tx.QueryRow(ctx, `INSERT INTO placement_children (round_id, child_key, name, year, address, postal_code, city, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.ID, a.id, name, a.year, fmt.Sprintf("Skolvägen %d", i+1), "123 45", "Exempelby", now).Scan(&cid); err != nil {
				return err
			}
			lang := demoGuardianLanguages[i%len(demoGuardianLanguages)]
			email := fmt.Sprintf("vh%s@exempelby.example", a.id)
			if i%5 == 4 {
				email = "" // a letter
			}
			guardians := []struct{ name, email string }{{"Vårdnadshavare 1 " + last, email}}
			if i%2 == 0 {
				second := ""
				if email != "" {
					second = fmt.Sprintf("vh2%s@exempelby.example", a.id)
				}
				guardians = append(guardians, struct{ name, email string }{"Vårdnadshavare 2 " + last, second})
			}
			for _, g := range guardians {
				if _, err := tx.Exec(ctx, `INSERT INTO placement_guardians (child_id, name, email, address, language, custody, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, cid, g.name, g.email, fmt.Sprintf("Skolvägen %d, 123 45 Exempelby", i+1), lang, true, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// decideAnswers answers decisions as guardians would: the first ten placed
// at their first choice decline (their places go to the waiting lists),
// every third of the others accepts.
func decideAnswers(ctx context.Context, db *store.DB, roundID, runID int64, at time.Time) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT d.id, r.choice_rank, g.id FROM placement_decisions d
			JOIN placement_results r ON r.run_id = d.run_id AND r.applicant_id = d.applicant_id
			JOIN placement_children c ON c.round_id = d.round_id AND c.child_key = d.applicant_id
			JOIN placement_guardians g ON g.child_id = c.id
			WHERE d.round_id = ? AND d.run_id = ? AND d.superseded_at IS NULL AND d.school_id <> ''
			ORDER BY d.applicant_id, g.id`, roundID, runID)
		if err != nil {
			return err
		}
		type dec struct {
			id, guardian int64
			rank         int
		}
		var ds []dec
		seen := map[int64]bool{}
		for rows.Next() {
			var d dec
			if err := rows.Scan(&d.id, &d.rank, &d.guardian); err != nil {
				rows.Close()
				return err
			}
			if !seen[d.id] {
				seen[d.id] = true
				ds = append(ds, d)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := at.UTC().Truncate(time.Microsecond)
		declined := 0
		for i, d := range ds {
			answer := ""
			switch {
			case d.rank == 1 && declined < 10 && i%7 == 3:
				answer = plround.Declined
				declined++
			case i%3 == 0:
				answer = plround.Accepted
			}
			if answer == "" {
				continue
			}
			if _, err := tx.Exec(ctx, "UPDATE placement_decisions SET answer = ?, answered_at = ?, answered_by = ? WHERE id = ?",
				answer, now, d.guardian, d.id); err != nil {
				return err
			}
		}
		return nil
	})
}
