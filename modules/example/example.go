// Package example is the example module: the smallest complete scenario
// module, kept in the tree as the template for new ones and registered only
// by the tests that show a module plugs in as one folder plus one
// registration line. Organisations holding its role post short notes.
//
// The folder holds what every module has: this package, the state machine
// (no HTTP, no pages); exampleapi, the wire types the SDK, the CLI, the
// pages and the bench share; and exampleplug, which plugs the module into
// the node: API endpoints, pages, CLI commands, a bench workload, demo
// roles and a generator of random actions.
package example

import (
	"fmt"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/example/exampleapi"
)

// Module is the example module's state machine.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return exampleapi.Name }

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{module.Handle(exampleapi.Post, m.post).For(exampleapi.Author)}
}

// post records a note under an id made of the height and the
// transaction's hash, so that it is the same on every node.
func (Module) post(ctx *module.Context, b *exampleapi.PostBody) error {
	if err := field.Text("title", b.Title, 1, 40); err != nil {
		return err
	}
	if err := field.Text("text", b.Text, 0, 200, field.Multiline); err != nil {
		return err
	}
	id := fmt.Sprintf("N%d-%X", ctx.Height, ctx.TxHash[:6])
	n := exampleapi.Note{ID: id, Title: b.Title, Text: b.Text, By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, noteKey(id), &n); err != nil {
		return err
	}
	ctx.Emit("example.posted", "id", id, "org", ctx.Signer.Org)
	return ctx.SetResult(exampleapi.PostResult{ID: id})
}

// GetNote returns a note, or a not_found error.
func GetNote(r module.Getter, id string) (*exampleapi.Note, error) {
	var n exampleapi.Note
	if err := module.GetRecord(r, noteKey(id), &n, "no note %q", id); err != nil {
		return nil, err
	}
	return &n, nil
}
