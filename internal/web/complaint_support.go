package web

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
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

// clientLimits holds each API client's own intake limit: perMinute a
// minute in bursts of as many, a limiter per client, replaced when the
// operator changes the rate.
type clientLimits struct {
	mu   sync.Mutex
	byID map[int64]*clientLimit
}

type clientLimit struct {
	lim       *rate.Limiter
	perMinute int
}

func (c *clientLimits) allow(id int64, perMinute int) bool {
	perMinute = max(perMinute, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil {
		c.byID = map[int64]*clientLimit{}
	}
	e, ok := c.byID[id]
	if !ok || e.perMinute != perMinute {
		e = &clientLimit{rate.NewLimiter(rate.Limit(float64(perMinute)/60), perMinute), perMinute}
		c.byID[id] = e
	}
	return e.lim.Allow()
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
