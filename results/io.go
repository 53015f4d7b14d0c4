package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/benchy-dev/benchy/internal/atomicfile"
	"github.com/benchy-dev/benchy/internal/regularfile"
)

// WriteFile writes doc to path atomically (mode 0644): a temporary file
// in the same directory, fsynced, renamed over path, and the directory
// synced, so that readers see the old document or the new one, never a
// part.
func WriteFile(path string, doc *Document) error {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return atomicfile.Write(path, append(b, '\n'), 0o644)
}

// MaxFileBytes bounds what ReadBytes reads: no results document, journal
// or fleet document that benchy writes comes near it.
const MaxFileBytes = 2 << 30

// ReadBytes reads the file at path that should hold a results document, a
// journal or a fleet document. It must be a regular file of at most
// MaxFileBytes: a FIFO, a device or a directory is refused at once with a
// *regularfile.NotRegularError instead of blocking or reading forever.
func ReadBytes(path string) ([]byte, error) {
	return regularfile.Read(path, MaxFileBytes)
}

// ReadFile reads a results document or a journal (detected by content),
// through ReadBytes.
func ReadFile(path string) (*Document, error) {
	b, err := ReadBytes(path)
	if err != nil {
		return nil, err
	}
	doc, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// Parse decodes a results document or replays a journal.
func Parse(b []byte) (*Document, error) {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, errors.New("empty file: neither a results document nor a journal")
	}
	if isJournal(trimmed) {
		return Replay(bytes.NewReader(b))
	}
	var doc Document
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a benchy results document: %w", err)
	}
	if err := doc.check(); err != nil {
		return nil, err
	}
	return &doc, nil
}

func isJournal(b []byte) bool {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	var rec struct {
		Type string `json:"type"`
	}
	return json.Unmarshal(line, &rec) == nil && rec.Type == recHeader
}

func (d *Document) check() error {
	if d.Schema != Schema {
		if d.Schema == "" {
			return errors.New("not a benchy results document: no schema field")
		}
		return fmt.Errorf("unsupported results schema %q (this benchy reads %q)", d.Schema, Schema)
	}
	for i, w := range d.Workloads {
		if w == nil {
			return fmt.Errorf("workload %d is null", i)
		}
		for j, b := range w.Blocks {
			if b == nil {
				return fmt.Errorf("workload %s: block %d is null", w.Name, j)
			}
			for k, r := range b.Runs {
				if r == nil {
					return fmt.Errorf("workload %s: block %d: run %d is null", w.Name, b.Index, k)
				}
			}
		}
		for j, a := range w.Arms {
			if a == nil {
				return fmt.Errorf("workload %s: arm %d is null", w.Name, j)
			}
		}
	}
	return nil
}

// Journal record types.
const (
	recHeader   = "header"
	recWorkload = "workload"
	recArm      = "arm"
	recBlock    = "block"
	recEnd      = "end"
)

type record struct {
	Type     string    `json:"type"`
	Document *Document `json:"document,omitempty"`
	Workload *Workload `json:"workload_info,omitempty"`
	Name     string    `json:"workload,omitempty"`
	Arm      *Arm      `json:"arm,omitempty"`
	Block    *Block    `json:"block,omitempty"`
	Status   string    `json:"status,omitempty"`
	Reason   string    `json:"stop_reason,omitempty"`
}

// Journal appends one JSON line per event and fsyncs after each block, so
// that a killed run loses at most the block in progress.
type Journal struct {
	f      *os.File
	w      *bufio.Writer
	redact func([]byte) []byte
}

// CreateJournal creates (truncating) the journal at path and writes the
// document's header (without workloads). A symbolic link at path is an
// error, never followed: a planted link cannot make benchy truncate its
// target. redact, when not nil, rewrites
// every record's JSON before it is written (benchy passes the plan's
// redaction of sensitive values).
func CreateJournal(path string, doc *Document, redact func([]byte) []byte) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND|syscall.O_NOFOLLOW, 0o644)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("create journal: %s is a symbolic link; benchy does not write through links (remove it)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("create journal: %w", err)
	}
	j := &Journal{f: f, w: bufio.NewWriter(f), redact: redact}
	head := *doc
	head.Workloads = nil
	if err := j.append(record{Type: recHeader, Document: &head}, true); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

