package traceplug_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// benchItems are the boxes the scan benchmark scans: the demo lot's
// /21/B000000.. serials, commissioned in Setup.
const benchItems = 20_000

// commissionItems has the cooperative commission n boxes of the demo lot,
// 500 per event, pipelined.
func commissionItems(tb testing.TB, c *client.Client, key *client.Key, n int) {
	tb.Helper()
	ctx := context.Background()
	chainID, err := c.ChainID(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	nonce, err := c.NextNonce(ctx, key.ID())
	if err != nil {
		tb.Fatal(err)
	}
	var hashes []string
	for start := 0; start < n; start += trace.MaxEPCsPerEvent {
		var epcs []string
		for i := start; i < min(n, start+trace.MaxEPCsPerEvent); i++ {
			epcs = append(epcs, fmt.Sprintf("/01/06901234567892/21/B%06d", i))
		}
		body, _ := json.Marshal(traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionAdd, EPCList: epcs, Lot: "/01/06901234567892/10/L2026",
			BizStep: trace.StepCommissioning, Disposition: "active", EventTime: time.Now().Add(-time.Minute).Format(time.RFC3339)})
		raw, err := key.Sign(chainID, nonce, traceapi.Name, traceapi.Capture.Name, body)
		if err != nil {
			tb.Fatal(err)
		}
		nonce++
		h, err := c.SubmitAsync(ctx, raw)
		if err != nil {
			tb.Fatal(err)
		}
		hashes = append(hashes, h)
	}
	for _, h := range hashes {
		for {
			rec, err := c.Tx(ctx, h)
			if err == nil {
				if rec.Code != 0 {
					tb.Fatalf("commission: %s", rec.Log)
				}
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// BenchmarkPublicScans measures public scans through a real node's public
// page path: GET /01/<GTIN>/21/<serial> with a device cookie, the page
// rendered, the scan checked, limited and queued, and the node's batcher
// signing record_scans batches with the operator key and committing them.
// 32 phones scan in parallel; each phone moves to a new client address
// (127.x.y.z, the limits are per address) every 20 scans and scans a box
// it has not scanned before, so that every view counts. It reports page
// views per second (all counted) and scans per second committed on chain,
// counted from the first view to the last scan's commit.
func BenchmarkPublicScans(b *testing.B) {
	d, home, c := demoNode(b)
	coop, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "coop"))
	if err != nil {
		b.Fatal(err)
	}
	commissionItems(b, c, coop, benchItems)
	base := d.GatewayURL
	const phones, perAddr = 32, 20
	if b.N > phones*benchItems {
		b.Fatalf("at most %d scans", phones*benchItems)
	}
	cookies := make([]*http.Cookie, phones)
	for w := range phones {
		ph := phone(b, fmt.Sprintf("127.20.%d.1", w), true, true)
		get(b, ph, base+demoItem(1))
		u, _ := http.NewRequest("GET", base, nil)
		for _, ck := range ph.Jar.Cookies(u.URL) {
			if ck.Name == "dengta_device" {
				cookies[w] = ck
			}
		}
		if cookies[w] == nil {
			b.Fatal("no device cookie")
		}
	}
	var counted, notCounted atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range phones {
		n := b.N / phones
		if w < b.N%phones {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cl *http.Client
			for i := range n {
				if i%perAddr == 0 {
					j := i / perAddr
					dl := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, byte(30+w), byte(j/250), byte(j%250+1))}}
					cl = &http.Client{Transport: &http.Transport{DialContext: dl.DialContext, MaxIdleConnsPerHost: 1},
						CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				}
				item := fmt.Sprintf("/01/06901234567892/21/B%06d", (w*617+i)%benchItems)
				req, _ := http.NewRequest("GET", base+item, nil)
				req.AddCookie(cookies[w])
				resp, err := cl.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`id="not-counted"`)) {
					notCounted.Add(1)
					continue
				}
				counted.Add(1)
			}
		}()
	}
	wg.Wait()
	views := time.Since(start)
	b.StopTimer()
	// Wait for the batches: every scanned box's scans committed.
	deadline := time.Now().Add(2 * time.Minute)
	for w := range phones {
		last := fmt.Sprintf("/01/06901234567892/21/B%06d", (w*617+b.N/phones)%benchItems)
		for scanPage(b, c, last).PendingScans > 0 {
			if time.Now().After(deadline) {
				b.Fatal("scans still pending after 2 minutes")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	total := time.Since(start)
	if notCounted.Load() > 0 {
		b.Errorf("%d of %d page views not counted", notCounted.Load(), b.N)
	}
	b.ReportMetric(float64(counted.Load())/views.Seconds(), "views/s")
	b.ReportMetric(float64(counted.Load())/total.Seconds(), "committed-scans/s")
}

// epcisBenchDoc is an EPCIS 2.0 document of the cooperative's events, in
// groups of four: ten boxes commissioned, packed on a pallet, the pallet
// stored with five temperature readings, and shipped to the carrier.
func epcisBenchDoc(groups, doc int, now time.Time) []byte {
	tag := fmt.Sprintf("E%03d", doc)
	var evs []map[string]any
	t := func(k int) string { return now.Add(-time.Hour + time.Duration(k)*time.Second).Format(time.RFC3339) }
	id := func(g, k int) string { return fmt.Sprintf("urn:uuid:%08x-%04x-4000-8000-%012x", g, doc, k) }
	for g := range groups {
		var epcs []string
		for i := range 10 {
			epcs = append(epcs, fmt.Sprintf("https://id.gs1.org/01/06901234567892/21/%s%05d%02d", tag, g, i))
		}
		sscc := fmt.Sprintf("06901234%04d%05d", doc, g)
		sscc += string(trace.GS1CheckDigit(sscc))
		pallet := "https://id.gs1.org/00/" + sscc
		var reports []map[string]any
		for r := range 5 {
			reports = append(reports, map[string]any{"type": "gs1:Temperature", "value": 3.5 + float64(r)/2, "uom": "CEL", "time": t(4*g + 2)})
		}
		evs = append(evs,
			map[string]any{"type": "ObjectEvent", "eventID": id(g, 0), "eventTime": t(4 * g), "eventTimeZoneOffset": "+08:00", "epcList": epcs, "action": "ADD",
				"bizStep": "commissioning", "disposition": "active", "ilmd": map[string]any{"cbvmda:lotNumber": "L2026"}},
			map[string]any{"type": "AggregationEvent", "eventID": id(g, 1), "eventTime": t(4*g + 1), "eventTimeZoneOffset": "+08:00", "parentID": pallet, "childEPCs": epcs,
				"action": "ADD", "bizStep": "packing"},
			map[string]any{"type": "ObjectEvent", "eventID": id(g, 2), "eventTime": t(4*g + 2), "eventTimeZoneOffset": "+08:00", "epcList": []string{pallet}, "action": "OBSERVE",
				"bizStep": "storing", "sensorElementList": []map[string]any{{"sensorMetadata": map[string]any{"time": t(4*g + 2)}, "sensorReport": reports}}},
			map[string]any{"type": "ObjectEvent", "eventID": id(g, 3), "eventTime": t(4*g + 3), "eventTimeZoneOffset": "+08:00", "epcList": []string{pallet}, "action": "OBSERVE",
				"bizStep": "shipping", "disposition": "in_transit", "destinationList": []map[string]any{{"type": "possessing_party", "destination": "urn:dengta:org:logistics"}}})
	}
	out, _ := json.Marshal(map[string]any{"@context": []string{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"}, "type": "EPCISDocument",
		"schemaVersion": "2.0", "creationDate": now.Format(time.RFC3339), "epcisBody": map[string]any{"eventList": evs}})
	return out
}

// BenchmarkEPCISImport measures EPCIS events imported per second through
// a real node with `dengta trace import`: the node converts and checks
// the document's 400 events, the command signs each ready event and the
// node commits them (pipelined, in document order). Each op is a new
// document; its events are all captured.
func BenchmarkEPCISImport(b *testing.B) {
	d, home, _ := demoNode(b)
	keyFile := devnet.KeyFile(filepath.Join(home, "keys"), "coop")
	const groups = 100
	dir := b.TempDir()
	var files []string
	for i := range b.N {
		f := filepath.Join(dir, fmt.Sprintf("doc%d.jsonld", i))
		if err := os.WriteFile(f, epcisBenchDoc(groups, i, time.Now()), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	b.ResetTimer()
	for i := range b.N {
		var out, errOut bytes.Buffer
		if err := run(b, context.Background(), []string{"import", "--node", d.GatewayURL, "--key", keyFile, files[i]}, &out, &errOut); err != nil {
			b.Fatalf("%v\n%s", err, failed(out.String()))
		}
	}
	b.ReportMetric(float64(b.N*groups*4)/b.Elapsed().Seconds(), "events/s")
}

// failed returns the lines of an import report that are not ✓.
func failed(report string) string {
	var out []string
	for _, l := range strings.Split(report, "\n") {
		if !strings.HasPrefix(l, "✓") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
