package suites

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	secret, _ := json.Marshal("run\"s\tok") // a quote and a tab, escaped in JSON
	p := &Plan{Variables: []Variable{
		{Name: "token", Sensitive: true, Value: secret},
		{Name: "short", Sensitive: true, Value: json.RawMessage(`"ab"`)},
		{Name: "open", Value: json.RawMessage(`"hunter2"`)},
	}}
	in := `{"runs":[{"arm":"a","ns":[9007199254740993],"error":"exit 1: bad token run\"s\tok!"}],` +
		`"seed":9223372036854775807,"env":{"TOKEN":"run\"s\tok"},"note":"ab hunter2","nested":[["x run\"s\tok"]]}`
	out := string(p.RedactJSON([]byte(in)))
	for _, leak := range []string{`run\"s\tok`, `run"s`} {
		if strings.Contains(out, leak) {
			t.Errorf("%q survived: %s", leak, out)
		}
	}
	var got struct {
		Runs []struct {
			Arm   string  `json:"arm"`
			NS    []int64 `json:"ns"`
			Error string  `json:"error"`
		} `json:"runs"`
		Seed   int64             `json:"seed"`
		Env    map[string]string `json:"env"`
		Note   string            `json:"note"`
		Nested [][]string        `json:"nested"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON any more: %v\n%s", err, out)
	}
	// Keys (even one that contains the secret's first letters) and numbers
	// are untouched, exactly; short secrets and open variables are left.
	if len(got.Runs) != 1 || got.Runs[0].NS[0] != 9007199254740993 || got.Seed != 9223372036854775807 {
		t.Errorf("structure or numbers changed: %+v", got)
	}
	if got.Runs[0].Error != "exit 1: bad token (sensitive)!" || got.Env["TOKEN"] != "(sensitive)" || got.Nested[0][0] != "x (sensitive)" {
		t.Errorf("strings not redacted: %+v", got)
	}
	if got.Note != "ab hunter2" {
		t.Errorf("note = %q; a two-letter secret or a variable that is not sensitive must stay", got.Note)
	}
	if string(p.RedactJSON([]byte("not json"))) != "not json" {
		t.Error("non-JSON input changed")
	}
	if open := (&Plan{}); string(open.RedactJSON([]byte(in))) != in {
		t.Error("a plan without secrets changed its input")
	}
}

func TestRedactNestedAndNumericSecrets(t *testing.T) {
	p := &Plan{Variables: []Variable{
		{Name: "short", Sensitive: true, Value: json.RawMessage(`"admin"`)},
		{Name: "long", Sensitive: true, Value: json.RawMessage(`"p\\w\"admin-LongTail99"`)},
		{Name: "pin", Sensitive: true, Value: json.RawMessage(`987654`)},
		{Name: "keys", Sensitive: true, Value: json.RawMessage(`{"a": ["k3y-one", 4242.5]}`)},
	}}
	got := p.Redact(`login p\w"admin-LongTail99 pin 987654 admin k3y-one 4242.5 ok`)
	if want := "login (sensitive) pin (sensitive) (sensitive) (sensitive) (sensitive) ok"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}

func TestRedactedSource(t *testing.T) {
	src := "variable \"pw\" {\n  sensitive = true\n  default   = \"Tr0ub4dor\\\\&3xyz\"\n}\n" +
		"variable \"pin\" {\n  sensitive = true\n  default   = 9876\n}\n" +
		"variable \"open\" {\n  default = \"visible\"\n}\n" +
		"locals {\n  again = \"Tr0ub4dor\\\\&3xyz\"\n}\n"
	p := &Plan{Path: "s.benchy.hcl", Source: []byte(src), Variables: []Variable{
		{Name: "pw", Sensitive: true, Value: json.RawMessage(`"Tr0ub4dor\\&3xyz"`)},
		{Name: "pin", Sensitive: true, Value: json.RawMessage(`9876`)},
		{Name: "open", Value: json.RawMessage(`"visible"`)},
	}}
	got := p.RedactedSource()
	for _, leak := range []string{"Tr0ub4dor", "9876"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q survived:\n%s", leak, got)
		}
	}
	if !strings.Contains(got, `default   = "(sensitive)"`) || !strings.Contains(got, `default = "visible"`) {
		t.Errorf("defaults not replaced in place, or an open one hidden:\n%s", got)
	}
	p.Path = "s.benchy.json"
	if got := p.RedactedSource(); !strings.Contains(got, "withheld") {
		t.Errorf("a JSON suite with sensitive variables: %q", got)
	}
	p.Path, p.Source = "s.benchy.hcl", []byte("variable \"pw\" {")
	if got := p.RedactedSource(); !strings.Contains(got, "withheld") {
		t.Errorf("unparsable source: %q", got)
	}
	open := &Plan{Source: []byte(src)}
	if open.RedactedSource() != src {
		t.Error("a suite without sensitive variables changed")
	}
}

