package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/modules"
)

// devHome writes a dev chain's home with fast consensus and settings
// changed by edit.
func devHome(t *testing.T, edit func(*node.Settings)) string {
	t.Helper()
	home := t.TempDir()
	err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-disktest", Consortium: modules.Registry(), IP: "127.0.0.1",
		Ports: nettest.FreePorts(t)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := node.LoadSettings(home)
	if err != nil {
		t.Fatal(err)
	}
	edit(&st)
	if err := node.SaveSettings(home, st); err != nil {
		t.Fatal(err)
	}
	return home
}

func getHealth(t *testing.T, base string) (int, gateway.Health) {
	t.Helper()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h gateway.Health
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatalf("healthz %d: %s: %v", resp.StatusCode, data, err)
	}
	return resp.StatusCode, h
}

// TestDiskThresholds checks what a node does as its disk fills: below the
// refuse threshold it refuses new transactions (and says so on /healthz
// and in its metrics) while it goes on storing blocks; below the stop
// threshold it stops on its own with a clear reason, after answering
// /healthz with that reason; and it does not start while the disk stays
// that full.
func TestDiskThresholds(t *testing.T) {
	home := devHome(t, func(s *node.Settings) { s.HaltLingerSeconds = 3 })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan *Daemon, 1)
	var free atomic.Uint64
	free.Store(100 << 30)
	runErr := make(chan error, 1)
	go func() {
		runErr <- RunWith(ctx, home, nil, modules.Registry(), func(d *Daemon) {
			d.disk.mu.Lock()
			d.disk.statfs = func(string) (uint64, uint64, error) { return free.Load(), 200 << 30, nil }
			d.disk.mu.Unlock()
			started <- d
		})
	}()
	var d *Daemon
	select {
	case d = <-started:
	case err := <-runErr:
		t.Fatalf("node did not start: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("node did not start in 60 s")
	}
	nettest.WaitFor(t, 30*time.Second, "the first block", func() bool { return d.App.Store().Version() >= 1 })
	c := client.New(d.GatewayURL)
	key, err := client.LoadKey(devnet.KeyFile(home+"/keys", devnet.ValidatorOrg))
	if err != nil {
		t.Fatal(err)
	}
	register := func() (*client.TxRecord, error) {
		k, _ := client.GenerateKey("sm2")
		return c.Do(ctx, key, "identity", "register_key", map[string]any{"public_key": k.PublicKey(), "name": "clerk"})
	}
	if _, err := register(); err != nil {
		t.Fatalf("with room on the disk: %v", err)
	}

	// Below the refuse threshold: transactions refused, the chain goes on.
	free.Store(DefaultDiskRefuseBytes - 1)
	if st := d.disk.check(); st.Level != DiskRefuse {
		t.Fatalf("disk level %v at %d bytes free", st.Level, st.FreeBytes)
	}
	if _, err := register(); !client.IsCode(err, "unavailable") || !strings.Contains(err.Error(), "disk space is low") {
		t.Fatalf("submit with the disk low: %v, want unavailable (disk space is low)", err)
	}
	code, h := getHealth(t, d.GatewayURL)
	if code != http.StatusServiceUnavailable || h.OK || len(h.Problems) != 1 || !strings.Contains(h.Problems[0], "disk space is low") {
		t.Fatalf("healthz with the disk low: %d %+v", code, h)
	}
	height := d.App.Store().Version()
	nettest.WaitFor(t, 30*time.Second, "blocks while the disk is low", func() bool { return d.App.Store().Version() > height+1 })
	metrics, err := http.Get(d.GatewayURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(metrics.Body)
	metrics.Body.Close()
	for _, want := range []string{"dengta_disk_level 2", "dengta_disk_free_bytes 4.294967295e+09", "dengta_disk_total_bytes 2.147483648e+11"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	// Back above: taken again.
	free.Store(100 << 30)
	d.disk.check()
	if _, err := register(); err != nil {
		t.Fatalf("with room again: %v", err)
	}

	// Below the stop threshold: the node stops on its own. Meanwhile
	// /healthz says why and submits are refused.
	free.Store(DefaultDiskStopBytes - 1)
	d.disk.check()
	select {
	case <-d.Halted():
	case <-time.After(10 * time.Second):
		t.Fatal("no halt below the stop threshold")
	}
	code, h = getHealth(t, d.GatewayURL)
	if code != http.StatusServiceUnavailable || !strings.Contains(strings.Join(h.Problems, " "), "disk almost full") {
		t.Errorf("healthz while stopping: %d %+v", code, h)
	}
	if _, err := register(); !client.IsCode(err, "unavailable") {
		t.Errorf("submit while stopping: %v, want unavailable", err)
	}
	var he *HaltError
	select {
	case err := <-runErr:
		if !errors.As(err, &he) || he.Reason != ReasonDisk || !strings.Contains(he.Error(), "disk almost full") || he.Hint == "" {
			t.Fatalf("run ended with %v, want a disk halt", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the node did not stop after the halt")
	}

	// It does not start again while the disk is that full.
	st, _ := node.LoadSettings(home)
	st.DiskStopBytes = 1 << 62
	if err := node.SaveSettings(home, st); err != nil {
		t.Fatal(err)
	}
	if _, err := Start(context.Background(), home, nil); !errors.As(err, &he) || he.Reason != ReasonDisk {
		t.Fatalf("start with the disk full: %v, want a disk halt", err)
	}
}
