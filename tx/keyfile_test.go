package tx

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/keyfile"
)

// testProt is a real (not dev) passphrase with the cheap dev cost, so
// that tests run fast; the cost is a parameter stored in each file.
var testProt = keyfile.Protection{Passphrase: []byte("correct horse battery"), Cost: keyfile.DevCost}

func TestKeyFileRoundTrip(t *testing.T) {
	for _, algo := range allAlgos {
		for _, cipher := range []string{keyfile.SM4GCM, keyfile.AES256GCM} {
			t.Run(algo.String()+"/"+cipher, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "keys", "member", "signer.json")
				k := testKey(t, algo, 10)
				p := testProt
				p.Cipher = cipher
				if err := WriteKeyFile(path, k, "alice", p); err != nil {
					t.Fatal(err)
				}
				got, info, err := OpenKeyFile(path, keyfile.Fixed(p.Passphrase))
				if err != nil {
					t.Fatal(err)
				}
				if info.Name != "alice" || info.Legacy || info.File == nil || got.Algo() != algo || !got.Public().Equal(k.Public()) || string(got.Bytes()) != string(k.Bytes()) {
					t.Fatalf("read back %v %+v, want %v alice", got, info, k)
				}

				// The file is readable JSON with the public fields in the
				// clear and the private key nowhere, in no encoding.
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				for _, secret := range []string{hex.EncodeToString(k.Bytes()), string(k.Bytes()), base64.StdEncoding.EncodeToString(k.Bytes())} {
					if strings.Contains(string(data), secret) {
						t.Fatalf("the private key is in the file:\n%s", data)
					}
				}
				for _, field := range []string{`"format": "dengta-key/1"`, `"kind": "member"`, `"algo": "` + algo.String() + `"`, `"key_id": "` + k.ID().String() + `"`,
					`"public_key": "` + hex.EncodeToString(k.Public().Key) + `"`, `"name": "alice"`, `"cipher": "` + cipher + `"`} {
					if !strings.Contains(string(data), field) {
						t.Fatalf("file lacks %s:\n%s", field, data)
					}
				}

				// Without the passphrase it does not open; with a wrong one
				// it says so, naming the file.
				if _, _, err := ReadKeyFile(path); !errors.Is(err, keyfile.ErrNoPassphrase) {
					t.Fatalf("ReadKeyFile without passphrase: %v", err)
				}
				_, _, err = OpenKeyFile(path, keyfile.Fixed("wrong horse battery"))
				if !errors.Is(err, keyfile.ErrWrongPassphrase) || err.Error() != "wrong passphrase for key file "+path {
					t.Fatalf("wrong passphrase: %v", err)
				}

				// Permissions: 0600 file, 0700 created directories.
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("file mode %v, want 0600", st.Mode().Perm())
				}
				for _, d := range []string{filepath.Join(dir, "keys"), filepath.Join(dir, "keys", "member")} {
					st, err := os.Stat(d)
					if err != nil {
						t.Fatal(err)
					}
					if st.Mode().Perm() != 0o700 {
						t.Errorf("directory %s mode %v, want 0700", d, st.Mode().Perm())
					}
				}
			})
		}
	}
}

// TestKeyFileDev: a dev key file opens without a passphrase and says it
// is one; the dev passphrase is refused for a file that is not marked dev.
func TestKeyFileDev(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.json")
	k := testKey(t, AlgoSM2, 16)
	if err := WriteKeyFile(path, k, "", keyfile.DevProtection()); err != nil {
		t.Fatal(err)
	}
	got, info, err := OpenKeyFile(path, nil)
	if err != nil || !got.Public().Equal(k.Public()) || !info.File.Dev || !strings.Contains(info.File.Describe(), keyfile.DevPassphrase) {
		t.Fatalf("dev file: %v %+v %v", got, info, err)
	}
	if err := WriteKeyFile(filepath.Join(t.TempDir(), "k.json"), k, "", keyfile.Protection{Passphrase: []byte(keyfile.DevPassphrase)}); err == nil {
		t.Fatal("the dev passphrase was accepted for a key not marked dev")
	}
	if err := WriteKeyFile(filepath.Join(t.TempDir(), "k.json"), k, "", keyfile.Protection{Passphrase: []byte("short")}); err == nil {
		t.Fatal("a 5-character passphrase was accepted")
	}
	if err := WriteKeyFile(filepath.Join(t.TempDir(), "k.json"), k, "", keyfile.Protection{}); !errors.Is(err, keyfile.ErrNoPassphrase) {
		t.Fatalf("no passphrase: %v", err)
	}
}

