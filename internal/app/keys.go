package app

import (
	"encoding/binary"

	"github.com/dengta-chain/dengta/tx"
)

// Key layout of the application's own state.
//
// Consensus state (in the Merkle trie, part of the app hash):
//
//	app/nonce/<hex key id> -> 8-byte big-endian last nonce used by the key
//	app/version            -> 8-byte big-endian application version the chain runs (module.VersionKey; absent: 1)
//	app/upgrade/<16 hex digits version> -> UpgradeRecord JSON: the upgrade that brought the version
//
// Local data of this node (state.Store SetLocal, not in the app hash):
//
//	app/tx/<32-byte tx hash> -> TxRecord JSON: where a committed tx is and how it ended
//	app/block/time           -> 8-byte big-endian unix nanoseconds of the last block
//	app/activity/<org>/<YYYYMMDD> -> 8-byte big-endian count of the organisation's transactions
//	                            committed without error on that day (China time), for its dashboard
const (
	// appPrefix is the application's own name in keys: no module may take it.
	appPrefix   = "app"
	noncePrefix = "app/nonce/"
	txPrefix    = "app/tx/"
	// upgradePrefix keys the record of every upgrade carried out.
	upgradePrefix = "app/upgrade/"
	// activityPrefix + org + "/" + YYYYMMDD: an organisation's day.
	activityPrefix = "app/activity/"
)

var localBlockTime = []byte("app/block/time")

func nonceKey(id tx.KeyID) []byte { return []byte(noncePrefix + id.String()) }

func txKey(hash [32]byte) []byte { return append([]byte(txPrefix), hash[:]...) }

// NonceStateKey returns the state key of a signer's last nonce, for proofs.
func NonceStateKey(id tx.KeyID) []byte { return nonceKey(id) }

func getNonce(r reader, id tx.KeyID) (uint64, error) {
	b, err := r.Get(nonceKey(id))
	if err != nil || b == nil {
		return 0, err
	}
	if len(b) != 8 {
		return 0, errInternal("nonce of %s has %d bytes", id, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

func putNonce(w writer, id tx.KeyID, n uint64) error {
	return w.Set(nonceKey(id), binary.BigEndian.AppendUint64(nil, n))
}

// hashHex spells a transaction hash as TxRecord does, in upper-case hex:
// fmt.Sprintf("%X", hash) without fmt's cost, once per transaction of
// every block.
func hashHex(hash [32]byte) string {
	const digits = "0123456789ABCDEF"
	var b [64]byte
	for i, c := range hash {
		b[2*i], b[2*i+1] = digits[c>>4], digits[c&0x0f]
	}
	return string(b[:])
}