// TestRedactJSONKeepsStructure: timestamps and digests survive a numeric
// secret, published figures follow their redacted arm names, and a number
// equal to a secret is hidden inside a runner configuration only.
func TestRedactJSONKeepsStructure(t *testing.T) {
	p := &Plan{Variables: []Variable{
		{Name: "pin", Sensitive: true, Value: json.RawMessage(`2026`)},
		{Name: "tok", Sensitive: true, Value: json.RawMessage(`"s3cr3tTOKEN"`)},
	}}
	in := `{"started":"2026-11-27T02:24:23Z","sha256":"ab2026cd",` +
		`"workloads":[{"name":"w/j=s3cr3tTOKEN","arms":[{"name":"a","status":"ok","config":{"scale":2026,"n":[2026,7],"command":["x","2026"]}}],` +
		`"blocks":[{"start":"2026-11-27T02:24:24Z","runs":[{"arm":"a","ns":[2026,2027]}]}],` +
		`"published":{"source":"paper 2026","arms":{"b/j=s3cr3tTOKEN":"1 ms","a":"2 ms"}}}]}`
	out := string(p.RedactJSON([]byte(in)))
	var got struct {
		Started   string `json:"started"`
		SHA256    string `json:"sha256"`
		Workloads []struct {
			Name string `json:"name"`
			Arms []struct {
				Name   string          `json:"name"`
				Status string          `json:"status"`
				Config json.RawMessage `json:"config"`
			} `json:"arms"`
			Blocks []struct {
				Start string `json:"start"`
				Runs  []struct {
					NS []int64 `json:"ns"`
				} `json:"runs"`
			} `json:"blocks"`
			Published struct {
				Source string            `json:"source"`
				Arms   map[string]string `json:"arms"`
			} `json:"published"`
		} `json:"workloads"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	w := got.Workloads[0]
	switch {
	case got.Started != "2026-11-27T02:24:23Z" || got.SHA256 != "ab2026cd" || w.Blocks[0].Start != "2026-11-27T02:24:24Z":
		t.Errorf("a timestamp or digest was redacted: %s", out)
	case w.Blocks[0].Runs[0].NS[0] != 2026:
		t.Errorf("a sample equal to the secret changed: %s", out)
	case w.Name != "w/j=(sensitive)" || w.Arms[0].Name != "a" || w.Arms[0].Status != "ok":
		t.Errorf("names: %s", out)
	case w.Published.Arms["b/j=(sensitive)"] != "1 ms" || w.Published.Arms["a"] != "2 ms" || w.Published.Source != "paper (sensitive)":
		t.Errorf("published: %+v", w.Published)
	case string(w.Arms[0].Config) != `{"command":["x","(sensitive)"],"n":["(sensitive)",7],"scale":"(sensitive)"}`:
		t.Errorf("config = %s", w.Arms[0].Config)
	}
	if strings.Contains(out, "s3cr3tTOKEN") {
		t.Errorf("the token survived: %s", out)
	}
}

// FuzzRedactJSON: for any JSON document and any secret, the redaction is
// valid JSON again, and no string value (outside timestamps and digests)
// still holds the secret.
func FuzzRedactJSON(f *testing.F) {
	f.Add([]byte(`{"a":"x hunter2 y","started":"hunter2","n":[1,2.5e3],"config":{"k":123456}}`), "hunter2")
	f.Add([]byte(`["123456",123456,{"arms":{"123456":"v"}}]`), "123456")
	f.Add([]byte(`"\u0000\ud800 s3cr3t"`), "s3cr3t")
	f.Fuzz(func(t *testing.T, doc []byte, secret string) {
		if !json.Valid(doc) || len(secret) < minSecretLen {
			return
		}
		val, _ := json.Marshal(secret)
		p := &Plan{Variables: []Variable{{Name: "s", Sensitive: true, Value: val}}}
		out := p.RedactJSON(doc)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON from %q: %q", doc, out)
		}
		var walk func(v any, key string)
		walk = func(v any, key string) {
			switch x := v.(type) {
			case string:
				// Outside timestamps and digests, only the placeholder's own
				// letters may still spell the secret.
				if !untouchedKeys[key] && strings.Contains(strings.ReplaceAll(x, "(sensitive)", ""), secret) {
					t.Fatalf("secret %q survives in %q (key %q) of %s", secret, x, key, out)
				}
			case []any:
				for _, e := range x {
					walk(e, "")
				}
			case map[string]any:
				for k, e := range x {
					walk(e, k)
				}
			}
		}
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatal(err)
		}
		walk(v, "")
	})
}

// TestRedactDerivedForms: a value that a one-to-one string function of
// the suite language computed from a secret (upper, lower, title, the
// escape jsonencode writes), or an encoding of it that an arm's program
// may print (URL encoding, base64, hex and base64 digests), is redacted as
// the secret is, inside other text too; a fragment (substr) is not, as
// docs/suites.md says.
func TestRedactDerivedForms(t *testing.T) {
	const secret = "Hunter2 Token/ä<"
	p := &Plan{Variables: []Variable{{Name: "token", Sensitive: true, Value: json.RawMessage(`"` + secret + `"`)}}}
	b := []byte(secret)
	m5, s1, s256, s512 := md5.Sum(b), sha1.Sum(b), sha256.Sum256(b), sha512.Sum512(b)
	for _, tt := range []struct{ form, derived string }{
		{"upper", "HUNTER2 TOKEN/Ä<"},
		{"lower", "hunter2 token/ä<"},
		{"title", "Hunter2 Token/Ä<"},
		{"jsonencode escape", `Hunter2 Token/ä\u003c`},
		{"urlencode", "Hunter2+Token%2F%C3%A4%3C"},
		{"urlencode with %20", "Hunter2%20Token%2F%C3%A4%3C"},
		{"base64", base64.StdEncoding.EncodeToString(b)},
		{"base64 unpadded", base64.RawStdEncoding.EncodeToString(b)},
		{"base64 URL-safe", base64.URLEncoding.EncodeToString(b)},
		{"base64 URL-safe unpadded", base64.RawURLEncoding.EncodeToString(b)},
		{"md5", hex.EncodeToString(m5[:])},
		{"sha1", hex.EncodeToString(s1[:])},
		{"sha256", hex.EncodeToString(s256[:])},
		{"sha512", hex.EncodeToString(s512[:])},
		{"base64 sha256", base64.StdEncoding.EncodeToString(s256[:])},
		{"base64 sha512", base64.StdEncoding.EncodeToString(s512[:])},
	} {
		in := "Authorization: " + tt.derived + " (derived)"
		if got := p.Redact(in); strings.Contains(got, tt.derived) || got != "Authorization: (sensitive) (derived)" {
			t.Errorf("%s: %q became %q", tt.form, tt.derived, got)
		}
	}
	if got := p.Redact("prefix Hunt only"); got != "prefix Hunt only" {
		t.Errorf("a fragment was redacted: %q", got)
	}
}

// TestRedactJSONArmOutput: worker info keys and values, metric names and
// an arm's stderr, reason and error lose sensitive values and what the
// environment's rules recognise (a GITHUB_TOKEN an arm printed), with or
// without sensitive variables; other fields keep their text.
func TestRedactJSONArmOutput(t *testing.T) {
	const token = "ghp_abcdefghijklmnopqrstuvwxyz0123"
	in := `{"arms":[{"name":"a","info":{"key-s3cr3t-val":"x","nested":{"k":"s3cr3t-val"},"dump":"GITHUB_TOKEN=` + token + `"},` +
		`"stderr":"PATH=/bin\nGITHUB_TOKEN=` + token + `\n","reason":"exit 1: DB_PASSWORD=pw1 refused"}],` +
		`"blocks":[{"runs":[{"arm":"a","metrics":{"s3cr3t-val-rate":1.5},"error":"api_key=abc123"}]}],` +
		`"stop_reason":"token=kept as benchy wrote it"}`
	for _, p := range []*Plan{
		{Variables: []Variable{{Name: "pw", Sensitive: true, Value: json.RawMessage(`"s3cr3t-val"`)}}},
		{},
	} {
		out := string(p.RedactJSON([]byte(in)))
		for _, leak := range []string{token, "pw1", "abc123"} {
			if strings.Contains(out, leak) {
				t.Errorf("%q survived: %s", leak, out)
			}
		}
		if p.HasSecrets() && strings.Contains(out, "s3cr3t-val") {
			t.Errorf("the sensitive value survived in a key or value: %s", out)
		}
		if !strings.Contains(out, "token=kept as benchy wrote it") || !strings.Contains(out, `PATH=/bin`) {
			t.Errorf("text that is no secret changed: %s", out)
		}
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("not JSON: %v", err)
		}
	}
}

// BenchmarkRedactJSON redacts a results-sized document: a thousand runs
// with an error text and metrics each.
func BenchmarkRedactJSON(b *testing.B) {
	p := &Plan{Variables: []Variable{{Name: "token", Sensitive: true, Value: json.RawMessage(`"Hunter2 Token"`)}}}
	var runs []string
	for i := 0; i < 1000; i++ {
		runs = append(runs, fmt.Sprintf(`{"arm":"a/n=%d","error":"exit 1: HUNTER2 TOKEN refused","metrics":{"rate":%d}}`, i, i))
	}
	doc := []byte(`{"blocks":[{"runs":[` + strings.Join(runs, ",") + `]}]}`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.RedactJSON(doc)
	}
}

// TestRedactJSONKeys: the keys of the maps that hold names (an arm's env,
// a runner configuration at any depth, worker info, metric names,
// published arms) lose sensitive values as values do, and keys that would
// read the same are kept apart, numbered in the order of the real keys,
// without taking a name the map already has. The document's own field
// names are not names from a suite and stay.
func TestRedactJSONKeys(t *testing.T) {
	p := &Plan{Variables: []Variable{
		{Name: "a", Sensitive: true, Value: json.RawMessage(`"alpha-secret"`)},
		{Name: "b", Sensitive: true, Value: json.RawMessage(`"beta-secret"`)},
	}}
	tests := []struct{ name, in, want string }{
		{"env name",
			`{"env":{"alpha-secret":"1","PATH":"/bin"}}`,
			`{"env":{"(sensitive)":"1","PATH":"/bin"}}`},
		{"env name inside a name",
			`{"env":{"X_ALPHA-SECRET":"1"}}`,
			`{"env":{"X_(sensitive)":"1"}}`},
		{"two env names alike",
			`{"env":{"beta-secret":"2","alpha-secret":"1"}}`,
			`{"env":{"(sensitive)":"1","(sensitive) (2)":"2"}}`},
		{"env names alike beside the marker itself",
			`{"env":{"alpha-secret":"1","(sensitive)":"lit","(sensitive) (2)":"lit2","beta-secret":"2"}}`,
			`{"env":{"(sensitive)":"lit","(sensitive) (2)":"lit2","(sensitive) (3)":"1","(sensitive) (4)":"2"}}`},
		{"runner configuration, nested",
			`{"config":{"env":{"alpha-secret":"1","beta-secret":"2"}}}`,
			`{"config":{"env":{"(sensitive)":"1","(sensitive) (2)":"2"}}}`},
		{"worker info",
			`{"info":{"alpha-secret":1,"beta-secret":2}}`,
			`{"info":{"(sensitive)":1,"(sensitive) (2)":2}}`},
		{"metric names",
			`{"metrics":{"alpha-secret-rate":1,"beta-secret-rate":2}}`,
			`{"metrics":{"(sensitive)-rate":1,"(sensitive)-rate (2)":2}}`},
		{"published arms",
			`{"published":{"arms":{"a/t=alpha-secret":"1 ms"}}}`,
			`{"published":{"arms":{"a/t=(sensitive)":"1 ms"}}}`},
		{"the document's own field names stay",
			`{"alpha-secret":"alpha-secret"}`,
			`{"alpha-secret":"(sensitive)"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 5 { // map order must not matter
				if got := string(p.RedactJSON([]byte(tt.in))); got != tt.want {
					t.Fatalf("RedactJSON(%s)\n = %s\nwant %s", tt.in, got, tt.want)
				}
			}
		})
	}
}
