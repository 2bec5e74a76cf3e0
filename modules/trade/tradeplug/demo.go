package tradeplug

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// The demo story's numbers.
const (
	demoCredit = "LC-JH-2026-0001"
	demoEBL    = "WYCL2026000001"
	demoEBL2   = "WYCL2026000002"
)

// seedDemo records the demo story: the Dangshan pear cooperative (coop)
// exports a reefer container of Su pears to Thailand for the Wanbei food
// group (foodgroup), paid by a sight letter of credit of Jianghuai
// Commercial Bank (bank). The cold-chain carrier (logistics) issues the
// eBL to the cooperative, which presents it with the invoice and the
// certificate of origin; the bank finds the documents complying, pays and
// releases the eBL to the food group, which can surrender it in the hall
// to take delivery. A second bill is on its way to the supermarket
// (market), waiting for it to accept.
func seedDemo(ctx context.Context, d *plug.DemoEnv) error {
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	date := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }
	steps := []struct {
		org, action string
		body        any
	}{
		{"bank", tradeapi.SetCalendar.Name, tradeapi.CalendarBody{UTCOffsetMin: 480}},
		{"bank", tradeapi.IssueCredit.Name, tradeapi.IssueCreditBody{
			No: demoCredit, Applicant: "foodgroup", Beneficiary: "coop", Availability: tradeapi.AvailSight,
			Terms: tradeapi.Terms{Amount: tradeapi.Money{Currency: "USD", Minor: 9_800_000}, TolerancePct: 5, Expiry: date(45), LatestShipment: date(30),
				PortOfLoading: "CNSHA", PortOfDischarge: "THLCH", Goods: "1,800 cartons of fresh Dangshan Su pears, 10 kg each, CIF Laem Chabang",
				Documents: []string{tradeapi.DocBillOfLading, tradeapi.DocInvoice, tradeapi.DocOrigin}},
		}},
		{"logistics", tradeapi.IssueEBL.Name, sampleEBL(demoEBL, "coop", true, "", date(0))},
		{"coop", tradeapi.Present.Name, tradeapi.PresentBody{No: demoCredit, EBL: demoEBL, Amount: 9_720_000,
			Invoice: tradeapi.Doc{Type: tradeapi.DocInvoice, No: "DSP-INV-2026-031", SHA256: hash("demo commercial invoice DSP-INV-2026-031")},
			Docs:    []tradeapi.Doc{{Type: tradeapi.DocOrigin, No: "CCPIT-AH-2026-0311", SHA256: hash("demo certificate of origin CCPIT-AH-2026-0311")}}}},
		{"bank", tradeapi.Examine.Name, tradeapi.ExamineBody{ID: demoCredit + "-P1", Complying: true}},
		{"bank", tradeapi.Honour.Name, tradeapi.HonourBody{ID: demoCredit + "-P1"}},
		{"bank", tradeapi.ReleaseDocs.Name, tradeapi.PresBody{ID: demoCredit + "-P1"}},
		{"logistics", tradeapi.IssueEBL.Name, func() tradeapi.IssueEBLBody {
			b := sampleEBL(demoEBL2, "coop", true, "", date(0))
			b.Containers = []tradeapi.Container{{Number: "MSKU1234565", ISOType: "45R1", Seal: "CN2026032"}}
			return b
		}()},
		{"coop", tradeapi.TransferEBL.Name, tradeapi.TransferBody{Ref: demoEBL2, To: "market", Endorsement: tradeapi.EndorseNamed}},
	}
	for _, s := range steps {
		key, err := d.Admin(s.org)
		if err != nil {
			return err
		}
		body, err := json.Marshal(s.body)
		if err != nil {
			return err
		}
		if _, err := d.Client.Do(ctx, key, tradeapi.Name, s.action, body); err != nil {
			return fmt.Errorf("trade demo: %s by %s: %w", s.action, s.org, err)
		}
	}
	d.Logger.Info("trade demo recorded", "credit", demoCredit, "ebl", demoEBL)
	return nil
}
