package trace

import (
	"bytes"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
)

var _ module.Visibility = Module{}

// CanRead implements module.Visibility (ADR 0007): traceability is for
// the consumer who scans a code, so prefixes, products, lots, places,
// items, events and scan counts are public. Who holds how much of a
// class (trace/qty, trace/transit, trace/holder: a member's stock and
// open shipments) is for members, as GET /v1/trace/holdings is.
func (Module) CanRead(_ module.Reader, key []byte, c access.Caller) bool {
	for _, p := range []string{qtyPrefix, transitPrefix, holderPrefix} {
		if bytes.HasPrefix(key, []byte(p)) {
			return !c.Public()
		}
	}
	return true
}

// CanReadTx implements module.Visibility: every member of the supply
// chain may read the events recorded in it; the public reads them through
// the journey and scan pages.
func (Module) CanReadTx(_ module.Reader, _ string, _ []byte, c access.Caller) bool {
	return !c.Public()
}
