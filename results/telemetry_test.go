package results

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestTelemetryRoundTrip: the telemetry, settle and load records of a v1
// document decode into the typed schema and encode back with every field
// and value the file holds (the encoding may add fields the fixture left
// out as zero), so that a document benchy reads and writes again (a
// journal's replay, a fleet's copy) loses nothing.
func TestTelemetryRoundTrip(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "reports", "testdata", "gpu.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Workloads []struct {
			Blocks []struct {
				Settle json.RawMessage `json:"settle"`
				Load   json.RawMessage `json:"load"`
				Runs   []struct {
					Telemetry json.RawMessage `json:"telemetry"`
				} `json:"runs"`
			} `json:"blocks"`
		} `json:"workloads"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, w := range doc.Workloads {
		for j, blk := range w.Blocks {
			rb := raw.Workloads[i].Blocks[j]
			same(t, "settle", rb.Settle, blk.Settle)
			same(t, "load", rb.Load, blk.Load)
			for k, r := range blk.Runs {
				if r.Telemetry != nil {
					n++
				}
				same(t, "telemetry", rb.Runs[k].Telemetry, r.Telemetry)
			}
		}
	}
	if n == 0 {
		t.Fatal("the fixture has no telemetry")
	}
}

// same checks that typed encodes to the JSON value raw holds.
func same[T any](t *testing.T, what string, raw json.RawMessage, typed *T) {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		if typed != nil {
			t.Errorf("%s: %+v decoded from nothing", what, typed)
		}
		return
	}
	again, err := json.Marshal(typed)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &got); err != nil {
		t.Fatal(err)
	}
	if path, ok := holds(got, want, what); !ok {
		t.Errorf("%s re-encodes without %s:\n%s\nfrom\n%s", what, path, again, raw)
	}
}

// holds reports whether got holds every field of want with its value, and
// else the path of the first that it lacks or changed.
func holds(got, want any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k, v := range w {
			if p, ok := holds(g[k], v, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := holds(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	}
	return path, reflect.DeepEqual(got, want)
}
