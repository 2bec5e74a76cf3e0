package accounts

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/tx"
)

func TestAPITokens(t *testing.T) {
	s, c, _ := open(t)
	s.AddUser(User{Name: "erp", Org: "foodgroup", Role: RoleStaff}, "long enough", newKey(t, tx.AlgoSM2))
	s.AddUser(User{Name: "other", Org: "bank", Role: RoleStaff}, "long enough", newKey(t, tx.AlgoSM2))
	token, info, err := s.CreateToken("erp", "ERP 系统")
	if err != nil || !strings.HasPrefix(token, "dgt_") || len(token) != 47 || info.Org != "foodgroup" || len(info.ID) != 12 {
		t.Fatalf("CreateToken = %q %+v %v", token, info, err)
	}
	org, user, err := s.TokenUser(token)
	if err != nil || org != "foodgroup" || user != "erp" {
		t.Fatalf("TokenUser = %s %s %v", org, user, err)
	}
	c.t = c.t.Add(time.Second)
	second, _, _ := s.CreateToken("erp", "reports")
	list, _ := s.Tokens("erp")
	if len(list) != 2 || list[0].Name != "ERP 系统" || list[1].Name != "reports" {
		t.Fatalf("Tokens = %+v", list)
	}
	if l, _ := s.Tokens("other"); len(l) != 0 {
		t.Fatalf("another user's tokens: %+v", l)
	}
	// The database holds no token, only hashes.
	it, _ := s.db.NewIter(nil)
	for it.First(); it.Valid(); it.Next() {
		if strings.Contains(string(it.Key())+string(it.Value()), token[4:]) {
			t.Fatalf("the token is stored in clear under %q", it.Key())
		}
	}
	it.Close()
	for _, bad := range []string{"", "dgt_", token + "x", strings.Replace(token, token[10:11], "A", 1) + "", "Bearer " + token} {
		if bad == token {
			continue
		}
		if _, _, err := s.TokenUser(bad); !errors.Is(err, ErrNoToken) {
			t.Errorf("TokenUser(%q) = %v", bad, err)
		}
	}
	if err := s.RevokeToken("other", info.ID); !errors.Is(err, ErrNoToken) {
		t.Fatalf("another user revoked the token: %v", err)
	}
	if err := s.RevokeToken("erp", info.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenUser(token); !errors.Is(err, ErrNoToken) {
		t.Fatalf("revoked token: %v", err)
	}
	// A disabled user's tokens stop working.
	s.SetDisabled("erp", true)
	if _, _, err := s.TokenUser(second); !errors.Is(err, ErrNoToken) {
		t.Fatalf("token of a disabled user: %v", err)
	}
	for _, name := range []string{"", "  ", strings.Repeat("名", 65)} {
		if _, _, err := s.CreateToken("other", name); !errors.Is(err, ErrTokenName) {
			t.Errorf("CreateToken(%q) = %v", name, err)
		}
	}
	for range MaxTokens {
		if _, _, err := s.CreateToken("other", "t"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.CreateToken("other", "one too many"); !errors.Is(err, ErrManyTokens) {
		t.Fatalf("token past the limit: %v", err)
	}
}
