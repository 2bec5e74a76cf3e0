package identity

import (
	"bytes"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
)

var _ module.Visibility = Module{}

// CanRead implements module.Visibility (ADR 0007): who the members are,
// their keys and validators are public, so that anyone can check a
// signature or a proof; governance proposals are for the members.
func (Module) CanRead(_ module.Reader, key []byte, c access.Caller) bool {
	if bytes.HasPrefix(key, []byte(propPrefix)) || bytes.Equal(key, keyNextProp) {
		return !c.Public()
	}
	return true
}

// CanReadTx implements module.Visibility: every member may read the
// consortium's own transactions (keys, proposals, votes).
func (Module) CanReadTx(_ module.Reader, _ string, _ []byte, c access.Caller) bool {
	return !c.Public()
}
