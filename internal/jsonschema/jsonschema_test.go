package jsonschema

import (
	"strings"
	"testing"
)

func TestCompileRejects(t *testing.T) {
	cases := []struct{ doc, want string }{
		{`{"pattern":"x"}`, `keyword "pattern" is not supported`},
		{`{"$defs":{"a":{"oneOf":[]}}}`, `#/$defs/a: keyword "oneOf" is not supported`},
		{`{"$ref":"#/$defs/missing"}`, `$ref "#/$defs/missing": no such definition`},
		{`{"$ref":"other.json"}`, "only #/$defs/NAME is supported"},
		{`{"properties":{"a":3}}`, "#/properties/a is not a schema object"},
		{`[1]`, "not an object"},
		{`{`, "schema: unexpected EOF"},
	}
	for _, c := range cases {
		_, err := Compile([]byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.doc, err, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	s, err := Compile([]byte(`{
	  "$defs": {
	    "n": {"type": "integer", "minimum": -2},
	    "obj": {"type": "object", "additionalProperties": {"$ref": "#/$defs/n"}},
	    "cond": {"if": {"properties": {"k": {"const": 1}}}, "then": {"required": ["a"]}, "else": {"required": ["b"]}}
	  }
	}`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		def, value string
		want       string // "" when valid
	}{
		{"n", `3`, ""},
		{"n", `-2`, ""},
		{"n", `-3`, "must be at least -2, not -3"},
		{"n", `3.0`, "must be an integer, not the number 3.0"},
		{"n", `"3"`, `must be an integer, not the string "3"`},
		{"n", `null`, "must be an integer, not null"},
		{"obj", `{"a":1,"b/c":2}`, ""},
		{"obj", `{"a":1,"b/c":2.5}`, "/b~1c: must be an integer"},
		{"cond", `{"k":1,"a":0}`, ""},
		{"cond", `{"k":1}`, `lacks the required field "a"`},
		{"cond", `{"k":2,"b":0}`, ""},
		{"cond", `{"k":2}`, `lacks the required field "b"`},
		{"nope", `1`, "no such definition"},
	}
	for _, c := range cases {
		v, err := Decode([]byte(c.value))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range s.Validate(c.def, v) {
			got = append(got, e.String())
		}
		joined := strings.Join(got, "; ")
		if c.want == "" && len(got) > 0 || c.want != "" && !strings.Contains(joined, c.want) {
			t.Errorf("%s %s: %q, want %q", c.def, c.value, joined, c.want)
		}
	}
	if _, err := Decode([]byte(`{"a":1} {"b":2}`)); err == nil {
		t.Error("two values on one line decoded as one")
	}
}
