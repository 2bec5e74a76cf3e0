//go:build !upgradetest

package app

// AppVersion is the highest application protocol version this software
// runs (ADR 0019). A release that changes what a block does raises it by
// one, gates the new behaviour on the chain's version (module.Action.Since,
// Context.Version) and registers its state migration, if any, in
// currentRelease.
const AppVersion = 1

// currentRelease is this software's release: its version and the
// migrations into each version above 1, one per version.
func currentRelease() Release {
	return Release{Version: AppVersion}
}
