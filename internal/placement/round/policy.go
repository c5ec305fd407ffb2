package round

import (
	"context"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// Who may do what with placement rounds. Rounds hold applicants' homes
// and choices, so one permission, auth.RunPlacement (placement officers),
// covers every read and change of rounds, runs, what-ifs, decisions and
// links; it reaches the whole organization. Officers hold it, and so does
// the placement office: specialists holding the school_placement complaint
// category (auth.CategoryPlacement; the grant is auth's categoryGrants). Guardians read only their own
// decision, through the private link (ByToken), which needs no permission.

// requireOfficer refuses callers without auth.RunPlacement; to them a
// round looks missing (app.NotFound). The system principal (operator
// commands, the demo) may act too.
func requireOfficer(ctx context.Context) error {
	if p := auth.FromContext(ctx); p != auth.System && !p.Can(auth.RunPlacement) {
		return app.NotFound()
	}
	return nil
}
