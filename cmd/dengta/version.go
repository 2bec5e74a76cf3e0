package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	cmtversion "github.com/cometbft/cometbft/version"

	"github.com/dengta-chain/dengta/internal/app"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func versionString() string {
	v := version
	if v == "" {
		v = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	return v
}

func runVersion(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("version", "", errOut)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(out, "dengta %s (app protocol %d, CometBFT v%s, %s %s/%s)\n", versionString(), app.AppVersion, cmtversion.CMTSemVer, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
