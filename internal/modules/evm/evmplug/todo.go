package evmplug

import (
	"context"

	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/plug"
)

func pagesModule() *pages.Module                                        { return nil }
func seed(context.Context, *plug.DemoEnv) error                         { return nil }
