package trace_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
)

func TestPrefixes(t *testing.T) {
	c := newChain(t)
	base := map[string]any{"prefix": "6901234", "org": coop}
	refusals(t, c, "assign_prefix", []vcase{
		{"by a producer", coop, base, unauth},
		{"too short", regulator, with(base, "prefix", "690"), mal},
		{"too long", regulator, with(base, "prefix", "6901234567890"), mal},
		{"not digits", regulator, with(base, "prefix", "69O1234"), mal},
		{"unknown scheme", regulator, with(base, "scheme", "isbn"), mal},
		{"unknown organisation", regulator, with(base, "org", "nobody"), notFound},
		{"drug prefix too long", regulator, with(base, "scheme", "drug", "prefix", "81234567"), mal},
	})
	do(t, c, regulator, "assign_prefix", base, errcode.OK)
	refusals(t, c, "assign_prefix", []vcase{
		{"twice", regulator, with(base, "org", juicer), conflict},
		{"a longer prefix under it", regulator, with(base, "prefix", "690123456", "org", juicer), conflict},
		{"a shorter prefix over it", regulator, with(base, "prefix", "69012", "org", juicer), conflict},
	})
	do(t, c, regulator, "assign_prefix", with(base, "prefix", "6901235", "org", juicer), errcode.OK)    // a neighbour
	do(t, c, regulator, "assign_prefix", with(base, "scheme", "drug", "prefix", "6901234"), errcode.OK) // another scheme
	p, err := trace.PrefixOf(c.View(), trace.ID{Digits: "690123400001"})
	if err != nil || p == nil || p.Org != coop || p.Prefix != "6901234" || p.Note != "" {
		t.Fatalf("prefix %+v %v", p, err)
	}
}

// Anyone could claim a GTIN under another company's GS1 prefix: now only
// the prefix's owner registers products, places and parties under it.
func TestOnlyThePrefixOwnerRegisters(t *testing.T) {
	c := newChain(t)
	assignPrefixes(t, c)
	refusedWith(t, c.Do(admin(c, juicer), "trace", "register_product", map[string]any{"gtin": pearGTIN, "name": "假冒砀山酥梨"}), errcode.Unauthorized, "belongs to "+coop)
	refusedWith(t, c.Do(admin(c, juicer), "trace", "register_product", map[string]any{"gtin": gs1("0699999900001"), "name": "无主产品"}), errcode.Unauthorized, "assign_prefix")
	refusedWith(t, c.Do(admin(c, juicer), "trace", "register_product", map[string]any{"drug_code": "8123456", "name": "假药"}), errcode.Unauthorized, "belongs to "+coop)
	refusedWith(t, c.Do(admin(c, market), "trace", "register_location", map[string]any{"gln": farmGLN, "name": "冒名果园", "type": "farm"}), errcode.Unauthorized, "belongs to "+coop)
	refusedWith(t, c.Do(admin(c, market), "trace", "register_party", map[string]any{"gln": gs1("690123400009")}), errcode.Unauthorized, "belongs to "+coop)
	// The owner registers; its product's identity is settled.
	do(t, c, coop, "register_product", map[string]any{"gtin": pearGTIN, "name": "砀山酥梨"}, errcode.OK)
	do(t, c, coop, "register_party", map[string]any{"gln": gs1("690123400009"), "name": "砀山合作社"}, errcode.OK)
	do(t, c, coop, "register_location", map[string]any{"gln": farmGLN + "/254/east", "name": "东园", "type": "farm"}, errcode.OK)
	if org, err := trace.PartyOrg(c.View(), "/417/"+gs1("690123400009")); err != nil || org != coop {
		t.Fatalf("party GLN maps to %q %v", org, err)
	}
	if org, err := trace.PartyOrg(c.View(), farmGLN+"/254/east"); err != nil || org != coop {
		t.Fatalf("sub-location maps to %q %v", org, err)
	}
	// A container under another organisation's prefix is not the
	// packer's to create; one under no assigned prefix is anyone's.
	do(t, c, coop, "register_lot", map[string]any{"lot_id": pearLot, "origin": map[string]any{"region": "砀山"}, "produced_on": "2026-02-20"}, errcode.OK)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2)))
	refusedWith(t, c.Do(admin(c, coop), "trace", "capture", pack(c, ssccOf(market, 1), pear(1))), errcode.Unauthorized, "belongs to "+market)
	capture(t, c, coop, pack(c, "/00/"+gs1("09999999000000001"), pear(1)))
}

