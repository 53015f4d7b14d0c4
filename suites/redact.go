package suites

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/benchy-dev/benchy/internal/secrets"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// SensitiveValue is what diagnostics show in place of a sensitive value.
const SensitiveValue = sensitiveValue

// minSecretLen is the shortest sensitive string value that Redact replaces
// inside other text; shorter ones would blot out unrelated characters.
const minSecretLen = 3

// secrets returns the sensitive variables' values as text: every string
// and number inside them, and what the suite language's one-to-one string
// functions make of each string (derivedForms), of at least minSecretLen
// characters, longest first, so that a secret containing another is
// replaced whole.
func (p *Plan) secrets() []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range p.Variables {
		if !v.Sensitive {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(v.Value))
		dec.UseNumber()
		var val any
		if dec.Decode(&val) != nil {
			continue
		}
		for _, leaf := range jsonLeaves(val, nil) {
			if len(leaf) < minSecretLen {
				continue
			}
			for _, s := range append([]string{leaf}, derivedForms(leaf)...) {
				if len(s) >= minSecretLen && !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// derivedForms is what the suite language's functions that map a whole
// string to another one make of s: upper, lower, title and the JSON escape
// that jsonencode (and format's %q) writes, computed by the very functions
// a suite calls, so that they cannot drift apart. It also holds encodings
// that no suite function makes but an arm's program may print: the
// URL-encoded form (with "+" and "%20" for spaces), base64 (standard,
// URL-safe and unpadded), the md5, sha1, sha256 and sha512 hex digests and
// the sha256 and sha512 base64 digests. A secret computed any other way
// (substr, replace, a part of split, format with padding) is not
// recognised; docs/suites.md lists both.
func derivedForms(s string) []string {
	b := []byte(s)
	var forms []string
	for _, f := range []function.Function{stdlib.UpperFunc, stdlib.LowerFunc, stdlib.TitleFunc, stdlib.JSONEncodeFunc} {
		v, err := f.Call([]cty.Value{cty.StringVal(s)})
		if err != nil || !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
			continue
		}
		out := v.AsString()
		if f == stdlib.JSONEncodeFunc { // the escaped string, without its quotes
			out = strings.TrimSuffix(strings.TrimPrefix(out, `"`), `"`)
		}
		forms = append(forms, out)
	}
	forms = append(forms,
		url.QueryEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20"),
		base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
	)
	m5, s1, s256, s512 := md5.Sum(b), sha1.Sum(b), sha256.Sum256(b), sha512.Sum512(b)
	forms = append(forms, hex.EncodeToString(m5[:]), hex.EncodeToString(s1[:]), hex.EncodeToString(s256[:]), hex.EncodeToString(s512[:]),
		base64.StdEncoding.EncodeToString(s256[:]), base64.StdEncoding.EncodeToString(s512[:]))
	return forms
}

// jsonLeaves appends the strings and numbers (as written) inside v.
func jsonLeaves(v any, out []string) []string {
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case json.Number:
		out = append(out, x.String())
	case []any:
		for _, e := range x {
			out = jsonLeaves(e, out)
		}
	case map[string]any:
		for _, e := range x {
			out = jsonLeaves(e, out)
		}
	}
	return out
}

// HasSecrets reports whether the plan has sensitive values to redact.
func (p *Plan) HasSecrets() bool { return len(p.secrets()) > 0 }

// Redact replaces every occurrence of a sensitive variable's string value
// (of at least three characters), and of the forms derivedForms lists, in
// s with (sensitive).
func (p *Plan) Redact(s string) string { return replaceSecrets(p.secrets(), s) }

// replaceSecrets replaces every occurrence of secs (longest first) in s
// with (sensitive).
func replaceSecrets(secs []string, s string) string {
	for _, sec := range secs {
		s = strings.ReplaceAll(s, sec, redactedText)
	}
	return s
}

// RedactOutput is Redact for what an arm printed or said (stderr, a
// failure reason, a progress line quoting one): it also applies the
// environment's secret rules (an arm that prints its environment does not
// record GITHUB_TOKEN; see internal/secrets).
func (p *Plan) RedactOutput(s string) string { return secrets.RedactText(p.Redact(s)) }

// RedactJSON replaces every occurrence of a sensitive variable's value
// (of at least three characters) inside the string values of the JSON
// document b with (sensitive), and inside the keys of the maps that users,
// arms and workers name (published.arms: arm instance names; a runner
// configuration, an arm's env, worker info and metric names); two keys of
// one map that redact to the same text stay apart as "(sensitive)" and
// "(sensitive) (2)" (see redactKeys). What an arm printed or
// said (stderr, reason, error, worker info) also goes through the
// environment's secret rules, as RedactOutput does. Timestamps and digests
// are left alone, since a numeric secret could match part of one and make
// it unreadable. Numbers stay numbers, exactly as written, except inside a
// runner configuration ("config"), where a number equal to a sensitive one
// becomes the string (sensitive). A b that is not JSON comes back
// unchanged.
func (p *Plan) RedactJSON(b []byte) []byte {
	secs := p.secrets()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return b
	}
	r := redactor{secs: secs, numbers: map[string]bool{}, changed: new(bool)}
	for _, sec := range secs {
		r.numbers[sec] = true
	}
	v = r.value(v, "")
	if !*r.changed { // as it came, byte for byte
		return b
	}
	out, err := json.Marshal(v)
	if err != nil {
		return b
	}
	return out
}

