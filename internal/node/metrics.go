package node

import (
	"sync"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/prometheus/client_golang/prometheus"
)

// registererMu serialises the swaps of prometheus.DefaultRegisterer below.
var registererMu sync.Mutex

// metricsProvider returns a CometBFT MetricsProvider that registers all of
// the node's metrics in reg instead of the process-wide default registry.
//
// Why the swap: CometBFT v1.0.1's generated PrometheusMetrics functions
// (consensus, p2p, mempool, state, store, proxy, blocksync, statesync)
// register every metric with prometheus.MustRegister, i.e. in
// prometheus.DefaultRegisterer, and take no registerer argument. A second
// node in the same process (tests, local testnets) would panic on the
// duplicate registration, and one registry could not tell the nodes apart
// anyway. So while the metrics are built, DefaultRegisterer points at the
// node's own registry, under a package-level mutex so that two nodes
// starting at once cannot interleave their swaps, and it is restored
// afterwards. Code outside this package that touches DefaultRegisterer
// during those microseconds is not covered by the mutex; nothing in Dengta
// does.
//
// The metrics are built through cmtnode.DefaultMetricsProvider (with
// Prometheus forced on) rather than by calling cs.PrometheusMetrics and
// friends directly: consensus and blocksync live in CometBFT's internal/
// tree, which this module cannot import.
func metricsProvider(reg prometheus.Registerer, namespace string) cmtnode.MetricsProvider {
	inner := cmtnode.DefaultMetricsProvider(&cmtcfg.InstrumentationConfig{
		Prometheus: true,
		Namespace:  namespace,
	})
	return withRegisterer(reg, inner)
}

// withRegisterer wraps a metrics provider so that it runs with
// prometheus.DefaultRegisterer set to reg. It is generic only so that the
// result types, some of them in CometBFT internal packages, need not be
// named.
func withRegisterer[A, B, C, D, E, F, G, H any](
	reg prometheus.Registerer,
	provide func(chainID string) (A, B, C, D, E, F, G, H),
) func(chainID string) (A, B, C, D, E, F, G, H) {
	return func(chainID string) (A, B, C, D, E, F, G, H) {
		registererMu.Lock()
		defer registererMu.Unlock()
		prev := prometheus.DefaultRegisterer
		prometheus.DefaultRegisterer = reg
		defer func() { prometheus.DefaultRegisterer = prev }()
		return provide(chainID)
	}
}
