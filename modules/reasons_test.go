package modules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/web"
	"github.com/dengta-chain/dengta/modules"
)

// refusalHelpers are the functions through which the code refuses with a
// format, and the index of the format among their arguments.
var refusalHelpers = map[string]int{
	"malformed": 0, "rule": 0, "conflict": 0, "conflictf": 0, "unauthorized": 0, "notFound": 0, "forbidden": 0, "badRequest": 0,
	"refusal":   2, // datashare's refusal(err, caller, format, ...)
	"GetRecord": 3, // module.GetRecord(r, key, v, format, ...): the record is missing
	"New":       1, // errcode.New(code, format, ...)
}

// untranslatedModules need no catalogue: trace's refusals are
// structured, with both languages in the module (modules/trace/messages.go).
var untranslatedModules = []string{"trace"}

// refusalFormats returns the format strings the packages under root
// refuse with: the literals given to their refusal helpers and to
// errcode.New, wire and plug packages left out (they answer requests, not
// transactions).
func refusalFormats(t *testing.T, root string) map[string]string {
	t.Helper()
	formats := map[string]string{}
	eachSourceFile(t, root, func(fset *token.FileSet, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			arg := -1
			switch fn := c.Fun.(type) {
			case *ast.Ident:
				if i, ok := refusalHelpers[fn.Name]; ok && fn.Name != "New" {
					arg = i
				}
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && (x.Name == "errcode" && fn.Sel.Name == "New" || x.Name == "module" && fn.Sel.Name == "GetRecord") {
					arg = refusalHelpers[fn.Sel.Name]
				}
			}
			if arg < 0 || len(c.Args) <= arg {
				return true
			}
			lit, ok := c.Args[arg].(*ast.BasicLit)
			if id, isIdent := c.Args[arg].(*ast.Ident); isIdent {
				lit, ok = constString(id) // const who = "..."
			}
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
	})
	return formats
}

// constString returns the literal of a string constant declared in the
// same file (the parser's resolution), as a refusal's format may be.
func constString(id *ast.Ident) (*ast.BasicLit, bool) {
	if id.Obj == nil || id.Obj.Kind != ast.Con {
		return nil, false
	}
	spec, ok := id.Obj.Decl.(*ast.ValueSpec)
	if !ok {
		return nil, false
	}
	for i, name := range spec.Names {
		if name.Name == id.Name && i < len(spec.Values) {
			lit, ok := spec.Values[i].(*ast.BasicLit)
			return lit, ok
		}
	}
	return nil, false
}

