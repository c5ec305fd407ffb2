package appeal

import (
	"context"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// Who may do what with appeals. An appeal names a pupil, so the register
// is read and written only with auth.RunPlacement (officers and the
// placement office), as every other part of a round. The board
// (auth.ReadPlacementStats) sees counts by school and outcome, never a
// pupil, with small groups suppressed.

// requireOfficer refuses callers without auth.RunPlacement; to them the
// register looks missing. The system principal (the demo) may act too.
func requireOfficer(ctx context.Context) error {
	if p := auth.FromContext(ctx); p != auth.System && !p.Can(auth.RunPlacement) {
		return app.NotFound()
	}
	return nil
}

// requireStats refuses callers who may see neither the register nor its counts.
func requireStats(ctx context.Context) error {
	if p := auth.FromContext(ctx); p != auth.System && !p.Can(auth.ReadPlacementStats) && !p.Can(auth.RunPlacement) {
		return app.Forbidden()
	}
	return nil
}

// suppressCounts reports whether the caller sees counts with small groups
// suppressed: everyone but those who read the register itself.
func suppressCounts(ctx context.Context) bool {
	p := auth.FromContext(ctx)
	return p != auth.System && !p.Can(auth.RunPlacement)
}
