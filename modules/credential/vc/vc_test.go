package vc_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/sdjwt"
	"github.com/dengta-chain/dengta/modules/credential/vc"
)

// TestBundledContexts pins the W3C contexts to the published files: the
// VC Data Model 2.0 gives the SHA-256 of its context.
func TestBundledContexts(t *testing.T) {
	for url, want := range map[string]string{
		vc.ContextV2:  "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
		vc.ContextDID: "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
		vc.ContextCID: "ea216ecc1cb02cd39b693dba2250141e270ba0bf95890be107dd9a9e8e43de85",
	} {
		b, ok := vc.Context(url)
		if !ok {
			t.Fatalf("%s is not bundled", url)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: SHA-256 %s, want %s", url, got, want)
		}
	}
	for _, u := range vc.Contexts() {
		b, _ := vc.Context(u)
		if !json.Valid(b) {
			t.Errorf("%s is not JSON", u)
		}
	}
}

func realEstate() *credentialapi.Type {
	d, _ := catalog.Get(catalog.RealEstate)
	return &credentialapi.Type{TypeDef: d, Hash: credential.TypeHash(&d), Height: 3}
}

var claims = map[string]any{
	"certificateNumber": "皖(2026)砀山县不动产权第0001234号",
	"owner":             "张三",
	"ownerIdNumber":     "340321199001011234",
	"location":          "砀山县梨都大道88号3幢1单元502室",
	"unitNumber":        "341321001001GB00001F00010502",
	"rightType":         "国有建设用地使用权/房屋所有权",
	"use":               "住宅",
	"area":              "共有宗地面积12000平方米/房屋建筑面积98.6平方米",
	"registrationDate":  "2026-02-10",
}

