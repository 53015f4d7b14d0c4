package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestCheckColor(t *testing.T) {
	for _, mode := range []string{"auto", "always", "never"} {
		if err := checkColor(mode); err != nil {
			t.Errorf("checkColor(%q) = %v", mode, err)
		}
	}
	for _, mode := range []string{"", "yes", "Always", "auto "} {
		err := checkColor(mode)
		if err == nil || err.Error() != `--color must be auto, always or never, not "`+mode+`"` {
			t.Errorf("checkColor(%q) = %v", mode, err)
		}
	}
}

// Every rendering command has the same --color flag, and those that check
// it refuse a bad value with exit 2 and the same words (after the
// one-liners' prefixes), before doing anything else.
func TestColorFlag(t *testing.T) {
	for _, name := range []string{"run", "calibrate", "report", "compare", "exec", "gobench"} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{name, "--help"}, &stdout, &stderr); code != exitOK {
			t.Fatalf("%s --help: exit %d, %s", name, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), `--color string`) || !strings.Contains(stdout.String(), `colour: auto, always or never (NO_COLOR is honoured) (default "auto")`) {
			t.Errorf("%s --help has no --color flag as the others have it:\n%s", name, stdout.String())
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--color", "blue", "quickstart"}, `benchy: --color must be auto, always or never, not "blue"`},
		{[]string{"calibrate", "--color", "blue", "quickstart"}, `benchy: --color must be auto, always or never, not "blue"`},
		{[]string{"report", "--color", "blue", "results.json"}, `benchy: --color must be auto, always or never, not "blue"`},
		{[]string{"compare", "--color", "blue", "a.json", "b.json"}, `benchy: --color must be auto, always or never, not "blue"`},
		{[]string{"exec", "--color", "blue", "true"}, `benchy: exec: --color must be auto, always or never, not "blue"`},
		{[]string{"gobench", "--color", "blue", "./nothing"}, `benchy: gobench: --color must be auto, always or never, not "blue"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), exitUsage, tc.want)
		}
	}
}
