package web

import (
	"net/http"
	"net/netip"

	"github.com/styrkedjan/styrkedjan/internal/app"
)

// metrics serves the process's metrics in the Prometheus text format
// (GET /metrics); fromMetricsAddress has let the caller in.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	s.opts.Metrics.Handler().ServeHTTP(w, r)
	return nil
}

// fromMetricsAddress lets in callers whose address (the client's, after
// --trusted-proxies) is in Options.MetricsAllow, when metrics are on;
// everyone else, signed in or not, is refused with 403.
func (s *Server) fromMetricsAddress(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.opts.Metrics == nil || !addressIn(clientIP(r), s.opts.MetricsAllow) {
			return app.Forbidden()
		}
		return h(w, r)
	}
}

func addressIn(ip string, allow []netip.Prefix) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.WithZone("").Unmap()
	for _, p := range allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
