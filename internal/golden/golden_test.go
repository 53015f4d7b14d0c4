package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTB records what Check reports instead of failing the real test.
// Fatalf records like Errorf; Check returns after calling it.
type fakeTB struct {
	testing.TB
	name   string
	errors []string
	fatal  bool
	logs   []string
}

func (f *fakeTB) Helper()      {}
func (f *fakeTB) Name() string { return f.name }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = true
	f.Errorf(format, args...)
}
func (f *fakeTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	const name = "TestEnv/dgx h100"
	const cmd = `go test ./internal/golden -run '^TestEnv$/^dgx h100$' -update`
	tests := []struct {
		name     string
		existing *string // golden file content before Check; nil: no file
		got      string
		update   bool
		fatal    bool
		errs     []string // substrings of the one reported error; nil: no error
		logged   bool
		after    string // golden file content after Check
	}{
		{name: "match", existing: ptr("a\nb\n"), got: "a\nb\n", after: "a\nb\n"},
		{name: "mismatch", existing: ptr("a\nb\nc\n"), got: "a\nB\nc\n",
			errs:  []string{"output differs from golden file ", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", "accept it with:\n\t" + cmd},
			after: "a\nb\nc\n"},
		{name: "mismatch in the final newline", existing: ptr("a\n"), got: "a",
			errs:  []string{"-a\n+a\n\\ No newline at end of file\n"},
			after: "a\n"},
		{name: "missing file", got: "a\n", fatal: true,
			errs: []string{"does not exist; create it with:\n\t" + cmd}},
		{name: "update rewrites", existing: ptr("old\n"), got: "new\n", update: true, logged: true, after: "new\n"},
		{name: "update creates", got: "new\n", update: true, logged: true, after: "new\n"},
		{name: "update leaves an equal file alone", existing: ptr("same\n"), got: "same\n", update: true, after: "same\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sub", "out.golden")
			if tc.existing != nil {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(*tc.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			defer func(old bool) { *update = old }(*update)
			*update = tc.update

			f := &fakeTB{name: name}
			Check(f, path, []byte(tc.got))

			if tc.errs == nil && len(f.errors) > 0 {
				t.Errorf("unexpected errors: %q", f.errors)
			}
			if tc.errs != nil {
				if len(f.errors) != 1 {
					t.Fatalf("got %d errors, want 1: %q", len(f.errors), f.errors)
				}
				for _, want := range tc.errs {
					if !strings.Contains(f.errors[0], want) {
						t.Errorf("error does not contain %q:\n%s", want, f.errors[0])
					}
				}
				if !strings.Contains(f.errors[0], path) {
					t.Errorf("error does not name %s:\n%s", path, f.errors[0])
				}
			}
			if f.fatal != tc.fatal {
				t.Errorf("fatal = %v, want %v", f.fatal, tc.fatal)
			}
			if logged := len(f.logs) > 0; logged != tc.logged {
				t.Errorf("logged %q, want a log: %v", f.logs, tc.logged)
			}
			b, err := os.ReadFile(path)
			if tc.after == "" {
				if err == nil {
					t.Errorf("golden file was created: %q", b)
				}
				return
			}
			if err != nil || string(b) != tc.after {
				t.Errorf("golden file after Check = %q, %v; want %q", b, err, tc.after)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestDiff(t *testing.T) {
	numbered := func(from, to int, edit map[int]string) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			if s, ok := edit[i]; ok {
				b.WriteString(s)
				continue
			}
			fmt.Fprintf(&b, "line %d\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name, want, got, diff string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"both empty", "", "", ""},
		{"from empty", "", "a\n", "@@ -0,0 +1,1 @@\n+a"},
		{"to empty", "a\nb\n", "", "@@ -1,2 +0,0 @@\n-a\n-b"},
		{"insert at start", "b\nc\n", "a\nb\nc\n", "@@ -1,2 +1,3 @@\n+a\n b\n c"},
		{"append", "a\n", "a\nb\n", "@@ -1,1 +1,2 @@\n a\n+b"},
		{"missing final newline", "a\nb\n", "a\nb", "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file"},
		{"context is three lines", numbered(1, 10, nil), numbered(1, 10, map[int]string{5: "five\n"}),
			"@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+five\n line 6\n line 7\n line 8"},
		{"near changes share a hunk", numbered(1, 12, nil), numbered(1, 12, map[int]string{3: "", 9: "nine\n"}),
			"@@ -1,12 +1,11 @@\n line 1\n line 2\n-line 3\n line 4\n line 5\n line 6\n line 7\n line 8\n-line 9\n+nine\n line 10\n line 11\n line 12"},
		{"far changes make two hunks", numbered(1, 20, nil), numbered(1, 20, map[int]string{2: "two\n", 18: "eighteen\n"}),
			"@@ -1,5 +1,5 @@\n line 1\n-line 2\n+two\n line 3\n line 4\n line 5\n" +
				"@@ -15,6 +15,6 @@\n line 15\n line 16\n line 17\n-line 18\n+eighteen\n line 19\n line 20"},
		{"control characters are escaped", "\x1b[1mbold\x1b[0m\n", "\x1b[2mbold\x1b[0m\r\n",
			"@@ -1,1 +1,1 @@\n-\\x1b[1mbold\\x1b[0m\n+\\x1b[2mbold\\x1b[0m\\r"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := Diff([]byte(tc.want), []byte(tc.got)); d != tc.diff {
				t.Errorf("Diff =\n%s\nwant\n%s", d, tc.diff)
			}
		})
	}
}

func TestDiffIsShort(t *testing.T) {
	var want, got strings.Builder
	for i := range 500 {
		fmt.Fprintf(&want, "want %d\n", i)
		fmt.Fprintf(&got, "got %d\n", i)
	}
	d := Diff([]byte(want.String()), []byte(got.String()))
	lines := strings.Split(d, "\n")
	if len(lines) != maxDiffLines+2 {
		t.Errorf("diff of 1000 changed lines has %d lines, want %d", len(lines), maxDiffLines+2)
	}
	if last := lines[len(lines)-1]; last != fmt.Sprintf("... %d more diff lines not shown", 1000-maxDiffLines) {
		t.Errorf("last line = %q", last)
	}
}

// TestDiffLargeInput checks the fallback for inputs too large for the LCS
// table: still a correct diff, as one delete-all/insert-all hunk.
func TestDiffLargeInput(t *testing.T) {
	var want, got strings.Builder
	want.WriteString("same\n")
	got.WriteString("same\n")
	for i := range 2100 {
		fmt.Fprintf(&want, "w%d\n", i)
		fmt.Fprintf(&got, "g%d\n", i)
	}
	ops := editScript(splitLines(want.String()), splitLines(got.String()))
	var del, ins int
	for _, o := range ops {
		switch o.kind {
		case '-':
			del++
		case '+':
			ins++
		}
	}
	if del != 2100 || ins != 2100 || len(ops) != 4201 {
		t.Errorf("edit script: %d deletions, %d insertions, %d ops; want 2100, 2100, 4201", del, ins, len(ops))
	}
	if d := Diff([]byte(want.String()), []byte(got.String())); !strings.HasPrefix(d, "@@ -1,2101 +1,2101 @@\n same\n-w0\n") {
		t.Errorf("diff starts %q", d[:min(len(d), 60)])
	}
}

func TestUpdateCommand(t *testing.T) {
	tests := []struct{ name, want string }{
		{"TestPlain", "go test ./internal/golden -run '^TestPlain$' -update"},
		{"TestA/sub.case", `go test ./internal/golden -run '^TestA$/^sub\.case$' -update`},
		{"TestA/it's", `go test ./internal/golden -run '^TestA$/^it'\''s$' -update`},
	}
	for _, tc := range tests {
		if got := UpdateCommand(&fakeTB{name: tc.name}); got != tc.want {
			t.Errorf("UpdateCommand(%q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"": "''", "./x": "./x", "a b": "'a b'", "^x$": "'^x$'"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
