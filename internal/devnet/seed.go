package devnet

import (
	"context"
	"errors"
	"fmt"
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
	var errs []error
	for _, m := range reg.Modules() {
		if m.Demo.Seed == nil {
			continue
		}
		if err := m.Demo.Seed(ctx, env); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Name(), err))
		}
	}
	return errors.Join(errs...)
}
