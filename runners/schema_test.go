package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/internal/jsonschema"
)

func mustSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := ProtocolSchema()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestServeLinesMatchSchema: every line Serve writes, and every request
// the harness's Request type encodes, is valid against the schema.
func TestServeLinesMatchSchema(t *testing.T) {
	s := mustSchema(t)
	reqs := []Request{
		{Op: OpSetup, Protocol: ProtocolVersion, Config: json.RawMessage(`{"command":["x"]}`), Seed: 7, SuiteDir: "/tmp"},
		{Op: OpRun, Warmup: 1, Iterations: 3},
		{Op: OpRun, Iterations: 1},
		{Op: OpClose},
	}
	var in bytes.Buffer
	for _, r := range reqs {
		b, _ := json.Marshal(r)
		v, err := jsonschema.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if errs := s.Validate("request", v); len(errs) > 0 {
			t.Errorf("request %s: %v", b, errs)
		}
		in.Write(append(b, '\n'))
	}
	var out bytes.Buffer
	if err := Serve(context.Background(), &countingRunner{}, &in, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(reqs) {
		t.Fatalf("%d lines for %d requests", len(lines), len(reqs))
	}
	for i, l := range lines {
		v, err := jsonschema.Decode([]byte(l))
		if err != nil {
			t.Fatal(err)
		}
		if errs := s.Validate(ResponseDef(reqs[i].Op), v); len(errs) > 0 {
			t.Errorf("response %s to %s: %v", l, reqs[i].Op, errs)
		}
	}
}

// TestSchemaRejects: lines that break the contract, each with the
// violation the schema reports.
func TestSchemaRejects(t *testing.T) {
	s := mustSchema(t)
	cases := []struct {
		def, line, want string
	}{
		{"setupResponse", `{"ok":true,"protocol":"1"}`, `/protocol: must be an integer, not the string "1"`},
		{"setupResponse", `{"ok":true,"protocol":0}`, "/protocol: must be at least 1, not 0"},
		{"setupResponse", `{"ok":true,"protocol":1.0}`, "/protocol: must be an integer, not the number 1.0"},
		{"setupResponse", `{"ok":true,"version":1}`, "/version: is not a field here (the fields are info, ok, protocol)"},
		{"setupResponse", `{"ok":false}`, `lacks the required field "error"`},
		{"setupResponse", `{"error":"x"}`, `lacks the required field "ok"`},
		{"setupResponse", `{"ok":"yes"}`, `/ok: must be a boolean, not the string "yes"`},
		{"setupResponse", `[1]`, "must be an object, not an array"},
		{"runResponse", `{"ok":true}`, `lacks the required field "ns"`},
		{"runResponse", `{"ok":true,"ns":[]}`, "/ns: must hold at least 1 item(s), not 0"},
		{"runResponse", `{"ok":true,"ns":[5,-1]}`, "/ns/1: must be at least 0, not -1"},
		{"runResponse", `{"ok":true,"ns":[5,1e3]}`, "/ns/1: must be an integer, not the number 1e3"},
		{"runResponse", `{"ok":true,"ns":[5],"metrics":{"items":"many"}}`, `/metrics/items: must be a number, not the string "many"`},
		{"runResponse", `{"ok":false,"error":""}`, "/error: must be at least 1 character(s) long"},
		{"closeResponse", `{"ok":true,"ns":[1]}`, "/ns: is not a field here (the fields are ok)"},
		{"request", `{"op":"dance"}`, `/op: must be one of "setup", "run", "close", not "dance"`},
		{"request", `{"op":"run","iterations":0}`, "/iterations: must be at least 1, not 0"},
		{"request", `{"op":"run"}`, `lacks the required field "iterations"`},
	}
	for _, c := range cases {
		v, err := jsonschema.Decode([]byte(c.line))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range s.Validate(c.def, v) {
			got = append(got, e.String())
		}
		if !strings.Contains(strings.Join(got, "\n"), c.want) {
			t.Errorf("%s %s: got %q, want %q", c.def, c.line, got, c.want)
		}
	}
}
