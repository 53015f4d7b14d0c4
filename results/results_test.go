package results

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func sampleDoc() *Document {
	return &Document{
		Schema: Schema, Benchy: "test", Seed: 7, Order: "interleaved-random",
		Started: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), Status: StatusRunning,
		Suite: Suite{Path: "s.benchy.hcl", Source: "workload \"w\" {}", SHA256: "abc"},
	}
}

func block(i int, warm bool) *Block {
	return &Block{Index: i, Warmup: warm, Order: []string{"a", "b"}, Runs: []*ArmRun{
		{Arm: "a", NS: []int64{100, 300}}, {Arm: "b", NS: []int64{250}},
	}}
}

func TestJournalReplay(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.jsonl")
	j, err := CreateJournal(path, sampleDoc(), nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &Workload{Name: "w", Metric: "ns/op", Status: StatusRunning, Arms: []*Arm{{Name: "a", Baseline: true, Status: ArmOK}, {Name: "b", Status: ArmOK}}}
	must(t, j.Workload(w))
	must(t, j.Block("w", block(0, true)))
	must(t, j.Block("w", block(1, false)))
	must(t, j.Arm("w", &Arm{Name: "b", Status: ArmFailed, Reason: "crashed"}))
	// A block journaled again (after another arm's turn) replaces its
	// earlier record rather than adding a block.
	again := block(1, false)
	again.Incomplete = true
	must(t, j.Block("w", again))

	// A kill -9 here: no end records. Replay keeps every finished block.
	doc, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Status != StatusInterrupted || len(doc.Workloads) != 1 || len(doc.Workloads[0].Blocks) != 2 {
		t.Fatalf("replay after kill: status %q, %d workloads", doc.Status, len(doc.Workloads))
	}
	if b := doc.Workloads[0].Blocks[1]; b.Index != 1 || !b.Incomplete {
		t.Fatalf("the later record of block 1 did not supersede the earlier: %+v", b)
	}
	if a := doc.Workloads[0].Arms[1]; a.Status != ArmFailed || a.Reason != "crashed" {
		t.Fatalf("arm update lost: %+v", a)
	}

	// A block cut in half by the kill is ignored.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"type":"block","workload":"w","block":{"index":2,"war`)
	f.Close()
	doc, err = ReadFile(path)
	if err != nil || len(doc.Workloads[0].Blocks) != 2 {
		t.Fatalf("truncated last line: %v, %+v", err, doc)
	}

	must(t, j.End("w", StatusComplete, "max"))
	must(t, j.End("", StatusComplete, "done"))
	j.Close()
	// The truncated line is now in the middle: that is corruption, not a kill.
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "journal line 7") {
		t.Fatalf("corrupt middle line: err = %v", err)
	}
}

