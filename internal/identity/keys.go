package identity

import (
	"bytes"
	"fmt"

	"github.com/dengta-chain/dengta/tx"
)

// Key layout of the identity module. Every key starts with "identity/".
// Values are JSON unless noted.
//
//	identity/org/<org id>                 -> Org
//	identity/uscc/<unified social credit code> -> org id (raw string); one org per code
//	identity/validator/<hex ed25519 key>   -> org id (raw string); one org per validator key, never reused
//	identity/key/<hex key id>              -> Key
//	identity/orgkey/<org id>/<hex key id>  -> "1"; index of an organisation's keys
//	identity/count/orgs                    -> decimal number of active organisations
//	identity/valset                        -> ValidatorSet; every active validator's org and power, and the power moved in the latest changing block
//	identity/params                        -> Params
//	identity/prop/<16 hex digits id>       -> Proposal
//	identity/nextprop                      -> decimal id of the next proposal (starts at 1)
//	identity/application/<ref>             -> Application; an application to join (ADR 0020)
//	identity/appuscc/<code>                -> ref (raw string) of the latest application for a unified social credit code
//	identity/apporg/<org id>               -> ref (raw string) of the latest application for an organisation id
//	identity/count/applied/<org>/<yyyymmdd> -> decimal number of applications org's node relayed that day (CST)
//	identity/upgrade                       -> UpgradePlan; the latest software upgrade scheduled (carried out once the chain runs its version)
const prefix = "identity/"

var (
	orgPrefix    = prefix + "org/"
	keyPrefix    = prefix + "key/"
	orgKeyPrefix = prefix + "orgkey/"
	propPrefix   = prefix + "prop/"
	appPrefix    = prefix + "application/"
	keyOrgCount  = []byte(prefix + "count/orgs")
	keyValSet    = []byte(prefix + "valset")
	keyParams    = []byte(prefix + "params")
	keyNextProp  = []byte(prefix + "nextprop")
	keyUpgrade   = []byte(prefix + "upgrade")
)

// AffectsSigners reports whether a write to key can change what
// LookupSigner answers. Conservatively, that is any identity key.
func AffectsSigners(key []byte) bool { return bytes.HasPrefix(key, []byte(prefix)) }

func orgKey(id string) []byte        { return []byte(orgPrefix + id) }
func usccKey(code string) []byte     { return []byte(prefix + "uscc/" + code) }
func validatorKey(pub []byte) []byte { return []byte(fmt.Sprintf("%svalidator/%x", prefix, pub)) }
func keyKey(id tx.KeyID) []byte      { return []byte(keyPrefix + id.String()) }
func orgKeyIndex(org string, id tx.KeyID) []byte {
	return []byte(orgKeyPrefix + org + "/" + id.String())
}
func proposalKey(id uint64) []byte     { return []byte(fmt.Sprintf("%s%016x", propPrefix, id)) }
func applicationKey(ref string) []byte { return []byte(appPrefix + ref) }
func appUSCCKey(code string) []byte    { return []byte(prefix + "appuscc/" + code) }
func appOrgKey(id string) []byte       { return []byte(prefix + "apporg/" + id) }
func appDayKey(org, day string) []byte { return []byte(prefix + "count/applied/" + org + "/" + day) }

// ApplicationPrefix is the key prefix under which applications are
// stored, for listing queries.
func ApplicationPrefix() []byte { return []byte(appPrefix) }

// ApplicationStateKey returns the state key of an application, for proofs.
func ApplicationStateKey(ref string) []byte { return applicationKey(ref) }

// OrgPrefix is the key prefix under which organisations are stored, for
// listing queries.
func OrgPrefix() []byte { return []byte(orgPrefix) }

// OrgKeysPrefix is the key prefix of an organisation's key index.
func OrgKeysPrefix(org string) []byte { return []byte(orgKeyPrefix + org + "/") }

// ProposalPrefix is the key prefix under which proposals are stored.
func ProposalPrefix() []byte { return []byte(propPrefix) }

// OrgStateKey returns the state key of an organisation, for proofs.
func OrgStateKey(id string) []byte { return orgKey(id) }

// KeyStateKey returns the state key of a member key, for proofs.
func KeyStateKey(id tx.KeyID) []byte { return keyKey(id) }

// UpgradeStateKey returns the state key of the upgrade plan, for proofs.
func UpgradeStateKey() []byte { return keyUpgrade }

// ProposalStateKey returns the state key of a proposal, for proofs.
func ProposalStateKey(id uint64) []byte { return proposalKey(id) }
