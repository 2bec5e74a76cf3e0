// Package credential is the electronic certificates module (电子证照): the
// on-chain registry that lets departments and regions share and mutually
// recognise certificates — identity documents, degrees, real-estate titles,
// business licences — without paper, and without personal data on chain.
//
// The consortium registers credential types (templates with the JSON
// Schema of their claims, like WeIdentity's CPT) and authorises which
// organisations may issue each, by governance decisions (ADR 0010). Each
// organisation publishes its credential signing keys, which make its DID
// document (did:dengta:<chain>:<org>). An issuer signs W3C VC 2.0
// credentials off chain as SD-JWTs (RFC 9901) and anchors only each one's
// hash, type, signing key and status entry; it revokes and suspends them
// through Bitstring Status Lists whose bits live here and whose hashes are
// anchored at every change. Relying organisations record which issuers'
// credentials of a type they recognise, and the uses they make of
// presented credentials. Every record has a proof bundle, so that a
// verifier checks a presented credential offline against the validator set
// it trusts (docs/adr/0013-credentials.md).
package credential

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

// Module is the credential module's state machine.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return credentialapi.Name }

// Actions implements module.Module. Every active organisation may publish
// keys, open lists, anchor, recognise and record uses; whether it may
// anchor a type is the registry's business, checked by the handler.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(credentialapi.SubmitType, m.submitType),
		module.Handle(credentialapi.RegisterType, m.registerType).ByDecision(),
		module.Handle(credentialapi.AuthorizeIssuer, m.authorizeIssuer).ByDecision(),
		module.Handle(credentialapi.WithdrawIssuer, m.withdrawIssuer).ByDecision(),
		module.Handle(credentialapi.AddKey, m.addKey),
		module.Handle(credentialapi.RevokeKey, m.revokeKey),
		module.Handle(credentialapi.OpenList, m.openList),
		module.Handle(credentialapi.AnchorIssued, m.anchor),
		module.Handle(credentialapi.SetStatus, m.setStatus),
		module.Handle(credentialapi.RevokeByDecision, m.revokeByDecision).ByDecision(),
		module.Handle(credentialapi.Recognize, m.recognize),
		module.Handle(credentialapi.RecordUse, m.recordUse),
	}
}

func malformed(format string, args ...any) error {
	return errcode.New(errcode.MalformedBody, format, args...)
}

func conflict(format string, args ...any) error {
	return errcode.New(errcode.Conflict, format, args...)
}

func rule(format string, args ...any) error {
	return errcode.New(errcode.RuleViolation, format, args...)
}

func notFound(format string, args ...any) error {
	return errcode.New(errcode.NotFound, format, args...)
}

func unauthorized(format string, args ...any) error {
	return errcode.New(errcode.Unauthorized, format, args...)
}

func txHash(ctx *module.Context) string { return fmt.Sprintf("%X", ctx.TxHash) }

// DID is the DID of organisation org on chain chainID:
// did:dengta:<chain>:<org>, the chain id percent-encoded where DID syntax
// requires.
func DID(chainID, org string) string {
	var b strings.Builder
	b.WriteString("did:dengta:")
	for i := 0; i < len(chainID); i++ {
		c := chainID[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	b.WriteByte(':')
	b.WriteString(org)
	return b.String()
}

// ParseDID returns the organisation of a did:dengta DID of chain chainID.
func ParseDID(chainID, did string) (string, bool) {
	org, ok := strings.CutPrefix(did, DID(chainID, "")) // the prefix ends with ':'
	return org, ok && field.IsOrgID(org)
}

// KeyURL is the DID URL of one of an organisation's keys: its
// verification method id, which credentials name as their JWS kid.
func KeyURL(chainID, org, kid string) string { return DID(chainID, org) + "#" + kid }

// hexDigest is the hex SHA-256 of b.
func hexDigest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Hash is the hex SHA-256 of an issuer-signed JWT: what identifies a
// credential on chain.
func Hash(issuerJWT string) string { return hexDigest([]byte(issuerJWT)) }

// getCount reads a decimal counter (0 when absent).
func getCount(kv module.Getter, key []byte) (int, error) {
	b, err := kv.Get(key)
	if err != nil || b == nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return 0, fmt.Errorf("counter %q: %w", key, err)
	}
	return n, nil
}

func setCount(kv module.KV, key []byte, n int) error { return kv.Set(key, []byte(strconv.Itoa(n))) }

// absent refuses with conflict when key already holds a value.
func absent(kv module.Getter, key []byte, what string) error {
	b, err := kv.Get(key)
	if err != nil {
		return err
	}
	if b != nil {
		return conflict("%s already exists; records are never overwritten", what)
	}
	return nil
}

// decision requires a passed governance decision authorising action on
// subject, not yet carried out, and records that it is.
func decision(ctx *module.Context, id uint64, action, subject string) (*module.DecisionView, error) {
	if id == 0 {
		return nil, malformed("proposal_id is required: the passed authorize_action proposal naming %s/%s on %s", credentialapi.Name, action, subject)
	}
	d, err := module.Decision(ctx.Store, id, module.ActionRef{Module: credentialapi.Name, Action: action, Subject: subject})
	if err != nil {
		return nil, err
	}
	if err := absent(ctx.Store, decisionKey(id), fmt.Sprintf("the carrying out of governance decision %d", id)); err != nil {
		return nil, conflict("governance decision %d was already carried out; a decision is carried out once", id)
	}
	return d, ctx.Store.Set(decisionKey(id), []byte(action))
}

// activeOrg checks that the organisation a body names in name is an
// active member.
func activeOrg(kv module.Getter, name, id string) (*module.OrgView, error) {
	if err := field.OrgID(name, id); err != nil {
		return nil, err
	}
	return module.ActiveOrg(kv, name, id)
}
