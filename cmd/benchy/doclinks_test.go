package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// outsideRefs are the names of documents kept beside the repository but not
// in it (the design notes, the research folder and the shared folder). They
// are spelt in pieces so that this file, which looks for them, does not cite
// them itself and is checked like every other source.
var outsideRefs = []string{"DESIGN" + ".md", "research" + "/", "research" + " note", ".." + "/shared", "/work" + "/shared"}

// mdLink is a Markdown link or image target.
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocLinksResolve keeps README.md and docs/*.md free of dead relative
// links, and of references to documents kept beside the repository
// (outsideRefs), which are not part of it (#15.15): every relative link
// names a file or folder of the checkout.
func TestDocLinksResolve(t *testing.T) {
	root := filepath.Join("..", "..")
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	docs = append(docs, filepath.Join(root, "README.md"))
	checked := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outsideRefs {
			if strings.Contains(string(b), o) {
				t.Errorf("%s refers to %s, which is not in the repository", filepath.Base(doc), o)
			}
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			if _, err := os.Stat(filepath.Join(filepath.Dir(doc), target)); err != nil {
				t.Errorf("%s links %s, which does not exist", filepath.Base(doc), m[1])
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d relative links checked", checked)
	}
}

// docRef is a docs page named in source code.
var docRef = regexp.MustCompile(`docs/[A-Za-z0-9_-]+\.md`)

// TestSourcesCiteTheRepository keeps the comments of the Go, Python and shell
// sources (#19.6) from citing what is not in the repository: the design
// notes and research folder kept beside it, or a docs page that does not
// exist. Test data is left out: it is recorded, not written.
func TestSourcesCiteTheRepository(t *testing.T) {
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".go", ".py", ".sh":
		default:
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		for _, o := range outsideRefs {
			if strings.Contains(string(b), o) {
				t.Errorf("%s cites %s, which is not in the repository", rel, o)
			}
		}
		for _, ref := range docRef.FindAllString(string(b), -1) {
			if _, err := os.Stat(filepath.Join(root, ref)); err != nil {
				t.Errorf("%s cites %s, which does not exist", rel, ref)
			}
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d source files checked", checked)
	}
}
