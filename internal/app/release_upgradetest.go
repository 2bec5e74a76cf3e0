//go:build upgradetest

package app

import "github.com/dengta-chain/dengta/internal/module"

// This build is the "next release" of the upgrade test (ADR 0019,
// cmd/dengta upgrade_process_test.go): the same software with the
// application version raised by one, a migration into it and one new
// action that exists from that version on. It is built only with
// -tags upgradetest.

// AppVersion is the highest application protocol version this software
// runs.
const AppVersion = 2

func currentRelease() Release {
	return Release{
		Version:    AppVersion,
		Migrations: []Migration{ProbeMigration},
		Modules:    []module.Module{ProbeModule{}},
	}
}
