package modules_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/modules/example/exampleapi"
	"github.com/dengta-chain/dengta/modules/example/exampleplug"
)

// withExample is the registry with the example module added by its one
// registration line, as a new scenario module is added.
func withExample() *plug.Registry {
	return plug.NewRegistry(append(modules.All(), exampleplug.Module())...)
}

// TestOneFolderOneLine adds the example module (modules/example,
// one folder) to the registry with one line and finds it everywhere a
// module shows: its action routed and its role given to the demo
// consortium, its endpoint served and documented in the OpenAPI document
// with its action's body schema, its tile on the hall's dashboard, its
// hall and public pages, and its benchmark workload. (The command line's
// help is checked in cmd/dengta.)
func TestOneFolderOneLine(t *testing.T) {
	reg := withExample()
	if !slices.ContainsFunc(workload.Workloads(reg.Workloads()), func(d workload.Def) bool { return d.Name == "wexample" }) {
		t.Error("the example's workload is not among the bench's workloads")
	}
	d, home := nodetest.DevHall(t, reg)
	ctx := context.Background()
	c := client.New(d.GatewayURL)

	// The action and the endpoint, through the SDK's typed calls.
	key, err := client.LoadKey(home + "/keys/coop-admin.json")
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := client.Send(ctx, c, key, exampleapi.Post, exampleapi.PostBody{Title: "一个文件夹，一行注册"})
	if err != nil {
		t.Fatal(err)
	}
	note, err := client.Read(ctx, c, exampleapi.GetNote, exampleapi.NoteParams{ID: res.ID})
	if err != nil || note.Title != "一个文件夹，一行注册" || note.By.Org != "coop" {
		t.Fatalf("note %+v, %v", note, err)
	}

	// The role, from the module's demo, in the genesis.
	var coop identity.Org
	if err := c.Get(ctx, "/v1/orgs/coop", &coop); err != nil || !slices.Contains(coop.Roles, exampleapi.Author) {
		t.Fatalf("coop %+v, %v: want the example's role", coop, err)
	}

	// The OpenAPI document: the endpoint, written from its types, and
	// the action's body schema.
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
		Actions []struct {
			Module, Action string
		} `json:"x-dengta-actions"`
	}
	if err := c.Get(ctx, "/openapi.json", &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Paths["/v1/example/notes/{id}"]["get"]; !ok {
		t.Error("the OpenAPI document does not describe GET /v1/example/notes/{id}")
	}
	if _, ok := doc.Components.Schemas["action.example.post"]; !ok {
		t.Error("the OpenAPI document has no schema of example/post's body")
	}
	if !slices.ContainsFunc(doc.Actions, func(a struct{ Module, Action string }) bool { return a.Module == "example" && a.Action == "post" }) {
		t.Error("x-dengta-actions does not list example/post")
	}

	// The hall: the dashboard's tile, the hall page's form, and the public
	// page of the note posted through it.
	hc, csrf := nodetest.SignIn(t, d.GatewayURL, "market-admin")
	dash := body(t, hc, d.GatewayURL+"/hall?lang=en")
	if !strings.Contains(dash, `href="/hall/example"`) || !strings.Contains(dash, "Example: notes") {
		t.Errorf("the dashboard has no tile of the example:\n%s", dash)
	}
	resp, err := hc.PostForm(d.GatewayURL+"/hall/example", url.Values{"csrf": {csrf}, "title": {"从服务大厅发布"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `<h1 id="note-title">从服务大厅发布</h1>`) || !strings.HasPrefix(resp.Request.URL.Path, "/example/notes/") {
		t.Fatalf("post from the hall: %d %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
}

func body(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", url, resp.StatusCode, b)
	}
	return string(b)
}
