package trace_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/tx"
)

// The test consortium: a pear cooperative in Dangshan and a juice factory
// (producers), a logistics company, a supermarket and a pharmacy chain
// (retailers), a wholesaler (supplier), the market regulator, a pear
// quality alliance, an inspection company, and a bank (no trace role).
// The cooperative runs the consortium's node, with an operator key.
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
		{ID: coop, Roles: []role.Role{role.Producer}, Validator: true, Operator: true},
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

// Each organisation that registers products, places or containers has its
// own GS1 company prefix.
var prefixes = map[string]string{coop: "6901234", juicer: "6902222", logistics: "6903333", market: "6904444", pharmacy: "6905555", wholesale: "6906666"}

// gs1 returns body followed by its GS1 check digit.
func gs1(body string) string { return body + string(trace.GS1CheckDigit(body)) }

// Identifiers with valid GS1 check digits under the organisations'
// prefixes.
var (
	pearGTIN   = gs1("0690123400001") // 砀山酥梨 gift box
	juiceGTIN  = gs1("0690222200002") // pear juice bottle
	otherGTIN  = gs1("0690222200003") // another product of the juice factory
	pearProd   = "/01/" + pearGTIN
	juiceProd  = "/01/" + juiceGTIN
	otherProd  = "/01/" + otherGTIN
	pearLot    = pearProd + "/10/DS2026A"
	pearLot2   = pearProd + "/10/DS2026B"
	juiceLot   = juiceProd + "/10/J2026A"
	drugProd   = "/drug/8123456"
	drugLot    = drugProd + "/10/B001"
	farmGLN    = "/414/" + gs1("690123410001") // the cooperative's orchard
	packGLN    = "/414/" + gs1("690123410002") // the cooperative's packing house
	wareGLN    = "/414/" + gs1("690333310003") // the logistics warehouse
	storeGLN   = "/414/" + gs1("690444410004") // the supermarket
	factoryGLN = "/414/" + gs1("690222210005") // the juice factory
)

func pear(n int) string  { return fmt.Sprintf("%s/21/P%04d", pearProd, n) }
func juice(n int) string { return fmt.Sprintf("%s/21/J%04d", juiceProd, n) }
func drug(n int) string  { return fmt.Sprintf("/drug/8123456%09d%04d", n, 1234) }

// sscc returns the cooperative's container with serial reference n.
func sscc(n int) string { return ssccOf(coop, n) }

// ssccOf returns an organisation's container with serial reference n.
func ssccOf(org string, n int) string {
	return "/00/" + gs1("0"+prefixes[org]+fmt.Sprintf("%09d", n))
}

// badCheck returns s with its last digit (a check digit) wrong.
func badCheck(s string) string {
	d := s[len(s)-1]
	return s[:len(s)-1] + string('0'+(d-'0'+1)%10)
}

// device is a hashed scanning device id.
func device(n int) string { return fmt.Sprintf("%064x", n+1) }

// net is a client network tag.
func net(n int) string { return fmt.Sprintf("%016x", n+1) }

var genesis = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Time: genesis})
}

func admin(c *testchain.Chain, org string) *tx.PrivateKey { return c.Members[org].Admin }

// operator is the cooperative node's operator key, which signs scans.
func operator(c *testchain.Chain) *tx.PrivateKey { return c.Members[coop].Operator }

// do runs one trace action in its own block and requires the code.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) *abci.ExecTxResult {
	t.Helper()
	return testchain.Do(t, c, org, "trace", action, body, want)
}

// scanWith runs record_scans signed by the operator key.
func recordScans(t testing.TB, c *testchain.Chain, body any) map[string]any {
	t.Helper()
	res := c.Do(operator(c), "trace", "record_scans", body)
	testchain.WantCode(t, "record_scans", res, errcode.OK)
	return testchain.Result(t, res)
}

// with is testchain.With, short for the refusal tables.
var with = testchain.With

