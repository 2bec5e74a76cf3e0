package dengta_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const repo = "github.com/dengta-chain/dengta"

// pkgInfo is what `go list -json` says of a package.
type pkgInfo struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages runs go list on patterns.
func listPackages(t *testing.T, patterns ...string) []pkgInfo {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-json=ImportPath,Imports,Deps"}, patterns...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkgInfo
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkgInfo
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// forbidden reports the packages of deps whose path starts with one of
// prefixes.
func forbidden(deps []string, prefixes ...string) []string {
	var out []string
	for _, d := range deps {
		for _, p := range prefixes {
			if d == p || strings.HasPrefix(d, p+"/") {
				out = append(out, d)
			}
		}
	}
	return out
}

// TestDependencies keeps the architecture's layers apart, by the import
// graph of the non-test code:
//
//   - the Go SDK (client) pulls in no storage engine, no CometBFT node and
//     no state trie, and no module;
//   - the offline verifier (proof) imports no node code;
//   - a module's state machine and wire packages import no HTTP, pages or
//     node code;
//   - no package of a module (its plug included) imports the hosts: the
//     app, the node, the daemon, the dev networks, the gateway or the web
//     pages; modules import only the contracts (module, api, httpapi,
//     pages, cli, workload, plug) and the shared kits.
func TestDependencies(t *testing.T) {
	hosts := []string{repo + "/internal/app", repo + "/internal/node", repo + "/internal/daemon", repo + "/internal/devnet", repo + "/internal/gateway", repo + "/internal/web"}
	heavy := []string{"github.com/cockroachdb/pebble", "github.com/cometbft/cometbft/node", "github.com/ethereum/go-ethereum/trie", repo + "/internal/state", repo + "/modules"}
	for _, p := range listPackages(t, "./client") {
		if bad := forbidden(p.Deps, heavy...); len(bad) > 0 {
			t.Errorf("the SDK (%s) depends on %v", p.ImportPath, bad)
		}
	}
	for _, p := range listPackages(t, "./proof", "./proof/verdict", "./internal/state/trieproof") {
		if bad := forbidden(p.Deps, append(hosts, "github.com/cockroachdb/pebble", "github.com/cometbft/cometbft/node", repo+"/internal/prover")...); len(bad) > 0 {
			t.Errorf("the offline verifier's %s depends on %v", p.ImportPath, bad)
		}
	}
	mods := listPackages(t, "./modules/...")
	if len(mods) < 9 {
		t.Fatalf("go list found %d module packages", len(mods))
	}
	for _, p := range mods {
		rel := strings.TrimPrefix(p.ImportPath, repo+"/modules")
		if rel == "" {
			continue // the registry itself wires the modules
		}
		if bad := forbidden(p.Deps, hosts...); len(bad) > 0 {
			t.Errorf("module package %s depends on hosts %v", p.ImportPath, bad)
		}
		parts := strings.Split(strings.Trim(rel, "/"), "/")
		core := len(parts) == 1 || (len(parts) == 2 && parts[1] == parts[0]+"api")
		if core {
			if bad := forbidden(p.Deps, "net/http", "html/template", repo+"/internal/httpapi", repo+"/internal/pages", repo+"/internal/cli", repo+"/client"); len(bad) > 0 {
				t.Errorf("state machine or wire package %s depends on %v", p.ImportPath, bad)
			}
		}
		// A module imports no other module.
		for _, imp := range p.Imports {
			if other, ok := strings.CutPrefix(imp, repo+"/modules/"); ok && strings.Split(other, "/")[0] != parts[0] {
				t.Errorf("module package %s imports another module's %s", p.ImportPath, imp)
			}
		}
	}
	// Outside modules, only the registry imports a module.
	for _, p := range listPackages(t, "./...") {
		if strings.HasPrefix(p.ImportPath, repo+"/modules") {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, repo+"/modules/") {
				t.Errorf("%s imports %s; only the registry (modules) names a module", p.ImportPath, imp)
			}
		}
		if slices.Contains(p.Imports, repo+"/modules") && !slices.Contains([]string{repo + "/cmd/dengta", repo + "/internal/daemon", repo + "/internal/nodetest", repo + "/internal/browsertest"}, p.ImportPath) {
			t.Errorf("%s imports the registry; the one place that wires the node (daemon, cmd/dengta) and the test kits do", p.ImportPath)
		}
	}
}
