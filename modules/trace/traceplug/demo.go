package traceplug

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// DemoPrefixes are the GS1 company prefixes the dev chain's regulator
// assigns to the demo organisations, so that they can register products,
// places and parties under them (the examples use 6901234: the
// cooperative's).
var DemoPrefixes = map[string]string{"coop": "6901234", "foodgroup": "6902468", "logistics": "6903579", "market": "6904680"}

// Demo identifiers of the seeded story.
const (
	demoGTIN = "06901234567892"
	demoLot  = "/01/" + demoGTIN + "/10/L2026"
)

// seedDemo records the module's demo story on a new dev chain: the
// regulator assigns the demo prefixes; the cooperative registers its
// orchard and packing house, a cold-chain product (0–8 °C) and a lot,
// commissions three boxes and sells them to the supermarket; the carrier
// takes them in a refrigerated truck
// (with the truck's temperature log, one reading too warm) and delivers
// them to the supermarket, which sells one. On the dev chain (seedDemo,
// not SeedStory) the cooperative then recalls a box still on the shelf and
// five consumers scan the sold one from four cities. Scanning
// /01/06901234567892/21/SN0001 then shows the whole journey and the
// temperature chart.
func seedDemo(ctx context.Context, env *plug.DemoEnv) error {
	now := time.Now()
	if err := SeedStory(ctx, env.Client, env.Admin, now); err != nil {
		return err
	}
	// The cooperative recalls the box still on the shelf (SN0002).
	coop, err := env.Admin("coop")
	if err != nil {
		return err
	}
	recall := traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionObserve, EPCList: []string{"/01/" + demoGTIN + "/21/SN0002"},
		BizStep: trace.StepRecalling, EventTime: cst(now.Add(-30 * time.Minute))}
	if _, err := env.Client.Do(ctx, coop, traceapi.Name, traceapi.Capture.Name, recall); err != nil {
		return fmt.Errorf("coop recall: %w", err)
	}
	return consumerScans(ctx, env)
}

// demoScans are the cities of the consumers who scan the sold box's QR
// code in the demo, one phone each.
var demoScans = []string{"上海", "上海", "北京", "合肥", "宿州"}

