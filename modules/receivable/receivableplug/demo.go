package receivableplug

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// seedDemo records the supply-chain finance story: the bank grants the
// food group (the core enterprise) a credit line; the food group issues a
// receivable for a pear delivery to the cooperative, which accepts it,
// passes 300,000 yuan of it to the cold-chain carrier for freight, and has
// the bank finance the 700,000 it keeps. Settlement waits for maturity,
// six months on.
func seedDemo(ctx context.Context, d *plug.DemoEnv) error {
	keys := map[string]*client.Key{}
	for _, org := range []string{"bank", "foodgroup", "coop", "logistics"} {
		k, err := d.Admin(org)
		if err != nil {
			return err
		}
		keys[org] = k
	}
	as := func(org string) (*client.Client, *client.Key) { return d.Client.As(keys[org]), keys[org] }
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	const yuan = 100
	limit := int64(5_000_000 * yuan)
	c, k := as("bank")
	if _, _, err := client.Send(ctx, c, k, receivableapi.SetCreditLine, receivableapi.CreditBody{Obligor: "foodgroup", LimitFen: &limit}); err != nil {
		return fmt.Errorf("receivable demo: credit line: %w", err)
	}
	maturity := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 6, 0).Format(time.DateOnly)
	c, k = as("foodgroup")
	root, _, err := client.Send(ctx, c, k, receivableapi.Issue, receivableapi.IssueBody{
		To: "coop", FaceFen: 1_000_000 * yuan, MaturityDate: maturity,
		Trade: &receivableapi.TradeBody{ContractNo: "WB-2026-0815", InvoiceNo: "3400123456-00812345", InvoiceAmountFen: 1_000_000 * yuan,
			InvoiceSHA256: hash("demo VAT invoice 3400123456-00812345"), DeliveryDocHashes: []string{hash("demo delivery note: 100 t Dangshan Su pears")}},
	})
	if err != nil {
		return fmt.Errorf("receivable demo: issue: %w", err)
	}
	c, k = as("coop")
	if _, _, err := client.Send(ctx, c, k, receivableapi.Accept, receivableapi.IDBody{ID: root.ID}); err != nil {
		return fmt.Errorf("receivable demo: accept: %w", err)
	}
	split, _, err := client.Send(ctx, c, k, receivableapi.SplitTransfer, receivableapi.SplitBody{ID: root.ID,
		Parts: []receivableapi.PartBody{{To: "logistics", AmountFen: 300_000 * yuan}}})
	if err != nil || len(split.Children) != 2 {
		return fmt.Errorf("receivable demo: split: %v %v", split, err)
	}
	freight, kept := split.Children[0], split.Children[1]
	lc, lk := as("logistics")
	if _, _, err := client.Send(ctx, lc, lk, receivableapi.Accept, receivableapi.IDBody{ID: freight}); err != nil {
		return fmt.Errorf("receivable demo: the carrier accepts: %w", err)
	}
	rate, fee, recourse := 365, int64(0), false
	if _, _, err := client.Send(ctx, c, k, receivableapi.RequestFinancing, receivableapi.FinancingBody{ID: kept, Bank: "bank", RateBP: &rate, FeeFen: &fee, Recourse: &recourse}); err != nil {
		return fmt.Errorf("receivable demo: request financing: %w", err)
	}
	c, k = as("bank")
	if _, _, err := client.Send(ctx, c, k, receivableapi.ApproveFinancing, receivableapi.IDBody{ID: kept}); err != nil {
		return fmt.Errorf("receivable demo: approve financing: %w", err)
	}
	d.Logger.Info("receivable demo recorded", "receivable", root.ID, "financed_part", kept, "maturity", maturity)
	return nil
}