// ago is an event time d before the chain's current block time, in China
// Standard Time.
func ago(c *testchain.Chain, d time.Duration) string {
	return c.Time.Add(-d).In(time.FixedZone("", 8*3600)).Format(time.RFC3339)
}

// assignPrefixes has the regulator record every organisation's prefix.
func assignPrefixes(t testing.TB, c *testchain.Chain) {
	t.Helper()
	for _, org := range []string{coop, juicer, logistics, market, pharmacy, wholesale} {
		do(t, c, regulator, "assign_prefix", map[string]any{"prefix": prefixes[org], "org": org, "note": "中国物品编码中心 证书"}, errcode.OK)
	}
	do(t, c, regulator, "assign_prefix", map[string]any{"scheme": "drug", "prefix": "8123", "org": coop}, errcode.OK)
}

// setup records the master data: prefixes, products, lots and places.
func setup(t testing.TB, c *testchain.Chain) {
	t.Helper()
	assignPrefixes(t, c)
	for _, p := range []struct {
		org  string
		body map[string]any
	}{
		{coop, map[string]any{"gtin": pearGTIN[1:], "name": "砀山酥梨 5kg 礼盒", "name_en": "Dangshan pears, 5 kg gift box", "brand": "砀山", "category": "水果", "spec": "5kg",
			"conditions": map[string]any{"type": "Temperature", "min": "0", "max": "4", "uom": "CEL"}}},
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

// ship is a shipping to an organisation that takes possession (custody);
// ownership stays.
func ship(c *testchain.Chain, to string, epcs ...string) map[string]any {
	return with(observe(c, "shipping", epcs...), "disposition", "in_transit",
		"destination_list", []map[string]any{{"type": "possessing_party", "destination": to}})
}

// sell ships to a buyer that takes ownership and possession.
func sell(c *testchain.Chain, to string, epcs ...string) map[string]any {
	return with(observe(c, "shipping", epcs...), "disposition", "in_transit",
		"destination_list", []map[string]any{{"type": "owning_party", "destination": to}})
}

func receive(c *testchain.Chain, epcs ...string) map[string]any {
	return with(observe(c, "receiving", epcs...), "disposition", "in_progress")
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
		"biz_step": "commissioning", "biz_location": factoryGLN, "event_time": ago(c, time.Minute)}
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

// moveTo ships items from one organisation to another, which receives
// them: custody passes.
func moveTo(t testing.TB, c *testchain.Chain, from, to string, epcs ...string) {
	t.Helper()
	capture(t, c, from, ship(c, to, epcs...))
	capture(t, c, to, receive(c, epcs...))
}

// scans is a record_scans body.
func scans(s ...map[string]any) map[string]any { return map[string]any{"scans": s} }

// scan is one public scan d before the block time, in a city (a code of
// the built-in list, "" for none), by a device from a network.
func scan(c *testchain.Chain, epc string, d time.Duration, city string, dev int) map[string]any {
	return map[string]any{"epc": epc, "time": ago(c, d), "city": city, "device": device(dev), "net": net(dev)}
}

// Cities of the built-in list.
const (
	hefei    = "340100"
	shanghai = "310000"
	suzhouJS = "320500"
	beijing  = "110000"
)

func item(t testing.TB, c *testchain.Chain, epc string) *trace.Object {
	t.Helper()
	o, err := trace.Item(c.View(), epc)
	if err != nil {
		t.Fatalf("item %s: %v", epc, err)
	}
	return o
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// reasonOf returns the stable reason in a refusal's log line, by finding
// which catalogue message it is. (The chain's result carries the English
// message; the reason is recovered for tests by rendering.)
func refusedWith(t testing.TB, res *abci.ExecTxResult, code errcode.Code, fragment string) {
	t.Helper()
	testchain.WantCode(t, fragment, res, code)
	if !contains(res.Log, fragment) {
		t.Fatalf("refusal %q does not say %q", res.Log, fragment)
	}
}

// own is the module under test, alone on its chains, with its roles.
var (
	own      = []module.Module{trace.Module{}}
	ownRoles = role.MustSet(traceapi.Roles...)
)
