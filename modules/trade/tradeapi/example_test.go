package tradeapi_test

import (
	"context"
	"fmt"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// The SDK's typed calls: the controller offers a bill to a bank with a
// named endorsement, the bank accepts it, and anyone reads the bill with
// proof bundles of its records.
func Example() {
	ctx := context.Background()
	node := client.New("http://127.0.0.1:8480")
	coop, _ := client.LoadKey("coop-admin.json")
	bank, _ := client.LoadKey("bank-admin.json")
	if _, _, err := client.Send(ctx, node, coop, tradeapi.TransferEBL, tradeapi.TransferBody{Ref: "WYCL2026000001", To: "bank", Endorsement: tradeapi.EndorseNamed}); err != nil {
		fmt.Println(err)
		return
	}
	res, _, err := client.Send(ctx, node, bank, tradeapi.AcceptEBL, tradeapi.RefBody{Ref: "WYCL2026000001"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Controller)
	v, err := client.Read(ctx, node, tradeapi.GetEBL, tradeapi.EBLParams{Ref: "WYCL2026000001", Prove: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for key := range v.Proofs {
		fmt.Println("bundle of", key) // each verifies offline with dengta verify
	}
}
