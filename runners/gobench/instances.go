package gobench

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/benchy-dev/benchy/runners"
)

// instances lists the benchmarks a configuration's bench regexp matches,
// one instance each (runners.Spec.Instances): the test binary is built,
// its top-level benchmarks listed with -test.list, and each run once with
// b.N = 1 to find its sub-benchmarks.
func instances(ctx context.Context, raw json.RawMessage, suiteDir, workdir string) ([]runners.Instance, error) {
	var c Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("gobench: bad config: %w", err)
	}
	if c.Benchmark != "" {
		return nil, nil // one benchmark already
	}
	if c.Package == "" {
		c.Package = DefaultPackage
	}
	if c.Bench == "" {
		c.Bench = DefaultBench
	}
	b, err := build(ctx, c, c.workDir(suiteDir, workdir))
	if err != nil {
		return nil, err
	}
	defer b.remove()
	names, err := b.discover(ctx, c.Bench)
	if err != nil {
		return nil, err
	}
	var out []runners.Instance
	for _, n := range names {
		one := c
		one.Benchmark = n
		cfg, err := json.Marshal(one)
		if err != nil {
			return nil, err
		}
		out = append(out, runners.Instance{Key: n, Axes: nameAxes(n), Config: cfg})
	}
	return out, nil
}

// discover returns the full names of the benchmarks the bench regexp
// matches, sub-benchmarks included. A benchmark that fails when run once,
// or prints no result, is listed under its top-level name, so that its
// instance fails on its own; a regexp that matches nothing is an error wrapping
// runners.ErrNoInstances, listing what the package has.
func (b *binary) discover(ctx context.Context, bench string) ([]string, error) {
	top, rest := splitBench(bench)
	tops, err := b.list(ctx, top)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, t := range tops {
		pattern := "^" + regexp.QuoteMeta(t) + "$"
		if rest != "" {
			pattern += "/" + rest
		}
		out, err := b.run(ctx, pattern, "1x")
		_, subs := results(out)
		if err != nil || (len(subs) == 0 && rest == "") {
			// It failed, or printed no result (a panicking benchmark
			// sometimes exits 0 having printed only its name): its
			// instance fails on its own, with the message.
			names = append(names, t)
			continue
		}
		names = append(names, subs...)
	}
	if len(names) == 0 {
		all, _ := b.list(ctx, ".")
		has := "no benchmarks at all"
		if len(all) > 0 {
			if len(all) > 20 {
				all = append(all[:20], fmt.Sprintf("and %d more", len(all)-20))
			}
			has = strings.Join(all, ", ")
		}
		return nil, fmt.Errorf("gobench: bench %q matches no benchmark in %s (it has %s): %w", bench, b.pkg, has, runners.ErrNoInstances)
	}
	return names, nil
}

// splitBench splits a -test.bench regexp at its first "/" outside
// brackets and parentheses, as the testing package splits it into one
// pattern per level: the top level's, and the rest.
func splitBench(re string) (top, rest string) {
	depth := 0
	for i := 0; i < len(re); i++ {
		switch re[i] {
		case '\\':
			i++
		case '[', '(':
			depth++
		case ']', ')':
			depth = max(0, depth-1)
		case '/':
			if depth == 0 {
				return re[:i], re[i+1:]
			}
		}
	}
	return re, ""
}

// nameAxes turns a benchmark's full name into instance axes: bench = the
// top-level name without "Benchmark", then one axis per sub-benchmark
// level, key=value parts under their key and others as sub, sub2, ....
func nameAxes(full string) [][2]string {
	levels := strings.Split(full, "/")
	base := strings.TrimPrefix(levels[0], "Benchmark")
	if base == "" {
		base = levels[0]
	}
	axes := [][2]string{{"bench", axisValue(base)}}
	positional := 0
	for _, l := range levels[1:] {
		if k, v, ok := strings.Cut(l, "="); ok && k != "" && axisName(k) {
			axes = append(axes, [2]string{k, axisValue(v)})
			continue
		}
		positional++
		name := "sub"
		if positional > 1 {
			name = fmt.Sprintf("sub%d", positional)
		}
		axes = append(axes, [2]string{name, axisValue(l)})
	}
	return axes
}

// axisName reports whether k can name an axis: letters, digits, "_" and "-".
func axisName(k string) bool {
	return strings.IndexFunc(k, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-'
	}) < 0
}

var trailingDigits = regexp.MustCompile(`-([0-9]+)$`)

// axisValue makes a name part usable in an instance name: no whitespace,
// and no trailing "-<digits>", which the Go benchmark format reads as
// GOMAXPROCS. The instance's configuration keeps the real name.
func axisValue(s string) string {
	if s == "" {
		return "_"
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, s)
	return trailingDigits.ReplaceAllString(s, "_$1")
}
