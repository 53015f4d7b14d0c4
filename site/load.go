package site

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/benchy-dev/benchy/fleet"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
)

// Run is one stored run: a results document with its analysis.
type Run struct {
	// ID names the run's folder in the site: its start time and a digest
	// of its identity, e.g. 20261201T101500Z-3f2a9c01.
	ID string
	// Source says where the run came from: a path, or a fleet document's
	// path and the run's place in it.
	Source string
	Doc    *results.Document
	// Analysis is the run analysed by the current benchy.
	Analysis *reports.Analysis
	// Commit is the revision the run measured (for base-versus-head runs,
	// the head), BaseCommit the base of such runs; "" when unknown.
	Commit, BaseCommit string
	// gz is the document as it is copied beside the report: compact JSON,
	// gzip-compressed (results.json.gz).
	gz []byte
}

// Skipped is an input that is not a run, with the reason.
type Skipped struct {
	Path, Reason string
}

// History is every run found in the inputs, oldest first, and the inputs
// that were skipped.
type History struct {
	Runs    []*Run
	Skipped []Skipped
}

// ErrNoInput is returned (wrapped) for an input path that does not exist.
var ErrNoInput = errors.New("no such file or directory")

// Load reads the inputs: results documents (or journals of killed runs),
// fleet documents written by benchy merge, and directories, which are
// searched recursively for *.json files (and for journal.jsonl where a
// folder has no results.json). A file that cannot be read or is not a
// benchy document is skipped with the reason; so is a run that appears
// twice (the same start time, host, suite and seed). Only a path that does
// not exist is an error: the inputs were mistyped.
func Load(paths []string) (*History, error) {
	h := &History{}
	// The inputs in order, then read and analysed several at once, then
	// added in order, so that the first copy of a run is the one kept.
	type input struct {
		path    string
		skipped []Skipped // before the file (a folder's walk errors)
		runs    []*Run
		out     []Skipped // the file's own
	}
	var inputs []*input
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s: %w", p, ErrNoInput)
			}
			inputs = append(inputs, &input{skipped: []Skipped{{p, err.Error()}}})
			continue
		}
		if !st.IsDir() {
			inputs = append(inputs, &input{path: p})
			continue
		}
		files, skipped := findInputs(p)
		inputs = append(inputs, &input{skipped: skipped})
		for _, f := range files {
			inputs = append(inputs, &input{path: f})
		}
	}
	jobs := make(chan *input)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range jobs {
				in.runs, in.out = loadFile(in.path)
			}
		}()
	}
	for _, in := range inputs {
		if in.path != "" {
			jobs <- in
		}
	}
	close(jobs)
	wg.Wait()
	seen := map[string]string{}
	for _, in := range inputs {
		h.Skipped = append(h.Skipped, in.skipped...)
		h.Skipped = append(h.Skipped, in.out...)
		for _, r := range in.runs {
			if first, dup := seen[r.ID]; dup {
				h.Skipped = append(h.Skipped, Skipped{r.Source, "the same run (start time, host, suite and seed) as " + first})
				continue
			}
			seen[r.ID] = r.Source
			h.Runs = append(h.Runs, r)
		}
	}
	sort.SliceStable(h.Runs, func(i, j int) bool {
		a, b := h.Runs[i], h.Runs[j]
		if !a.Doc.Started.Equal(b.Doc.Started) {
			return a.Doc.Started.Before(b.Doc.Started)
		}
		return a.ID < b.ID
	})
	return h, nil
}

