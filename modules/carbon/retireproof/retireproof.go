// Package retireproof makes and checks the offline proof bundle of a
// retirement certificate (format dengta-carbon-retirement/1): proof
// bundles (proof, dengta-proof/1) of the closure record — a
// retirement, cancellation or claim —, of its batch, and of what the batch
// rests on (a credit batch's project and the inspector's verification of
// its monitoring report; a green certificate batch's plant), all at one
// height. The verifier trusts no node: it checks each proof against a
// trusted validator set, then that the records agree with each other —
// the closure's serials lie in its batch and add up to its quantity, the
// batch is the project's and was issued for a positively verified report
// — and reports the claim.
//
// The inner bundles travel as strings, their canonical bytes unchanged,
// so that the outer document may be re-indented (an API answer is) without
// touching them.
package retireproof

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/proof"
	"github.com/dengta-chain/dengta/proof/verdict"
)

// Format names the bundle format and version.
const Format = "dengta-carbon-retirement/1"

// Proof is one record's proof bundle.
type Proof struct {
	// Key is the record's state key.
	Key string `json:"key"`
	// Bundle is the dengta-proof/1 bundle, its canonical bytes as a string.
	Bundle string `json:"bundle"`
}

// Bundle is a closure with the proofs of the records it rests on.
type Bundle struct {
	Format  string  `json:"format"`
	ChainID string  `json:"chain_id"`
	Height  int64   `json:"height"`
	Closure string  `json:"closure"`
	Proofs  []Proof `json:"proofs"`
	// Digest is the SHA-256 (hex) of the bundle's canonical encoding with
	// an empty digest: it catches edits; the proofs make it trustworthy.
	Digest string `json:"digest"`
}

func (b *Bundle) canonical() ([]byte, error) {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode retirement bundle: %w", err)
	}
	return append(out, '\n'), nil
}

