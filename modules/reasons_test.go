package modules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules"
)

// refusalHelpers are the functions through which the modules refuse
// with a format (their first argument); errcode.New takes it second.
var refusalHelpers = map[string]bool{"malformed": true, "rule": true, "conflict": true, "unauthorized": true, "notFound": true, "forbidden": true, "badRequest": true}

// translatedModules must translate every refusal they make.
var translatedModules = []string{"receivable", "trade", "datashare"}

// refusalFormats returns the format strings module name refuses with:
// the literals given to its refusal helpers and to errcode.New in the
// module's own package and subpackages, its wire and plug packages left
// out (they answer requests, not transactions).
func refusalFormats(t *testing.T, name string) map[string]string {
	t.Helper()
	formats := map[string]string{}
	root := filepath.Join(".", name)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasSuffix(path, "api") || strings.HasSuffix(path, "plug")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			arg := -1
			switch fn := c.Fun.(type) {
			case *ast.Ident:
				if refusalHelpers[fn.Name] {
					arg = 0
				}
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "errcode" && fn.Sel.Name == "New" {
					arg = 1
				}
			}
			if arg < 0 || len(c.Args) <= arg {
				return true
			}
			lit, ok := c.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !pages.FormatHasWords(s) {
				return true // no words to translate ("%s", "%s: %v")
			}
			formats[s] = fset.Position(lit.Pos()).String()
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return formats
}

var (
	backquoted = regexp.MustCompile("`[^`]*`")
	latinWord  = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_.+/-]*`)
)

// untranslatedWord returns a word in Latin letters of a translation that
// is neither marked (between backquotes, or an argument) nor one of the
// words Chinese pages may show (pages.LatinWords); "" if there is none.
func untranslatedWord(zh string) string {
	for _, w := range latinWord.FindAllString(backquoted.ReplaceAllString(zh, ""), -1) {
		w = strings.TrimRight(w, ".-/")
		if !pages.LatinWords[w] {
			return w
		}
	}
	return ""
}

// TestRefusalsInChinese: every refusal of the modules that translate
// theirs has a Chinese entry, and no entry translates a format the module
// no longer uses (an English message changed without its translation).
// The catalogues compile: each translation uses exactly its format's
// arguments.
func TestRefusalsInChinese(t *testing.T) {
	var sets []pages.Reasons
	for _, m := range modules.Registry().Modules() {
		if m.Pages == nil || len(m.Pages.Reasons) == 0 {
			if slices.Contains(translatedModules, m.Name()) {
				t.Errorf("module %s has no Chinese catalogue of its refusals (pages.Module.Reasons)", m.Name())
			}
			continue
		}
		sets = append(sets, m.Pages.Reasons)
		formats := refusalFormats(t, m.Name())
		for format, zh := range m.Pages.Reasons {
			if _, ok := formats[format]; !ok {
				t.Errorf("module %s translates %q, which it no longer refuses with", m.Name(), format)
			}
			if w := untranslatedWord(zh); w != "" {
				t.Errorf("module %s: the Chinese of %q has the word %q outside backquotes: %s", m.Name(), format, w, zh)
			}
		}
		if !slices.Contains(translatedModules, m.Name()) {
			continue
		}
		for format, pos := range formats {
			if _, ok := m.Pages.Reasons[format]; !ok {
				t.Errorf("%s: module %s refuses with %q, which has no Chinese in its Reasons", pos, m.Name(), format)
			}
		}
	}
	if _, err := pages.CompileReasons(sets...); err != nil {
		t.Error(err)
	}
}
