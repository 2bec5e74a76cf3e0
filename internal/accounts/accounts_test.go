package accounts

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/tx"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func open(t *testing.T) (*Store, *clock, string) {
	t.Helper()
	dir := t.TempDir()
	c := &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	master := make([]byte, 16)
	rand.Read(master)
	s, err := Open(filepath.Join(dir, "hall"), master, c.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c, dir
}

// TestMasterKeyIsNotInTheDataDirectory: the store keeps no master key of
// its own (it used to write one in plain hex beside the database); the
// node derives it from the passphrase (node.HallMasterKey).
func TestMasterKeyIsNotInTheDataDirectory(t *testing.T) {
	dir := t.TempDir()
	master := bytes.Repeat([]byte{0x5a}, 16)
	s, err := Open(filepath.Join(dir, "hall"), master, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(User{Name: "zhang.san", Org: "coop", Role: RoleStaff}, "pear-orchard-2026", newKey(t, tx.AlgoSM2)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		if bytes.Contains(b, master) || bytes.Contains(b, []byte(hex.EncodeToString(master))) {
			t.Errorf("%s holds the master key", path)
		}
		return nil
	})
	if _, err := Open(filepath.Join(t.TempDir(), "hall"), master[:8], nil); err == nil {
		t.Error("an 8-byte master key was accepted")
	}
}

func newKey(t *testing.T, algo tx.Algo) *tx.PrivateKey {
	k, err := tx.GenerateKey(algo, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestUserKeyAndPassword(t *testing.T) {
	s, _, _ := open(t)
	k := newKey(t, tx.AlgoSM2)
	u := User{Name: "zhang.san", Display: "张三", Org: "coop", Role: RoleStaff}
	if err := s.AddUser(u, "pear-orchard-2026", k); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(u, "pear-orchard-2026", k); !errors.Is(err, ErrUserExists) {
		t.Fatalf("second AddUser = %v", err)
	}
	got, err := s.authenticate("zhang.san", "pear-orchard-2026")
	if err != nil || got.Org != "coop" || got.KeyID != k.ID() || !strings.HasPrefix(got.Password, "$argon2id$") {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}
	if _, err := s.authenticate("zhang.san", "wrong-password"); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.authenticate("nobody", "whatever-pass"); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("unknown user: %v", err)
	}
	sk, err := s.SigningKey(got)
	if err != nil || sk.ID() != k.ID() {
		t.Fatalf("SigningKey = %v, %v", sk, err)
	}
	// The key is not stored in the clear.
	sealed, closer, err := s.db.Get(sealedKey("zhang.san"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), string(k.Bytes())) {
		t.Fatal("the private key is stored in the clear")
	}
	closer.Close()
}

func TestSealedKeyIsBoundToItsUser(t *testing.T) {
	s, _, _ := open(t)
	a, b := newKey(t, tx.AlgoEd25519), newKey(t, tx.AlgoEd25519)
	s.AddUser(User{Name: "alice", Org: "bank", Role: RoleAdmin}, "correct horse", a)
	s.AddUser(User{Name: "bob", Org: "bank", Role: RoleStaff}, "battery staple", b)
	// Move alice's sealed key to bob: it must not decrypt as bob's.
	sealed, closer, _ := s.db.Get(sealedKey("alice"))
	cp := append([]byte(nil), sealed...)
	closer.Close()
	s.db.Set(sealedKey("bob"), cp, nil)
	bob, _ := s.User("bob")
	if _, err := s.SigningKey(bob); err == nil {
		t.Fatal("a sealed key moved to another user decrypts")
	}
}

func TestValidationAndLockout(t *testing.T) {
	s, _, _ := open(t)
	k := newKey(t, tx.AlgoEd25519)
	for _, tt := range []struct {
		u    User
		pass string
		want error
	}{
		{User{Name: "ab", Org: "o", Role: RoleStaff}, "long enough", ErrBadUserName},
		{User{Name: "Upper", Org: "o", Role: RoleStaff}, "long enough", ErrBadUserName},
		{User{Name: "carol", Org: "o", Role: RoleStaff}, "short", ErrWeakPass},
	} {
		if err := s.AddUser(tt.u, tt.pass, k); !errors.Is(err, tt.want) {
			t.Errorf("AddUser(%q, %q) = %v, want %v", tt.u.Name, tt.pass, err, tt.want)
		}
	}
	s.AddUser(User{Name: "carol", Org: "o", Role: RoleStaff}, "long enough", k)
	s.SetDisabled("carol", true)
	if _, err := s.authenticate("carol", "long enough"); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("disabled user signs in: %v", err)
	}
}

// authenticate signs in from one fixed address without a device cookie.
func (s *Store) authenticate(name, password string) (*User, error) {
	u, _, err := s.SignIn(context.Background(), Attempt{Name: name, Password: password, Addr: "192.0.2.1"})
	return u, err
}

func TestSessions(t *testing.T) {
	s, c, _ := open(t)
	k := newKey(t, tx.AlgoEd25519)
	s.AddUser(User{Name: "dave", Org: "market", Role: RoleStaff}, "long enough", k)
	u, _ := s.User("dave")
	token, sess, err := s.NewSession(u)
	if err != nil {
		t.Fatal(err)
	}
	got, gu, err := s.Session(token)
	if err != nil || gu.Name != "dave" || got.CSRF != sess.CSRF {
		t.Fatalf("Session = %+v %+v %v", got, gu, err)
	}
	if !CheckCSRF(got, sess.CSRF) || CheckCSRF(got, "forged") || CheckCSRF(got, "") {
		t.Fatal("CheckCSRF is wrong")
	}
	if _, _, err := s.Session("forged-token"); !errors.Is(err, ErrNoSession) {
		t.Fatalf("forged token: %v", err)
	}
	c.t = c.t.Add(SessionTTL + time.Minute)
	if _, _, err := s.Session(token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("expired session: %v", err)
	}
	token, _, _ = s.NewSession(u)
	s.EndSession(token)
	if _, _, err := s.Session(token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("ended session: %v", err)
	}
}