// eachSourceFile calls fn with every Go file of the packages under root,
// tests, wire and plug packages left out.
func eachSourceFile(t *testing.T, root string, fn func(*token.FileSet, *ast.File)) {
	t.Helper()
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
		fn(fset, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
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

// TestRefusalsInChinese: every refusal of the modules (trace has its
// own catalogue) and of the core (identity, governance, admission, the
// shared field checks, the node's answers to API requests) has a Chinese entry, and no entry translates a
// format that is no longer used (an English message changed without its
// translation). The catalogues compile: each translation uses exactly its
// format's arguments, and marks the English words it keeps.
func TestRefusalsInChinese(t *testing.T) {
	sets := []pages.ReasonSet{{Reasons: web.CoreReasons()}}
	core := map[string]string{}
	for _, dir := range []string{"../internal/identity", "../internal/app", "../internal/module", "../internal/gateway", "../internal/httpapi"} {
		maps.Copy(core, refusalFormats(t, dir))
	}
	checkCatalogue(t, "the core", web.CoreReasons(), core)
	for _, m := range modules.Registry().Modules() {
		if slices.Contains(untranslatedModules, m.Name()) {
			// A set with no formats, as the pages give it: the module's
			// endpoints are answered with the core's formats only.
			sets = append(sets, pages.ReasonSet{Module: m.Name()})
			continue
		}
		if m.Pages == nil || len(m.Pages.Reasons) == 0 {
			t.Errorf("module %s has no Chinese catalogue of its refusals (pages.Module.Reasons)", m.Name())
			continue
		}
		sets = append(sets, pages.ReasonSet{Module: m.Name(), Reasons: m.Pages.Reasons, Values: pages.EnumValues(m.Pages.Enums), Words: m.Pages.ReasonWords})
		checkCatalogue(t, "module "+m.Name(), m.Pages.Reasons, refusalFormats(t, m.Name()))
		if len(m.Pages.ReasonWords) > 0 {
			lits := stringLiterals(t, m.Name())
			for w := range m.Pages.ReasonWords {
				if !lits[w] {
					t.Errorf("module %s names the word %q, which its code no longer uses", m.Name(), w)
				}
			}
		}
	}
	cat, err := pages.CompileReasons(sets...)
	if err != nil {
		t.Fatal(err)
	}
	// What a module's endpoint answers is tried against its own formats
	// and the core's, not another module's more general one: carbon's
	// "%s is empty" once put 不能为空 after trace's English.
	const traceMsg = "epc: the serial is empty"
	if zh, ok := cat.ChineseFor("trace", traceMsg); ok {
		t.Errorf("ChineseFor(trace, %q) = %q, a format of another module", traceMsg, zh)
	}
	if _, ok := cat.ChineseFor("carbon", "serials is empty"); !ok {
		t.Error("ChineseFor(carbon) does not try carbon's own formats")
	}
	if zh, ok := cat.ChineseFor("trace", "request body is over 10 bytes"); !ok || !strings.Contains(zh, "请求体超过") {
		t.Errorf("ChineseFor(trace) of the node's own answer = %q, %v", zh, ok)
	}
	// Messages the modules build from parts: a description glued to an
	// id, a choice of statuses.
	cw := pages.ChainWords
	for msg, want := range map[string]string{
		"credit LC-JH-0001 already exists; records are never overwritten":                       "信用证 " + cw("LC-JH-0001") + " 已存在",
		"surrender of eBL WYCL26000010 already exists; records are never overwritten":           "电子提单 " + cw("WYCL26000010") + " 的交还记录 已存在",
		"the confirmation of transfer TR-1 already exists; records are never overwritten":       "资助 " + cw("TR-1") + " 的到账确认 已存在",
		"presentation LC-1-P1 is settled; it can be returned only when discrepant":              "只有状态为 不符 时",
		"presentation LC-1-P1 is settled; it can be examined only when presented or discrepant": "只有状态为 已交单待审或不符 时",
		// The node's own answer, not a module's more general pattern
		// ("%s %s must be %s" of carbon once claimed it).
		`request body must be JSON {"tx": "<base64>"} or raw bytes as application/octet-stream: invalid character 'b' looking for beginning of object key string`: "请求体须为 JSON",
		"tx is not standard base64: illegal base64 data at input byte 4":                                                                                          cw("tx") + " 不是标准",
	} {
		if got, ok := cat.Chinese(msg); !ok || !strings.Contains(got, want) {
			t.Errorf("Chinese(%q) = %q, want it to contain %q", msg, got, want)
		}
	}
}

// checkCatalogue holds a catalogue to the formats its code refuses with.
func checkCatalogue(t *testing.T, who string, reasons pages.Reasons, formats map[string]string) {
	t.Helper()
	if len(formats) == 0 {
		t.Fatalf("%s: no refusal formats found in the source", who)
	}
	for format, zh := range reasons {
		if _, ok := formats[format]; !ok {
			t.Errorf("%s translates %q, which it no longer refuses with", who, format)
		}
		if w := untranslatedWord(zh); w != "" {
			t.Errorf("%s: the Chinese of %q has the word %q outside backquotes: %s", who, format, w, zh)
		}
	}
	for format, pos := range formats {
		if _, ok := reasons[format]; !ok {
			t.Errorf("%s: %s refuses with %q, which has no Chinese", pos, who, format)
		}
	}
}

// stringLiterals returns every string literal of the module's own
// packages (wire and plug packages left out).
func stringLiterals(t *testing.T, root string) map[string]bool {
	t.Helper()
	lits := map[string]bool{}
	eachSourceFile(t, root, func(_ *token.FileSet, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					lits[s] = true
				}
			}
			return true
		})
	})
	return lits
}
