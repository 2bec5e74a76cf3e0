package bench

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/workload"
)

// TestAdminKeyFile: workloads find an organisation's admin key where the
// dev networks write it (the workload package imports no devnet code).
func TestAdminKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	net := &workload.Network{KeysDir: dir}
	for _, org := range []string{"coop", "bank", "org-12"} {
		if got, want := net.AdminKeyFile(org), devnet.KeyFile(dir, org); got != want {
			t.Errorf("AdminKeyFile(%q) = %s, devnet.KeyFile = %s", org, got, want)
		}
	}
}

// TestNetworkProcesses: the harness stops the processes it started, and
// leaves an attached network (no process of its own) alone.
func TestNetworkProcesses(t *testing.T) {
	attached := newNetwork(&workload.Network{Nodes: []*workload.Node{{Name: "coop"}}})
	if attached.started() || attached.stop(time.Second) != nil {
		t.Fatal("an attached network counts as started")
	}
	log := filepath.Join(t.TempDir(), "sleep.log")
	net := newNetwork(&workload.Network{Nodes: []*workload.Node{{Name: "a", Log: log}, {Name: "b", Log: log}}})
	if err := net.start(1, "sleep", []string{"60"}); err != nil {
		t.Skip("no sleep command:", err)
	}
	if !net.started() || net.procs[0] != nil || !net.procs[1].running() || net.Nodes[1].PID == 0 {
		t.Fatalf("after starting node 1: procs %v, pid %d", net.procs, net.Nodes[1].PID)
	}
	if err := net.stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if net.procs[1].running() {
		t.Fatal("still running after stop")
	}
}