func TestRegisterProduct(t *testing.T) {
	c := newChain(t)
	assignPrefixes(t, c)
	base := map[string]any{"gtin": pearGTIN, "name": "砀山酥梨 5kg 礼盒"}
	refusals(t, c, "register_product", []vcase{
		{"not JSON", "", []byte("pears"), mal},
		{"unknown field", "", with(base, "price", 30), mal},
		{"key in other case", "", []byte(`{"GTIN":"` + pearGTIN + `","name":"x"}`), mal},
		{"key twice", "", []byte(`{"gtin":"` + pearGTIN + `","gtin":"` + pearGTIN + `","name":"x"}`), mal},
		{"no id", "", with(base, "gtin", nil), mal},
		{"gtin and drug code", "", with(base, "drug_code", "8123456"), mal},
		{"bad check digit", "", with(base, "gtin", "06901234000017"), mal},
		{"gtin 11 digits", "", with(base, "gtin", "69012340000"), mal},
		{"gtin with letters", "", with(base, "gtin", "0690123400001X"), mal},
		{"gtin a number", "", with(base, "gtin", 6901234000016), mal},
		{"drug code 19 digits", "", map[string]any{"drug_code": "8123456000000001123", "name": "x"}, mal},
		{"name missing", "", with(base, "name", nil), mal},
		{"name blank", "", with(base, "name", "   "), mal},
		{"name 101 runes", "", with(base, "name", strings.Repeat("梨", 101)), mal},
		{"name control", "", with(base, "name", "梨\x00"), mal},
		{"name bidi", "", with(base, "name", "梨\u202e"), mal},
		{"image not hex", "", with(base, "image_sha256", "zz"), mal},
		{"image uppercase", "", with(base, "image_sha256", strings.Repeat("AB", 32)), mal},
		{"by a retailer", market, base, unauth},
		{"by a bank", bank, base, unauth},
		{"conditions without bounds", "", with(base, "conditions", map[string]any{"type": "Temperature", "uom": "CEL"}), mal},
		{"conditions min above max", "", with(base, "conditions", map[string]any{"type": "Temperature", "min": "5", "max": "1", "uom": "CEL"}), mal},
		{"conditions bad unit", "", with(base, "conditions", map[string]any{"type": "Temperature", "max": "4", "uom": "celsius"}), mal},
		{"conditions bad number", "", with(base, "conditions", map[string]any{"type": "Temperature", "max": "four", "uom": "CEL"}), mal},
		{"conditions unknown type", "", with(base, "conditions", map[string]any{"type": "Warmth", "max": "4", "uom": "CEL"}), mal},
	})
	res := do(t, c, coop, "register_product", with(base, "gtin", pearGTIN[1:], "name", strings.Repeat("梨", 100)), errcode.OK)
	if id := testchain.Result(t, res)["id"]; id != pearProd {
		t.Fatalf("id %v", id)
	}
	do(t, c, coop, "register_product", map[string]any{"drug_code": "81234560000000011234", "name": "秋梨膏颗粒"}, errcode.OK)
	refusals(t, c, "register_product", []vcase{
		{"twice", "", base, conflict},
		{"same product as 14 digits by another producer", juicer, with(base, "gtin", pearGTIN), conflict},
		{"same drug product by its 7 digits", juicer, map[string]any{"drug_code": "8123456", "name": "x"}, conflict},
	})
	do(t, c, coop, "register_product", with(base, "gtin", gs1("0690123400002"), "conditions", map[string]any{"type": "gs1:MT-Temperature", "min": "-0.50", "max": "4", "uom": "CEL"}), errcode.OK)
	if p, _ := trace.GetProduct(c.View(), gs1("0690123400002")); p.Conditions == nil || p.Conditions.Type != "Temperature" || p.Conditions.Min != "-0.5" {
		t.Fatalf("conditions %+v", p.Conditions)
	}
	p, err := trace.GetProduct(c.View(), pearGTIN[1:])
	if err != nil || p.ID != pearProd || p.GTIN != pearGTIN || p.Owner != coop || p.By.Org != coop {
		t.Fatalf("product %+v %v", p, err)
	}
	if d, err := trace.GetProduct(c.View(), drugProd); err != nil || d.DrugCode != "8123456" {
		t.Fatalf("drug product %+v %v", d, err)
	}
}

