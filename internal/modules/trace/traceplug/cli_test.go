package traceplug_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/internal/modules/trace/traceplug"
	"github.com/dengta-chain/dengta/internal/nodetest"
)

// TestTraceImport imports an EPCIS 2.0 document through a running node
// and checks the report: every good event captured, the bad one named
// with its reason, exit code 3.
func TestTraceImport(t *testing.T) {
	d, home := nodetest.Dev(t)
	keyFile := devnet.KeyFile(filepath.Join(home, "keys"), "coop")
	key, err := client.LoadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(d.GatewayURL)
	ctx := context.Background()
	if _, _, err := client.Send(ctx, c, key, traceapi.RegisterProduct, traceapi.ProductBody{GTIN: "06901234000016", Name: "砀山酥梨"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Send(ctx, c, key, traceapi.RegisterLot, traceapi.LotBody{LotID: "/01/06901234000016/10/DS2026B",
		Origin: &traceapi.OriginBody{Region: "安徽省宿州市砀山县"}, ProducedOn: "2026-09-14"}); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	err = run(t, ctx, []string{"import", "--node", d.GatewayURL, "--key", keyFile, "testdata/coop-epcis.jsonld"}, &out, &errOut)
	var ue *cli.UserError
	code := 0
	if errors.As(err, &ue) {
		code = ue.Code
	}
	report := out.String()
	if code != 3 || strings.Count(report, "✓") != 3 || strings.Count(report, "✗") != 1 || !strings.Contains(report, "teleporting") || !strings.Contains(report, "3 of 4 events captured") {
		t.Fatalf("exit %d\n%s%s", code, report, errOut.String())
	}
	journey, err := client.Read(ctx, c, traceapi.GetJourney, traceapi.EPCParams{EPC: "/01/06901234000016/21/B0001"})
	if err != nil || len(journey.Events) != 3 {
		t.Fatalf("journey after import: %+v, %v", journey, err)
	}
}

// run runs `dengta trace` with args.
func run(t *testing.T, ctx context.Context, args []string, out, errOut io.Writer) error {
	t.Helper()
	for _, c := range traceplug.Module().CLI {
		if c.Name == "trace" {
			return c.Run(ctx, args, out, errOut)
		}
	}
	t.Fatal("the module has no trace command")
	return nil
}
