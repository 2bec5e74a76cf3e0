package daemon

import (
	"context"
	"io"

	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/proof"
	"github.com/dengta-chain/dengta/internal/scanbatch"
	"github.com/dengta-chain/dengta/internal/state"
)

// webBackend gives the pages what they need of the running node.
type webBackend struct{ d *Daemon }

func (b webBackend) ChainID() string { return b.d.ChainID }

func (b webBackend) View(height int64) (*state.View, error) { return b.d.App.Store().At(height) }

func (b webBackend) CheckRecord(ctx context.Context, key []byte, file io.Reader) (*proof.Report, []byte, error) {
	return b.d.Gateway.CheckRecord(ctx, key, file)
}

func (b webBackend) Trust(ctx context.Context) (proof.Trust, error) {
	return b.d.Gateway.CurrentTrust(ctx)
}

// scanSource feeds the public scan page.
type scanSource struct{ d *Daemon }

func (s scanSource) ScanPage(ctx context.Context, epc string) (*trace.Page, int, error) {
	pg, err := s.d.Gateway.ScanPage(ctx, epc)
	if err != nil {
		return nil, 0, err
	}
	return pg.Page, pg.PendingScans, nil
}

func (s scanSource) RecordScan(sc scanbatch.Scan) bool {
	return s.d.Scans != nil && s.d.Scans.Add(sc)
}