func TestRegisterLocation(t *testing.T) {
	c := newChain(t)
	assignPrefixes(t, c)
	base := map[string]any{"gln": storeGLN, "name": "盒马上海店", "type": "store"}
	refusals(t, c, "register_location", []vcase{
		{"bad check digit", market, with(base, "gln", badCheck(storeGLN)), mal},
		{"a geo location", market, with(base, "gln", "geo:31.2,121.4"), mal},
		{"not a location", market, with(base, "gln", pearProd), mal},
		{"bad type", market, with(base, "type", "mall"), mal},
		{"no name", market, with(base, "name", nil), mal},
		{"address too long", market, with(base, "address", strings.Repeat("路", 201)), mal},
	})
	do(t, c, market, "register_location", with(base, "gln", storeGLN[5:]), errcode.OK) // bare GLN digits
	refusals(t, c, "register_location", []vcase{{"twice", bank, base, conflict}})
	do(t, c, market, "register_location", with(base, "gln", storeGLN+"/254/dock%2F1", "name", "卸货区 1", "type", "dock"), errcode.OK)
	l, err := trace.GetLocation(c.View(), storeGLN)
	if err != nil || l.ID != storeGLN || l.GLN != storeGLN[5:] || l.Owner != market {
		t.Fatalf("location %+v %v", l, err)
	}
}

func TestRegisterLot(t *testing.T) {
	c := newChain(t)
	assignPrefixes(t, c)
	do(t, c, coop, "register_product", map[string]any{"gtin": pearGTIN, "name": "砀山酥梨"}, errcode.OK)
	do(t, c, coop, "register_location", map[string]any{"gln": farmGLN, "name": "果园", "type": "farm"}, errcode.OK)
	base := map[string]any{"lot_id": pearLot, "origin": map[string]any{"region": "安徽省宿州市砀山县", "location": farmGLN},
		"produced_on": "2026-02-20", "expires_on": "2026-06-30", "quantity": 1000, "unit": "箱"}
	refusals(t, c, "register_lot", []vcase{
		{"not a lot", "", with(base, "lot_id", pear(1)), mal},
		{"lot number with slash", "", with(base, "lot_id", pearProd+"/10/a/b"), mal},
		{"bad GTIN", "", with(base, "lot_id", "/01/06901234000017/10/A"), mal},
		{"lot number with space", "", with(base, "lot_id", pearProd+"/10/a b"), mal},
		{"no origin", "", with(base, "origin", nil), mal},
		{"region missing", "", with(base, "origin", map[string]any{"farm": "x"}), mal},
		{"region 65 runes", "", with(base, "origin", map[string]any{"region": strings.Repeat("县", 65)}), mal},
		{"origin unknown field", "", with(base, "origin", map[string]any{"region": "砀山", "village": "x"}), mal},
		{"origin bad GLN", "", with(base, "origin", map[string]any{"region": "砀山", "location": badCheck(farmGLN)}), mal},
		{"bad date", "", with(base, "produced_on", "2026-02-30"), mal},
		{"date as time", "", with(base, "produced_on", "2026-02-20T00:00:00Z"), mal},
		{"expires before produced", "", with(base, "expires_on", "2026-02-19"), mal},
		{"quantity zero", "", with(base, "quantity", 0), mal},
		{"quantity fractional", "", with(base, "quantity", 1.5), mal},
		{"unit without quantity", "", with(base, "quantity", nil), mal},
		{"unknown product", "", with(base, "lot_id", juiceLot), notFound},
		{"someone else's product", juicer, base, unauth},
		{"by a retailer", market, base, unauth},
		{"produced in the future", "", with(base, "produced_on", "2026-03-02"), rule},
		{"unregistered origin location", "", with(base, "origin", map[string]any{"region": "砀山", "location": storeGLN}), notFound},
	})
	do(t, c, coop, "register_lot", base, errcode.OK)
	refusals(t, c, "register_lot", []vcase{{"twice", "", base, conflict}})
	l, err := trace.GetLot(c.View(), pearLot)
	if err != nil || l.Product != pearProd || l.LotNumber != "DS2026A" || l.Origin.Region != "安徽省宿州市砀山县" || l.Quantity != 1000 || l.Owner != coop {
		t.Fatalf("lot %+v %v", l, err)
	}
}
