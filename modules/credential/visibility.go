package credential

import (
	"bytes"
	"strings"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

var _ module.Visibility = Module{}

// CanRead implements module.Visibility (ADR 0007). The registry (types,
// issuers), DID documents, status lists and recognition lists are public:
// a verifier needs them offline, with their proofs. An anchor is public to
// whoever knows its hash, which only the credential gives. An issuer's list
// of what it anchored, and an organisation's recorded uses, are for the
// organisation and those who oversee.
func (Module) CanRead(_ module.Reader, key []byte, c access.Caller) bool {
	for _, p := range []string{issuedPrefix, usePrefix, usesPrefix} {
		if rest, ok := bytes.CutPrefix(key, []byte(p)); ok {
			org, _, _ := strings.Cut(string(rest), "/")
			return c.Is(org) || c.Oversees()
		}
	}
	return true
}

// CanReadTx implements module.Visibility: registry, key, list and
// recognition transactions are for every member; the bodies of anchor,
// status and use transactions (hashes, reasons, purposes) are for their
// signer and those who oversee.
func (Module) CanReadTx(_ module.Reader, action string, _ []byte, c access.Caller) bool {
	switch action {
	case credentialapi.AnchorIssued.Name, credentialapi.SetStatus.Name, credentialapi.RecordUse.Name:
		return false
	}
	return !c.Public()
}
