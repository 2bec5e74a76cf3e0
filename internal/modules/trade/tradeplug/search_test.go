package tradeplug

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/modules/trade/tradeapi"
)

func TestSearch(t *testing.T) {
	orgs := []identity.Org{{ID: "coop", Name: "砀山县梨都果品专业合作社", NameEN: "Dangshan Pear Growers Cooperative"}, {ID: "bank", Name: "江淮商业银行", NameEN: "Jianghuai Bank"}}
	d := &deskData{
		EBLs: &tradeapi.EBLList{Controlled: []tradeapi.EBLSummary{
			{Ref: "EBL-001", Shipper: "coop", Controller: "coop", PortOfLoading: "CNSHA", PortOfDischarge: "SGSIN", HSCodes: []string{"080830"}},
			{Ref: "EBL-002", Shipper: "foodgroup", Controller: "foodgroup", PortOfLoading: "CNNGB", PortOfDischarge: "NLRTM"},
		}},
		Credits: &tradeapi.CreditList{Credits: []tradeapi.CreditSummary{
			{No: "LC-1", IssuingBank: "bank", Applicant: "foodgroup", Beneficiary: "coop", Amount: tradeapi.Money{Currency: "USD", Minor: 100}},
		}},
	}
	for _, c := range []struct {
		q            string
		ebls, credit int
	}{
		{"", 2, 1},
		{"ebl-002", 1, 0},
		{"sgsin", 1, 0},
		{"080830", 1, 0},
		{"梨都", 1, 1},        // the cooperative's Chinese name: its bill and its credit
		{"jianghuai", 0, 1}, // the issuing bank's English name
		{"usd", 0, 1},
		{"nothing", 0, 0},
	} {
		got := *d
		newSearcher(c.q, orgs).filter(&got)
		if len(got.EBLs.Controlled) != c.ebls || len(got.Credits.Credits) != c.credit {
			t.Errorf("search %q: %d bills and %d credits, want %d and %d", c.q, len(got.EBLs.Controlled), len(got.Credits.Credits), c.ebls, c.credit)
		}
	}
	if len(d.EBLs.Controlled) != 2 {
		t.Error("searching changed the desk's own lists")
	}
}
