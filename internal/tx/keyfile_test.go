package tx

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyFileRoundTrip(t *testing.T) {
	for _, algo := range allAlgos {
		t.Run(algo.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "keys", "member", "signer.json")
			k := testKey(t, algo, 10)
			if err := WriteKeyFile(path, k, "alice"); err != nil {
				t.Fatal(err)
			}
			got, name, err := ReadKeyFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if name != "alice" || got.Algo() != algo || !got.Public().Equal(k.Public()) || string(got.Bytes()) != string(k.Bytes()) {
				t.Fatalf("read back %v %q, want %v alice", got, name, k)
			}

			// The file is readable JSON with the documented fields.
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var kf KeyFile
			if err := json.Unmarshal(data, &kf); err != nil {
				t.Fatal(err)
			}
			if kf.Algo != algo || kf.KeyID != k.ID() || kf.PublicKey != hex.EncodeToString(k.Public().Key) || kf.PrivateKey != hex.EncodeToString(k.Bytes()) {
				t.Fatalf("file content %s", data)
			}
			if !strings.Contains(string(data), `"algo": "`+algo.String()+`"`) || !strings.Contains(string(data), `"key_id": "`+k.ID().String()+`"`) {
				t.Fatalf("file content %s", data)
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

func TestKeyFileNoName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.json")
	if err := WriteKeyFile(path, testKey(t, AlgoEd25519, 11), ""); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), `"name"`) {
		t.Errorf("empty name was written: %s", data)
	}
	if _, name, err := ReadKeyFile(path); err != nil || name != "" {
		t.Fatalf("ReadKeyFile = %q, %v", name, err)
	}
}

func TestKeyFileRefusesOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.json")
	first := testKey(t, AlgoSM2, 12)
	if err := WriteKeyFile(path, first, "first"); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	err := WriteKeyFile(path, testKey(t, AlgoSM2, 13), "second")
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
	if err := WriteKeyFile(path, nil, ""); err == nil {
		t.Fatal("nil key accepted")
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
