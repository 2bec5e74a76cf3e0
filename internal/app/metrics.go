package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// metrics of the application. They are created unregistered so that the
// app works without a registry; RegisterMetrics adds them to the node's.
type metrics struct {
	height     prometheus.Gauge
	txs        *prometheus.CounterVec
	checks     *prometheus.CounterVec
	blockTxs   prometheus.Histogram
	sigLookups prometheus.CounterFunc
	sigHits    prometheus.CounterFunc
	// finalize and commit time the application's work on each block:
	// executing its transactions, and writing the state to disk.
	finalize prometheus.Histogram
	commit   prometheus.Histogram
	// snapshotHeight is the height of the newest snapshot taken.
	snapshotHeight prometheus.Gauge
}

func newMetrics(a *App) *metrics {
	return &metrics{
		height: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "dengta", Subsystem: "app", Name: "height", Help: "Height of the last committed block."}),
		txs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dengta", Subsystem: "app", Name: "block_txs_total",
			Help: "Transactions executed in blocks, by module and result code."}, []string{"module", "code"}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dengta", Subsystem: "app", Name: "check_txs_total",
			Help: "Mempool checks, by result code."}, []string{"code"}),
		blockTxs: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "dengta", Subsystem: "app", Name: "block_size_txs",
			Help: "Transactions per block.", Buckets: prometheus.ExponentialBuckets(1, 4, 9)}),
		sigLookups: prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "dengta", Subsystem: "app", Name: "sig_cache_lookups_total",
			Help: "Signature cache lookups."}, func() float64 { l, _ := a.sigs.stats(); return float64(l) }),
		sigHits: prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "dengta", Subsystem: "app", Name: "sig_cache_hits_total",
			Help: "Signature cache hits: signatures not verified again in a block."}, func() float64 { _, h := a.sigs.stats(); return float64(h) }),
		finalize: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "dengta", Subsystem: "app", Name: "finalize_seconds",
			Help: "Time the application took to execute a block's transactions (FinalizeBlock).", Buckets: execBuckets}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "dengta", Subsystem: "app", Name: "commit_seconds",
			Help: "Time the application took to write a block's state to disk (Commit).", Buckets: execBuckets}),
		snapshotHeight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "dengta", Subsystem: "app", Name: "snapshot_height",
			Help: "Height of the newest state-sync snapshot this node took (0: none yet)."}),
	}
}

// RegisterMetrics adds the application's metrics to reg.
func (a *App) RegisterMetrics(reg prometheus.Registerer) error {
	m := a.metrics
	for _, c := range []prometheus.Collector{m.height, m.txs, m.checks, m.blockTxs, m.sigLookups, m.sigHits, m.finalize, m.commit, m.snapshotHeight} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	m.height.Set(float64(a.store.Version()))
	return nil
}

func (m *metrics) check(code errcode.Code) { m.checks.WithLabelValues(code.Name()).Inc() }

// execBuckets span a block's execution or commit, from an empty block to
// a full one on a slow disk.
var execBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