// TestKeyFileTampered changes each field of an encrypted file and checks
// that the file no longer opens, with the right error: a swapped public
// key or name is caught (ErrCorrupt), a changed KDF input looks like a
// wrong passphrase, a malformed field is refused before any derivation.
func TestKeyFileTampered(t *testing.T) {
	k := testKey(t, AlgoSM2, 17)
	other := testKey(t, AlgoSM2, 18)
	f, err := EncryptKey(k, "coop admin", testProt)
	if err != nil {
		t.Fatal(err)
	}
	good := f.Marshal()
	flip := func(h string) string { // flips the low bit of the first byte
		b, _ := hex.DecodeString(h)
		b[0] ^= 1
		return hex.EncodeToString(b)
	}
	for _, tc := range []struct {
		name string
		edit func(m, c map[string]any)
		want error  // errors.Is target
		has  string // or a text the error must contain
	}{
		{name: "public key swapped", edit: func(m, c map[string]any) { m["public_key"] = hex.EncodeToString(other.Public().Key) }, want: keyfile.ErrCorrupt},
		{name: "key id swapped", edit: func(m, c map[string]any) { m["key_id"] = other.ID().String() }, want: keyfile.ErrCorrupt},
		{name: "name changed", edit: func(m, c map[string]any) { m["name"] = "bank admin" }, want: keyfile.ErrCorrupt},
		{name: "name removed", edit: func(m, c map[string]any) { delete(m, "name") }, want: keyfile.ErrCorrupt},
		{name: "algo changed", edit: func(m, c map[string]any) { m["algo"] = "ed25519" }, want: keyfile.ErrCorrupt},
		{name: "kind changed", edit: func(m, c map[string]any) { m["kind"] = "validator" }, has: "not a member signing key"},
		{name: "nonce", edit: func(m, c map[string]any) { c["nonce"] = flip(c["nonce"].(string)) }, want: keyfile.ErrCorrupt},
		{name: "ciphertext", edit: func(m, c map[string]any) { c["ciphertext"] = flip(c["ciphertext"].(string)) }, want: keyfile.ErrCorrupt},
		{name: "tag", edit: func(m, c map[string]any) {
			s := c["ciphertext"].(string)
			c["ciphertext"] = s[:len(s)-2] + flip(s[len(s)-2:])
		}, want: keyfile.ErrCorrupt},
		{name: "check", edit: func(m, c map[string]any) { c["check"] = flip(c["check"].(string)) }, want: keyfile.ErrWrongPassphrase},
		{name: "salt", edit: func(m, c map[string]any) {
			kdf := c["kdf"].(map[string]any)
			kdf["salt"] = flip(kdf["salt"].(string))
		}, want: keyfile.ErrWrongPassphrase},
		{name: "kdf passes", edit: func(m, c map[string]any) { c["kdf"].(map[string]any)["t"] = 2 }, want: keyfile.ErrWrongPassphrase},
		{name: "cipher", edit: func(m, c map[string]any) { c["cipher"] = "aes-256-gcm" }, want: keyfile.ErrWrongPassphrase},
		{name: "dev flag set", edit: func(m, c map[string]any) { m["dev"] = true }, want: keyfile.ErrWrongPassphrase},
		{name: "format", edit: func(m, c map[string]any) { m["format"] = "dengta-key/2" }, has: "dengta-key/2"},
		{name: "unknown field", edit: func(m, c map[string]any) { m["private_key"] = "00" }, has: "unknown field"},
		{name: "unknown cipher", edit: func(m, c map[string]any) { c["cipher"] = "des" }, has: "unknown cipher"},
		{name: "huge memory", edit: func(m, c map[string]any) { c["kdf"].(map[string]any)["m"] = 1 << 30 }, has: "1 GiB"},
		{name: "short nonce", edit: func(m, c map[string]any) { c["nonce"] = "00" }, has: "nonce"},
		{name: "upper-case hex", edit: func(m, c map[string]any) { c["nonce"] = strings.ToUpper(c["nonce"].(string)) }, has: "lowercase"},
		{name: "no crypto", edit: func(m, c map[string]any) { delete(m, "crypto") }, has: "kdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(good, &m); err != nil {
				t.Fatal(err)
			}
			tc.edit(m, m["crypto"].(map[string]any))
			data, _ := json.Marshal(m)
			_, _, err := ParseKeyFile(data, keyfile.Fixed(testProt.Passphrase), "k.json")
			if err == nil {
				t.Fatalf("opened:\n%s", data)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if tc.has != "" && !strings.Contains(err.Error(), tc.has) {
				t.Fatalf("error %q does not mention %q", err, tc.has)
			}
		})
	}
	if _, _, err := ParseKeyFile(good, keyfile.Fixed(testProt.Passphrase), "k.json"); err != nil {
		t.Fatalf("the untouched file: %v", err)
	}
}

// TestLegacyKeyFile: a plain file in the old format still opens, and says
// it is legacy so that callers warn.
func TestLegacyKeyFile(t *testing.T) {
	k := testKey(t, AlgoSM2, 19)
	data, _ := json.Marshal(KeyFile{Algo: AlgoSM2, KeyID: k.ID(), PublicKey: hex.EncodeToString(k.Public().Key), PrivateKey: hex.EncodeToString(k.Bytes()), Name: "old"})
	path := filepath.Join(t.TempDir(), "old.json")
	os.WriteFile(path, data, 0o600)
	got, info, err := OpenKeyFile(path, nil)
	if err != nil || !info.Legacy || info.File != nil || info.Name != "old" || !got.Public().Equal(k.Public()) {
		t.Fatalf("legacy file: %v %+v %v", got, info, err)
	}
}

