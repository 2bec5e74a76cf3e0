package notary

import (
	"encoding/hex"
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
)

// Key layout of the notary module. Every key starts with "notary/". Values
// are JSON of the fixed structs in types.go unless noted. Records are never
// deleted or overwritten; the only values that change after they are
// written are a work's current owner (transfer_work) and dispute standing
// (open_disputes, lost_to), its log length, and a dispute's status,
// standing proposal and resolution (the works' logs keep every step).
//
//	notary/ev/<evidence id>                     -> Evidence
//	notary/dep/<org>/<sha256>/<sm3>             -> evidence id (raw); an organisation's one record of a file
//	notary/sha256/<sha256>/<evidence id>        -> "1"; index of evidence by SHA-256
//	notary/sm3/<sm3>/<evidence id>              -> "1"; index of evidence by SM3
//	notary/supp/<evidence id>/<supplement id>   -> "1"; the records that supplement an evidence record
//	notary/orgev/<org>/<inverted height>/<id>   -> "1"; an organisation's evidence, newest first
//	                                               (inverted height: 16 hex digits of 2^64-1-height)
//	notary/batch/<batch id>                     -> Batch
//	notary/batchdep/<org>/<merkle root>         -> batch id (raw); an organisation's one record of a root
//	notary/work/<work id>                       -> Work (its owner changes with transfers)
//	notary/workhash/<sha256>                    -> work id (raw) of the first registration of the file
//	notary/workreg/<org>/<sha256>               -> work id (raw) the organisation registered for the file
//	notary/conflict/<first work id>/<work id>   -> "1"; disputed registrations of the first work's file
//	notary/dispute/<work id>                    -> Dispute; the dispute a disputed registration opened
//	notary/worklog/<work id>/<seq, 16 hex>      -> LogEntry; transfers, licences, settlements proposed, disputes resolved, seq 1, 2, ...
//	notary/worklen/<work id>                    -> decimal number of log entries (the last seq)
//
// Three layouts index evidence by file (ADR 0024). A chain created by
// this release (its genesis writes notary/layout = "3") uses layout 3; a
// chain created earlier keeps its layout: 2 when its genesis wrote "2", 1
// without the key. Every other key is the same in all three.
//
//	notary/layout                               -> "2" or "3" on a layout-2 or -3 chain; absent on a layout-1 chain
//
// Layout 1 (the three keys marked above as dep, sha256 and sm3):
//
//	notary/dep/<org>/<sha256>/<sm3>, notary/sha256/<sha256>/<id>, notary/sm3/<sm3>/<id>
//
// Layout 2 writes two keys per deposit instead of those three, with the
// digests as their 32 raw bytes (a key twice as short, and a trie half as
// deep, as 64 hex digits):
//
//	notary/h/<sha256:32 bytes><sm3:32 bytes><org> -> evidence id (raw); an organisation's one record
//	                                                 of a file, and the index by SHA-256
//	notary/s/<sm3:32 bytes><sha256:32 bytes><org> -> evidence id (raw); the index by SM3
//
// Layout 3 keeps in state only what consensus reads: the evidence record
// and the first of layout 2's keys, which a second deposit of the same
// file by the same organisation finds. The index by SM3 and the
// organisation's list are node-local index entries (module.Context.Index,
// ADR 0028), not in the app hash, rebuilt from the evidence records by
// Reindex on a node restored from a snapshot:
//
//	state:  notary/h/<sha256:32 bytes><sm3:32 bytes><org> -> evidence id (raw)
//	index:  notary/s/<sm3:32 bytes><sha256:32 bytes><org> -> evidence id (raw)
//	index:  notary/orgev/<org>/<inverted height>/<id>     -> "1"
//
// Read, never written: the organisation a work is transferred or licensed
// to, identity/org/<org id>, through module.ActiveOrg (identity/keys.go
// owns the key).
const prefix = "notary/"

var (
	evPrefix       = prefix + "ev/"
	depPrefix      = prefix + "dep/"
	sha256Prefix   = prefix + "sha256/"
	sm3Prefix      = prefix + "sm3/"
	suppPrefix     = prefix + "supp/"
	orgEvPrefix    = prefix + "orgev/"
	batchPrefix    = prefix + "batch/"
	batchDepPrefix = prefix + "batchdep/"
	workPrefix     = prefix + "work/"
	workHashPrefix = prefix + "workhash/"
	workRegPrefix  = prefix + "workreg/"
	conflictPrefix = prefix + "conflict/"
	disputePrefix  = prefix + "dispute/"
	workLogPrefix  = prefix + "worklog/"
	workLenPrefix  = prefix + "worklen/"

	layoutKey   = []byte(prefix + "layout")
	bySHAPrefix = prefix + "h/" // layout 2
	bySM3Prefix = prefix + "s/" // layout 2
)

// The key layouts (ADR 0024).
const (
	layout1 = 1
	layout2 = 2
	layout3 = 3
)

