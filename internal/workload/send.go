package workload

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// SendAll sends transactions outside the timed window (seed data): each
// lane in order, lanes in parallel, a full mempool retried; any rejection
// is an error.
func SendAll(ctx context.Context, net *Network, txs []Tx) error {
	lanes := map[int][]Tx{}
	for _, t := range txs {
		lanes[t.Lane] = append(lanes[t.Lane], t)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, lane := range lanes {
		wg.Go(func() {
			for _, t := range lane {
				for {
					var res BroadcastResult
					err := net.Nodes[t.Node].rpc.Post(ctx, BroadcastRequest("broadcast_tx_sync", t.Raw), &res)
					if err != nil && MempoolFull(err) && ctx.Err() == nil {
						time.Sleep(20 * time.Millisecond)
						continue
					}
					if err == nil && res.Code != 0 {
						err = fmt.Errorf("CheckTx code %d: %s", res.Code, res.Log)
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					break
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
