package vc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/proof"
)

// Resolved is a did:dengta DID resolved offline from proof bundles.
type Resolved struct {
	DID      string              `json:"did"`
	ChainID  string              `json:"chain_id"`
	Height   int64               `json:"height"`
	Time     string              `json:"time"`
	Name     string              `json:"name"`
	Active   bool                `json:"active"`
	Document json.RawMessage     `json:"did_document"`
	Keys     []credentialapi.Key `json:"keys"`
	// Trust names the validator set the bundles verified against.
	Trust string `json:"trust"`
}

// ResolveDID resolves did offline (the did:dengta method,
// docs/did-dengta.md): every bundle must verify against the trusted
// validator set, all of one chain and height; the organisation's record,
// the number of its active keys and each of its key records must be
// among them; and the document is rebuilt from the proven records alone,
// listing every active key (as many as the proven count, so none was left
// out). Bundles are the exact bytes the node sent (dengta credential did
// ORG --prove DIR, or GET /v1/credential/did/{org}?prove=true).
func ResolveDID(did string, bundles [][]byte, trust proof.Trust) (*Resolved, error) {
	if len(bundles) == 0 {
		return nil, fmt.Errorf("no proof bundles to resolve %s with", did)
	}
	proven := map[string][]byte{}
	var chainID string
	var height int64
	var res Resolved
	for i, raw := range bundles {
		r, err := proof.Verify(raw, trust)
		if err != nil {
			return nil, fmt.Errorf("bundle %d (%s): %w", i+1, r.Key, err)
		}
		if i == 0 {
			chainID, height = r.ChainID, r.Height
			res.Time = BundleTime(raw).UTC().Format(timeFormat)
		} else if r.ChainID != chainID || r.Height != height {
			return nil, fmt.Errorf("bundle %d proves chain %s at height %d, the first chain %s at height %d: resolve from bundles of one answer", i+1, r.ChainID, r.Height, chainID, height)
		}
		if r.Exists {
			proven[r.Key] = r.Value
		} else {
			proven[r.Key] = nil
		}
	}
	org, ok := credential.ParseDID(chainID, did)
	if !ok {
		return nil, fmt.Errorf("%s is not a did:dengta DID of chain %s, which the bundles prove", did, chainID)
	}
	orgRaw, ok := proven[string(module.OrgKey(org))]
	if !ok {
		return nil, fmt.Errorf("no bundle proves the organisation record of %s", org)
	}
	if orgRaw == nil {
		return nil, fmt.Errorf("the chain proves %s was never a member of the consortium: %s does not exist", org, did)
	}
	var o module.OrgView
	if err := json.Unmarshal(orgRaw, &o); err != nil {
		return nil, fmt.Errorf("the proven organisation record: %w", err)
	}
	countRaw, ok := proven[string(credential.ActiveKeysKey(org))]
	if !ok {
		return nil, fmt.Errorf("no bundle proves how many active keys %s has", org)
	}
	active, err := credential.ParseCount(countRaw)
	if err != nil {
		return nil, err
	}
	prefix := string(credential.KeyPrefix(org))
	var stateKeys []string
	for k := range proven {
		if strings.HasPrefix(k, prefix) {
			stateKeys = append(stateKeys, k)
		}
	}
	slices.Sort(stateKeys) // the state's order, which the document follows
	res.Keys = []credentialapi.Key{}
	n := 0
	for _, k := range stateKeys {
		raw := proven[k]
		if raw == nil {
			continue // a proof that a key does not exist adds nothing
		}
		var key credentialapi.Key
		if err := json.Unmarshal(raw, &key); err != nil {
			return nil, fmt.Errorf("the proven key %s: %w", k, err)
		}
		if !bytes.Equal([]byte(k), credential.KeyKey(org, key.Kid)) {
			return nil, fmt.Errorf("the key record at %s names key %s", k, key.Kid)
		}
		if key.Revoked == 0 {
			n++
		}
		res.Keys = append(res.Keys, key)
	}
	if n != active {
		return nil, fmt.Errorf("the chain proves %s has %d active key(s), the bundles prove %d: some are missing", org, active, n)
	}
	res.DID, res.ChainID, res.Height, res.Name, res.Active, res.Trust = did, chainID, height, o.Name, o.Active, trust.Source
	res.Document = credential.Document(chainID, org, o.Active, res.Keys)
	return &res, nil
}
