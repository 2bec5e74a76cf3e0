package app

import (
	"strconv"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
)

// The probe is the smallest change a release can bring, used to test
// upgrades end to end (ADR 0019): a module with one action that exists
// from application version 2, and a migration into version 2 that records
// its height. The shipped build does not include it; the upgrade test's
// second build (-tags upgradetest) and the app's tests do.

// ProbeName is the probe module's name.
const ProbeName = "probe"

// ProbeHello is the probe's action: it records the signer's organisation
// and the height under probe/hello/<org>.
var ProbeHello = api.Action[struct{}, ProbeResult]{Module: ProbeName, Name: "hello", Doc: "say hello (available from application version 2)"}

// ProbeResult is what probe/hello answers.
type ProbeResult struct {
	Height  int64  `json:"height"`
	Version uint64 `json:"version"`
}

// ProbeModule is the probe module.
type ProbeModule struct{}

// Name implements module.Module.
func (ProbeModule) Name() string { return ProbeName }

// Actions implements module.Module.
func (ProbeModule) Actions() []module.Action {
	return []module.Action{module.Handle(ProbeHello, func(ctx *module.Context, _ *struct{}) error {
		if err := ctx.Store.Set([]byte(ProbeName+"/hello/"+ctx.Signer.Org), []byte(strconv.FormatInt(ctx.Height, 10))); err != nil {
			return err
		}
		return ctx.SetResult(ProbeResult{Height: ctx.Height, Version: ctx.Version})
	}).From(2)}
}

// ProbeMigratedKey holds the height at which the probe's migration ran.
var ProbeMigratedKey = []byte(ProbeName + "/migrated")

// ProbeMigration is the probe's migration into version 2.
var ProbeMigration = Migration{Version: 2, Doc: "record the upgrade height under probe/migrated", Migrate: func(ctx *module.Context) error {
	return ctx.Store.Set(ProbeMigratedKey, []byte(strconv.FormatInt(ctx.Height, 10)))
}}