// findInputs lists the candidate files under dir in lexical order. dir
// may be a symbolic link to a folder (benchy-out/latest is one): the
// command line named it, so it is followed, as ls and find -H do, and its
// files are named under dir. Links met inside the walk are not followed
// to folders, which could lead back up the tree (a cycle) or out of it;
// such a link, and one that leads nowhere, is listed as skipped with the
// reason. A link to a file is read as the file.
func findInputs(dir string) (files []string, skipped []Skipped) {
	root := dir
	if st, err := os.Lstat(dir); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		if root, err = filepath.EvalSymlinks(dir); err != nil {
			return nil, []Skipped{{dir, err.Error()}}
		}
	}
	// shown is a path of the walk as it is named under dir.
	shown := func(p string) string {
		if root == dir {
			return p
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return p
		}
		return filepath.Join(dir, rel)
	}
	hasResults := map[string]bool{}
	var journals []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			skipped = append(skipped, Skipped{shown(p), err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		p = shown(p)
		if d.Type()&fs.ModeSymlink != 0 {
			if why := linkNotTaken(p); why != "" {
				skipped = append(skipped, Skipped{p, why})
				return nil
			}
		}
		switch name := d.Name(); {
		case name == "journal.jsonl":
			journals = append(journals, p)
		case strings.HasSuffix(name, ".json"):
			if name == "results.json" {
				hasResults[filepath.Dir(p)] = true
			}
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		skipped = append(skipped, Skipped{dir, err.Error()})
	}
	for _, j := range journals {
		if !hasResults[filepath.Dir(j)] {
			files = append(files, j)
		}
	}
	sort.Strings(files)
	return files, skipped
}

// linkNotTaken says why the walk of a folder does not take the symbolic
// link p, or returns "" for a link to a file, which is taken by its name
// as any file.
func linkNotTaken(p string) string {
	target, err := os.Readlink(p)
	if err != nil {
		return err.Error()
	}
	st, err := os.Stat(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Sprintf("a symbolic link to %s, which cannot be followed: %v", target, err)
	}
	if st.IsDir() {
		return fmt.Sprintf("a symbolic link to the folder %s, not followed inside an input folder (it could lead back up the tree): name it on the command line to read it", target)
	}
	return ""
}

// loadFile reads one input file: its runs, analysed, or why it is skipped.
func loadFile(p string) (runs []*Run, skipped []Skipped) {
	skip := func(where, why string) { skipped = append(skipped, Skipped{where, why}) }
	b, err := results.ReadBytes(p)
	if err != nil {
		skip(p, err.Error())
		return nil, skipped
	}
	switch schema := schemaOf(b); schema {
	case fleet.Schema:
		fd, err := fleet.Parse(b)
		if err != nil {
			skip(p, err.Error())
			return nil, skipped
		}
		for i, r := range fd.Runs {
			src := fmt.Sprintf("%s (run %d of %d, host %s)", p, i+1, len(fd.Runs), r.Host)
			raw, err := json.Marshal(r.Document)
			if err != nil {
				skip(src, err.Error())
				continue
			}
			run, err := newRun(src, p, r.Document, raw)
			if err != nil {
				skip(src, err.Error())
				continue
			}
			runs = append(runs, run)
		}
	case "", results.Schema:
		doc, err := results.Parse(b)
		if err != nil {
			skip(p, err.Error())
			return nil, skipped
		}
		var raw []byte
		if schema == results.Schema {
			raw = compactValue(b) // Parse read it as one document
		} else {
			var c bytes.Buffer
			if json.Compact(&c, b) == nil {
				raw = c.Bytes()
			} else if raw, err = json.Marshal(doc); err != nil { // a journal: store the replayed document
				skip(p, err.Error())
				return nil, skipped
			}
		}
		run, err := newRun(p, p, doc, raw)
		if err != nil {
			skip(p, err.Error())
			return nil, skipped
		}
		runs = append(runs, run)
	default:
		skip(p, fmt.Sprintf("schema %q is neither a results document (%s) nor a fleet document (%s)", schema, results.Schema, fleet.Schema))
	}
	return runs, skipped
}

// newRun analyses a document read from file and compresses its compact
// JSON, raw, for the copy beside its report.
func newRun(src, file string, doc *results.Document, raw []byte) (*Run, error) {
	gz, err := gzipJSON(raw)
	if err != nil {
		return nil, err
	}
	r := &Run{ID: doc.RunID(), Source: src, Doc: doc, Analysis: reports.Analyze(doc), gz: gz}
	r.BaseCommit, r.Commit = gitRevisions(doc)
	if r.Commit == "" {
		r.Commit = dirCommit(file)
	}
	return r, nil
}

// gzipWriters keeps compressors for reuse: each holds about a megabyte of
// state, too much to allocate for every run.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// gzipJSON compresses a compact JSON document, with a final newline, as
// the results.json.gz beside a run's report. The gzip header carries no
// name or time, so that the same run gives the same bytes.
func gzipJSON(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(raw)/6 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&b)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if _, err := zw.Write([]byte("\n")); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// compactValue is the first JSON value in b without the white space
// between its tokens, for b that the JSON decoder has read (a value
// followed by white space or anything else): as json.Compact, but without
// checking what the decoder has already checked. BenchmarkCompact, ten
// interleaved rounds on a 2-vCPU AMD EPYC (Zen 5) at load 4.6-5.8: on the
// real 18 KB run it takes 76 µs against json.Compact's 201 µs (medians;
// faster in every round, 1.8-5.3x), on a 258 KB run of 20 instances 1.0 ms
// against 2.8 ms (1.9-4.9x), where reading the real run (parse, analysis,
// gzip) takes 0.98 ms in all: json.Compact would add an eighth to that.
func compactValue(b []byte) []byte {
	out := make([]byte, 0, len(b)/2)
	inString, escaped, depth := false, false, 0
	for _, c := range b {
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
		out = append(out, c)
		if depth == 0 && (c == '}' || c == ']') {
			break
		}
	}
	return out
}

// leadingSchema matches a document whose first key is its schema, as
// benchy writes every document; the parser chosen by it checks the tag
// again.
var leadingSchema = regexp.MustCompile(`^\s*\{\s*"schema"\s*:\s*"([^"\\]*)"`)

// schemaOf is the schema tag of a JSON document, or "" (a journal has none).
func schemaOf(b []byte) string {
	prefix := b[:min(len(b), 512)]
	if m := leadingSchema.FindSubmatch(prefix); m != nil {
		return string(m[1])
	}
	var head struct {
		Schema any `json:"schema"`
	}
	if json.NewDecoder(bytes.NewReader(b)).Decode(&head) != nil {
		return ""
	}
	s, ok := head.Schema.(string)
	if !ok && head.Schema != nil {
		return fmt.Sprint(head.Schema)
	}
	return s
}

// gitBuildName matches the file names `benchy run --arm-from-git` gives
// its two builds, which the run records as var.base and var.head:
// base-SHA and head-SHA, "-dirty" for a working tree with changes.
var gitBuildName = regexp.MustCompile(`^(base|head)-([0-9a-f]{7,40}(?:-dirty)?)$`)

// gitRevisions reads the base and head revisions of a base-versus-head run
// from its variables.
func gitRevisions(doc *results.Document) (base, head string) {
	for _, v := range doc.Variables {
		if v.Name != "base" && v.Name != "head" {
			continue
		}
		var s string
		if json.Unmarshal(v.Value, &s) != nil {
			continue
		}
		m := gitBuildName.FindStringSubmatch(path.Base(filepath.ToSlash(s)))
		if m == nil || m[1] != v.Name {
			continue
		}
		if v.Name == "base" {
			base = m[2]
		} else {
			head = m[2]
		}
	}
	return base, head
}

// storedRunDir matches the folder names bench-gpu.yml stores runs under:
// YYYYMMDDTHHMMSSZ-SHA-RUNID.
var storedRunDir = regexp.MustCompile(`^\d{8}T\d{6}Z-([0-9a-f]{7,40})(?:-|$)`)

// dirCommit reads the commit from the name of the folder that holds a
// stored run, the one named or the one its symbolic links lead to, or
// returns "".
func dirCommit(file string) string {
	if m := storedRunDir.FindStringSubmatch(filepath.Base(filepath.Dir(file))); m != nil {
		return m[1]
	}
	// Read through a symbolic link (benchy-out/latest/results.json, a link
	// to a stored run's results.json), the folder that holds the file.
	if real, err := filepath.EvalSymlinks(file); err == nil && real != file {
		if m := storedRunDir.FindStringSubmatch(filepath.Base(filepath.Dir(real))); m != nil {
			return m[1]
		}
	}
	return ""
}