// armOutput are the keys whose values an arm or its worker wrote.
var armOutput = map[string]bool{"stderr": true, "reason": true, "error": true, "info": true}

// namedKeys are the keys of maps whose own keys are names from a suite,
// an arm or a worker, redacted as values are: arm instance names
// (published.arms), a runner configuration, an arm's environment, worker
// info and metric names.
var namedKeys = map[string]bool{"arms": true, "config": true, "env": true, "info": true, "metrics": true}

// untouchedKeys hold timestamps and digests: never redacted.
var untouchedKeys = map[string]bool{
	"started": true, "finished": true, "start": true, "since": true, "collected": true, "t": true,
	"sha256": true, "model_sha256": true,
}

type redactor struct {
	secs    []string        // the secrets, computed once for the document
	numbers map[string]bool // the secrets, to match numbers written the same way
	changed *bool           // set when anything was redacted
}

func (r redactor) redact(s string) string { return replaceSecrets(r.secs, s) }

// redactOutput is RedactOutput with the document's secrets.
func (r redactor) redactOutput(s string) string { return secrets.RedactText(r.redact(s)) }

// note returns out, noting whether it differs from in.
func (r redactor) note(in, out string) string {
	if in != out {
		*r.changed = true
	}
	return out
}

// value redacts v, found under the object key parent.
func (r redactor) value(v any, parent string) any {
	switch x := v.(type) {
	case string:
		if armOutput[parent] {
			return r.note(x, r.redactOutput(x))
		}
		return r.note(x, r.redact(x))
	case json.Number:
		if parent == "config" && r.numbers[x.String()] {
			*r.changed = true
			return redactedText
		}
	case []any:
		elem := "" // the elements of a list are not its key's map
		if parent == "config" || parent == "info" {
			elem = parent
		}
		for i := range x {
			x[i] = r.value(x[i], elem)
		}
	case map[string]any:
		for k, e := range x {
			if untouchedKeys[k] {
				continue
			}
			// A runner configuration and worker info keep their context
			// all the way down.
			child := k
			if parent == "config" || parent == "info" {
				child = parent
			}
			x[k] = r.value(e, child)
		}
		if namedKeys[parent] {
			redact := r.redact
			if armOutput[parent] || parent == "metrics" {
				redact = r.redactOutput
			}
			r.redactKeys(x, redact)
		}
	}
	return v
}