func (j *Journal) append(r record, sync bool) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if j.redact != nil {
		b = j.redact(b)
	}
	if _, err := j.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := j.w.Flush(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if sync {
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	return nil
}

// Workload records a workload instance's start (name, metric, arms).
func (j *Journal) Workload(w *Workload) error {
	c := *w
	c.Blocks = nil
	return j.append(record{Type: recWorkload, Workload: &c}, false)
}

// Arm records an arm's new status (set up, failed, skipped).
func (j *Journal) Arm(workload string, a *Arm) error {
	return j.append(record{Type: recArm, Name: workload, Arm: a}, false)
}

// Block records one finished block and fsyncs. A later record of the same
// block (same Index) supersedes it on Replay.
func (j *Journal) Block(workload string, b *Block) error {
	return j.append(record{Type: recBlock, Name: workload, Block: b}, true)
}

// End records how a workload instance (name set) or the run (name empty) ended.
func (j *Journal) End(workload, status, reason string) error {
	return j.append(record{Type: recEnd, Name: workload, Status: status, Reason: reason}, true)
}

// Close closes the journal file.
func (j *Journal) Close() error { return j.f.Close() }

// supersede replaces the elements of list that are the same as x (a later
// journal record of the same arm or block) with x, or appends x.
func supersede[T any](list []T, x T, same func(T) bool) []T {
	replaced := false
	for i, e := range list {
		if same(e) {
			list[i], replaced = x, true
		}
	}
	if !replaced {
		list = append(list, x)
	}
	return list
}

// Replay rebuilds a document from a journal. A journal without a final end
// record comes from a run that was killed: its status is interrupted. A
// truncated last line (the block in progress) is ignored.
func Replay(r io.Reader) (*Document, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<30)
	var doc *Document
	byName := map[string]*Workload{}
	ended := false
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var rec record
		if err := json.Unmarshal(raw, &rec); err != nil {
			// Only the last line may be cut short by a kill.
			if next := sc.Scan(); next {
				return nil, fmt.Errorf("journal line %d: %w", line, err)
			}
			break
		}
		if doc == nil && rec.Type != recHeader {
			return nil, fmt.Errorf("journal line %d: expected a header record, got %q", line, rec.Type)
		}
		switch rec.Type {
		case recHeader:
			if doc != nil || rec.Document == nil {
				return nil, fmt.Errorf("journal line %d: unexpected header", line)
			}
			doc = rec.Document
			doc.Workloads = nil
		case recWorkload:
			if rec.Workload == nil {
				return nil, fmt.Errorf("journal line %d: workload record without workload", line)
			}
			w := rec.Workload
			byName[w.Name] = w
			doc.Workloads = append(doc.Workloads, w)
		case recArm:
			w, ok := byName[rec.Name]
			if !ok || rec.Arm == nil {
				return nil, fmt.Errorf("journal line %d: arm record for unknown workload %q", line, rec.Name)
			}
			w.Arms = supersede(w.Arms, rec.Arm, func(a *Arm) bool { return a.Name == rec.Arm.Name })
		case recBlock:
			w, ok := byName[rec.Name]
			if !ok || rec.Block == nil {
				return nil, fmt.Errorf("journal line %d: block record for unknown workload %q", line, rec.Name)
			}
			// A later record of a block supersedes an earlier one: the
			// sequential order journals a block after each arm's turn.
			w.Blocks = supersede(w.Blocks, rec.Block, func(b *Block) bool { return b.Index == rec.Block.Index })
		case recEnd:
			if rec.Name == "" {
				doc.Status, doc.StopReason, ended = rec.Status, rec.Reason, true
				continue
			}
			if w, ok := byName[rec.Name]; ok {
				w.Status, w.StopReason = rec.Status, rec.Reason
			}
		default:
			return nil, fmt.Errorf("journal line %d: unknown record type %q", line, rec.Type)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if doc == nil {
		return nil, errors.New("journal has no header")
	}
	if !ended {
		doc.Status = StatusInterrupted
		doc.StopReason = "the run ended without finishing its journal (killed?); every block the journal holds is kept"
		for _, w := range doc.Workloads {
			if w.Status == "" || w.Status == StatusRunning {
				w.Status = StatusInterrupted
				w.StopReason = "the run was killed here; every block the journal holds is kept"
			}
		}
	}
	if err := doc.check(); err != nil {
		return nil, err
	}
	return doc, nil
}
