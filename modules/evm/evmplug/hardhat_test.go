package evmplug_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/npmtest"
	"github.com/dengta-chain/dengta/modules"
)

// TestHardhatAgainstANode runs `hardhat test` of the project in
// testdata/hardhat against a dev node, offline: Hardhat compiles the
// module's contracts with the solc-js package instead of downloading a
// compiler, and its network is the node's /eth/<API token>.
func TestHardhatAgainstANode(t *testing.T) {
	npm := npmtest.Require(t, "hardhat")
	npmtest.Require(t, "@nomicfoundation/hardhat-ethers")
	npmtest.Require(t, "solc")
	d, home := nodetest.DevHall(t, modules.Registry())
	deployer, holder := newEthKey(t), newEthKey(t)
	registerEthKey(t, d.GatewayURL, home, "alliance", deployer)
	registerEthKey(t, d.GatewayURL, home, "coop", holder)
	token := apiToken(t, d.GatewayURL, "alliance-admin")

	// The project in a directory of its own, with the npm packages CI
	// installs.
	proj := t.TempDir()
	for _, f := range []string{"package.json", "hardhat.config.js", "test/token.test.js"} {
		b, err := os.ReadFile(filepath.Join("testdata", "hardhat", f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(proj, f)), 0o755)
		if err := os.WriteFile(filepath.Join(proj, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(npm, "node_modules"), filepath.Join(proj, "node_modules")); err != nil {
		t.Fatal(err)
	}
	// The module's contracts are the project's.
	sols, err := filepath.Glob(filepath.Join("..", "contracts", "*.sol"))
	if err != nil || len(sols) == 0 {
		t.Fatalf("contracts: %v", err)
	}
	os.MkdirAll(filepath.Join(proj, "contracts"), 0o755)
	for _, f := range sols {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(proj, "contracts", filepath.Base(f)), b, 0o644)
	}
	cmd := exec.Command("node", filepath.Join("node_modules", "hardhat", "internal", "cli", "bootstrap.js"), "test", "--network", "dengta")
	cmd.Dir = proj
	cmd.Env = append(os.Environ(),
		"DENGTA_RPC="+d.GatewayURL+"/eth/"+token,
		"DEPLOYER_KEY="+deployer.hex, "HOLDER_KEY="+holder.hex,
		"HARDHAT_OUT="+t.TempDir(),
		"HARDHAT_DISABLE_TELEMETRY_PROMPT=true", "DO_NOT_TRACK=1", "CI=true",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("hardhat test: %v\n%s", err, out.String())
	}
	t.Logf("hardhat test:\n%s", out.String())
	if !strings.Contains(out.String(), "6 passing") {
		t.Fatalf("hardhat did not report 6 passing tests:\n%s", out.String())
	}
}
