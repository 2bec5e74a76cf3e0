package modules_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules"
)

// TestNoMessagesFromTheURL: a hall page never shows text taken from its
// URL as the outcome of an action (a link would make the hall announce
// anything, "?msg=请转账至安全账户"); outcomes go through pages.Page.Done,
// which keeps the text on the node.
func TestNoMessagesFromTheURL(t *testing.T) {
	bad := regexp.MustCompile(`Query\(\)\.Get\("(msg|message|notice)"\)|[?&](msg|message|notice)="`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if bad.MatchString(line) {
				t.Errorf("%s:%d takes a message from the URL: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// uploadRouter records how a module registers its pages.
type uploadRouter struct{ uploads, others map[string]bool }

func (r uploadRouter) Public(p string, _ pages.Handler)   { r.others[p] = true }
func (r uploadRouter) SignedIn(p string, _ pages.Handler) { r.others[p] = true }
func (r uploadRouter) PublicUpload(p string, _ int64, _ pages.Handler) {
	r.uploads[p] = true
}
func (r uploadRouter) SignedInUpload(p string, _ int64, _ pages.Handler) {
	r.uploads[p] = true
}

// TestFormsWithFilesPostToUploadPages: a hall form that sends files posts
// to a page registered to take them (PublicUpload, SignedInUpload); other
// pages take forms of at most pages.FormLimit, which a file overflows.
func TestFormsWithFilesPostToUploadPages(t *testing.T) {
	form := regexp.MustCompile(`<form[^>]*enctype="multipart/form-data"[^>]*>`)
	action := regexp.MustCompile(`action="([^"{]+)"`)
	checked := 0
	for _, m := range modules.Registry().Modules() {
		if m.Pages == nil || m.Pages.Routes == nil || m.Pages.Templates == nil {
			continue
		}
		rec := uploadRouter{uploads: map[string]bool{}, others: map[string]bool{}}
		m.Pages.Routes(nil, rec)
		err := fs.WalkDir(m.Pages.Templates, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
				return err
			}
			b, err := fs.ReadFile(m.Pages.Templates, path)
			if err != nil {
				return err
			}
			for _, f := range form.FindAllString(string(b), -1) {
				a := action.FindStringSubmatch(f)
				if a == nil {
					continue // an action computed by the template
				}
				checked++
				if !rec.uploads["POST "+a[1]] {
					t.Errorf("module %s: %s sends files to POST %s, which is not an upload page", m.Name(), path, a[1])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked == 0 {
		t.Fatal("no form with files found: the check checks nothing")
	}
}
