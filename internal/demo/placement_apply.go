package demo

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/placement/apply"
	plround "github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// ErrNoWindow: the round has no application window to apply in.
var ErrNoWindow = errors.New("demo: the round has no application window")

// LoadApplications makes the guardians' applications of a round through
// package apply, as guardians on the application pages would, for
// whatever children and guardians the round has (from the register
// import): the nearest schools (straight line) ranked up to the number
// allowed; with joint custody the other custodian agrees, except for one
// child whose guardians disagree (disputed) and every tenth child whose
// other custodian has not answered (waiting); every tenth child has no
// application (placed by the near-home rule and flagged). Children that
// already have an application are left alone, so loading again changes
// nothing. No mail is sent. Inside the window the applications carry the
// present time, otherwise midday of the window's first day.
func LoadApplications(ctx context.Context, db *store.DB, roundID int64) error {
	ctx = auth.WithPrincipal(ctx, auth.System)
	list, err := apply.Overview(ctx, db, roundID, time.Now())
	if err != nil {
		return err
	}
	if list.Opens == "" {
		return ErrNoWindow
	}
	now := time.Now()
	if list.Window != apply.WindowOpen {
		day, err := civil.Parse(list.Opens)
		if err != nil {
			return err
		}
		now = day.Add(12 * time.Hour)
	}
	var children []*apply.Child
	for _, cs := range list.ByStatus {
		children = append(children, cs...)
	}
	children = append(children, list.Without...)
	slices.SortFunc(children, func(a, b *apply.Child) int { return cmp.Compare(a.ID, b.ID) })
	wishes, err := exampleWishes(ctx, db, roundID)
	if err != nil {
		return err
	}
	disputed := false
	for i, c := range children {
		custodians := c.Custodians()
		if c.Application != nil || len(custodians) == 0 || i%10 == 9 {
			continue
		}
		first := apply.Who{GuardianIDs: []int64{custodians[0].ID}, Via: "demo"}
		full, err := apply.ChildFor(ctx, db, first, c.ID, now)
		if err != nil {
			return err
		}
		schools, err := apply.Offers(ctx, db, full)
		if err != nil {
			return err
		}
		if c.Lat != nil && c.Lon != nil {
			home := walknet.Point{Lat: *c.Lat, Lon: *c.Lon}
			slices.SortStableFunc(schools, func(a, b apply.Offered) int {
				return cmp.Compare(walknet.StraightLine(home, walknet.Point{Lat: a.Lat, Lon: a.Lon}),
					walknet.StraightLine(home, walknet.Point{Lat: b.Lat, Lon: b.Lon}))
			})
		}
		var choices []string
		for _, id := range wishes[c.ID] {
			if len(choices) < c.ChoicesAllowed && slices.ContainsFunc(schools, func(s apply.Offered) bool { return s.ID == id }) {
				choices = append(choices, id)
			}
		}
		if len(choices) == 0 {
			for _, s := range schools[:min(len(schools), c.ChoicesAllowed)] {
				choices = append(choices, s.ID)
			}
		}
		if len(choices) == 0 {
			continue
		}
		if _, err := apply.Submit(ctx, db, apply.Mailer{}, first, c.ID, choices, custodians[0].Language, now); err != nil {
			return err
		}
		if len(custodians) < 2 || i%10 == 7 {
			continue // sole custody: agreed; or the other has not answered yet
		}
		second := apply.Who{GuardianIDs: []int64{custodians[1].ID}, Via: "demo"}
		agree := disputed || i%10 != 3
		if !agree {
			disputed = true
		}
		if err := apply.Answer(ctx, db, apply.Mailer{}, second, c.ID, agree, custodians[1].Language, now); err != nil {
			return err
		}
	}
	return nil
}

// exampleWishes are the choices the round's example applicants file gives
// the children of the same key (the demo register keeps the demo
// applicants' keys), so the demo's guardians wish as its applicants did
// and some schools are wished for by more children than they have places.
func exampleWishes(ctx context.Context, db *store.DB, roundID int64) (map[int64][]string, error) {
	r, err := plround.Get(ctx, db, roundID)
	if err != nil {
		return nil, err
	}
	_, apps, _, err := r.Inputs()
	if err != nil {
		return nil, err
	}
	byKey := map[string][]string{}
	for _, a := range apps {
		byKey[a.ID] = a.Choices
	}
	rows, err := db.Query(ctx, "SELECT id, child_key FROM placement_children WHERE round_id = ?", roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		if w := byKey[key]; len(w) > 0 {
			out[id] = w
		}
	}
	return out, store.Normalize(rows.Err())
}
