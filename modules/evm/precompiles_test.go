package evm_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/ethereum/go-ethereum/common"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/tx"
)

func TestSM3Precompile(t *testing.T) {
	c := newChain(t)
	n := c.deploy("dev", "Notarized")
	for _, msg := range []string{"", "abc", strings.Repeat("灯塔", 100)} {
		got := c.view(n, "Notarized", "sm3Of", []byte(msg))[0].([32]byte)
		if want := sm3.Sum([]byte(msg)); got != want {
			t.Errorf("sm3(%q) = %x, want %x", msg, got, want)
		}
	}
	// GB/T 32905 appendix A, example 1.
	out := c.callRaw(common.Address{}, evm.SM3Address, []byte("abc"))
	if hex.EncodeToString(out.Return) != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" {
		t.Fatalf("SM3(abc) = %x", out.Return)
	}
}

func TestSM2Precompile(t *testing.T) {
	c := newChain(t)
	n := c.deploy("dev", "Notarized")
	k := testchain.NewKey(t, tx.AlgoSM2, c.rnd)
	msg := []byte("收货确认 HT-2026-001")
	sig, err := k.Sign(msg) // ASN.1 DER, SM3 with the default user id
	if err != nil {
		t.Fatal(err)
	}
	pub := k.Public().Key
	verify := func(pub, msg, sig []byte) bool {
		return c.view(n, "Notarized", "sm2Signed", pub, msg, sig)[0].(bool)
	}
	if !verify(pub, msg, sig) {
		t.Fatal("a good SM2 signature does not verify")
	}
	if !verify(pub[1:], msg, sig) {
		t.Fatal("X||Y without the 04 prefix is refused")
	}
	if verify(pub, []byte("收货确认 HT-2026-002"), sig) {
		t.Fatal("a signature verifies for another message")
	}
	other := testchain.NewKey(t, tx.AlgoSM2, c.rnd)
	if verify(other.Public().Key, msg, sig) {
		t.Fatal("a signature verifies for another key")
	}
	// R||S, the 64-byte form.
	rs := derToRS(t, sig)
	if !verify(pub, msg, rs) {
		t.Fatal("the R||S form does not verify")
	}
	// A key off the curve reverts with a reason.
	bad := append([]byte{}, pub...)
	bad[64] ^= 1
	out := c.callRaw(common.Address{}, n, pack("Notarized", "sm2Signed", bad, msg, sig))
	if out.Status != 0 || !strings.Contains(out.ErrorText(), "not a point on the SM2 curve") {
		t.Fatalf("bad key: %d %s", out.Status, out.ErrorText())
	}
}

func derToRS(t *testing.T, der []byte) []byte {
	t.Helper()
	// SEQUENCE { INTEGER r, INTEGER s }, each at most 33 bytes.
	read := func(b []byte) ([]byte, []byte) {
		if b[0] != 0x02 {
			t.Fatalf("not an INTEGER: %x", b)
		}
		n := int(b[1])
		v := b[2 : 2+n]
		for len(v) > 32 && v[0] == 0 {
			v = v[1:]
		}
		return append(make([]byte, 32-len(v)), v...), b[2+n:]
	}
	r, rest := read(der[2:])
	s, _ := read(rest)
	return append(r, s...)
}

func TestRecordsPrecompile(t *testing.T) {
	c := newChain(t, notary.Module{})
	n := c.deploy("dev", "Notarized")
	if got := c.view(n, "Notarized", "orgName", "dev")[0].(string); got != "测试机构 dev" {
		t.Fatalf("orgName(dev) = %q", got)
	}
	// An evidence record, deposited by dev (a depositor).
	file := []byte("采购合同 扫描件")
	sum := sha256.Sum256(file)
	sm := sm3.Sum(file)
	size := int64(len(file))
	r := c.Do(c.Members["dev"].Admin, "notary", "deposit", notaryapi.DepositBody{SHA256: hex.EncodeToString(sum[:]), SM3: hex.EncodeToString(sm[:]), FileName: "合同.pdf", Size: &size, MediaType: "application/pdf", EvidenceType: "contract"})
	if r.Code != 0 {
		t.Fatal(r.Log)
	}
	id := resultField(t, r.Data, "evidence_id")
	if got := c.view(n, "Notarized", "evidenceSHA256", id)[0].([32]byte); got != sum {
		t.Fatalf("evidenceSHA256(%s) = %x, want %x", id, got, sum)
	}
	// A transaction that settles on the evidence: right file, wrong file.
	if res := c.send("user", n, "Notarized", "check", id, sum); res.Status != 1 || len(res.Logs) != 1 {
		t.Fatalf("check with the file's hash: %+v", res)
	}
	if res := c.send("user", n, "Notarized", "check", id, [32]byte{1}); res.Status != 0 || !strings.Contains(res.Error, "not this evidence") {
		t.Fatalf("check with another hash: %+v", res)
	}
	if res := c.send("user", n, "Notarized", "check", "EV20990101-00000000", sum); res.Status != 0 || !strings.Contains(res.Error, "no such evidence") {
		t.Fatalf("check of no evidence: %+v", res)
	}
	// Keys outside the readable records revert with a reason.
	recs := contractsABI(t, "records")
	in, _ := recs.Pack("get", "app/nonce/"+strings.Repeat("0", 40))
	out := c.callRaw(common.Address{}, evm.RecordsAddress, in)
	if out.Status != 0 || !strings.Contains(out.ErrorText(), "contracts cannot read") {
		t.Fatalf("read of app/nonce: %d %s", out.Status, out.ErrorText())
	}
	in, _ = recs.Pack("get", "identity/org/dev")
	out = c.callRaw(common.Address{}, evm.RecordsAddress, in)
	vals, err := recs.Unpack("get", out.Return)
	if err != nil || !vals[0].(bool) || !strings.Contains(string(vals[1].([]byte)), `"id":"dev"`) {
		t.Fatalf("get(identity/org/dev) = %v, %v", vals, err)
	}
}
