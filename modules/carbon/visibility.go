package carbon

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

var _ module.Visibility = Module{}

// Overseer reports whether c reads every account and compliance position:
// the registry authority and those who oversee (regulators, auditors).
func Overseer(c access.Caller) bool { return c.Oversees() || c.Has(carbonapi.Registry) }

// CanRead implements module.Visibility (ADR 0007). The registry is public
// so that anyone can check a claim: projects, monitoring reports and their
// verifications, batches and their statistics, retirements, cancellations
// and claims, plants, green-electricity claim certificates and product
// footprints. Accounts, transfers and compliance positions are for their
// organisation, the registry authority and those who oversee; emission
// reports also for inspectors, who verify them; surrenders for their
// entity and the overseers.
func (Module) CanRead(r module.Reader, key []byte, c access.Caller) bool {
	k := string(key)
	if Overseer(c) {
		return true
	}
	switch {
	case strings.HasPrefix(k, holdPrefix):
		return c.Is(firstPart(k, holdPrefix))
	case strings.HasPrefix(k, xfersPrefix):
		return c.Is(firstPart(k, xfersPrefix))
	case strings.HasPrefix(k, holderPrefix):
		return false
	case strings.HasPrefix(k, xferPrefix):
		var t carbonapi.Transfer
		ok, err := module.GetJSON(r, key, &t)
		return err == nil && (!ok && !c.Public() || ok && c.Is(t.From, t.To))
	case strings.HasPrefix(k, compPrefix), strings.HasPrefix(k, emrepPrefix):
		prefix := compPrefix
		if strings.HasPrefix(k, emrepPrefix) {
			prefix = emrepPrefix
		}
		rest := strings.TrimPrefix(k, prefix)
		if _, after, ok := strings.Cut(rest, "/"); ok {
			org, _, _ := strings.Cut(after, "/")
			return c.Is(org) || c.Has(carbonapi.Verifier)
		}
		return false
	case strings.HasPrefix(k, closurePrefix):
		v, err := r.Get(key)
		if err != nil {
			return false
		}
		if v == nil || !bytes.Contains(v, []byte(`"kind":"`+carbonapi.Surrendered+`"`)) {
			return true
		}
		var cl carbonapi.Closure
		return json.Unmarshal(v, &cl) == nil && (cl.Kind != carbonapi.Surrendered || c.Is(cl.Holder))
	}
	return true
}

// firstPart is the segment of k after prefix, up to the next '/'.
func firstPart(k, prefix string) string {
	s, _, _ := strings.Cut(strings.TrimPrefix(k, prefix), "/")
	return s
}

// private are the actions whose bodies are for their signer, the parties
// they name and those who oversee: transfers (their price and note),
// allocations, emission filings and verifications, and surrenders.
var private = map[string]bool{
	carbonapi.TransferUnits.Name: true, carbonapi.Allocate.Name: true, carbonapi.FileEmissions.Name: true,
	carbonapi.VerifyEmissions.Name: true, carbonapi.Surrender.Name: true, carbonapi.Cancel.Name: true,
}

// CanReadTx implements module.Visibility: the registry's records are
// public and so are the bodies that made them; a private action's body is
// for the parties it names (the receiver of a transfer, the entity an
// allocation or verification names, a cancelled account) and the
// registry authority, besides its signer and those who oversee.
func (Module) CanReadTx(_ module.Reader, action string, body []byte, c access.Caller) bool {
	if !private[action] {
		return true
	}
	if c.Public() {
		return false
	}
	if c.Has(carbonapi.Registry) {
		return true
	}
	var named struct {
		To     string `json:"to"`
		Org    string `json:"org"`
		Holder string `json:"holder"`
	}
	if json.Unmarshal(body, &named) != nil {
		return false
	}
	return c.Is(named.To, named.Org, named.Holder)
}
