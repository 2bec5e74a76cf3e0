package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/proof"
	"github.com/dengta-chain/dengta/proof/prooftest"
)

// TestVerifyFile runs `dengta verify --file` on certificates made with
// prooftest: a single evidence record, and items of a batch.
func TestVerifyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	evidence := []byte("%PDF-1.7 采购合同 HT-2024-0001, signed")
	ev := batch.ItemForContent(evidence, "采购合同.pdf", "application/pdf", "")
	var items []batch.Item
	var pages [][]byte
	for i := range 20 {
		pages = append(pages, fmt.Appendf(nil, "page %d of the delivery notes", i))
		items = append(items, batch.ItemForContent(pages[i], fmt.Sprintf("page-%02d.png", i), "image/png", ""))
	}
	tree, err := batch.Build(items)
	if err != nil {
		t.Fatal(err)
	}
	record := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	chain, err := prooftest.New(prooftest.Config{ChainID: "dengta-cli-test"}, map[string][]byte{
		"rec/evidence/E-1": record(map[string]any{"id": "E-1", "sha256": ev.SHA256, "sm3": ev.SM3, "file_name": ev.Name, "size": ev.Size}),
		"rec/batch/B-1":    record(map[string]any{"id": "B-1", "merkle_root": hex.EncodeToString(tree.Root()), "size": tree.Size(), "item_format": batch.ItemFormat}),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	bundle := func(key string) *proof.Bundle {
		t.Helper()
		p, err := chain.Prove(key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := proof.New(chain.ChainID, chain.Height, p, chain.Header, chain.Set)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	save := func(name string, b *proof.Bundle) string {
		t.Helper()
		raw, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return write(name, raw)
	}
	evCert := save("evidence-cert.json", bundle("rec/evidence/E-1"))
	absentCert := save("absent-cert.json", bundle("rec/evidence/E-2"))
	receipt, err := tree.Receipt(7)
	if err != nil {
		t.Fatal(err)
	}
	itemBundle, err := proof.WithInclusion(bundle("rec/batch/B-1"), receipt)
	if err != nil {
		t.Fatal(err)
	}
	itemCert := save("item-7-cert.json", itemBundle)
	evFile := write("contract.pdf", evidence)
	wrongFile := write("contract-edited.pdf", append([]byte("x"), evidence...))
	pageFile := write("page-07.png", pages[7])
	otherPage := write("page-08.png", pages[8])
	trust := chain.SetHashHex()
	genesis := filepath.Join(dir, "genesis.json")
	if err := chain.WriteGenesis(genesis); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		code     int
		out, err []string // substrings expected
	}{
		// A single evidence record.
		{"evidence, right file", []string{"verify", evCert, "--trust", trust, "--file", evFile}, 0,
			[]string{"✓ file ", "matches the record \"rec/evidence/E-1\": SHA-256 " + ev.SHA256 + ", SM3 " + ev.SM3, "VERIFIED: " + evFile + " is the file certified by \"rec/evidence/E-1\""}, nil},
		{"evidence, --bundle", []string{"verify", "--bundle", evCert, "--trust", trust, "--file", evFile}, 0, []string{"VERIFIED"}, nil},
		{"evidence, genesis trust", []string{"verify", "--bundle", evCert, "--trust", genesis, "--file", evFile}, 0, []string{"✓ trusted validator set", "genesis " + genesis}, nil},
		{"evidence, no file", []string{"verify", "--bundle", evCert, "--trust", trust}, 0, []string{`VERIFIED: "rec/evidence/E-1" holds this value`}, nil},
		{"evidence, wrong file", []string{"verify", evCert, "--trust", trust, "--file", wrongFile}, 1,
			[]string{"✓ merkle proof", "✗ file ", "is not the one certified"}, []string{"verification FAILED: file:", "Try: the certificate itself is genuine"}},
		{"evidence, json", []string{"verify", "--json", evCert, "--trust", trust, "--file", evFile}, 0,
			[]string{`"ok": true`, `"matched": [`, `"sha256",`, `"subject": "record \"rec/evidence/E-1\""`}, nil},
		{"evidence, json, wrong file", []string{"verify", "--json", evCert, "--trust", trust, "--file", wrongFile}, 1,
			[]string{`"ok": false`, `"name": "file"`}, []string{"verification FAILED"}},
		// A batch item.
		{"item, right file", []string{"verify", "--bundle", itemCert, "--trust", trust, "--file", pageFile}, 0,
			[]string{"✓ batch inclusion", "item at index 7 of 20 (\"page-07.png\"", "✓ file ", "matches the batch item at index 7",
				"VERIFIED: " + pageFile + " is the file certified as the item at index 7 of the 20 in batch \"rec/batch/B-1\"", `"name": "page-07.png"`}, nil},
		{"item, no file", []string{"verify", itemCert, "--trust", trust}, 0,
			[]string{"✓ batch inclusion", "VERIFIED: the item at index 7 is one of the 20 in batch", "add --file"}, nil},
		{"item, another page", []string{"verify", itemCert, "--trust", trust, "--file", otherPage}, 1,
			[]string{"✓ batch inclusion", "✗ file "}, []string{"verification FAILED: file:"}},
		{"item, wrong trust", []string{"verify", itemCert, "--trust", strings.Repeat("ab", 32), "--file", pageFile}, 1,
			[]string{"✗ trusted validator set"}, []string{"verification FAILED: trusted validator set"}},
		{"absent, file", []string{"verify", absentCert, "--trust", trust, "--file", evFile}, 1,
			[]string{"✗ file ", "ABSENT"}, []string{"an absence proof cannot certify a file"}},
		// Usage errors.
		{"bundle twice", []string{"verify", evCert, "--bundle", evCert, "--trust", trust}, 1, nil, []string{"give the bundle once", "Try: dengta verify --bundle"}},
		{"no bundle", []string{"verify", "--trust", trust, "--file", evFile}, 1, nil, []string{"verify takes one bundle file"}},
		{"two bundles", []string{"verify", evCert, itemCert, "--trust", trust}, 1, nil, []string{"verify takes one bundle file"}},
		{"empty --bundle", []string{"verify", "--bundle=", "--trust", trust}, 1, nil, []string{"--bundle needs a file path"}},
		{"empty --file", []string{"verify", evCert, "--file=", "--trust", trust}, 1, nil, []string{"--file needs a file path"}},
		{"missing file", []string{"verify", evCert, "--trust", trust, "--file", filepath.Join(dir, "none.pdf")}, 1, nil, []string{"open file:", "Try: check the --file path"}},
		{"file is a directory", []string{"verify", evCert, "--trust", trust, "--file", dir}, 1, nil, []string{"is a directory"}},
		{"missing bundle", []string{"verify", "--bundle", filepath.Join(dir, "none.json"), "--trust", trust}, 1, nil, []string{"read bundle:"}},
		{"no trust", []string{"verify", "--bundle", evCert, "--file", evFile}, 1, nil, []string{"--trust is required"}},
		{"--file without value", []string{"verify", evCert, "--trust", trust, "--file"}, 1, nil, []string{"flag needs an argument"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.args...)
			ok := code == tt.code
			for _, s := range tt.out {
				ok = ok && strings.Contains(out, s)
			}
			for _, s := range tt.err {
				ok = ok && strings.Contains(errOut, s)
			}
			if !ok {
				t.Errorf("dengta %s: exit %d, want %d\nstdout: %s\nstderr: %s\nwant stdout ⊇ %q, stderr ⊇ %q",
					strings.Join(tt.args, " "), code, tt.code, out, errOut, tt.out, tt.err)
			}
		})
	}
}
