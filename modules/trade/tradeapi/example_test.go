package tradeapi_test

import (
	"context"
	"fmt"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// The SDK's typed calls, on the dev chain's demo bill WYCL2026000001,
// which the food group controls: it offers the bill to the bank with a
// named endorsement, the bank accepts it, and reads the bill with proof
// bundles of its records. A bill is read by its parties (its carrier,
// shipper, consignee, endorsees and controller) and overseers, so the
// read is signed with the bank's key (client.As).
func Example() {
	ctx := context.Background()
	node := client.New("http://127.0.0.1:8480")
	food, _ := client.LoadKey("foodgroup-admin.json")
	bank, _ := client.LoadKey("bank-admin.json")
	if _, _, err := client.Send(ctx, node, food, tradeapi.TransferEBL, tradeapi.TransferBody{Ref: "WYCL2026000001", To: "bank", Endorsement: tradeapi.EndorseNamed}); err != nil {
		fmt.Println(err)
		return
	}
	res, _, err := client.Send(ctx, node, bank, tradeapi.AcceptEBL, tradeapi.RefBody{Ref: "WYCL2026000001"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Controller)
	v, err := client.Read(ctx, node.As(bank), tradeapi.GetEBL, tradeapi.EBLParams{Ref: "WYCL2026000001", Prove: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for key := range v.Proofs {
		fmt.Println("bundle of", key) // each verifies offline with dengta verify or proof.Verify
	}
}
