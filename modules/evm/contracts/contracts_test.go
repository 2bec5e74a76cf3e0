package contracts

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/npmtest"
)

var update = flag.Bool("update", false, "rewrite build.json from the sources")

// Compile compiles the .sol files of this directory with solc-js.
func Compile(tb testing.TB) []byte {
	tb.Helper()
	dir := npmtest.Require(tb, "solc")
	files, err := filepath.Glob("*.sol")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no sources: %v", err)
	}
	sources := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		sources[f] = string(b)
	}
	in, _ := json.Marshal(map[string]any{"sources": sources})
	script, err := os.ReadFile("compile.js")
	if err != nil {
		tb.Fatal(err)
	}
	return npmtest.Node(tb, dir, string(script), in)
}

// TestBuildIsCurrent compiles the sources again: build.json must be what
// they compile to (run with -update after changing a contract).
func TestBuildIsCurrent(t *testing.T) {
	out := Compile(t)
	if *update {
		if err := os.WriteFile("build.json", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(out, buildJSON) {
		t.Fatal("build.json is not what the sources compile to; run go test ./modules/evm/contracts -run TestBuildIsCurrent -update")
	}
}

func TestArtifacts(t *testing.T) {
	for _, name := range []string{"Token", "Collectible", "Factory", "Escrow", "Notarized", "Gas", "Ephemeral"} {
		a, err := Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Bytecode) == 0 || len(a.DeployedBytecode) == 0 {
			t.Errorf("%s has no code", name)
		}
		a.Parsed()
	}
	code, err := MustGet("Token").Deploy("积分", "PTS", bigInt(1000))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(code, MustGet("Token").Bytecode) || len(code) <= len(MustGet("Token").Bytecode) {
		t.Error("Deploy does not append the constructor arguments")
	}
	if !strings.HasPrefix(Solc(), "0.8.") {
		t.Errorf("solc version %q", Solc())
	}
	if _, err := Get("Nope"); err == nil {
		t.Error("Get of an unknown contract succeeded")
	}
}

// exampleFile is the Token artifact the README's commands deploy.
const exampleFile = "../../../examples/contracts/Token.json"

// exampleArtifact is the Token as Hardhat writes an artifact: the form
// `dengta contract deploy --abi` reads with its bytecode.
func exampleArtifact(t *testing.T) []byte {
	t.Helper()
	a := MustGet("Token")
	var abiValue any
	if err := json.Unmarshal(a.ABI, &abiValue); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(map[string]any{
		"_format":                "hh-sol-artifact-1",
		"contractName":           "Token",
		"sourceName":             "contracts/" + a.Source,
		"abi":                    abiValue,
		"bytecode":               a.Bytecode,
		"deployedBytecode":       a.DeployedBytecode,
		"linkReferences":         map[string]any{},
		"deployedLinkReferences": map[string]any{},
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestExampleIsCurrent: the README's example artifact is the module's
// Token as built (rewritten with -update).
func TestExampleIsCurrent(t *testing.T) {
	want := exampleArtifact(t)
	if *update {
		if err := os.MkdirAll(filepath.Dir(exampleFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(exampleFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(exampleFile)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is not the Token of build.json (%v); run go test ./modules/evm/contracts -run TestExampleIsCurrent -update", exampleFile, err)
	}
}
