package keyfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testPub = Public{Kind: Member, Algo: "sm2", KeyID: "00112233445566778899aabbccddeeff00112233", PublicKey: []byte{4, 1, 2, 3}, Name: "测试 key"}

func TestEncryptDecrypt(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	for _, cost := range []Cost{DevCost, {KDF: Scrypt, N: 1024, R: 8, P: 1}} {
		for _, cipher := range []string{SM4GCM, AES256GCM} {
			p := Protection{Passphrase: []byte("passphrase 灯塔"), Cost: cost, Cipher: cipher}
			f, err := Encrypt(testPub, secret, p)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Parse(f.Marshal())
			if err != nil {
				t.Fatalf("%s %s: Parse: %v", cost, cipher, err)
			}
			got, err := g.DecryptWith(p.Passphrase)
			if err != nil || !bytes.Equal(got, secret) {
				t.Fatalf("%s %s: %x, %v", cost, cipher, got, err)
			}
			if _, err := g.DecryptWith([]byte("passphrase 灯")); !errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("%s %s: wrong passphrase: %v", cost, cipher, err)
			}
			if _, err := g.Decrypt(nil, "x"); !errors.Is(err, ErrNoPassphrase) {
				t.Errorf("no source: %v", err)
			}
			if g.Protection().Cost != cost || g.Protection().Cipher != cipher {
				t.Errorf("Protection() = %+v", g.Protection())
			}
		}
	}
}

// TestVector opens a file written when the format was fixed: the format
// of ADR 0008 (AAD, subkeys, ciphers) must keep opening it.
func TestVector(t *testing.T) {
	for _, name := range []string{"sm4-argon2id.json", "aes-scrypt.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.DecryptWith([]byte("dengta test vector"))
		if err != nil || string(got) != "0123456789abcdef0123456789abcdef" {
			t.Fatalf("%s: %q, %v", name, got, err)
		}
		if !bytes.Equal(f.Marshal(), data) {
			t.Errorf("%s does not re-encode to the same bytes", name)
		}
	}
}

