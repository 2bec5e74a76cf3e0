package gateway

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// metrics of the API, registered in the node's own registry.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "dengta", Subsystem: "api", Name: "requests_total",
			Help: "API requests by route and result code name.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "dengta", Subsystem: "api", Name: "request_seconds",
			Help:    "API request latency by route.",
			Buckets: []float64{.001, .005, .02, .1, .5, 1, 2, 5, 15, 30},
		}, []string{"route"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.latency)
	}
	return m
}

func (m *metrics) observe(route string, code errcode.Code, d time.Duration) {
	m.requests.WithLabelValues(route, code.Name()).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}
