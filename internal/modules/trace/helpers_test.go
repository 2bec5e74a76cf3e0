package trace_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/module"

	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/tx"
)

// The test consortium: a pear cooperative in Dangshan and a juice factory
// (producers), a logistics company, a supermarket and a pharmacy chain
// (retailers), a wholesaler (supplier), the market regulator, a pear
// quality alliance, an inspection company, and a bank (no trace role).
const (
	coop      = "coop-dangshan"
	juicer    = "juice-factory"
	logistics = "sf-logistics"
	market    = "hema-market"
	pharmacy  = "pharmacy"
	wholesale = "wholesaler"
	regulator = "samr"
	alliance  = "pear-alliance"
	inspector = "cqc"
	bank      = "bank"
)

func consortium() []testchain.Org {
	return []testchain.Org{
		{ID: coop, Roles: []role.Role{role.Producer}, Validator: true},
		{ID: juicer, Roles: []role.Role{role.Producer}},
		{ID: logistics, Roles: []role.Role{role.Logistics}},
		{ID: market, Roles: []role.Role{traceapi.Retailer}},
		{ID: pharmacy, Roles: []role.Role{traceapi.Retailer}},
		{ID: wholesale, Roles: []role.Role{role.Supplier}},
		{ID: regulator, Roles: []role.Role{role.Regulator}},
		{ID: alliance, Roles: []role.Role{traceapi.Alliance}},
		{ID: inspector, Roles: []role.Role{role.Inspector}},
		{ID: bank, Roles: []role.Role{role.Bank}},
	}
}

// Identifiers with valid GS1 check digits (company prefix 6901234).
const (
	pearGTIN   = "06901234000016" // 砀山酥梨 gift box
	juiceGTIN  = "06901234000023" // pear juice bottle
	otherGTIN  = "06901234000030" // another product of the juice factory
	pearProd   = "/01/" + pearGTIN
	juiceProd  = "/01/" + juiceGTIN
	otherProd  = "/01/" + otherGTIN
	pearLot    = pearProd + "/10/DS2026A"
	pearLot2   = pearProd + "/10/DS2026B"
	juiceLot   = juiceProd + "/10/J2026A"
	drugProd   = "/drug/8123456"
	drugLot    = drugProd + "/10/B001"
	farmGLN    = "/414/6901234100013" // the cooperative's orchard
	packGLN    = "/414/6901234100020" // the cooperative's packing house
	wareGLN    = "/414/6901234100037" // the logistics warehouse
	storeGLN   = "/414/6901234100044" // the supermarket
	factoryGLN = "/414/6901234100051" // the juice factory
)

func pear(n int) string  { return fmt.Sprintf("%s/21/P%04d", pearProd, n) }
func juice(n int) string { return fmt.Sprintf("%s/21/J%04d", juiceProd, n) }
func drug(n int) string  { return fmt.Sprintf("/drug/8123456%09d%04d", n, 1234) }

// sscc returns the container with serial reference n.
func sscc(n int) string {
	body := fmt.Sprintf("06901234%09d", n)
	return "/00/" + body + string(trace.GS1CheckDigit(body))
}

// device is a hashed scanning device id.
func device(n int) string { return fmt.Sprintf("%064x", n+1) }

var genesis = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Time: genesis})
}

func admin(c *testchain.Chain, org string) *tx.PrivateKey { return c.Members[org].Admin }

// do runs one trace action in its own block and requires the code.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) *abci.ExecTxResult {
	t.Helper()
	return testchain.Do(t, c, org, "trace", action, body, want)
}

// with is testchain.With, short for the refusal tables.
var with = testchain.With

// ago is an event time d before the chain's current block time, in China
// Standard Time.
func ago(c *testchain.Chain, d time.Duration) string {
	return c.Time.Add(-d).In(time.FixedZone("", 8*3600)).Format(time.RFC3339)
}

