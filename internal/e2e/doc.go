// Package e2e holds end-to-end tests that drive a real node through a real
// browser (headless Chromium with chromedp): signing in to the service
// hall, one full flow per scenario, and the public pages a consumer or a
// judge opens. The tests skip when no browser is installed, except in CI
// (CI=true), where they fail: .ci/run installs Debian's chromium.
package e2e
