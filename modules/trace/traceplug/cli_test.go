package traceplug_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/modules/trace/traceplug"
)

// assignPrefixes has the dev chain's regulator assign the demo GS1
// prefixes (6901234 to the cooperative...).
func assignPrefixes(t *testing.T, c *client.Client, home string) {
	t.Helper()
	reg, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "regulator"))
	if err != nil {
		t.Fatal(err)
	}
	for org, p := range traceplug.DemoPrefixes {
		if _, _, err := client.Send(context.Background(), c, reg, traceapi.AssignPrefix, traceapi.PrefixBody{Prefix: p, Org: org}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTraceImport imports an EPCIS 2.0 document through a running node
// and checks the report: every good event captured, the bad one named
// with its reason and where it is, exit code 3; imported again, the
// captured events are reported as already on chain, not as failures.
func TestTraceImport(t *testing.T) {
	d, home := nodetest.Dev(t)
	keyFile := devnet.KeyFile(filepath.Join(home, "keys"), "coop")
	key, err := client.LoadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(d.GatewayURL)
	ctx := context.Background()
	assignPrefixes(t, c, home)
	if _, _, err := client.Send(ctx, c, key, traceapi.RegisterProduct, traceapi.ProductBody{GTIN: "06901234000016", Name: "砀山酥梨"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Send(ctx, c, key, traceapi.RegisterLot, traceapi.LotBody{LotID: "/01/06901234000016/10/DS2026B",
		Origin: &traceapi.OriginBody{Region: "安徽省宿州市砀山县"}, ProducedOn: "2026-09-14"}); err != nil {
		t.Fatal(err)
	}

	importDoc := func(args ...string) (string, int) {
		var out, errOut bytes.Buffer
		err := run(t, ctx, append([]string{"import", "--node", d.GatewayURL, "--key", keyFile}, args...), &out, &errOut)
		var ue *cli.UserError
		code := 0
		if errors.As(err, &ue) {
			code = ue.Code
		} else if err != nil {
			t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
		}
		return out.String(), code
	}
	report, code := importDoc("--lang", "en", "testdata/coop-epcis.jsonld")
	if code != 3 || strings.Count(report, "✓") != 3 || strings.Count(report, "✗") != 1 || !strings.Contains(report, "teleporting") ||
		!strings.Contains(report, "epcisBody.eventList[3].bizStep") || !strings.Contains(report, "3 of 4 events captured") {
		t.Fatalf("exit %d\n%s", code, report)
	}
	// The September events are months old: accepted, marked late.
	journey, err := client.Read(ctx, c, traceapi.GetJourney, traceapi.EPCParams{EPC: "/01/06901234000016/21/B0001"})
	if err != nil || len(journey.Events) != 3 {
		t.Fatalf("journey after import: %+v, %v", journey, err)
	}
	for _, e := range journey.Events {
		if !e.Late {
			t.Errorf("event %s of %s recorded in December is not marked late", e.ID, e.EventTime)
		}
	}
	// Again, in Chinese: the whole report.
	report, code = importDoc("--lang", "zh", "testdata/coop-epcis.jsonld")
	for _, want := range []string{"= 事件 0 ", "此前已在链上", "✗ 事件 3 ", "无法转换", "已上链 0 个事件（共 4 个），3 个此前已在链上"} {
		if code != 3 || !strings.Contains(report, want) {
			t.Fatalf("exit %d, no %q\n%s", code, want, report)
		}
	}
	if strings.Contains(report, " already_recorded (") || strings.Contains(report, "not_converted (") || strings.Contains(report, "events captured") {
		t.Fatalf("English in the Chinese report:\n%s", report)
	}
	var frOut bytes.Buffer
	if err := run(t, ctx, []string{"import", "--node", d.GatewayURL, "--key", keyFile, "--lang", "fr", "testdata/coop-epcis.jsonld"}, &frOut, &frOut); err == nil || !strings.Contains(err.Error(), "zh or en") {
		t.Fatalf("--lang fr: %v\n%s", err, frOut.String())
	}
	// Again, in Chinese, as JSON: three already on chain, one refused.
	report, code = importDoc("--lang", "zh", "--json", "testdata/coop-epcis.jsonld")
	var lines []traceapi.ImportIssue
	if err := json.Unmarshal([]byte(report), &lines); err != nil {
		t.Fatalf("%v\n%s", err, report)
	}
	statuses := map[string]int{}
	for _, l := range lines {
		statuses[l.Status]++
	}
	if code != 3 || statuses[traceapi.ImportRecorded] != 3 || len(lines) != 4 || !strings.Contains(lines[3].Message, "teleporting") || !strings.Contains(lines[3].Message, "术语") {
		t.Fatalf("exit %d, %v\n%s", code, statuses, report)
	}

	// The item's journey as an EPCIS 2.0 document.
	var out, errOut bytes.Buffer
	file := filepath.Join(t.TempDir(), "b0001.jsonld")
	if err := run(t, ctx, []string{"export", "--node", d.GatewayURL, "--out", file, "/01/06901234000016/21/B0001"}, &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var exported struct {
		Type      string `json:"type"`
		EPCISBody struct {
			EventList []map[string]any `json:"eventList"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(doc, &exported); err != nil || exported.Type != "EPCISDocument" || len(exported.EPCISBody.EventList) != 3 {
		t.Fatalf("export: %v\n%s", err, doc)
	}

	// QR labels: a recorded item's, and none for a code the chain never
	// issued (its label would lead buyers to the counterfeit warning).
	png := filepath.Join(t.TempDir(), "b0001.png")
	if err := run(t, ctx, []string{"qr", "--node", d.GatewayURL, "--out", png, "/01/06901234000016/21/B0001"}, &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("qr label: %v %q", err, b[:min(8, len(b))])
	}
	never := filepath.Join(t.TempDir(), "never.png")
	err = run(t, ctx, []string{"qr", "--node", d.GatewayURL, "--out", never, "/01/06901234000016/21/NEVER1"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "never commissioned") {
		t.Fatalf("qr of a code never issued: %v", err)
	}
	if _, err := os.Stat(never); !os.IsNotExist(err) {
		t.Fatalf("a label was written for a code never issued (%v)", err)
	}
}

// run runs `dengta trace` with args.
func run(t testing.TB, ctx context.Context, args []string, out, errOut io.Writer) error {
	t.Helper()
	for _, c := range traceplug.Module().CLI {
		if c.Name == "trace" {
			return c.Run(ctx, args, out, errOut)
		}
	}
	t.Fatal("the module has no trace command")
	return nil
}