func TestCostValidate(t *testing.T) {
	for _, c := range []Cost{Default, DefaultScrypt, DevCost} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	if Default.Weak() || DefaultScrypt.Weak() || !DevCost.Weak() {
		t.Error("Weak is wrong")
	}
	for _, c := range []Cost{
		{},
		{KDF: "pbkdf2", P: 1},
		{KDF: Argon2id, T: 0, M: 1024, P: 1},
		{KDF: Argon2id, T: 1, M: 4, P: 1},
		{KDF: Argon2id, T: 1, M: 2 << 20, P: 1},
		{KDF: Argon2id, T: 1, M: 1024, P: 0},
		{KDF: Argon2id, T: 1, M: 1024, P: 1, N: 2},
		{KDF: Scrypt, N: 1000, R: 8, P: 1},
		{KDF: Scrypt, N: 1 << 21, R: 8, P: 1},
		{KDF: Scrypt, N: 1024, R: 0, P: 1},
		{KDF: Scrypt, N: 1024, R: 8, P: 1, T: 1},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

type fakeTTY struct {
	answers []string
	asked   []string
}

func (f *fakeTTY) ReadSecret(prompt string) ([]byte, error) {
	f.asked = append(f.asked, prompt)
	if len(f.answers) == 0 {
		return nil, ErrNoPassphrase
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	return []byte(a), nil
}

// TestSources: --passphrase-file, then $DENGTA_PASSPHRASE_FILE, then
// $DENGTA_PASSPHRASE, then the terminal; asked once per process.
func TestSources(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p")
	os.WriteFile(file, []byte("from the flag\r\n"), 0o600)
	envFile := filepath.Join(dir, "e")
	os.WriteFile(envFile, []byte("from the env file\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	env := map[string]string{EnvPassphraseFile: envFile, EnvPassphrase: "from the env", EnvNewPassphrase: "new from the env"}
	getenv := func(k string) string { return env[k] }
	tty := &fakeTTY{answers: []string{"from the terminal"}}

	for _, tc := range []struct {
		name string
		s    *Sources
		want string
	}{
		{"flag first", &Sources{File: file, Getenv: getenv, Prompt: tty}, "from the flag"},
		{"env file", &Sources{Getenv: getenv, Prompt: tty}, "from the env file"},
		{"env", &Sources{Getenv: func(k string) string {
			if k == EnvPassphraseFile {
				return ""
			}
			return env[k]
		}, Prompt: tty}, "from the env"},
		{"terminal", &Sources{Getenv: func(string) string { return "" }, Prompt: tty}, "from the terminal"},
		{"new from env", &Sources{Getenv: getenv, New: true}, "new from the env"},
	} {
		got, err := tc.s.Passphrase("k.json")
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if len(tty.asked) != 1 || tty.asked[0] != "Passphrase for k.json: " {
		t.Errorf("prompts %q", tty.asked)
	}
	none := &Sources{Getenv: func(string) string { return "" }}
	if _, err := none.Passphrase("k"); !errors.Is(err, ErrNoPassphrase) {
		t.Errorf("no source: %v", err)
	}
	if _, err := (&Sources{File: empty}).Passphrase("k"); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty file: %v", err)
	}
	// Asked once: a second call does not prompt again.
	tty2 := &fakeTTY{answers: []string{"only once please"}}
	s := &Sources{Getenv: func(string) string { return "" }, Prompt: tty2}
	s.Passphrase("a")
	if p, _ := s.Passphrase("b"); string(p) != "only once please" || len(tty2.asked) != 1 {
		t.Errorf("second call: %q, prompts %q", p, tty2.asked)
	}
	// A new passphrase is asked twice and must match and be long enough.
	for _, tc := range []struct {
		answers []string
		errHas  string
	}{
		{[]string{"long enough", "long enough"}, ""},
		{[]string{"long enough", "long enougH"}, "differ"},
		{[]string{"short"}, "shorter than 8"},
	} {
		s := &Sources{Getenv: func(string) string { return "" }, Prompt: &fakeTTY{answers: tc.answers}, Confirm: true}
		_, err := s.Passphrase("k")
		if (tc.errHas == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.errHas)) {
			t.Errorf("confirm %q: %v", tc.answers, err)
		}
	}
}

// TestCreateReplace: Create never overwrites and leaves no temporary
// file; Replace swaps the whole file.
func TestCreateReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "k.json")
	if err := Create(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := Create(path, []byte("two")); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second Create: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Fatalf("content %q", b)
	}
	if err := Replace(path, []byte("three")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "three" {
		t.Fatalf("content %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != FileMode {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != DirMode {
		t.Errorf("dir mode %v", fi.Mode().Perm())
	}
}

// FuzzParse: the parser never panics, checks bounds before deriving, and
// what it accepts re-encodes and parses to the same file. Cheap files are
// opened too.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"sm4-argon2id.json", "aes-scrypt.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	dev, _ := Encrypt(testPub, []byte{1, 2, 3}, DevProtection())
	f.Add(dev.Marshal())
	f.Add([]byte(`{"format":"dengta-key/1","kind":"node"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		kf, err := Parse(data)
		if err != nil {
			if kf != nil {
				t.Fatal("a file and an error")
			}
			return
		}
		if err := kf.Sealed.KDF.Cost.Validate(); err != nil {
			t.Fatalf("accepted cost %+v: %v", kf.Sealed.KDF.Cost, err)
		}
		again, err := Parse(kf.Marshal())
		if err != nil || !bytes.Equal(again.Marshal(), kf.Marshal()) {
			t.Fatalf("re-parse: %v", err)
		}
		if c := kf.Sealed.KDF.Cost; c.M <= 1024 && c.T <= 2 && c.N <= 1024 && c.R <= 8 && c.P <= 2 {
			kf.DecryptWith([]byte("dengta test vector"))
			kf.Decrypt(Fixed("x"), "fuzz")
		}
	})
}