func TestIssue(t *testing.T) {
	key, _ := jws.NewKey(jws.ES256)
	holder, _ := jws.NewKey(jws.ES256)
	is := &vc.Issuer{ChainID: "dengta-dev", Org: "estate", Key: key, StatusBase: "http://127.0.0.1:8480"}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	out, err := is.Issue(vc.Request{Type: realEstate(), Claims: claims, Holder: &holder.PublicKey, List: 1, Index: 94567}, now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c, err := vc.Claim("dengta-dev", out.Credential)
	if err != nil {
		t.Fatal(err)
	}
	want := vc.Claimed{Hash: out.Hash, Issuer: "estate", Type: catalog.RealEstate, Kid: key.Thumbprint(), List: 1, Index: 94567, KeyOrg: "estate"}
	if *c != want || out.Item != (credentialapi.AnchorItem{Hash: out.Hash, Type: catalog.RealEstate, Kid: key.Thumbprint(), List: 1, Index: 94567}) {
		t.Fatalf("claimed %+v, item %+v", c, out.Item)
	}
	s, _ := sdjwt.Parse(out.Credential)
	v, err := sdjwt.Verify(s, func(jws.Header, map[string]any) (*jws.PublicKey, error) { return &key.PublicKey, nil }, sdjwt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Disclosures) != len(claims) {
		t.Fatalf("%d disclosures for %d claims", len(s.Disclosures), len(claims))
	}
	subj := v.Claims["credentialSubject"].(map[string]any)
	if subj["owner"] != "张三" || v.Claims["issuer"] != "did:dengta:dengta-dev:estate" || v.Claims["validUntil"] != nil {
		t.Fatalf("claims %v", v.Claims)
	}
	// The signed payload carries no personal data in the clear.
	j, _ := jws.Parse(s.JWT)
	for _, val := range claims {
		if strings.Contains(string(j.Payload), val.(string)) {
			t.Fatalf("the signed payload shows %q", val)
		}
	}
	// Only the bank's choice is presented.
	p, _ := sdjwt.Present(s, func(path string, _ *sdjwt.Disclosure) bool {
		return path == "credentialSubject.owner" || path == "credentialSubject.location"
	})
	if len(p.Disclosures) != 2 {
		t.Fatalf("%d disclosures presented", len(p.Disclosures))
	}
}

func TestValidateClaims(t *testing.T) {
	typ := realEstate()
	bad := map[string]any{}
	for k, v := range claims {
		bad[k] = v
	}
	bad["registrationDate"] = "2026-02-30"
	if err := vc.ValidateClaims(typ, bad, true); err == nil || !strings.Contains(err.Error(), "registrationDate") {
		t.Fatalf("impossible date: %v", err)
	}
	delete(bad, "registrationDate")
	if err := vc.ValidateClaims(typ, bad, true); err == nil {
		t.Fatal("a required claim left out of an issuance")
	}
	if err := vc.ValidateClaims(typ, map[string]any{"owner": "张三"}, false); err != nil {
		t.Fatalf("a partial presentation: %v", err)
	}
	if err := vc.ValidateClaims(typ, map[string]any{"colour": "red"}, false); err == nil {
		t.Fatal("a claim the type does not have")
	}
	key, _ := jws.NewKey(jws.ES256)
	is := &vc.Issuer{ChainID: "c", Org: "estate", Key: key, StatusBase: "http://x"}
	if _, err := is.Issue(vc.Request{Type: typ, Claims: bad, List: 1}, time.Now(), rand.Reader); err == nil {
		t.Fatal("issued without a holder key and with bad claims")
	}
}

func TestStatusURL(t *testing.T) {
	u := "https://hall.example.cn" + vc.StatusPath("estate", 3, "revocation")
	org, n, p, ok := vc.ParseStatusURL(u)
	if !ok || org != "estate" || n != 3 || p != "revocation" {
		t.Fatalf("ParseStatusURL(%s) = %s %d %s %v", u, org, n, p, ok)
	}
	for _, bad := range []string{"https://x/v1/credential/status/estate/0/revocation", "https://x/status/3", "https://x/v1/credential/status/estate/3"} {
		if _, _, _, ok := vc.ParseStatusURL(bad); ok {
			t.Errorf("ParseStatusURL(%s) accepted", bad)
		}
	}
}

// TestCodes: a national code the schema marks with its standard is
// refused with a wrong check character (a mistyped code), before signing.
func TestCodes(t *testing.T) {
	key, _ := jws.NewKey(jws.ES256)
	holder, _ := jws.NewKey(jws.ES256)
	is := &vc.Issuer{ChainID: "dengta-dev", Org: "regulator", Key: key, StatusBase: "http://127.0.0.1:8480"}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	d, _ := catalog.Get(catalog.BusinessLicence)
	licence := &credentialapi.Type{TypeDef: d, Hash: credential.TypeHash(&d), Height: 3}
	base := map[string]any{"name": "砀山县梨都果品专业合作社", "entityType": "农民专业合作社", "legalRepresentative": "李梨花", "establishedDate": "2012-04-18"}
	for code, ok := range map[string]bool{"93341321MA2N00001N": true, "91341321MA2T00004G": true, "93341321MA2N000011": false, "91341321MA2T00004X": false} {
		c := maps.Clone(base)
		c["uscc"] = code
		_, err := is.Issue(vc.Request{Type: licence, Claims: c, Holder: &holder.PublicKey, List: 1, Index: 1}, now, rand.Reader)
		if ok && err != nil {
			t.Errorf("uscc %s: %v", code, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "check character")) {
			t.Errorf("uscc %s issued: %v", code, err)
		}
	}
}

// TestPastDates: a date the schema marks as past (a founding, a birth, a
// registration) after the day of issue is refused before signing; the day
// itself and earlier days are not, nor dates the schema does not mark.
func TestPastDates(t *testing.T) {
	key, _ := jws.NewKey(jws.ES256)
	holder, _ := jws.NewKey(jws.ES256)
	is := &vc.Issuer{ChainID: "dengta-dev", Org: "estate", Key: key, StatusBase: "http://127.0.0.1:8480"}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // 2026-03-03 00:00 at UTC+14
	with := func(date string) map[string]any {
		c := map[string]any{}
		for k, v := range claims {
			c[k] = v
		}
		c["registrationDate"] = date
		return c
	}
	for date, ok := range map[string]bool{"2026-03-02": true, "2026-03-03": true, "1998-07-01": true, "2026-03-04": false, "2099-01-01": false} {
		_, err := is.Issue(vc.Request{Type: realEstate(), Claims: with(date), Holder: &holder.PublicKey, List: 1, Index: 1}, now, rand.Reader)
		if ok && err != nil {
			t.Errorf("registrationDate %s: %v", date, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "registrationDate") || !strings.Contains(err.Error(), "after the day of issue")) {
			t.Errorf("registrationDate %s issued: %v", date, err)
		}
	}
	// Every date of the catalogue is of something past.
	for _, d := range catalog.Types() {
		var doc struct {
			Properties map[string]map[string]any `json:"properties"`
		}
		json.Unmarshal([]byte(d.Schema), &doc)
		for name, p := range doc.Properties {
			if p["format"] == "date" && p[vc.PastKeyword] != true {
				t.Errorf("%s.%s is a date without %s", d.ID, name, vc.PastKeyword)
			}
		}
	}
	// A type whose schema does not mark a date lets it be later.
	typ := realEstate()
	typ.Schema = strings.Replace(typ.Schema, `"`+vc.PastKeyword+`": true`, `"`+vc.PastKeyword+`": false`, 1)
	if _, err := is.Issue(vc.Request{Type: typ, Claims: with("2099-01-01"), Holder: &holder.PublicKey, List: 1, Index: 1}, now, rand.Reader); err != nil {
		t.Fatalf("unmarked date: %v", err)
	}
}
