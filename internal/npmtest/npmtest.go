// Package npmtest gives tests the independent implementations that .ci/run
// installs from npm into tools/npm (a JSON Schema of the OpenAPI
// Specification, and the libraries later scenarios check their formats
// against). A test asks for a package; when it is not installed the test
// is skipped, except in CI (CI=true), where it fails: .ci/run installs
// them with `npm ci --prefix tools/npm`.
package npmtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Dir returns tools/npm of the repository, whose node_modules holds the
// packages of tools/npm/package.json.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "tools", "npm")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Require returns tools/npm when the package pkg is installed there and
// Node.js is on the PATH, and skips the test otherwise (fails it in CI).
func Require(tb testing.TB, pkg string) string {
	tb.Helper()
	dir := Dir(tb)
	_, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json"))
	_, nodeErr := exec.LookPath("node")
	if err == nil && nodeErr == nil {
		return dir
	}
	msg := "the npm package " + pkg + " is not installed in tools/npm (or node is missing); run: npm ci --prefix tools/npm"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// Node runs a Node.js script in dir (tools/npm, so that require finds its
// packages) with stdin, and returns its standard output; a failure fails
// the test with the script's standard error.
func Node(tb testing.TB, dir, script string, stdin []byte) []byte {
	tb.Helper()
	cmd := exec.Command("node", "-e", script)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		tb.Fatalf("node: %v\n%s", err, errOut.String())
	}
	return out.Bytes()
}
