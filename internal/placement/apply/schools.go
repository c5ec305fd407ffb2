package apply

import (
	"context"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// An Offered school is one of a round's schools with places for a year group.
type Offered struct {
	ID       string
	Name     string
	Lat, Lon float64
}

// offered returns the round's schools with places for the child's year,
// in the round's order.
func offered(ctx context.Context, q store.Q, c *Child) ([]Offered, error) {
	r, err := round.Get(ctx, q, c.RoundID)
	if err != nil {
		return nil, err
	}
	schools, err := r.Schools()
	if err != nil {
		return nil, err
	}
	var out []Offered
	for _, s := range schools {
		if s.Capacity[c.Year] > 0 && !slices.ContainsFunc(out, func(o Offered) bool { return o.ID == s.ID }) {
			out = append(out, Offered{ID: s.ID, Name: s.Name, Lat: s.Lat, Lon: s.Lon})
		}
	}
	return out, nil
}

// Offers returns the schools that offer the child's year group (no facts).
func Offers(ctx context.Context, q store.Q, c *Child) ([]Offered, error) { return offered(ctx, q, c) }

func offeredIDs(ctx context.Context, q store.Q, c *Child) ([]string, error) {
	os, err := offered(ctx, q, c)
	var out []string
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out, err
}

// schoolNames maps the round's school IDs to their names.
func schoolNames(ctx context.Context, q store.Q, c *Child) (map[string]string, error) {
	os, err := offered(ctx, q, c)
	out := map[string]string{}
	for _, o := range os {
		out[o.ID] = o.Name
	}
	return out, err
}