func (b *Bundle) digest() (string, error) {
	c := *b
	c.Digest = ""
	raw, err := c.canonical()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// Marshal seals the bundle and returns its canonical encoding.
func (b *Bundle) Marshal() ([]byte, error) {
	d, err := b.digest()
	if err != nil {
		return nil, err
	}
	b.Digest = d
	return b.canonical()
}

// Keys are the state keys a closure's bundle proves, read from state r:
// the closure, its batch, and the batch's project and verification or its
// plant.
func Keys(r module.Getter, id string) ([][]byte, error) {
	c, err := carbon.GetClosure(r, id)
	if err != nil {
		return nil, err
	}
	keys := [][]byte{carbon.ClosureKey(c.ID), carbon.BatchKey(c.Batch)}
	b, err := carbon.GetBatch(r, c.Batch)
	if err != nil {
		return nil, err
	}
	switch b.Kind {
	case carbonapi.KindCredit:
		keys = append(keys, carbon.ProjectKey(b.Project), carbon.VerificationKey(b.Report))
	case carbonapi.KindGEC:
		keys = append(keys, carbon.PlantKey(b.Plant))
	}
	return keys, nil
}

// Views opens the committed state at a height (0: the latest).
type Views func(height int64) (module.Reader, error)

// Build makes the bundle of closure id as the state stands: at the latest
// version, or the one before when the records are the same there (its
// next header exists, so the prover need not wait for a block).
func Build(ctx context.Context, pr *prover.Prover, views Views, chainID, id string) ([]byte, error) {
	latest, err := views(0)
	if err != nil {
		return nil, err
	}
	c, err := carbon.GetClosure(latest, id)
	if err != nil {
		return nil, err
	}
	if c.Kind == carbonapi.Surrendered {
		return nil, errcode.New(errcode.BadRequest, "%s is a surrender; its proof is the record itself (GET /v1/proof?key=%s), for the entity and the overseers", id, carbon.ClosureKey(id))
	}
	keys, err := Keys(latest, id)
	if err != nil {
		return nil, err
	}
	h := latest.(carbon.Version).Version()
	if h > 1 {
		if prev, err := views(h - 1); err == nil && same(latest, prev, keys) {
			h--
		}
	}
	var proofs []Proof
	for _, k := range keys {
		pb, err := pr.Bundle(ctx, k, h)
		if err != nil {
			return nil, fmt.Errorf("prove %s: %w", k, err)
		}
		raw, err := pb.Marshal()
		if err != nil {
			return nil, err
		}
		proofs = append(proofs, Proof{Key: string(k), Bundle: string(raw)})
	}
	return Assemble(chainID, h, id, proofs)
}

func same(a, b module.Getter, keys [][]byte) bool {
	for _, k := range keys {
		x, err1 := a.Get(k)
		y, err2 := b.Get(k)
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}

// Assemble seals the proofs of a closure's records at height into a
// bundle.
func Assemble(chainID string, height int64, id string, proofs []Proof) ([]byte, error) {
	b := &Bundle{Format: Format, ChainID: chainID, Height: height, Closure: id, Proofs: proofs}
	return b.Marshal()
}

// Report is the outcome of a verification: every check, and the proven
// records when they hold.
type Report struct {
	Checks       []verdict.Check         `json:"checks"`
	OK           bool                    `json:"ok"`
	ChainID      string                  `json:"chain_id,omitempty"`
	Height       int64                   `json:"height,omitempty"`
	Closure      *carbonapi.Closure      `json:"closure,omitempty"`
	Batch        *carbonapi.Batch        `json:"batch,omitempty"`
	Project      *carbonapi.Project      `json:"project,omitempty"`
	Verification *carbonapi.Verification `json:"verification,omitempty"`
	Plant        *carbonapi.Plant        `json:"plant,omitempty"`
}

func (r *Report) pass(name, format string, args ...any) {
	r.Checks = append(r.Checks, verdict.Check{Name: name, OK: true, Detail: fmt.Sprintf(format, args...)})
}

func (r *Report) fail(name, format string, args ...any) error {
	c := verdict.Check{Name: name, OK: false, Detail: fmt.Sprintf(format, args...)}
	r.Checks = append(r.Checks, c)
	return fmt.Errorf("%s: %s", name, c.Detail)
}

// Verify checks a bundle against trust, with no network. The report lists
// every check made; the error names the first that failed.
func Verify(raw []byte, trust proof.Trust) (*Report, error) {
	r := &Report{}
	err := verify(r, raw, trust)
	r.OK = err == nil
	return r, err
}

func verify(r *Report, raw []byte, trust proof.Trust) error {
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return r.fail("format", "not a retirement bundle: %v", err)
	}
	if b.Format != Format {
		return r.fail("format", "format %q, want %q", b.Format, Format)
	}
	d, err := b.digest()
	if err != nil || d != b.Digest {
		return r.fail("integrity", "the bundle's digest is %s, its content hashes to %s: it was changed", b.Digest, d)
	}
	r.pass("integrity", "digest %s", b.Digest)
	r.ChainID, r.Height = b.ChainID, b.Height
	values := map[string][]byte{}
	for _, p := range b.Proofs {
		rep, err := proof.Verify([]byte(p.Bundle), trust)
		if err != nil {
			return r.fail("proof", "%s: %v", p.Key, err)
		}
		switch {
		case rep.Key != p.Key:
			return r.fail("proof", "%s: the bundle proves %s instead", p.Key, rep.Key)
		case rep.ChainID != b.ChainID || rep.Height != b.Height:
			return r.fail("proof", "%s: it is of chain %s at height %d; the bundle says %s at %d", p.Key, rep.ChainID, rep.Height, b.ChainID, b.Height)
		case !rep.Exists:
			return r.fail("proof", "%s: it proves the record absent", p.Key)
		}
		values[p.Key] = rep.Value
		r.pass("proof", "%s: in the state of chain %s at height %d, signed by more than 2/3 of the trusted validators", p.Key, b.ChainID, b.Height)
	}
	get := func(key []byte, v any) bool {
		raw, ok := values[string(key)]
		return ok && json.Unmarshal(raw, v) == nil
	}
	var c carbonapi.Closure
	if !get(carbon.ClosureKey(b.Closure), &c) || c.ID != b.Closure {
		return r.fail("closure", "the bundle proves no record of %s", b.Closure)
	}
	r.Closure = &c
	var bt carbonapi.Batch
	if !get(carbon.BatchKey(c.Batch), &bt) || bt.ID != c.Batch {
		return r.fail("batch", "the bundle proves no record of batch %s", c.Batch)
	}
	r.Batch = &bt
	if bt.Kind != c.BatchKind || bt.Unit != c.Unit {
		return r.fail("batch", "the closure says %s in %s, the batch is %s in %s", c.BatchKind, c.Unit, bt.Kind, bt.Unit)
	}
	var n int64
	for i, rg := range c.Ranges {
		if rg.From < 1 || rg.To < rg.From || rg.To > bt.Quantity || i > 0 && rg.From <= c.Ranges[i-1].To {
			return r.fail("serials", "%s is not a range of the batch's serials 1-%d in order", rg, bt.Quantity)
		}
		n += rg.Len()
	}
	if n != c.Quantity {
		return r.fail("serials", "the ranges hold %d serials, the closure says %d", n, c.Quantity)
	}
	r.pass("serials", "%s: %d %s of batch %s (%d issued)", carbonapi.Serials(bt.ID, c.Ranges), c.Quantity, bt.Unit, bt.ID, bt.Quantity)
	switch bt.Kind {
	case carbonapi.KindCredit:
		var p carbonapi.Project
		if !get(carbon.ProjectKey(bt.Project), &p) || p.ID != bt.Project || c.Project != p.ID {
			return r.fail("project", "the bundle proves no record of project %s", bt.Project)
		}
		if p.Status != carbonapi.StatusRegistered {
			return r.fail("project", "project %s is %s, not registered", p.ID, p.Status)
		}
		r.Project = &p
		var v carbonapi.Verification
		if !get(carbon.VerificationKey(bt.Report), &v) || v.Report != bt.Report || v.Project != p.ID {
			return r.fail("verification", "the bundle proves no verification of report %s", bt.Report)
		}
		if v.Opinion != carbonapi.OpinionPositive || v.VerifiedT < bt.Quantity {
			return r.fail("verification", "report %s was verified %s for %d tCO2e; the batch holds %d", v.Report, v.Opinion, v.VerifiedT, bt.Quantity)
		}
		if v.By.Org == p.Developer {
			return r.fail("verification", "the developer %s verified its own report", p.Developer)
		}
		r.Verification = &v
		r.pass("origin", "project %s (%s, methodology %s, registered %s), report %s verified by %s for %d tCO2e, vintage %d",
			p.ID, p.Name, p.Methodology, p.RegistrationNo, v.Report, v.By.Org, v.VerifiedT, bt.Vintage)
	case carbonapi.KindGEC:
		var pl carbonapi.Plant
		if !get(carbon.PlantKey(bt.Plant), &pl) || pl.Code != bt.Plant {
			return r.fail("plant", "the bundle proves no record of plant %s", bt.Plant)
		}
		r.Plant = &pl
		r.pass("origin", "plant %s (%s, %s, %d kW), generated in %s, valid until %s", pl.Code, pl.Name, pl.Technology, pl.CapacityKW, bt.Month, bt.ExpiresOn)
		if c.Kind == carbonapi.Claimed && c.Time[:10] >= bt.ExpiresOn {
			return r.fail("expiry", "claimed on %s, on or after the certificates expired (%s)", c.Time[:10], bt.ExpiresOn)
		}
	default:
		r.pass("origin", "allowances of compliance year %d", bt.Year)
	}
	who := c.Holder
	if c.Beneficiary != "" {
		who = c.Beneficiary
	}
	r.pass("claim", "%s %d %s for %s on %s (%s)", c.Kind, c.Quantity, c.Unit, who, c.Time[:10], c.ID)
	return nil
}
