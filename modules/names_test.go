package modules_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/web"
	"github.com/dengta-chain/dengta/modules"
)

// TestActionsAreNamed: every module has a name for people and names every
// action of its state machine in Chinese and English (the explorer shows
// them), and names no action it does not have. The identity module's
// actions are named by the host.
func TestActionsAreNamed(t *testing.T) {
	check := func(module string, actions []string, names pages.Messages) {
		have := map[string]bool{}
		for _, a := range actions {
			have[a] = true
			if n, ok := names[a]; !ok || strings.TrimSpace(n[0]) == "" || strings.TrimSpace(n[1]) == "" {
				t.Errorf("module %s: action %s has no name in Chinese and English (pages.Module.Actions)", module, a)
			}
		}
		for a := range names {
			if !have[a] {
				t.Errorf("module %s names the action %s, which it does not have", module, a)
			}
		}
	}
	var ids []string
	for _, a := range (identity.Module{}).Actions() {
		ids = append(ids, a.Name)
	}
	check(identity.Name, ids, web.CoreActions())
	for _, m := range modules.Registry().Modules() {
		if m.Pages == nil {
			t.Errorf("module %s has no pages, so no names for people", m.Name())
			continue
		}
		if m.Pages.Title[0] == "" || m.Pages.Title[1] == "" {
			t.Errorf("module %s has no name for people in Chinese and English (pages.Module.Title)", m.Name())
		}
		var names []string
		for _, a := range m.Core.Actions() {
			names = append(names, a.Name)
		}
		check(m.Name(), names, m.Pages.Actions)
	}
}

// TestEnumsAreNamed: every value of every value set a module declares has
// a name in Chinese and English, and no name is left over from a value
// the set no longer has. Sets are named "<module>.<set>", once.
func TestEnumsAreNamed(t *testing.T) {
	seen := map[string]bool{}
	total := 0
	for _, m := range modules.Registry().Modules() {
		if m.Pages == nil {
			continue
		}
		for _, e := range m.Pages.Enums {
			if !strings.HasPrefix(e.Name, m.Name()+".") {
				t.Errorf("module %s: value set %q is not named %s.<set>", m.Name(), e.Name, m.Name())
			}
			if seen[e.Name] {
				t.Errorf("value set %s is declared twice", e.Name)
			}
			seen[e.Name] = true
			if len(e.Values) == 0 {
				t.Errorf("value set %s has no values", e.Name)
			}
			have := map[string]bool{}
			for _, v := range e.Values {
				total++
				have[v] = true
				if l, ok := e.Labels[v]; !ok || strings.TrimSpace(l[0]) == "" || strings.TrimSpace(l[1]) == "" {
					t.Errorf("value set %s: %q has no name in Chinese and English", e.Name, v)
				}
			}
			for v := range e.Labels {
				if !have[v] {
					t.Errorf("value set %s names %q, which is not one of its values", e.Name, v)
				}
			}
		}
	}
	if total < 50 {
		t.Errorf("only %d named values in all modules: the value sets are not declared", total)
	}
}

// TestPublicLinksAreIntroduced: the home page introduces every module's
// public page with the message "<link key>.intro".
func TestPublicLinksAreIntroduced(t *testing.T) {
	for _, m := range modules.Registry().Modules() {
		if m.Pages == nil {
			continue
		}
		for _, l := range m.Pages.Public {
			if in, ok := m.Pages.Messages[l.Key+".intro"]; !ok || in[0] == "" || in[1] == "" {
				t.Errorf("module %s: public page %s has no introduction %q in Chinese and English", m.Name(), l.Path, l.Key+".intro")
			}
		}
	}
}