func TestJournalComplete(t *testing.T) {
	var buf bytes.Buffer
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := CreateJournal(path, sampleDoc(), nil)
	must(t, err)
	must(t, j.Workload(&Workload{Name: "w", Arms: []*Arm{{Name: "a"}}}))
	must(t, j.Block("w", block(0, false)))
	must(t, j.End("w", StatusComplete, "reached max_blocks = 1"))
	must(t, j.End("", StatusComplete, "1 workload(s) finished"))
	j.Close()
	b, _ := os.ReadFile(path)
	buf.Write(b)
	doc, err := Parse(buf.Bytes())
	must(t, err)
	if doc.Status != StatusComplete || doc.Workloads[0].Status != StatusComplete || doc.Workloads[0].StopReason != "reached max_blocks = 1" {
		t.Fatalf("got %+v / %+v", doc, doc.Workloads[0])
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.json")
	doc := sampleDoc()
	doc.Workloads = []*Workload{{Name: "w", Arms: []*Arm{{Name: "a"}}, Blocks: []*Block{block(0, false)}}}
	must(t, WriteFile(path, doc))
	got, err := ReadFile(path)
	must(t, err)
	if got.Seed != 7 || got.Workloads[0].Blocks[0].Runs[0].NS[1] != 300 {
		t.Fatalf("round trip lost data: %+v", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"":                      "empty file",
		`{"schema":"other/v9"}`: "unsupported results schema",
		`{"workloads":[]}`:      "no schema field",
		`[1,2]`:                 "not a benchy results document",
		`{"schema":"benchy/results/v1","workloads":[null]}`: "workload 0 is null",
		`{"type":"block"}`: "not a benchy results document",
	}
	for in, want := range cases {
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", in, err, want)
		}
	}
}

func TestBlockValue(t *testing.T) {
	b := block(0, false)
	if v, ok := b.Value("a"); !ok || v != 200 {
		t.Errorf("Value(a) = %v, %v", v, ok)
	}
	if _, ok := b.Value("c"); ok {
		t.Error("Value of an arm that did not run")
	}
	b.Runs[1].Error = "boom"
	if _, ok := b.Value("b"); ok {
		t.Error("Value of a failed run")
	}
	if !b.Measured() || block(1, true).Measured() {
		t.Error("Measured")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema":"benchy/results/v1","workloads":[{"name":"w","blocks":[{"runs":[{"arm":"a","ns":[1]}]}]}]}`))
	f.Add([]byte(`{"type":"header","document":{"schema":"benchy/results/v1"}}` + "\n" + `{"type":"workload","workload_info":{"name":"w"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := Parse(b)
		if err != nil {
			return
		}
		for _, w := range doc.Workloads {
			for _, bl := range w.Blocks {
				for _, a := range w.Arms {
					bl.Value(a.Name)
				}
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestJournalRedacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	redact := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("hunter2"), []byte("(sensitive)")) }
	doc := sampleDoc()
	doc.Suite.Source = `variable "pw" { default = "hunter2" }`
	j, err := CreateJournal(path, doc, redact)
	must(t, err)
	must(t, j.Workload(&Workload{Name: "w", Arms: []*Arm{{Name: "a", Reason: "login hunter2 failed"}}}))
	b := block(0, false)
	b.Runs[0].Error = "stderr: hunter2"
	must(t, j.Block("w", b))
	j.Close()
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte("hunter2")) || bytes.Count(raw, []byte("(sensitive)")) != 3 {
		t.Fatalf("journal not redacted:\n%s", raw)
	}
}

// TestPublishedKept: a workload's published citation survives the results
// document and the journal, and is left out when there is none.
func TestPublishedKept(t *testing.T) {
	pub := &Published{Source: "Peplinski et al. (2021), Pixel 1", Claim: "32x faster", URL: "https://example.org/frill",
		Arms: map[string]string{"trill": "275.3 ms, 98.1 MB", "frill": "8.5 ms, 38.5 MB"}}
	dir := t.TempDir()
	doc := sampleDoc()
	doc.Status = StatusComplete
	doc.Workloads = []*Workload{
		{Name: "cited", Metric: "ns", Status: StatusComplete, Published: pub, Arms: []*Arm{{Name: "trill", Baseline: true, Status: ArmOK}}},
		{Name: "plain", Metric: "ns", Status: StatusComplete, Arms: []*Arm{{Name: "a", Baseline: true, Status: ArmOK}}},
	}
	path := filepath.Join(dir, "results.json")
	must(t, WriteFile(path, doc))
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(raw, []byte(`"published"`)); n != 1 {
		t.Errorf(`"published" appears %d times in the document, want 1 (omitted when nil)`, n)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Workloads[0].Published; p == nil || p.Source != pub.Source || p.Claim != pub.Claim || p.URL != pub.URL || p.Arms["frill"] != "8.5 ms, 38.5 MB" || len(p.Arms) != 2 {
		t.Errorf("results.json: published %+v, want %+v", p, pub)
	}

	jpath := filepath.Join(dir, "journal.jsonl")
	j, err := CreateJournal(jpath, sampleDoc(), nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, j.Workload(doc.Workloads[0]))
	must(t, j.Close())
	got, err = ReadFile(jpath)
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Workloads[0].Published; p == nil || p.Arms["trill"] != "275.3 ms, 98.1 MB" || p.Source != pub.Source {
		t.Errorf("journal replay: published %+v, want %+v", p, pub)
	}
}

// TestJournalRefusesSymlink: a symbolic link planted where the journal
// goes is an error, and its target is left as it was (#14.11).
func TestJournalRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	must(t, os.WriteFile(victim, []byte("keep me\n"), 0o644))
	path := filepath.Join(dir, "journal.jsonl")
	must(t, os.Symlink(victim, path))
	j, err := CreateJournal(path, sampleDoc(), nil)
	if err == nil {
		j.Close()
		t.Fatal("CreateJournal wrote through a symbolic link")
	}
	if !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("error %q does not say why", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me\n" {
		t.Fatalf("the link's target changed: %q", b)
	}
}

func TestRunID(t *testing.T) {
	base := Document{Started: time.Date(2026, 12, 2, 14, 30, 0, 123, time.UTC), Seed: 7,
		Suite: Suite{Path: "s.benchy.hcl", SHA256: "ab"}, Environment: Environment{Host: "h"}}
	id := base.RunID()
	if !regexp.MustCompile(`^20261202T143000Z-[0-9a-f]{8}$`).MatchString(id) {
		t.Fatalf("RunID = %q", id)
	}
	copied := base
	copied.Status, copied.Benchy = StatusInterrupted, "other" // what a copy or a rewrite may change
	if copied.RunID() != id {
		t.Errorf("a copy of the run has RunID %q, want %q", copied.RunID(), id)
	}
	for name, change := range map[string]func(*Document){
		"start":  func(d *Document) { d.Started = d.Started.Add(time.Nanosecond) },
		"seed":   func(d *Document) { d.Seed++ },
		"host":   func(d *Document) { d.Environment.Host = "h2" },
		"suite":  func(d *Document) { d.Suite.Path = "t.benchy.hcl" },
		"digest": func(d *Document) { d.Suite.SHA256 = "cd" },
	} {
		other := base
		change(&other)
		if other.RunID() == id {
			t.Errorf("another %s, the same RunID %q", name, id)
		}
	}
}
