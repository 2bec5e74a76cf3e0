package devnet

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/plug"
)

// SeedDemo records every module's demo story on a new dev chain whose home
// is home, through the node's API at gatewayURL with the demo
// organisations' admin keys. The node must have committed its first block
// (signed requests are checked against its state).
func SeedDemo(ctx context.Context, reg *plug.Registry, gatewayURL, home string, log *slog.Logger) error {
	env := &plug.DemoEnv{
		Client:    client.New(gatewayURL),
		PublicURL: gatewayURL,
		Logger:    log,
		Admin: func(org string) (*client.Key, error) {
			return client.LoadKey(KeyFile(filepath.Join(home, "keys"), org))
		},
	}
	return reg.SeedDemo(ctx, env)
}
