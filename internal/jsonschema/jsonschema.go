// Package jsonschema validates JSON values against the subset of JSON
// Schema (2020-12) that benchy's own schemas use: type, properties,
// required, additionalProperties, items, minItems, minimum, minLength,
// const, enum, $ref to "#/$defs/NAME", and if/then/else. Annotations
// ($schema, $id, title, description, $comment) are ignored; any other
// keyword is an error when the schema is compiled, so that a schema never
// silently asks for more than is checked.
//
// One difference from the standard: "integer" means a JSON number written
// without a fraction or exponent (1000, not 1000.0 or 1e3), which is what
// a reader that decodes into an int64 accepts.
package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
)

// Schema is a compiled schema document.
type Schema struct {
	root map[string]any
}

var (
	annotations = []string{"$schema", "$id", "title", "description", "$comment"}
	keywords    = []string{"$defs", "type", "properties", "required", "additionalProperties", "items", "minItems", "minimum", "minLength", "const", "enum", "$ref", "if", "then", "else"}
)

// Compile parses a schema document and checks that it uses only the
// supported keywords and that every $ref resolves.
func Compile(doc []byte) (*Schema, error) {
	v, err := Decode(doc)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("schema: the document is not an object")
	}
	s := &Schema{root: root}
	if err := s.check(root, "#"); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Schema) check(sch map[string]any, at string) error {
	for k, v := range sch {
		switch {
		case slices.Contains(annotations, k):
		case !slices.Contains(keywords, k):
			return fmt.Errorf("schema: %s: keyword %q is not supported by this validator", at, k)
		case k == "$defs" || k == "properties":
			m, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("schema: %s/%s is not an object", at, k)
			}
			for name, sub := range m {
				if err := s.checkSub(sub, at+"/"+k+"/"+name); err != nil {
					return err
				}
			}
		case k == "items" || k == "if" || k == "then" || k == "else" || k == "additionalProperties":
			if _, isBool := v.(bool); isBool && k == "additionalProperties" {
				continue
			}
			if err := s.checkSub(v, at+"/"+k); err != nil {
				return err
			}
		case k == "$ref":
			ref, _ := v.(string)
			if _, err := s.resolve(ref); err != nil {
				return fmt.Errorf("schema: %s: %w", at, err)
			}
		}
	}
	return nil
}

func (s *Schema) checkSub(v any, at string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("schema: %s is not a schema object", at)
	}
	return s.check(m, at)
}

func (s *Schema) resolve(ref string) (map[string]any, error) {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		return nil, fmt.Errorf("$ref %q: only #/$defs/NAME is supported", ref)
	}
	defs, _ := s.root["$defs"].(map[string]any)
	d, ok := defs[name].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("$ref %q: no such definition", ref)
	}
	return d, nil
}