// setup registers the master data: products, lots and places.
func setup(t testing.TB, c *testchain.Chain) {
	t.Helper()
	for _, p := range []struct {
		org  string
		body map[string]any
	}{
		{coop, map[string]any{"gtin": pearGTIN[1:], "name": "砀山酥梨 5kg 礼盒", "name_en": "Dangshan pears, 5 kg gift box", "brand": "砀山", "category": "水果", "spec": "5kg"}},
		{juicer, map[string]any{"gtin": juiceGTIN, "name": "砀山梨汁 300ml", "category": "饮料"}},
		{juicer, map[string]any{"gtin": otherGTIN, "name": "梨膏 200g"}},
		{coop, map[string]any{"drug_code": "81234560000000011234", "name": "秋梨膏颗粒 (drug)"}},
	} {
		do(t, c, p.org, "register_product", p.body, errcode.OK)
	}
	for _, l := range []struct {
		org, gln, name, typ string
	}{
		{coop, farmGLN, "砀山酥梨合作社果园", "farm"},
		{coop, packGLN, "砀山酥梨合作社包装车间", "factory"},
		{logistics, wareGLN, "顺丰宿州仓", "warehouse"},
		{market, storeGLN, "盒马上海店", "store"},
		{juicer, factoryGLN, "梨汁工厂", "factory"},
	} {
		do(t, c, l.org, "register_location", map[string]any{"gln": l.gln, "name": l.name, "type": l.typ}, errcode.OK)
	}
	for _, l := range []struct {
		org, id, exp string
	}{
		{coop, pearLot, "2026-06-30"},
		{coop, pearLot2, "2026-06-30"},
		{juicer, juiceLot, "2027-02-28"},
		{coop, drugLot, "2028-01-01"},
	} {
		do(t, c, l.org, "register_lot", map[string]any{
			"lot_id": l.id, "origin": map[string]any{"region": "安徽省宿州市砀山县", "location": farmGLN, "farm": "良梨镇果园"},
			"produced_on": "2026-02-20", "expires_on": l.exp, "quantity": 1000, "unit": "箱",
		}, errcode.OK)
	}
}

// commission is the body of a commissioning event.
func commission(c *testchain.Chain, lot string, epcs ...string) map[string]any {
	return map[string]any{"type": "ObjectEvent", "action": "ADD", "epc_list": epcs, "biz_step": "commissioning",
		"disposition": "active", "lot": lot, "read_point": packGLN, "biz_location": packGLN, "event_time": ago(c, time.Hour)}
}

// observe is the body of an ObjectEvent OBSERVE.
func observe(c *testchain.Chain, step string, epcs ...string) map[string]any {
	return map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "epc_list": epcs, "biz_step": step, "event_time": ago(c, time.Minute)}
}

func ship(c *testchain.Chain, to string, epcs ...string) map[string]any {
	return with(observe(c, "shipping", epcs...), "disposition", "in_transit",
		"destination_list", []map[string]any{{"type": "owning_party", "destination": to}})
}

func pack(c *testchain.Chain, parent string, children ...string) map[string]any {
	return map[string]any{"type": "AggregationEvent", "action": "ADD", "parent_id": parent, "child_epcs": children,
		"biz_step": "packing", "event_time": ago(c, 30*time.Minute)}
}

func unpack(c *testchain.Chain, parent string, children ...string) map[string]any {
	b := map[string]any{"type": "AggregationEvent", "action": "DELETE", "parent_id": parent, "biz_step": "unpacking", "event_time": ago(c, time.Minute)}
	if children != nil {
		b["child_epcs"] = children
	}
	return b
}

func transform(c *testchain.Chain, in, out []string, lot string) map[string]any {
	b := map[string]any{"type": "TransformationEvent", "input_epc_list": in, "output_epc_list": out,
		"biz_step": "transforming", "biz_location": factoryGLN, "event_time": ago(c, time.Minute)}
	if lot != "" {
		b["lot"] = lot
	}
	return b
}

// capture runs a capture and returns the event id.
func capture(t testing.TB, c *testchain.Chain, org string, body map[string]any) string {
	t.Helper()
	return testchain.Result(t, do(t, c, org, "capture", body, errcode.OK))["event_id"].(string)
}

// scans is a record_scans body.
func scans(s ...map[string]any) map[string]any { return map[string]any{"scans": s} }

func scan(c *testchain.Chain, epc string, d time.Duration, loc string, dev int) map[string]any {
	return map[string]any{"epc": epc, "time": ago(c, d), "location": loc, "device": device(dev)}
}

func item(t testing.TB, c *testchain.Chain, epc string) *trace.Object {
	t.Helper()
	o, err := trace.Item(c.View(), epc)
	if err != nil {
		t.Fatalf("item %s: %v", epc, err)
	}
	return o
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// own is the module under test, alone on its chains, with its roles.
var (
	own      = []module.Module{trace.Module{}}
	ownRoles = role.MustSet(traceapi.Roles...)
)
