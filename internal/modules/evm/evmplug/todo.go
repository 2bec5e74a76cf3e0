package evmplug

import (
	"context"
	"io"

	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/workload"
)

func pagesModule() *pages.Module                                        { return nil }
func runContract(context.Context, []string, io.Writer, io.Writer) error { return nil }
func newTransfers(workload.Params) workload.Workload                    { return nil }
func seed(context.Context, *plug.DemoEnv) error                         { return nil }
