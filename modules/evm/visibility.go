package evm

import (
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
)

// CanRead implements module.Visibility: contracts are the consortium's
// shared programs, so every member reads every contract's state, code
// and receipts (a contract's code decides what it shows, and any member
// can call it); the public reads none (ADR 0007, ADR 0014).
func (Module) CanRead(_ module.Reader, _ []byte, c access.Caller) bool { return !c.Public() }

// CanReadTx implements module.Visibility: every member reads contract
// transactions, as Ethereum tools expect of a node's JSON-RPC.
func (Module) CanReadTx(_ module.Reader, _ string, _ []byte, c access.Caller) bool {
	return !c.Public()
}
