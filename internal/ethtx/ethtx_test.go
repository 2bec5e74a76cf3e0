package ethtx

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rlp"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/tx"
)

func seeds(tb testing.TB) [][]byte {
	tb.Helper()
	k, err := tx.PrivateKeyFromBytes(tx.AlgoSecp256k1, bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	to := common.HexToAddress("0x5301")
	var out [][]byte
	for _, d := range []types.TxData{
		&types.LegacyTx{Nonce: 3, GasPrice: big.NewInt(0), Gas: 21000, To: &to, Value: new(big.Int)},
		&types.AccessListTx{ChainID: big.NewInt(1337), Nonce: 1, Gas: 50000, To: &to, Data: []byte{1, 2, 3}, AccessList: types.AccessList{{Address: to, StorageKeys: []common.Hash{{1}}}}},
		&types.DynamicFeeTx{ChainID: big.NewInt(1337), Nonce: 0, Gas: 3_000_000, Data: bytes.Repeat([]byte{0x60}, 100)},
	} {
		raw, err := Sign(d, 1337, k)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, Wrap(raw))
	}
	return out
}

func TestDecodeAndSender(t *testing.T) {
	k, _ := tx.PrivateKeyFromBytes(tx.AlgoSecp256k1, bytes.Repeat([]byte{7}, 32))
	for i, b := range seeds(t) {
		d, err := Decode(b)
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		if d.ChainID != 1337 {
			t.Errorf("seed %d: chain id %d", i, d.ChainID)
		}
		id, err := d.Sender()
		if err != nil || id != k.ID() {
			t.Errorf("seed %d: sender %s, %v; want %s", i, id, err, k.ID())
		}
		if d.ChainHash() != tx.Hash(b) {
			t.Errorf("seed %d: ChainHash is not SHA-256 of the wrapped bytes", i)
		}
		if again, err := DecodeRaw(d.Raw); err != nil || again.Hash() != d.Hash() {
			t.Errorf("seed %d: DecodeRaw: %v", i, err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	good := seeds(t)[2]
	k, _ := tx.GenerateKey(tx.AlgoSecp256k1, rand.Reader)
	homestead, _ := types.SignNewTx(k.ECDSA(), types.HomesteadSigner{}, &types.LegacyTx{Gas: 21000, GasPrice: new(big.Int)})
	unprotected, _ := homestead.MarshalBinary()
	// A legacy transaction whose nonce has a leading zero byte (not
	// canonical RLP) does not decode.
	var fields []rlp.RawValue
	if err := rlp.DecodeBytes(seeds(t)[0][1:], &fields); err != nil {
		t.Fatal(err)
	}
	fields[0] = rlp.RawValue{0x82, 0x00, 0x03}
	padded, _ := rlp.EncodeToBytes(fields)
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "not an Ethereum transaction"},
		{"non-canonical nonce", Wrap(padded), "Ethereum transaction"},
		{"envelope", []byte{tx.Version, 1, 2}, "not an Ethereum transaction"},
		{"kind only", []byte{KindEthereum}, "empty"},
		{"truncated", good[:len(good)-1], "Ethereum transaction"},
		{"trailing byte", append(bytes.Clone(good), 0), "Ethereum transaction"},
		{"unprotected", Wrap(unprotected), "not replay-protected"},
		{"blob", Wrap([]byte{types.BlobTxType, 0xc0}), "Ethereum transaction"},
		{"set code", Wrap([]byte{types.SetCodeTxType, 0xc0}), "Ethereum transaction"},
		{"unknown type", Wrap([]byte{0x7f, 0xc0}), "Ethereum transaction"},
		{"too large", Wrap(make([]byte, tx.MaxTxBytes)), "limit"},
	} {
		_, err := Decode(tc.b)
		if err == nil || !strings.Contains(errcode.Message(err), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := Sign(&types.DynamicFeeTx{ChainID: big.NewInt(1)}, 1, mustKey(t, tx.AlgoSM2)); err == nil {
		t.Error("Sign with an SM2 key succeeded")
	}
}

func mustKey(t *testing.T, a tx.Algo) *tx.PrivateKey {
	k, err := tx.GenerateKey(a, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// FuzzDecode: whatever the bytes, Decode either refuses them or returns a
// transaction whose canonical encoding they are, and recovering the
// sender never panics.
func FuzzDecode(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
		f.Add(s[:len(s)/2])
	}
	f.Add([]byte{KindEthereum, 0x02})
	f.Add([]byte{KindEthereum, 0xc0})
	f.Add([]byte{KindEthereum, 0x01, 0xc1, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Decode(b)
		if err != nil {
			if errcode.Of(err) != errcode.Malformed && errcode.Of(err) != errcode.TooLarge {
				t.Fatalf("error code %s: %v", errcode.Of(err).Name(), err)
			}
			return
		}
		again, err := d.T.MarshalBinary()
		if err != nil || !bytes.Equal(Wrap(again), b) {
			t.Fatalf("accepted %x, which is not the canonical encoding %x", b, again)
		}
		if d.ChainID == 0 {
			t.Fatal("accepted chain id 0")
		}
		d.Sender()
	})
}
