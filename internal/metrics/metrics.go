// Package metrics collects what operators watch (issue 13) and writes it
// in the Prometheus text format: requests by route pattern and status,
// their latencies, the mail queue's depth, background job runs, and the
// database connection pool. It uses the Prometheus project's own client
// library (client_golang), so the exposition format, escaping and
// histogram buckets are what Prometheus expects. Collecting costs little
// and always happens; the web layer serves it at GET /metrics only when
// the operator enables it (serve --metrics) and only to allowed addresses.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Metrics is one process's metrics. A nil *Metrics records nothing, so
// code and tests that do not care need not make one.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	jobRuns  *prometheus.CounterVec
}

// New returns the metrics of a process using db: the Go runtime's and the
// process's own, the database pool's (database/sql statistics) and the
// mail queue's depth, read from the outbox at each scrape.
func New(db *store.DB) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrkedjan_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "styrkedjan_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrkedjan_job_runs_total",
			Help: "Background job rounds run by this process, by job and outcome (ok, error, skipped: another process holds the job's lease).",
		}, []string{"job", "outcome"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.jobRuns,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.SQL(), string(db.Dialect())),
		&queueCollector{db: db},
	)
	return m
}

// Request records an answered request. route is the matched pattern
// ("GET /cases/{id}"), never the path, so that secrets in paths stay out
// and the number of series stays bounded; unmatched requests are "none".
func (m *Metrics) Request(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "none"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// JobRun records a round of a background job: outcome "ok", "error" or
// "skipped".
func (m *Metrics) JobRun(job, outcome string) {
	if m == nil {
		return
	}
	m.jobRuns.WithLabelValues(job, outcome).Inc()
}

// Handler writes the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// queueCollector reads the outbox's depth at each scrape.
type queueCollector struct{ db *store.DB }

var (
	queueWaiting = prometheus.NewDesc("styrkedjan_mail_queue_waiting", "Mail in the outbox waiting to be sent (new or to be retried).", nil, nil)
	queueFailed  = prometheus.NewDesc("styrkedjan_mail_queue_failed", "Mail in the outbox given up on after the last attempt.", nil, nil)
)

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueWaiting; ch <- queueFailed }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	waiting, failed, err := mail.QueueDepth(ctx, c.db)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueWaiting, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(queueWaiting, prometheus.GaugeValue, float64(waiting))
	ch <- prometheus.MustNewConstMetric(queueFailed, prometheus.GaugeValue, float64(failed))
}

// JobRuns returns how many rounds of job ended with outcome in this
// process (for tests and the jobs' own checks).
func (m *Metrics) JobRuns(job, outcome string) int {
	if m == nil {
		return 0
	}
	var pb dto.Metric
	if err := m.jobRuns.WithLabelValues(job, outcome).Write(&pb); err != nil {
		return 0
	}
	return int(pb.GetCounter().GetValue())
}
