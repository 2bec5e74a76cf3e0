package charity

import (
	"bytes"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

var _ module.Visibility = Module{}

// CanRead implements module.Visibility (ADR 0007). Charity is public by
// purpose: the donors and the public check projects, donations, grants,
// disbursements, acceptances and reports, and nothing of the module's
// state names a person (a donor is a salted hash). The index of channel
// payment references (their hashes, by the organisation that recorded
// them) is for members: it serves the charities' reconciliation, not the
// public.
func (Module) CanRead(_ module.Reader, key []byte, c access.Caller) bool {
	return !bytes.HasPrefix(key, []byte(chrefPrefix)) || !c.Public()
}

// CanReadTx implements module.Visibility: the bodies of the module's
// actions are public, but those of donations, which carry the channel's
// payment reference in clear, are for their signer's organisation and
// those who oversee.
func (Module) CanReadTx(_ module.Reader, action string, _ []byte, _ access.Caller) bool {
	return action != charityapi.Donate.Name && action != charityapi.DonateBatch.Name
}
