package trace

import (
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
)

var _ module.Visibility = Module{}

// CanRead implements module.Visibility (ADR 0007): traceability is for
// the consumer who scans a code, so products, lots, items, events and
// scan counts are public.
func (Module) CanRead(module.Reader, []byte, access.Caller) bool { return true }

// CanReadTx implements module.Visibility: every member of the supply
// chain may read the events recorded in it; the public reads them through
// the journey and scan pages.
func (Module) CanReadTx(_ module.Reader, _ string, _ []byte, c access.Caller) bool {
	return !c.Public()
}
