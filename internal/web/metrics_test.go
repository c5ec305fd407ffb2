package web_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/metrics"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// GET /metrics answers in the Prometheus text format to the allowed
// addresses only; off (no allowed addresses) it is 403 for everyone, a
// signed-in administrator included; from an address outside the list
// (the test's 127.0.0.1 against 10.0.0.0/8) too. Requests are counted by
// route pattern, never by path: a follow-up link's secret stays out.
func TestMetrics(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		on := start(t, db, web.Options{Metrics: metrics.New(db), MetricsAllow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		c := on.client()
		c.get("/f/secret-token-that-must-not-show")
		c.get("/complaints/new")
		r := c.get("/metrics")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("/metrics: %d %s", r.status, r.header.Get("Content-Type"))
		}
		for _, want := range []string{
			`styrkedjan_http_requests_total{method="GET",route="GET /complaints/new",status="200"} 1`,
			`styrkedjan_http_requests_total{method="GET",route="GET /f/{token}",status="404"} 1`,
			`styrkedjan_http_request_duration_seconds_count{route="GET /complaints/new"} 1`,
			"styrkedjan_mail_queue_waiting 0",
			"styrkedjan_mail_queue_failed 0",
			"go_sql_max_open_connections",
		} {
			if !strings.Contains(r.body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if strings.Contains(r.body, "secret-token") {
			t.Error("a path's secret is in the metrics")
		}

		off := start(t, db, web.Options{Metrics: metrics.New(db)})
		if r := off.login("admin@exempelby.example").get("/metrics"); r.status != http.StatusForbidden {
			t.Errorf("metrics off, as admin: %d, want 403", r.status)
		}
		elsewhere := start(t, db, web.Options{Metrics: metrics.New(db), MetricsAllow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
		if r := elsewhere.client().get("/metrics"); r.status != http.StatusForbidden {
			t.Errorf("metrics from an address not allowed: %d, want 403", r.status)
		}
	})
}