// redactKeys renames the keys of m that hold a secret to what redact makes
// of them. Keys that would show the same text are kept apart, never merged:
// in the order of the real keys, the first takes the text, the next ones
// the text followed by " (2)", " (3)" and so on, skipping names m already
// has.
func (r redactor) redactKeys(m map[string]any, redact func(string) string) {
	type rename struct {
		from, to string
		val      any
	}
	var renames []rename
	for k, e := range m {
		if rk := redact(k); rk != k {
			renames = append(renames, rename{k, rk, e})
		}
	}
	if len(renames) == 0 {
		return
	}
	*r.changed = true
	sort.Slice(renames, func(i, j int) bool { return renames[i].from < renames[j].from })
	for _, rn := range renames {
		delete(m, rn.from)
	}
	for _, rn := range renames {
		name := rn.to
		for n := 2; ; n++ {
			if _, taken := m[name]; !taken {
				break
			}
			name = fmt.Sprintf("%s (%d)", rn.to, n)
		}
		m[name] = rn.val
	}
}

// redactedText replaces a sensitive value in recorded text and data.
const redactedText = "(sensitive)"

// Redacted returns a copy of the plan fit for printing: sensitive
// variables show Redacted, and their string values are replaced wherever
// they reached a name, a runner configuration, an environment (variable
// names too) or a command.
// The source is left out, since it may hold a sensitive default.
func (p *Plan) Redacted() *Plan {
	q := *p
	q.Source = nil
	q.Variables = make([]Variable, len(p.Variables))
	for i, v := range p.Variables {
		v.Value = v.Display()
		q.Variables[i] = v
	}
	secrets := p.secrets()
	if len(secrets) == 0 {
		return &q
	}
	b, err := json.Marshal(p.Workloads)
	if err != nil {
		q.Workloads = nil
		return &q
	}
	var ws []*Workload
	if json.Unmarshal(p.RedactJSON(b), &ws) != nil {
		ws = nil
	}
	q.Workloads = ws
	q.Warnings = make([]string, len(p.Warnings))
	for i, w := range p.Warnings {
		q.Warnings[i] = p.Redact(w)
	}
	return &q
}

// RedactedSource returns the suite's source fit for recording: the default
// of every sensitive variable is replaced by "(sensitive)" where it is
// written (a default written with escapes would not match its value), and
// the sensitive values are then replaced wherever else they appear. A
// source that cannot be parsed (or a JSON suite) with sensitive variables
// is withheld entirely.
func (p *Plan) RedactedSource() string {
	sensitive := map[string]bool{}
	for _, v := range p.Variables {
		if v.Sensitive {
			sensitive[v.Name] = true
		}
	}
	if len(sensitive) == 0 {
		return string(p.Source)
	}
	const withheld = "(suite source withheld: it declares sensitive variables that could not be hidden in it)\n"
	if strings.HasSuffix(p.Path, ".json") {
		return withheld
	}
	f, diags := hclsyntax.ParseConfig(p.Source, p.Path, hcl.InitialPos)
	body, ok := f.Body.(*hclsyntax.Body)
	if diags.HasErrors() || !ok {
		return withheld
	}
	type span struct{ start, end int }
	var spans []span
	for _, b := range body.Blocks {
		if b.Type != "variable" || len(b.Labels) != 1 || !sensitive[b.Labels[0]] {
			continue
		}
		if a, ok := b.Body.Attributes["default"]; ok {
			r := a.Expr.Range()
			spans = append(spans, span{r.Start.Byte, r.End.Byte})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start > spans[j].start })
	src := string(p.Source)
	for _, s := range spans {
		if s.start < 0 || s.end > len(src) || s.start > s.end {
			return withheld
		}
		src = src[:s.start] + Redacted + src[s.end:]
	}
	// Elsewhere a secret may be written as an HCL string literal spells it.
	for _, sec := range p.secrets() {
		src = strings.ReplaceAll(src, hclEscaper.Replace(sec), redactedText)
	}
	return p.Redact(src)
}

// hclEscaper writes a string as it appears inside an HCL quoted string.
var hclEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "${", "$${", "%{", "%%{")
