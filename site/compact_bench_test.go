package site

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCompact compares compactValue with json.Compact on run
// documents as benchy writes them (indented): the real quickstart run and
// a generated run of 20 workload instances.
func BenchmarkCompact(b *testing.B) {
	real, err := os.ReadFile(filepath.Join("testdata", "quickstart.json"))
	if err != nil {
		b.Fatal(err)
	}
	big, err := json.MarshalIndent(generate(b, loadReal(b), historySpec{Runs: 1, Instances: 20, Seed: 7})[0], "", "  ")
	if err != nil {
		b.Fatal(err)
	}
	for _, doc := range []struct {
		name string
		b    []byte
	}{{"quickstart", real}, {"20instances", big}} {
		b.Run(doc.name+"/compactValue", func(b *testing.B) {
			b.SetBytes(int64(len(doc.b)))
			for b.Loop() {
				compactValue(doc.b)
			}
		})
		b.Run(doc.name+"/json.Compact", func(b *testing.B) {
			b.SetBytes(int64(len(doc.b)))
			for b.Loop() {
				var c bytes.Buffer
				c.Grow(len(doc.b) / 2)
				if err := json.Compact(&c, doc.b); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// For scale: the whole of reading the real run (parse, analysis, compact
	// copy, gzip).
	b.Run("quickstart/loadFile", func(b *testing.B) {
		p := filepath.Join("testdata", "quickstart.json")
		for b.Loop() {
			if _, skipped := loadFile(p); len(skipped) != 0 {
				b.Fatal(skipped)
			}
		}
	})
}