// consumerScans has consumers scan the sold box on the public scan page,
// as their phones would (each with its own cookies, having chosen its
// city), and waits until the node's scan batch is on chain.
func consumerScans(ctx context.Context, env *plug.DemoEnv) error {
	epc := "/01/" + demoGTIN + "/21/SN0003"
	for _, city := range demoScans {
		jar, _ := cookiejar.New(nil)
		phone := &http.Client{Jar: jar, Timeout: 30 * time.Second}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(env.PublicURL, "/")+epc+"?city="+url.QueryEscape(city), nil)
		if err != nil {
			return err
		}
		resp, err := phone.Do(req)
		if err != nil {
			return fmt.Errorf("scan from %s: %w", city, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("scan from %s: %s", city, resp.Status)
		}
	}
	for deadline := time.Now().Add(time.Minute); ; {
		p, err := client.Read(ctx, env.Client, traceapi.GetScanPage, traceapi.EPCParams{EPC: epc})
		if err == nil && p.PendingScans == 0 && p.Page != nil && p.Scans.Count >= int64(len(demoScans)) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the demo scans of %s were not recorded in a minute", epc)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// SeedStory records the demo story through c with the organisations'
// admin keys (admin), its events in the hours before now.
func SeedStory(ctx context.Context, c *client.Client, admin func(org string) (*client.Key, error), now time.Time) error {
	keys := map[string]*client.Key{}
	for _, org := range []string{"regulator", "coop", "logistics", "market", "foodgroup"} {
		k, err := admin(org)
		if err != nil {
			return err
		}
		keys[org] = k
	}
	send := func(org string, a string, body any) error {
		if _, err := c.Do(ctx, keys[org], traceapi.Name, a, body); err != nil {
			return fmt.Errorf("%s %s: %w", org, a, err)
		}
		return nil
	}
	for _, org := range []string{"coop", "foodgroup", "logistics", "market"} {
		if err := send("regulator", traceapi.AssignPrefix.Name, traceapi.PrefixBody{Prefix: DemoPrefixes[org], Org: org, Note: "demo"}); err != nil {
			return err
		}
	}
	gln := func(org, ref string) string { return "/414/" + gs1(DemoPrefixes[org]+ref) }
	orchard, packing := gln("coop", "00001"), gln("coop", "00002")
	depot, store := gln("logistics", "00001"), gln("market", "00001")
	for _, l := range []struct{ org, gln, name, typ string }{
		{"coop", orchard, "良梨镇果园", "farm"}, {"coop", packing, "梨都果品包装厂", "factory"},
		{"logistics", depot, "皖运冷链宿州仓", "warehouse"}, {"market", store, "惠民超市长江路店", "store"},
	} {
		if err := send(l.org, traceapi.RegisterLocation.Name, traceapi.LocationBody{GLN: l.gln, Name: l.name, Type: l.typ}); err != nil {
			return err
		}
	}
	if err := send("coop", traceapi.RegisterProduct.Name, traceapi.ProductBody{GTIN: demoGTIN, Name: "砀山酥梨 5kg 礼盒", NameEN: "Dangshan pears, 5 kg gift box",
		Brand: "梨都", Category: "水果", Spec: "5kg", Conditions: &traceapi.Conditions{Type: "Temperature", Min: "0", Max: "8", UOM: "CEL"}}); err != nil {
		return err
	}
	day := now.In(chinaTime).AddDate(0, 0, -1).Format(time.DateOnly)
	q := int64(1000)
	if err := send("coop", traceapi.RegisterLot.Name, traceapi.LotBody{LotID: demoLot, Origin: &traceapi.OriginBody{Region: "安徽省宿州市砀山县", Location: orchard, Farm: "良梨镇果园"},
		ProducedOn: day, ExpiresOn: now.In(chinaTime).AddDate(0, 2, 0).Format(time.DateOnly), Quantity: &q, Unit: "箱"}); err != nil {
		return err
	}
	at := func(h float64) string { return cst(now.Add(-time.Duration(h * float64(time.Hour)))) }
	items := []string{"/01/" + demoGTIN + "/21/SN0001", "/01/" + demoGTIN + "/21/SN0002", "/01/" + demoGTIN + "/21/SN0003"}
	reading := func(h float64, v string) traceapi.SensorReport {
		return traceapi.SensorReport{Type: "Temperature", Value: traceapi.Decimal(v), UOM: "CEL", Time: at(h)}
	}
	steps := []struct {
		org string
		ev  traceapi.EventInput
	}{
		{"coop", traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionAdd, EPCList: items, Lot: demoLot, BizStep: trace.StepCommissioning,
			Disposition: "active", ReadPoint: packing, BizLocation: packing, EventTime: at(20)}},
		{"coop", traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionObserve, EPCList: items, BizStep: trace.StepShipping, Disposition: "in_transit",
			ReadPoint: packing, EventTime: at(18), DestinationList: []traceapi.Destination{{Type: trace.SDPossessingParty, Destination: "logistics"}, {Type: trace.SDOwningParty, Destination: "market"}}}},
		{"logistics", traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionObserve, EPCList: items, BizStep: trace.StepReceiving, Disposition: "in_progress",
			ReadPoint: depot, BizLocation: depot, EventTime: at(17)}},
		{"logistics", traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionObserve, EPCList: items, BizStep: trace.StepShipping, Disposition: "in_transit",
			ReadPoint: depot, EventTime: at(10), DestinationList: []traceapi.Destination{{Type: trace.SDPossessingParty, Destination: "market"}}}},
		{"market", traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionObserve, EPCList: items, BizStep: trace.StepReceiving, Disposition: "sellable_accessible",
			ReadPoint: store, BizLocation: store, EventTime: at(4), Sensors: []traceapi.SensorElement{{
				Metadata: &traceapi.SensorMetadata{DeviceID: "urn:epc:id:giai:" + DemoPrefixes["logistics"] + ".TRUCK07", Time: at(4)},
				Reports:  []traceapi.SensorReport{reading(10, "3.5"), reading(8.5, "4.1"), reading(7, "5.0"), reading(6, "9.6"), reading(5, "6.2"), reading(4.2, "4.4")},
			}}}},
		{"market", traceapi.EventInput{Type: trace.ObjectEvent, Action: trace.ActionObserve, EPCList: items[2:], BizStep: trace.StepRetailSelling, Disposition: "retail_sold",
			BizLocation: store, EventTime: at(1)}},
	}
	for _, s := range steps {
		if err := send(s.org, traceapi.Capture.Name, s.ev); err != nil {
			return err
		}
	}
	return nil
}
