package web

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

// limiter is a per-address rate limit for the public intake, so one
// address cannot flood the registry. Idle entries are forgotten.
type limiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	byIP  map[string]*limiterEntry
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiter allows perMinute requests a minute per address, in bursts of
// burst; perMinute 0 disables the limit.
func newLimiter(perMinute, burst int) *limiter {
	return &limiter{every: rate.Limit(float64(perMinute) / 60), burst: burst, byIP: map[string]*limiterEntry{}}
}

func (l *limiter) allow(ip string) bool {
	if l.every == 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.byIP) > 10000 {
		for k, e := range l.byIP {
			if now.Sub(e.seen) > 10*time.Minute {
				delete(l.byIP, k)
			}
		}
	}
	e, ok := l.byIP[ip]
	if !ok {
		e = &limiterEntry{lim: rate.NewLimiter(l.every, l.burst)}
		l.byIP[ip] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
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

// mailComposer writes the mails cases send, in the recipient's language.
type mailComposer struct {
	catalog   *i18n.Catalog
	publicURL string
	organizer string
}

func (s *Server) composer() complaint.Composer {
	o, _ := org.GetOrganizer(context.Background(), s.db)
	return mailComposer{catalog: s.catalog, publicURL: s.opts.PublicURL, organizer: o.Name}
}

func (m mailComposer) Compose(n complaint.Notice) mail.Message {
	l := m.catalog.For(n.Lang)
	data := map[string]any{
		"Reference": n.Case.Reference, "Organizer": m.organizer, "Body": n.Body,
		"AckDue": n.Case.AckDue, "AnswerDue": n.Case.AnswerDue,
		"Link": m.publicURL + "/f/" + n.Token, "CaseLink": m.publicURL + "/cases/" + idStr(n.Case.ID),
	}
	kind := string(n.Kind)
	return mail.Message{To: n.To, Subject: l.T("mail."+kind+".subject", data), Body: l.T("mail."+kind+".body", data)}
}

// CaseSweepLoop reminds handlers, escalates overdue cases and carries out
// the retention decision every interval until ctx ends.
func (s *Server) CaseSweepLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		rem, esc, err := complaint.Sweep(ctx, s.db, time.Now(), s.composer())
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("case sweep", "err", err)
		case rem+esc > 0:
			s.log.Info("case sweep", "reminders", rem, "escalations", esc)
			s.opts.WakeMailer()
		}
		if n, err := complaint.Anonymize(ctx, s.db, time.Now()); err != nil && ctx.Err() == nil {
			s.log.Warn("retention", "err", err)
		} else if n > 0 {
			s.log.Info("retention: personal data removed", "cases", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