func TestKeyFileNoName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.json")
	if err := WriteKeyFile(path, testKey(t, AlgoEd25519, 11), "", keyfile.DevProtection()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "\n  \"name\"") {
		t.Errorf("empty name was written: %s", data)
	}
	if _, name, err := ReadKeyFile(path); err != nil || name != "" {
		t.Fatalf("ReadKeyFile = %q, %v", name, err)
	}
}

func TestKeyFileRefusesOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.json")
	first := testKey(t, AlgoSM2, 12)
	if err := WriteKeyFile(path, first, "first", keyfile.DevProtection()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	err := WriteKeyFile(path, testKey(t, AlgoSM2, 13), "second", keyfile.DevProtection())
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second write: %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Fatal("existing key file was changed")
	}
	k, name, err := ReadKeyFile(path)
	if err != nil || name != "first" || !k.Public().Equal(first.Public()) {
		t.Fatalf("after refused overwrite: %v %q %v", k, name, err)
	}
	if err := WriteKeyFile(path, nil, "", keyfile.DevProtection()); err == nil {
		t.Fatal("nil key accepted")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestKeyFileMismatch(t *testing.T) {
	k := testKey(t, AlgoSM2, 14)
	other := testKey(t, AlgoSM2, 15)
	otherEd := testKey(t, AlgoEd25519, 15)
	good := KeyFile{
		Algo:       AlgoSM2,
		KeyID:      k.ID(),
		PublicKey:  hex.EncodeToString(k.Public().Key),
		PrivateKey: hex.EncodeToString(k.Bytes()),
		Name:       "m",
	}
	for _, tc := range []struct {
		name   string
		edit   func(*KeyFile)
		raw    string // used instead of the edited file when set
		errHas string
	}{
		{name: "good"},
		{name: "upper-case hex", edit: func(f *KeyFile) {
			f.PublicKey = strings.ToUpper(f.PublicKey)
			f.PrivateKey = strings.ToUpper(f.PrivateKey)
		}},
		{name: "public key of another key", edit: func(f *KeyFile) { f.PublicKey = hex.EncodeToString(other.Public().Key) }, errHas: "public_key"},
		{name: "key id of another key", edit: func(f *KeyFile) { f.KeyID = other.ID() }, errHas: "key_id"},
		{name: "private key of another key", edit: func(f *KeyFile) { f.PrivateKey = hex.EncodeToString(other.Bytes()) }, errHas: "does not belong"},
		{name: "algo changed", edit: func(f *KeyFile) { f.Algo = AlgoEd25519 }, errHas: "does not belong"},
		{name: "ed25519 key relabelled", edit: func(f *KeyFile) {
			f.PrivateKey = hex.EncodeToString(otherEd.Bytes())
			f.PublicKey = hex.EncodeToString(otherEd.Public().Key)
			f.KeyID = otherEd.ID()
		}, errHas: "does not belong"},
		{name: "private key not hex", edit: func(f *KeyFile) { f.PrivateKey = "xyz" }, errHas: "not hex"},
		{name: "private key short", edit: func(f *KeyFile) { f.PrivateKey = f.PrivateKey[:62] }, errHas: "32-byte"},
		{name: "no private key", edit: func(f *KeyFile) { f.PrivateKey = "" }, errHas: "no private_key"},
		{name: "no public key", edit: func(f *KeyFile) { f.PublicKey = "" }, errHas: "no public_key"},
		{name: "no key id", edit: func(f *KeyFile) { f.KeyID = KeyID{} }, errHas: "no key_id"},
		{name: "unknown algo", raw: `{"algo":"rsa","key_id":"` + k.ID().String() + `"}`, errHas: "unknown key algorithm"},
		{name: "no algo", raw: `{"key_id":"` + k.ID().String() + `","private_key":"00"}`, errHas: "no algo"},
		{name: "unknown field", raw: `{"algo":"sm2","extra":true}`, errHas: "unknown field"},
		{name: "not json", raw: `algo: sm2`, errHas: "not valid"},
		{name: "trailing data", raw: `{"algo":"sm2"} {}`, errHas: "after the JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := good
			if tc.edit != nil {
				tc.edit(&f)
			}
			data, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			if tc.raw != "" {
				data = []byte(tc.raw)
			}
			path := filepath.Join(t.TempDir(), "k.json")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			got, _, err := ReadKeyFile(path)
			if tc.errHas == "" {
				if err != nil || !got.Public().Equal(k.Public()) {
					t.Fatalf("ReadKeyFile: %v, %v", got, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %s", data)
			}
			if !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("error %q does not mention %q", err, tc.errHas)
			}
			if strings.Contains(err.Error(), hex.EncodeToString(k.Bytes())) {
				t.Fatalf("error %q contains the private key", err)
			}
		})
	}
	if _, _, err := ReadKeyFile(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.HasPrefix(err.Error(), "read key file: ") {
		t.Fatalf("missing file: %v", err)
	}
}
