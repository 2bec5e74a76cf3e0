package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/modules"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
)

// TestTraceImport imports an EPCIS 2.0 document through a running node
// and checks the report: every good event captured, the bad one named
// with its reason, exit code 3.
func TestTraceImport(t *testing.T) {
	home := t.TempDir()
	if err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-cli", Consortium: modules.Registry(), IP: "127.0.0.1",
		Ports: node.Ports{P2P: nettest.FreePort(t), RPC: nettest.FreePort(t), Gateway: nettest.FreePort(t)}}); err != nil {
		t.Fatal(err)
	}
	d, err := daemon.Start(context.Background(), home, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	keyFile := devnet.KeyFile(filepath.Join(home, "keys"), "coop")
	key, err := client.LoadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(d.GatewayURL)
	ctx := context.Background()
	for _, step := range []struct {
		action string
		body   any
	}{
		{"register_product", map[string]any{"gtin": "06901234000016", "name": "砀山酥梨"}},
		{"register_lot", map[string]any{"lot_id": "/01/06901234000016/10/DS2026B", "origin": map[string]any{"region": "安徽省宿州市砀山县"}, "produced_on": "2026-09-14"}},
	} {
		if _, err := c.Do(ctx, key, "trace", step.action, step.body); err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
	}

	var out, errOut bytes.Buffer
	err = Run(ctx, []string{"trace", "import", "--node", d.GatewayURL, "--key", keyFile, "testdata/coop-epcis.jsonld"}, &out, &errOut)
	code := exitCode(err, &errOut)
	report := out.String()
	if code != 3 || strings.Count(report, "✓") != 3 || strings.Count(report, "✗") != 1 || !strings.Contains(report, "teleporting") || !strings.Contains(report, "3 of 4 events captured") {
		t.Fatalf("exit %d\n%s%s", code, report, errOut.String())
	}
	var journey struct {
		Events []struct {
			BizStep string `json:"biz_step"`
		} `json:"events"`
	}
	if err := c.Get(ctx, "/v1/trace/journey?epc=/01/06901234000016/21/B0001", &journey); err != nil || len(journey.Events) != 3 {
		t.Fatalf("journey after import: %+v, %v", journey, err)
	}
}
