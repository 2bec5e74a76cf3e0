// Package exampleplug plugs the example module into the node: one typed
// API endpoint (documented from its types, with no OpenAPI fragment to
// write), a hall page and a public page, the `dengta example` command, a
// benchmark workload, the module's role in the demo consortium and its
// generator of random actions.
package exampleplug

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/example"
	"github.com/dengta-chain/dengta/modules/example/exampleapi"
)

// Module returns the example module's plug.
func Module() plug.Module {
	return plug.Module{
		Core:      example.Module{},
		Roles:     exampleapi.Roles,
		API:       &httpapi.Module{Routes: routes},
		Pages:     pagesModule(),
		CLI:       []cli.Command{{Name: "example", Summary: "post and read the example module's notes", Run: run}},
		Workloads: []workload.Def{{Name: "wexample", Doc: "example/post of a short note", Rates: []float64{100, 200}, New: newPosts}},
		Demo:      plug.Demo{Roles: map[string][]role.Role{"coop": {exampleapi.Author}, "market": {exampleapi.Author}, "*": {exampleapi.Author}}},
		Gen:       func() plug.Gen { return gen{} },
	}
}

func routes(env httpapi.Env, r httpapi.Router) {
	httpapi.Query(r, exampleapi.GetNote, func(_ context.Context, p exampleapi.NoteParams) (*exampleapi.Note, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return example.GetNote(v, p.ID)
	})
}

//go:embed templates/*.html
var templates embed.FS

func pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	return &pages.Module{
		Templates: sub,
		Messages: pages.Messages{
			"ex.example.title": {"示例：便签", "Example: notes"},
			"ex.example.post":  {"发布", "Post"},
			"ex.example.note":  {"便签", "Note"},
			"ex.example.done":  {"已发布：", "Posted:"},
		},
		Hall: []pages.Link{{Path: "/hall/example", Key: "ex.example.title"}},
		Routes: func(site pages.Site, r pages.Router) {
			r.SignedIn("GET /hall/example", func(p *pages.Page) error {
				p.Title = p.T("ex.example.title")
				return site.Render(p, "hall_example")
			})
			r.SignedIn("POST /hall/example", func(p *pages.Page) error {
				key, err := site.Signer(p)
				if err != nil {
					return err
				}
				ctx, cancel := context.WithTimeout(p.R.Context(), site.Timeout())
				defer cancel()
				res, _, err := client.Send(ctx, site.API(), key, exampleapi.Post, exampleapi.PostBody{Title: strings.TrimSpace(p.R.FormValue("title"))})
				if err != nil {
					p.Title, p.Status, p.Data = p.T("ex.example.title"), http.StatusBadRequest, map[string]string{"Error": p.APIError(err)}
					return site.Render(p, "hall_example")
				}
				http.Redirect(p.W, p.R, "/example/notes/"+url.PathEscape(res.ID), http.StatusSeeOther)
				return nil
			})
			r.Public("GET /example/notes/{id}", func(p *pages.Page) error {
				v, err := site.View(0)
				if err != nil {
					return err
				}
				n, err := example.GetNote(v, p.R.PathValue("id"))
				if err != nil {
					return err
				}
				p.Title, p.Data = n.Title, n
				return site.Render(p, "note")
			})
		},
	}
}

// run is `dengta example post --key K --title T` and `dengta example show ID`.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "example", "post --key K --title T | show ID", []cli.Sub{
		{Name: "post", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("example post", "--key K --title T", errOut)
			node := cli.NodeFlag(fs)
			keyFile := cli.KeyFlag(fs, "key file of the signer")
			title := fs.String("title", "", "the note's title")
			if _, err := cli.Parse(fs, args); err != nil {
				return err
			}
			c, key, err := cli.Signer(*node, *keyFile)
			if err != nil {
				return err
			}
			res, rec, err := client.Send(ctx, c, key, exampleapi.Post, exampleapi.PostBody{Title: *title})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "note %s posted at height %d\n", res.ID, rec.Height)
			return nil
		}},
		{Name: "show", Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			fs := cli.NewFlags("example show", "ID", errOut)
			node := cli.NodeFlag(fs)
			pos, err := cli.Parse(fs, args)
			if err != nil {
				return err
			}
			id, err := cli.OneArg(pos, "note id", "dengta example show N12-0A1B2C3D4E5F")
			if err != nil {
				return err
			}
			n, err := client.Read(ctx, cli.Client(*node), exampleapi.GetNote, exampleapi.NoteParams{ID: id})
			if err != nil {
				return err
			}
			return cli.PrintJSON(out, n)
		}},
	}, args, out, errOut)
}

// posts is the example's workload: one note per transaction.
type posts struct {
	p   workload.Params
	s   *workload.Signers
	txs []workload.Tx
}

func newPosts(p workload.Params) workload.Workload { return &posts{p: p} }

func (w *posts) Name() string     { return "wexample" }
func (w *posts) Describe() string { return "example/post of a short note, " + w.p.SignedBy() }
func (w *posts) Lanes() int       { return len(w.s.Keys) }

func (w *posts) Setup(ctx context.Context, net *workload.Network) error {
	s, err := workload.RegisterSigners(ctx, net, w.p.Signers, w.p.Algo(), exampleapi.Name, exampleapi.Post.Name)
	w.s = s
	return err
}

func (w *posts) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return err
	}
	txs, err := w.s.SignAll(ctx, n, exampleapi.Name, exampleapi.Post.Name, 1, func(j int, _ *rand.Rand) []byte {
		return fmt.Appendf(nil, `{"title":"bench note %d"}`, j)
	})
	w.txs = txs
	return err
}

func (w *posts) Next(i int) workload.Tx                                 { return w.txs[i] }
func (w *posts) Check(ctx context.Context, net *workload.Network) error { return nil }

// gen makes notes, some with titles too long.
type gen struct{}

func (gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	orgs := w.With(exampleapi.Author)
	if len(orgs) == 0 {
		return plug.Action{Org: w.Orgs[0].ID, Action: exampleapi.Post.Name, Body: exampleapi.PostBody{Title: "no role"}}
	}
	org := orgs[r.IntN(len(orgs))]
	if r.IntN(5) == 0 {
		return plug.Action{Org: org, Action: exampleapi.Post.Name, Body: exampleapi.PostBody{Title: strings.Repeat("长", 41)}}
	}
	return plug.Action{Org: org, Action: exampleapi.Post.Name, Valid: true, Body: exampleapi.PostBody{Title: fmt.Sprintf("便签 %d", r.IntN(100))}}
}

func (gen) Observe(plug.Action, uint32, []byte) {}
