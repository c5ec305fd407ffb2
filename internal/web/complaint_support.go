package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/cluster"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// intakeAllowed counts a public submission or follow-up reply against
// its client network's limit (Options.IntakePerMinute a minute) in the
// database, so that the limit holds across several server processes.
func (s *Server) intakeAllowed(r *http.Request) (bool, error) {
	return cluster.Allow(r.Context(), s.db, "intake:"+clientNetwork(r), s.opts.IntakePerMinute, time.Now())
}

// clientAllowed counts an API client's submission against the client's
// own limit (its per_minute), shared by the processes like intakeAllowed.
func (s *Server) clientAllowed(r *http.Request, id int64, perMinute int) (bool, error) {
	return cluster.Allow(r.Context(), s.db, "client:"+strconv.FormatInt(id, 10), max(perMinute, 1), time.Now())
}

// handlerLabel names the role that handles a case, for the filer: "Rektor
// för Ekbacka skola", "Måltidschef", or the organizer's complaint officer.
// The filer sees a role, not a person's name.
func (s *Server) handlerLabel(ctx context.Context, l *i18n.Localizer, c *complaint.Case) (string, error) {
	h, err := complaint.FilerHandler(ctx, s.db, c)
	if err != nil {
		return "", err
	}
	switch {
	case h.Principal:
		return l.T("public.handler.principal", "Unit", c.UnitName), nil
	case h.Title != "":
		return h.Title, nil
	}
	return l.T("public.handler.officer"), nil
}

// composer writes the mails cases send (complaint.MailComposer), with
// links to this server's public address.
func (s *Server) composer() complaint.Composer {
	return complaint.NewMailComposer(context.Background(), s.db, s.catalog, s.opts.PublicURL)
}
