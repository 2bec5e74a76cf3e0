package app

import (
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/tx"
)

// Gas per block (ADR 0014). A metered module's transactions reserve their
// gas limit from the module's budget per block. A proposal takes them in
// order until the next would go over, and leaves that one and its
// signer's later ones for a later block (their nonces must stay in
// order); a block that goes over anyway (a proposer that does not follow
// this rule) refuses each transaction beyond the budget before it
// consumes its nonce.

// gasBudget is what a block's transactions have reserved so far, by
// metered module.
type gasBudget struct {
	a     *App
	r     reader
	used  map[string]uint64
	limit map[string]uint64
}

func (a *App) newGasBudget(r reader) *gasBudget {
	return &gasBudget{a: a, r: r, used: map[string]uint64{}, limit: map[string]uint64{}}
}

// cost is the gas a transaction reserves and its module (0 and "" for an
// unmetered one).
func (g *gasBudget) cost(e *envelope) (string, uint64) {
	m, ok := g.a.metered[e.route.module]
	if !ok {
		return "", 0
	}
	return e.route.module, m.TxGas(e.route.action.Name, e.body)
}

// fits reports whether the transaction's gas fits what is left.
func (g *gasBudget) fits(mod string, gas uint64) (bool, uint64, error) {
	limit, ok := g.limit[mod]
	if !ok {
		l, err := g.a.metered[mod].BlockGas(g.r)
		if err != nil {
			return false, 0, err
		}
		g.limit[mod], limit = l, l
	}
	used := g.used[mod]
	return gas <= limit && used <= limit-gas, limit, nil
}

// reserve takes the transaction's gas from the budget, or refuses it.
func (g *gasBudget) reserve(e *envelope) error {
	mod, gas := g.cost(e)
	if gas == 0 {
		return nil
	}
	ok, limit, err := g.fits(mod, gas)
	if err != nil {
		return err
	}
	if !ok {
		return errcode.New(errcode.RuleViolation, "block gas limit reached: the block's %s transactions already reserve %d of %d gas, this one asks %d; it goes in a later block", mod, g.used[mod], limit, gas)
	}
	g.used[mod] += gas
	return nil
}

// withinGas returns the proposal's transactions that fit the gas budgets
// in order: a metered transaction that would go over is left out, with
// its signer's later ones. Transactions that do not decode or check stay;
// the block refuses them with their code.
func (a *App) withinGas(r reader, txs [][]byte) ([][]byte, error) {
	if len(a.metered) == 0 {
		return txs, nil
	}
	g := a.newGasBudget(r)
	stopped := map[tx.KeyID]bool{}
	out := txs[:0:0]
	for _, raw := range txs {
		hash := tx.Hash(raw)
		p, err := parse(raw)
		if err != nil {
			out = append(out, raw)
			continue
		}
		id, _, ok := a.signerNonce(p, hash)
		if ok && stopped[id] {
			continue
		}
		e, err := a.routeOf(p)
		if err != nil {
			out = append(out, raw)
			continue
		}
		mod, gas := g.cost(e)
		if gas > 0 {
			fit, _, err := g.fits(mod, gas)
			if err != nil {
				return nil, err
			}
			if !fit {
				stopped[id] = true
				continue
			}
			g.used[mod] += gas
		}
		out = append(out, raw)
	}
	return out, nil
}

// routeOf finds the action a decoded transaction calls and its body,
// without the signer checks (for the proposal's gas count).
func (a *App) routeOf(p parsed) (*envelope, error) {
	if p.eth != nil {
		if a.ethRoute == nil {
			return nil, errcode.New(errcode.UnknownAction, "no Ethereum action")
		}
		return &envelope{eth: p.eth, body: p.eth.Raw, route: *a.ethRoute}, nil
	}
	rt, ok := a.routes[p.tx.Module+"/"+p.tx.Action]
	if !ok {
		return nil, errcode.New(errcode.UnknownAction, "no action %s/%s", p.tx.Module, p.tx.Action)
	}
	return &envelope{tx: p.tx, body: p.tx.Body, route: rt}, nil
}
