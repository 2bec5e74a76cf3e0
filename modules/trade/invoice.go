package trade

import (
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// A commercial invoice backs one drawing (rule set 2, genesis.go). The
// chain keeps, for every presentation that was not returned, its
// invoice under the beneficiary's invoice number and under the file's
// SHA-256 (keys.go): the same invoice presented again — under the same
// credit or another, with another bill of lading, renumbered or re-hashed
// but not both — is refused while the first presentation stands. The
// index entries go when the bank returns the documents; once a
// presentation is honoured they stay, as the invoice has been drawn on.

// invoiceFree refuses, on a chain of rule set 2, a presentation by
// beneficiary of an invoice that backs another presentation.
func invoiceFree(ctx *module.Context, beneficiary string, inv tradeapi.Doc) error {
	rules, err := rulesOf(ctx.Store)
	if err != nil || rules < rules2 {
		return err
	}
	for _, byFile := range []bool{false, true} {
		key := invoiceKey(beneficiary, inv.No)
		if byFile {
			key = invFileKey(inv.SHA256)
		}
		id, err := ctx.Store.Get(key)
		if err != nil {
			return err
		}
		if id == nil {
			continue
		}
		p, err := GetPresentation(ctx.Store, string(id))
		if err != nil {
			return err
		}
		c, err := GetCredit(ctx.Store, p.No)
		if err != nil {
			return err
		}
		switch {
		case c.Beneficiary != beneficiary:
			// Another organisation presented the same file: its credit
			// is none of the signer's business.
			return conflict("invoice.sha256: the same invoice file backs a presentation by another organisation, which was not returned; an invoice backs one drawing")
		case byFile:
			return conflict("invoice.sha256: the same invoice file backs presentation %s (status %s); an invoice backs one drawing, and is free again only if the bank returns that presentation's documents", p.ID, p.Status)
		default:
			return conflict("invoice.no: invoice %s backs presentation %s (status %s); an invoice backs one drawing, and is free again only if the bank returns that presentation's documents", inv.No, p.ID, p.Status)
		}
	}
	return nil
}

// holdInvoice records, on a chain of rule set 2, that p's invoice backs p.
func holdInvoice(ctx *module.Context, beneficiary string, p *tradeapi.Presentation) error {
	rules, err := rulesOf(ctx.Store)
	if err != nil || rules < rules2 {
		return err
	}
	if err := ctx.Store.Set(invoiceKey(beneficiary, p.Invoice.No), []byte(p.ID)); err != nil {
		return err
	}
	return ctx.Store.Set(invFileKey(p.Invoice.SHA256), []byte(p.ID))
}

// releaseInvoice frees p's invoice when the bank returns p's documents:
// the entries that name p go.
func releaseInvoice(ctx *module.Context, beneficiary string, p *tradeapi.Presentation) error {
	for _, key := range [][]byte{invoiceKey(beneficiary, p.Invoice.No), invFileKey(p.Invoice.SHA256)} {
		id, err := ctx.Store.Get(key)
		if err != nil {
			return err
		}
		if string(id) != p.ID {
			continue // rule set 1 (no entry)
		}
		if err := ctx.Store.Delete(key); err != nil {
			return err
		}
	}
	return nil
}