// Defs lists the schema's definitions.
func (s *Schema) Defs() []string {
	defs, _ := s.root["$defs"].(map[string]any)
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Violation is one way a value breaks its schema.
type Violation struct {
	// Path is where in the value, as a JSON pointer ("" is the value).
	Path string
	// Message says what is wrong there.
	Message string
}

func (v Violation) String() string {
	if v.Path == "" {
		return v.Message
	}
	return v.Path + ": " + v.Message
}

// Validate checks v (as Decode returns it) against the definition def
// ("" for the document's root schema) and returns every violation.
func (s *Schema) Validate(def string, v any) []Violation {
	sch := s.root
	if def != "" {
		var err error
		if sch, err = s.resolve("#/$defs/" + def); err != nil {
			return []Violation{{Message: err.Error()}}
		}
	}
	var out []Violation
	s.validate(sch, v, "", &out)
	return out
}

func (s *Schema) validate(sch map[string]any, v any, at string, out *[]Violation) {
	add := func(format string, args ...any) {
		*out = append(*out, Violation{Path: at, Message: fmt.Sprintf(format, args...)})
	}
	if ref, ok := sch["$ref"].(string); ok {
		d, err := s.resolve(ref)
		if err != nil {
			add("%v", err)
			return
		}
		s.validate(d, v, at, out)
	}
	if t, ok := sch["type"].(string); ok && !hasType(v, t) {
		add("must be %s, not %s", article(t), describe(v))
		return
	}
	if c, ok := sch["const"]; ok && !equal(c, v) {
		add("must be %s, not %s", compact(c), compact(v))
	}
	if e, ok := sch["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return equal(x, v) }) {
		vals := make([]string, len(e))
		for i, x := range e {
			vals[i] = compact(x)
		}
		add("must be one of %s, not %s", strings.Join(vals, ", "), compact(v))
	}
	if m, ok := sch["minimum"].(json.Number); ok {
		if n, isNum := v.(json.Number); isNum && cmp(n, m) < 0 {
			add("must be at least %s, not %s", m, n)
		}
	}
	if m, ok := sch["minLength"].(json.Number); ok {
		if str, isStr := v.(string); isStr && int64(len([]rune(str))) < mustInt(m) {
			add("must be at least %s character(s) long", m)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		s.validateObject(sch, obj, at, out)
	}
	if arr, ok := v.([]any); ok {
		if m, ok := sch["minItems"].(json.Number); ok && int64(len(arr)) < mustInt(m) {
			add("must hold at least %s item(s), not %d", m, len(arr))
		}
		if items, ok := sch["items"].(map[string]any); ok {
			for i, x := range arr {
				s.validate(items, x, fmt.Sprintf("%s/%d", at, i), out)
			}
		}
	}
	if cond, ok := sch["if"].(map[string]any); ok {
		var probe []Violation
		s.validate(cond, v, at, &probe)
		branch := "then"
		if len(probe) > 0 {
			branch = "else"
		}
		if b, ok := sch[branch].(map[string]any); ok {
			s.validate(b, v, at, out)
		}
	}
}

func (s *Schema) validateObject(sch map[string]any, obj map[string]any, at string, out *[]Violation) {
	if req, ok := sch["required"].([]any); ok {
		for _, r := range req {
			name, _ := r.(string)
			if _, has := obj[name]; !has {
				*out = append(*out, Violation{Path: at, Message: fmt.Sprintf("lacks the required field %q", name)})
			}
		}
	}
	props, _ := sch["properties"].(map[string]any)
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p := at + "/" + pointerEscape(k)
		if sub, ok := props[k].(map[string]any); ok {
			s.validate(sub, obj[k], p, out)
			continue
		}
		switch extra := sch["additionalProperties"].(type) {
		case bool:
			if !extra {
				allowed := make([]string, 0, len(props))
				for n := range props {
					allowed = append(allowed, n)
				}
				sort.Strings(allowed)
				*out = append(*out, Violation{Path: p, Message: fmt.Sprintf("is not a field here (the fields are %s)", strings.Join(allowed, ", "))})
			}
		case map[string]any:
			s.validate(extra, obj[k], p, out)
		}
	}
}

// Decode parses one JSON value, keeping numbers as written (json.Number),
// and rejects anything after it.
func Decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

func hasType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		return ok && !strings.ContainsAny(string(n), ".eE")
	}
	return false
}

func article(t string) string {
	switch t {
	case "object", "array", "integer":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "the string " + compact(x)
	case bool:
		return compact(x)
	case json.Number:
		return "the number " + string(x)
	}
	return fmt.Sprintf("%T", v)
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

func equal(a, b any) bool {
	na, aNum := a.(json.Number)
	nb, bNum := b.(json.Number)
	if aNum && bNum {
		return cmp(na, nb) == 0
	}
	return compact(a) == compact(b)
}

func cmp(a, b json.Number) int {
	x, okx := new(big.Rat).SetString(string(a))
	y, oky := new(big.Rat).SetString(string(b))
	if !okx || !oky {
		return strings.Compare(string(a), string(b))
	}
	return x.Cmp(y)
}

func mustInt(n json.Number) int64 {
	i, _ := n.Int64()
	return i
}

func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
