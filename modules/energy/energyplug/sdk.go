package energyplug

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/tx"
)

// SignReading is what a meter does: it signs its registers for an
// interval with its own key.
func SignReading(k *tx.PrivateKey, chainID, meter, interval string, importWh, exportWh int64) (energyapi.Reading, error) {
	sig, err := k.Sign(energyapi.ReadingMessage(chainID, meter, interval, importWh, exportWh))
	if err != nil {
		return energyapi.Reading{}, fmt.Errorf("sign reading: %w", err)
	}
	return energyapi.Reading{Meter: meter, Interval: interval, ImportWh: importWh, ExportWh: exportWh, Sig: hex.EncodeToString(sig)}, nil
}

// PostReadings posts readings in batches of at most MaxReadings, as a
// head-end system does, and answers how many were recorded.
func PostReadings(ctx context.Context, c *client.Client, key *client.Key, rs []energyapi.Reading) (int, error) {
	n := 0
	for len(rs) > 0 {
		b := rs[:min(len(rs), energyapi.MaxReadings)]
		rs = rs[len(b):]
		res, _, err := client.Send(ctx, c, key, energyapi.PostReadings, energyapi.ReadingsBody{Readings: b})
		if err != nil {
			return n, err
		}
		n += res.Recorded
	}
	return n, nil
}

// DemoMeterKey is the key of a demo meter: derived from a published
// seed and the meter's id, so that the dev chain's simulated meters can
// sign. Never for a real meter: anyone can derive it.
func DemoMeterKey(meter string) *tx.PrivateKey {
	seed := sha256.Sum256([]byte("dengta demo meter, published, never for a real meter: " + meter))
	k, err := tx.PrivateKeyFromBytes(tx.AlgoEd25519, seed[:])
	if err != nil {
		panic("energyplug: demo meter key: " + err.Error())
	}
	return k
}