// layoutOf returns the chain's evidence key layout.
func layoutOf(r Getter) (int, error) {
	v, err := r.Get(layoutKey)
	switch {
	case err != nil:
		return 0, err
	case v == nil:
		return layout1, nil
	case string(v) == "2":
		return layout2, nil
	case string(v) == "3":
		return layout3, nil
	}
	return 0, fmt.Errorf("notary: unknown key layout %q", v)
}

// digestPairKey is a layout-2 index key: the prefix, the two digests (64
// lowercase hex digits each, already validated) as raw bytes, and the
// depositing organisation.
func digestPairKey(prefix, first, second, org string) ([]byte, error) {
	k := make([]byte, 0, len(prefix)+64+len(org))
	k = append(k, prefix...)
	var err error
	if k, err = hex.AppendDecode(k, []byte(first)); err == nil {
		k, err = hex.AppendDecode(k, []byte(second))
	}
	if err != nil || len(k) != len(prefix)+64 {
		return nil, fmt.Errorf("notary: digest pair %q, %q: not two 256-bit digests", first, second)
	}
	return append(k, org...), nil
}

// fileKeys returns the keys a deposit of a file writes in layout, each
// with the evidence id as value: the first is the organisation's one record
// of the file, which a second deposit of it finds. In layout 3 the state
// has only that one; the second is a local index entry.
func fileKeys(layout int, org, sha256, sm3, id string) ([][2][]byte, error) {
	if layout == layout1 {
		return [][2][]byte{
			{depKey(org, sha256, sm3), []byte(id)},
			{sha256IndexKey(sha256, id), present},
			{sm3IndexKey(sm3, id), present},
		}, nil
	}
	h, err := digestPairKey(bySHAPrefix, sha256, sm3, org)
	if err != nil {
		return nil, err
	}
	s, err := digestPairKey(bySM3Prefix, sm3, sha256, org)
	if err != nil {
		return nil, err
	}
	return [][2][]byte{{h, []byte(id)}, {s, []byte(id)}}, nil
}

// present is the value of pure index entries (the trie cannot hold an
// empty value).
var present = []byte("1")

func evKey(id string) []byte { return []byte(evPrefix + id) }
func depKey(org, sha256, sm3 string) []byte {
	return []byte(depPrefix + org + "/" + sha256 + "/" + sm3)
}
func sha256IndexKey(hash, id string) []byte { return []byte(sha256Prefix + hash + "/" + id) }
func sm3IndexKey(hash, id string) []byte    { return []byte(sm3Prefix + hash + "/" + id) }
func suppKey(parent, child string) []byte   { return []byte(suppPrefix + parent + "/" + child) }
func orgEvKey(org string, height int64, id string) []byte {
	return []byte(fmt.Sprintf("%s%s/%016x/%s", orgEvPrefix, org, ^uint64(height), id))
}
func batchKey(id string) []byte            { return []byte(batchPrefix + id) }
func batchDepKey(org, root string) []byte  { return []byte(batchDepPrefix + org + "/" + root) }
func workKey(id string) []byte             { return []byte(workPrefix + id) }
func workHashKey(sha256 string) []byte     { return []byte(workHashPrefix + sha256) }
func workRegKey(org, sha256 string) []byte { return []byte(workRegPrefix + org + "/" + sha256) }
func conflictKey(first, other string) []byte {
	return []byte(conflictPrefix + first + "/" + other)
}
func disputeKey(work string) []byte { return []byte(disputePrefix + work) }
func workLogKey(id string, seq uint64) []byte {
	return []byte(fmt.Sprintf("%s%s/%016x", workLogPrefix, id, seq))
}
func workLenKey(id string) []byte { return []byte(workLenPrefix + id) }

// EvidenceKey returns the state key of an evidence record, for proofs.
func EvidenceKey(id string) []byte { return evKey(id) }

// BatchKey returns the state key of a batch record, for proofs.
func BatchKey(id string) []byte { return batchKey(id) }

// WorkKey returns the state key of a work record, for proofs.
func WorkKey(id string) []byte { return workKey(id) }

// DisputeKey returns the state key of the dispute a disputed registration
// opened, for proofs.
func DisputeKey(work string) []byte { return disputeKey(work) }

// WorkLogKey returns the state key of a work's log entry, for proofs.
func WorkLogKey(id string, seq uint64) []byte { return workLogKey(id, seq) }

var _ module.Indexer = Module{}

// Reindex implements module.Indexer: on a layout-3 chain, the index by
// SM3 and every organisation's list, from the evidence records in r (the
// entries deposit writes; ADR 0028). Other layouts keep them in state.
func (Module) Reindex(r module.Reader, put func(key, value []byte) error) error {
	layout, err := layoutOf(r)
	if err != nil || layout != layout3 {
		return err
	}
	return module.WalkJSON(r, []byte(evPrefix), func(_ []byte, e *Evidence) error {
		s, err := digestPairKey(bySM3Prefix, e.SM3, e.SHA256, e.Depositor.Org)
		if err != nil {
			return err
		}
		if err := put(s, []byte(e.ID)); err != nil {
			return err
		}
		return put(orgEvKey(e.Depositor.Org, e.Height, e.ID), present)
	})
}
