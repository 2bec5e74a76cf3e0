package credential_test

import (
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

// labels names statuses, results and checks as the hall does.
func labels(_, v string) []string {
	return map[string][]string{"revoked": {"已注销", "Revoked"}, "suspended": {"已暂停", "Suspended"}, "active": {"有效", "Valid"},
		"failed": {"未通过", "failed"}, "passed": {"通过", "passed"}}[v]
}

func TestIssuedAndUsesSearchAndPaging(t *testing.T) {
	c := newChain(t)
	is := newIssuer(t, c)
	var all []credentialapi.AnchorItem
	for range 3 { // three blocks of three: cursors within a height and across heights
		batch := []credentialapi.AnchorItem{is.item(), is.item(), is.item()}
		do(t, c, estate, "anchor", credentialapi.AnchorBody{Credentials: batch}, errcode.OK)
		all = append(all, batch...)
	}
	do(t, c, estate, "set_status", credentialapi.StatusBody{Hash: all[1].Hash, Status: credentialapi.StatusRevoked}, errcode.OK)
	do(t, c, estate, "set_status", credentialapi.StatusBody{Hash: all[4].Hash, Status: credentialapi.StatusSuspended}, errcode.OK)
	do(t, c, estate, "set_status", credentialapi.StatusBody{Hash: all[7].Hash, Status: credentialapi.StatusSuspended}, errcode.OK)

	uses := []credentialapi.UseBody{
		{Ref: hashOf("use 1"), Type: catalog.RealEstate, Issuer: estate, OK: true, Purpose: "抵押贷款"},
		{Ref: hashOf("use 2"), Type: catalog.RealEstate, Issuer: univ, OK: false, Failed: credentialapi.CheckStatus, Purpose: "开户"},
		{Ref: hashOf("use 3"), Type: catalog.RealEstate, Issuer: estate, OK: true, Purpose: "Mortgage"},
		{Ref: hashOf("use 4"), Type: catalog.RealEstate, Issuer: univ, OK: true, Purpose: "开户"},
		{Ref: hashOf("use 5"), Type: catalog.RealEstate, Issuer: estate, OK: false, Failed: credentialapi.CheckExpiry, Purpose: "抵押贷款"},
	}
	for _, u := range uses {
		do(t, c, bank, "record_use", u, errcode.OK)
	}
	v := c.View()
	typ, err := credential.GetType(v, catalog.RealEstate)
	if err != nil {
		t.Fatal(err)
	}
	hashes := func(q string, limit int) []string {
		var out []string
		after := ""
		for range 50 {
			p, err := credential.Issued(v, estate, search(v, q), after, limit)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range p.Items {
				out = append(out, a.Hash)
			}
			if p.Next == "" {
				return out
			}
			if len(p.Items) != limit {
				t.Fatalf("%q: a page of %d before the last, want %d", q, len(p.Items), limit)
			}
			after = p.Next
		}
		t.Fatal("paging does not end")
		return nil
	}
	reference := hashes("", 200)
	if len(reference) != 9 || len(slices.Compact(slices.Sorted(slices.Values(reference)))) != 9 {
		t.Fatalf("issued lists %v, want the 9 anchored once each", reference)
	}
	// Newest first: the last block's anchors lead.
	if !slices.Contains([]string{all[6].Hash, all[7].Hash, all[8].Hash}, reference[0]) {
		t.Fatalf("the first issued %s is not of the last block", reference[0])
	}
	only := func(ids ...int) []string {
		var out []string
		for _, h := range reference {
			for _, i := range ids {
				if all[i].Hash == h {
					out = append(out, h)
				}
			}
		}
		return out
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"", reference},
		{"已注销", only(1)},
		{"SUSPENDED", only(4, 7)},
		{"已暂停", only(4, 7)},
		{typ.Name, reference},
		{typ.NameEN, reference},
		{all[5].Hash[:10], only(5)},
		{"xyz", nil},
	} {
		for _, limit := range []int{1, 2, 4} {
			if got := hashes(c.q, limit); !slices.Equal(got, c.want) {
				t.Errorf("issued %q, limit %d: %v, want %v", c.q, limit, got, c.want)
			}
		}
	}

	seqs := func(q string, limit int) []int {
		var out []int
		after := ""
		for range 50 {
			p, err := credential.Uses(v, bank, search(v, q), after, limit)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range p.Items {
				out = append(out, u.Seq)
			}
			if p.Next == "" {
				return out
			}
			after = p.Next
		}
		t.Fatal("paging does not end")
		return nil
	}
	for _, c := range []struct {
		q    string
		want []int
	}{
		{"", []int{5, 4, 3, 2, 1}},
		{"测试机构 univ", []int{4, 2}},
		{"test ORG estate", []int{5, 3, 1}},
		{"未通过", []int{5, 2}},
		{"mortgage", []int{3}},
		{"开户", []int{4, 2}},
		{"nothing like it", nil},
	} {
		for _, limit := range []int{1, 2, 50} {
			if got := seqs(c.q, limit); !slices.Equal(got, c.want) {
				t.Errorf("uses %q, limit %d: %v, want %v", c.q, limit, got, c.want)
			}
		}
	}

	for name, call := range map[string]func() error{
		"issued, garbage cursor": func() error { _, err := credential.Issued(v, estate, nil, "garbage", 5); return err },
		"issued, use cursor":     func() error { _, err := credential.Issued(v, estate, nil, "0000000000000001", 5); return err },
		"uses, garbage cursor":   func() error { _, err := credential.Uses(v, bank, nil, "../../x", 5); return err },
		"uses, limit":            func() error { _, err := credential.Uses(v, bank, nil, "", credential.MaxPage+1); return err },
	} {
		if err := call(); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("%s: %v, want bad_request", name, err)
		}
	}
}

// search is the list search for q with the names of labels.
func search(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	s.Label = labels
	return s
}
