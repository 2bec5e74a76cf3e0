package trade_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// The test consortium: a carrier, three traders (an exporter, an importer
// and a third party), two banks and customs.
const (
	carrier  = "carrier"
	carrier2 = "carrier-b"
	shipper  = "exporter"
	importer = "importer"
	other    = "trader-c"
	issuing  = "bank-i"
	advising = "bank-a"
	customs  = "customs"
)

func consortium() []testchain.Org {
	return []testchain.Org{
		{ID: carrier, Roles: []role.Role{tradeapi.Carrier}, Validator: true},
		{ID: carrier2, Roles: []role.Role{tradeapi.Carrier}},
		{ID: shipper, Roles: []role.Role{tradeapi.Trader}},
		{ID: importer, Roles: []role.Role{tradeapi.Trader}},
		{ID: other, Roles: []role.Role{tradeapi.Trader}},
		{ID: issuing, Roles: []role.Role{role.Bank}},
		{ID: advising, Roles: []role.Role{role.Bank}},
		{ID: customs, Roles: []role.Role{role.Regulator}},
	}
}

var (
	own      = []module.Module{trade.Module{}}
	ownRoles = role.MustSet(tradeapi.Roles...)
	cst      = time.FixedZone("UTC+8", 8*3600)
)

// start is Monday 2 March 2026, 10:00 in China.
var start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Time: start})
}

// do runs one trade action in its own block and requires the code.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) *abci.ExecTxResult {
	t.Helper()
	return testchain.Do(t, c, org, tradeapi.Name, action, body, want)
}

// setDate makes the next block fall at 10:00 on date in China; time only
// moves forward.
func setDate(t testing.TB, c *testchain.Chain, date string) {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, date, cst)
	if err != nil {
		t.Fatal(err)
	}
	next := d.Add(10 * time.Hour).Add(-time.Second)
	if next.Before(c.Time) {
		t.Fatalf("cannot go back to %s", date)
	}
	c.Time = next
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Valid identifiers: ISO 6346 container numbers and GS1 SSCCs with their
// check digits (computed by hand from the standards' examples).
const (
	box1  = "CSQU3054383" // the ISO 6346 example
	box2  = "MSKU1234565"
	sscc1 = "106141411234567897"
	sscc2 = "106141411234567880"
)

func eblBody(ref string, toOrder bool, consignee string) tradeapi.IssueEBLBody {
	return tradeapi.IssueEBLBody{
		Ref: ref, BookingRef: "BKG-" + ref, Shipper: shipper, ToOrder: toOrder, Consignee: consignee,
		NotifyParty: "Siam Fresh Fruit Co., Ltd.", Vessel: "WAN HAI 305", Voyage: "026S",
		PlaceOfReceipt: &tradeapi.Location{UNLocode: "CNDSH", Name: "Dangshan"},
		PortOfLoading:  tradeapi.Location{UNLocode: "CNSHA", Name: "Shanghai"}, PortOfDischarge: tradeapi.Location{UNLocode: "THLCH", Name: "Laem Chabang"},
		ShippedOnBoard: "2026-03-01", Freight: tradeapi.FreightPrepaid,
		Goods:      []tradeapi.Item{{Description: "Fresh Dangshan Su pears, 10 kg cartons", HSCode: "080830", Packages: 1800, PackageCode: "CT", GrossWeightG: 19_800_000}},
		Containers: []tradeapi.Container{{Number: box1, ISOType: "45R1", Seal: "CN2026031", SSCCs: []string{sscc1, sscc2}}},
	}
}

func issue(t testing.TB, c *testchain.Chain, ref string) {
	t.Helper()
	do(t, c, carrier, "issue_ebl", eblBody(ref, true, ""), errcode.OK)
}

func get(t testing.TB, c *testchain.Chain, ref string) *tradeapi.EBL {
	t.Helper()
	e, err := trade.GetEBL(c.View(), ref)
	if err != nil {
		t.Fatalf("get %s: %v", ref, err)
	}
	return e
}

func transfer(ref, to, kind string) tradeapi.TransferBody {
	return tradeapi.TransferBody{Ref: ref, To: to, Endorsement: kind}
}

func ref(r string) tradeapi.RefBody { return tradeapi.RefBody{Ref: r} }

// creditBody is a sight credit for 100,000.00 USD, available with the
// advising bank, which is asked to confirm.
func creditBody(no string) tradeapi.IssueCreditBody {
	return tradeapi.IssueCreditBody{
		No: no, Applicant: importer, Beneficiary: shipper, AdvisingBank: advising, ConfirmationAsked: true, NominatedBank: advising,
		Availability: tradeapi.AvailSight,
		Terms: tradeapi.Terms{
			Amount: tradeapi.Money{Currency: "USD", Minor: 10_000_000}, TolerancePct: 5, Expiry: "2026-04-30", LatestShipment: "2026-04-10",
			PortOfLoading: "CNSHA", PortOfDischarge: "THLCH", Goods: "Fresh Dangshan Su pears, CIF Laem Chabang",
			Documents: []string{tradeapi.DocBillOfLading, tradeapi.DocInvoice, tradeapi.DocOrigin},
		},
	}
}

func presentBody(no, ebl string, amount int64) tradeapi.PresentBody {
	return tradeapi.PresentBody{
		No: no, EBL: ebl, Amount: amount,
		Invoice: tradeapi.Doc{Type: tradeapi.DocInvoice, No: "INV-" + ebl, SHA256: hash("invoice " + ebl)},
		Docs:    []tradeapi.Doc{{Type: tradeapi.DocOrigin, No: "CO-2026-0311", SHA256: hash("origin " + ebl)}},
	}
}

func result[T any](t testing.TB, res *abci.ExecTxResult) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(res.Data, &v); err != nil {
		t.Fatalf("result %q: %v", res.Data, err)
	}
	return v
}

func credit(t testing.TB, c *testchain.Chain, no string) *tradeapi.Credit {
	t.Helper()
	cr, err := trade.GetCredit(c.View(), no)
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

func pres(t testing.TB, c *testchain.Chain, id string) *tradeapi.Presentation {
	t.Helper()
	p, err := trade.GetPresentation(c.View(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
