package suites

import (
	"bytes"
	"encoding/json"
	"strings"
)

// SensitiveValue is what diagnostics show in place of a sensitive value.
const SensitiveValue = sensitiveValue

// minSecretLen is the shortest sensitive string value that Redact replaces
// inside other text; shorter ones would blot out unrelated characters.
const minSecretLen = 3

// secrets returns the string values of the sensitive variables.
func (p *Plan) secrets() []string {
	var out []string
	for _, v := range p.Variables {
		if !v.Sensitive {
			continue
		}
		var s string
		if json.Unmarshal(v.Value, &s) == nil && len(s) >= minSecretLen {
			out = append(out, s)
		}
	}
	return out
}

// Redact replaces every occurrence of a sensitive variable's string value
// (of at least three characters) in s with (sensitive).
func (p *Plan) Redact(s string) string {
	for _, sec := range p.secrets() {
		s = strings.ReplaceAll(s, sec, "(sensitive)")
	}
	return s
}

// RedactJSON replaces every occurrence of a sensitive variable's string
// value (of at least three characters) inside the string values of the
// JSON document b with (sensitive). Object keys and numbers are left as
// they are (numbers exactly, as written), so the result decodes into the
// same types as b. A b that is not JSON comes back unchanged.
func (p *Plan) RedactJSON(b []byte) []byte {
	if len(p.secrets()) == 0 {
		return b
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return b
	}
	out, err := json.Marshal(p.redactValue(v))
	if err != nil {
		return b
	}
	return out
}

func (p *Plan) redactValue(v any) any {
	switch x := v.(type) {
	case string:
		return p.Redact(x)
	case []any:
		for i := range x {
			x[i] = p.redactValue(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = p.redactValue(x[k])
		}
	}
	return v
}

// Redacted returns a copy of the plan fit for printing: sensitive
// variables show Redacted, and their string values are replaced wherever
// they reached a name, a runner configuration, an environment or a command.
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
