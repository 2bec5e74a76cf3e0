package daemon

import (
	"fmt"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dengta-chain/dengta/internal/node"
)

// The disk thresholds a node acts on, on the filesystem of its data
// directory, unless its settings say otherwise (node.Settings.Disk*).
// Pebble needs free space to flush and compact; once a write fails the
// storage engines give up for good, so the node acts well before that.
const (
	// DefaultDiskWarnBytes: below this, warn every check and report it.
	DefaultDiskWarnBytes = 10 << 30
	// DefaultDiskRefuseBytes: below this, the gateway and the node's own
	// services refuse new transactions (the chain goes on, and blocks
	// of the other members are still stored).
	DefaultDiskRefuseBytes = 4 << 30
	// DefaultDiskStopBytes: below this, the node stops cleanly, before a
	// failed write can stop consensus in the middle of a block.
	DefaultDiskStopBytes = 1 << 30
)

// diskCheckInterval is how often the free space is looked at.
const diskCheckInterval = 5 * time.Second

// DiskLevel is how the free space compares with the thresholds.
type DiskLevel int

// Disk levels, in increasing order of trouble.
const (
	DiskOK DiskLevel = iota
	DiskWarn
	DiskRefuse
	DiskStop
)

func (l DiskLevel) String() string {
	return [...]string{"ok", "warn", "refuse", "stop"}[l]
}

// DiskStatus is the last look at the data directory's filesystem.
type DiskStatus struct {
	Path       string
	FreeBytes  uint64 // available to the node's user
	TotalBytes uint64
	Level      DiskLevel
	Checked    time.Time
	Err        error // the last check failed
}

// diskMonitor watches the free space of the node's data directory.
type diskMonitor struct {
	path                 string
	warn, refuse, stop   uint64
	log                  *slog.Logger
	statfs               func(path string) (free, total uint64, err error)
	onStop               func(error)
	free, total, level   prometheus.Gauge
	mu                   sync.Mutex
	status               DiskStatus
	started              bool
	quit                 chan struct{}
	done                 chan struct{}
	stopOnce, reportOnce sync.Once
}

func newDiskMonitor(home string, s node.Settings, logger *slog.Logger, onStop func(error)) *diskMonitor {
	m := &diskMonitor{
		path:   node.DataDir(home),
		warn:   orDefault(s.DiskWarnBytes, DefaultDiskWarnBytes),
		refuse: orDefault(s.DiskRefuseBytes, DefaultDiskRefuseBytes),
		stop:   orDefault(s.DiskStopBytes, DefaultDiskStopBytes),
		log:    logger,
		statfs: statfs,
		onStop: onStop,
		free: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "dengta", Subsystem: "disk", Name: "free_bytes",
			Help: "Bytes available to the node on the filesystem of its data directory."}),
		total: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "dengta", Subsystem: "disk", Name: "total_bytes",
			Help: "Size of the filesystem of the node's data directory."}),
		level: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "dengta", Subsystem: "disk", Name: "level",
			Help: "0 ok, 1 below the warning threshold, 2 refusing new transactions, 3 stopping the node."}),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	m.status.Path = m.path
	return m
}

func orDefault(v int64, d uint64) uint64 {
	if v > 0 {
		return uint64(v)
	}
	return d
}

func statfs(path string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, err
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), nil
}

func (m *diskMonitor) register(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.free, m.total, m.level} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// check looks at the free space once and acts on it.
func (m *diskMonitor) check() DiskStatus {
	m.mu.Lock()
	look := m.statfs
	m.mu.Unlock()
	free, total, err := look(m.path)
	st := DiskStatus{Path: m.path, FreeBytes: free, TotalBytes: total, Checked: time.Now(), Err: err}
	m.mu.Lock()
	prev := m.status
	if err != nil {
		// Keep the last good numbers; a failing statfs is logged.
		st.FreeBytes, st.TotalBytes, st.Level = prev.FreeBytes, prev.TotalBytes, prev.Level
	} else {
		switch {
		case free < m.stop:
			st.Level = DiskStop
		case free < m.refuse:
			st.Level = DiskRefuse
		case free < m.warn:
			st.Level = DiskWarn
		}
	}
	m.status = st
	m.mu.Unlock()
	if err != nil {
		m.log.Error("disk check", "path", m.path, "err", err)
		return st
	}
	m.free.Set(float64(free))
	m.total.Set(float64(total))
	m.level.Set(float64(st.Level))
	switch {
	case st.Level == DiskStop:
		m.reportOnce.Do(func() {
			m.onStop(fmt.Errorf("disk almost full: %s free on the filesystem of %s, below the stop threshold of %s; the node stops before a write fails in the middle of a block",
				bytesIEC(free), m.path, bytesIEC(m.stop)))
		})
	case st.Level >= DiskWarn:
		// Once per check while it lasts: the operator must see it.
		m.log.Warn("disk space low", "path", m.path, "free", bytesIEC(free), "total", bytesIEC(total),
			"refusing_transactions", st.Level >= DiskRefuse, "refuse_below", bytesIEC(m.refuse), "stop_below", bytesIEC(m.stop))
	case prev.Level >= DiskWarn:
		m.log.Info("disk space back above the thresholds", "path", m.path, "free", bytesIEC(free))
	}
	return st
}

// start checks the disk in the background until close.
func (m *diskMonitor) start() {
	m.mu.Lock()
	m.started = true
	m.mu.Unlock()
	go m.run()
}

func (m *diskMonitor) run() {
	defer close(m.done)
	t := time.NewTicker(diskCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-m.quit:
			return
		case <-t.C:
			m.check()
		}
	}
}

// close stops the checks started by start and waits for them.
func (m *diskMonitor) close() {
	m.mu.Lock()
	started := m.started
	m.mu.Unlock()
	m.stopOnce.Do(func() { close(m.quit) })
	if started {
		<-m.done
	}
}

// Status returns the last look at the disk.
func (m *diskMonitor) Status() DiskStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// bytesIEC formats a byte count for people: 1.5 GiB.
func bytesIEC(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for v := n / unit; v >= unit; v /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
