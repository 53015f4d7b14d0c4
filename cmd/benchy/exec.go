package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/shlex"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/zclconf/go-cty/cty"

	"github.com/benchy-dev/benchy/internal/regularfile"
	"github.com/benchy-dev/benchy/internal/secrets"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

func init() { registerCommand(newExecCmd) }

// execFlags are benchy exec's flags: hyperfine's names where the meaning is
// the same, benchy's run settings, and the hyperfine flags that mean
// something else here (refused with what to use instead).
type execFlags struct {
	warmup                            int
	setup, prepare, conclude, cleanup []string
	names                             []string
	scans, lists                      []string
	step                              string
	shell                             string
	noShell                           bool
	reference                         string
	input, output                     string
	timeUnit                          string
	exportJSON, exportMarkdown        string
	exportCSV                         string
	blocks, minBlocks, maxBlocks      int
	targetCI                          string
	seed                              int64
	order, timeout                    string
	out, format, color                string
	force                             bool
	saveSuite                         string
	printSuite                        bool
	runs, minRuns, maxRuns            int
	ignoreFailure, showOutput         bool
	style, sortBy, asciidoc, orgmode  string
}

// execSuiteName is the file name the one-liner's suite is loaded under
// (its plan is "exec"); execWorkload names its one workload.
const (
	execSuiteName = "exec.benchy.hcl"
	execWorkload  = "exec"
)

// argSep joins the values of a flag that takes several (-P NAME MIN MAX,
// -L NAME VALUES) into the one value pflag parses.
const argSep = "\x1f"

const execLong = `Exec compares commands given on the command line, as hyperfine does, and
runs them the way benchy run runs a suite: it writes the equivalent suite
(one workload "exec", one arm per command, exec { measure = "wall" }) and
runs it through the same harness, statistics and reports. Every command is
timed as a whole process, in randomized interleaved blocks; the first
command (or --reference) is the baseline, and every other command gets its
relative difference from it with a jackknife confidence interval.

Commands are split into words with shell rules (quotes and backslashes
respected, no expansion), and shell syntax outside quotes (|, &&, ;, >,
2>&1, $VAR, $(...)) is refused rather than passed on as arguments;
--shell SHELL (-S) runs each through SHELL -c
instead, and the shell's own start-up is then part of every measurement
(recorded, never subtracted). {NAME} in a command is replaced by the values
of -P NAME MIN MAX [-D STEP] or -L NAME A,B,C; several parameters give every
combination.

Results go where benchy run puts them: RUNDIR/exec/ in a fresh
benchy-out/YYYYMMDD-HHMMSS/ (benchy-out/latest points at it), or in --out
DIR; so benchy report, without an argument, re-renders the last one-liner.
--save-suite FILE keeps the suite, and benchy run FILE --seed S runs the
same plan and schedule again.

hyperfine flags that mean something else here:
  -r/--runs, -m/--min-runs, -M/--max-runs  benchy counts blocks, each of which runs
                       every command for at least 100 ms: use --blocks N,
                       --min-blocks N, --max-blocks N
  -i/--ignore-failure  a non-zero exit fails that command's arm and the others
                       go on; to ignore it: -S sh 'CMD || true' (the shell is
                       then measured)
  --input FILE, --output pipe|inherit|FILE, --show-output  stdin is /dev/null
                       and stdout is discarded (the defaults, null); use a
                       shell: -S sh 'CMD < FILE'
  --style              use --color never, or --format
  --sort               commands are reported in the order given
  --export-asciidoc, --export-orgmode  use --export-markdown, --export-json
                       or --export-csv
  --prepare, --conclude  run around every command's turn in a block; with
                       either, a turn is one timed run (iterations = 1,
                       and no warm-up run unless -w), as in hyperfine; one
                       command for all arms, not one per command
  --setup, --cleanup   run once for the whole comparison, not per command
  -w/--warmup N        N untimed runs at the start of every turn
                       (warmup_iterations)
  -u/--time-unit       the unit of the Markdown export; the terminal report
                       picks its own`

func newExecCmd(stdout, stderr io.Writer) *cobra.Command {
	var f execFlags
	cmd := &cobra.Command{
		Use:   "exec [flags] COMMAND [COMMAND...]",
		Short: "Compare commands in one line, hyperfine-style, in randomized interleaved blocks",
		Long:  execLong,
		Example: `  benchy exec 'sort nums.txt' 'sort -n nums.txt'
  benchy exec -P threads 1 4 'xz -T{threads} -kf big.tar' --export-json xz.json
  benchy exec --reference 'grep -c x log' 'rg -c x log' --save-suite grep.benchy.hcl`,
		// -P NAME MIN MAX and -L NAME VALUES take several values, which
		// pflag cannot; exec parses its own arguments.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			if err := fl.Parse(joinMultiValueFlags(args)); err != nil {
				return withCode(exitUsage, fmt.Errorf("exec: %v (benchy exec --help lists the flags)", err))
			}
			if help, _ := fl.GetBool("help"); help {
				return cmd.Help()
			}
			return runExec(cmd, f, fl.Args(), stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&f.warmup, "warmup", "w", 0, "untimed runs at the start of every command's turn in a block (warmup_iterations; default 1)")
	fl.StringArrayVarP(&f.setup, "setup", "s", nil, "run CMD once before the comparison")
	fl.StringArrayVarP(&f.prepare, "prepare", "p", nil, "run CMD before every turn; a turn is then one timed run")
	fl.StringArrayVar(&f.conclude, "conclude", nil, "run CMD after every turn; a turn is then one timed run")
	fl.StringArrayVarP(&f.cleanup, "cleanup", "c", nil, "run CMD once after the comparison")
	fl.StringArrayVarP(&f.names, "command-name", "n", nil, "name of the next command (repeatable, in order)")
	fl.StringArrayVarP(&f.scans, "parameter-scan", "P", nil, "NAME MIN MAX: run each command for NAME = MIN..MAX, replacing {NAME}")
	fl.StringVarP(&f.step, "parameter-step-size", "D", "", "step of --parameter-scan (needed for decimal bounds)")
	fl.StringArrayVarP(&f.lists, "parameter-list", "L", nil, "NAME A,B,C: run each command for each value, replacing {NAME} (repeatable)")
	fl.StringVarP(&f.shell, "shell", "S", "none", `run commands through SHELL -c (e.g. "bash", "bash --norc"); its start-up is measured`)
	fl.BoolVarP(&f.noShell, "no-shell", "N", false, "run commands directly, split into words (the default; hyperfine's -N)")
	fl.StringVar(&f.reference, "reference", "", "the baseline command (added first unless it is one of the commands)")
	fl.StringVar(&f.input, "input", "null", "stdin of the commands: null only (see below)")
	fl.StringVar(&f.output, "output", "null", "stdout of the commands: null only (see below)")
	fl.StringVarP(&f.timeUnit, "time-unit", "u", "", "unit of the Markdown export: microsecond, millisecond or second")
	fl.StringVar(&f.exportJSON, "export-json", "", "write hyperfine's JSON (results[] with every run's times) to FILE, with benchy's fields beside")
	fl.StringVar(&f.exportMarkdown, "export-markdown", "", "write hyperfine's Markdown table to FILE, relative difference with its CI")
	fl.StringVar(&f.exportCSV, "export-csv", "", "write hyperfine's CSV to FILE, with benchy's columns after hyperfine's")
	fl.IntVar(&f.blocks, "blocks", 0, "measured blocks: exactly N (min_blocks = max_blocks = N)")
	fl.IntVar(&f.minBlocks, "min-blocks", 0, "at least N measured blocks (default 10)")
	fl.IntVar(&f.maxBlocks, "max-blocks", 0, "at most N measured blocks (default 30)")
	fl.StringVar(&f.targetCI, "target-ci", "", `stop once every CI half-width is within this ("2%" or 0.02; default 2%; 0: never early)`)
	fl.Int64Var(&f.seed, "seed", 0, "schedule seed (default: drawn and recorded)")
	fl.StringVar(&f.order, "order", "", "interleaved-random (default), interleaved or sequential")
	fl.StringVar(&f.timeout, "timeout", "", `limit for one command's turn in a block (a duration: "30s")`)
	fl.StringVarP(&f.out, "out", "o", "", "run directory, as for benchy run: DIR/exec/ gets results.json, journal.jsonl, report.md and report.html (default: a fresh benchy-out/YYYYMMDD-HHMMSS/)")
	fl.BoolVar(&f.force, "force", false, "with --out: replace an earlier run's files in DIR (only benchy's own)")
	addFormatFlag(fl, &f.format, "report on stdout", reports.ReportFormats)
	addColorFlag(fl, &f.color)
	fl.StringVar(&f.saveSuite, "save-suite", "", "write the equivalent suite to FILE (HCL in benchy fmt's form; not a .json name), then run it")
	fl.BoolVar(&f.printSuite, "print-suite", false, "print the equivalent suite (after --save-suite, if given, writes it) and run nothing")
	// hyperfine's flags that mean something else here: accepted by the
	// parser so that using one gets its own message, not "unknown flag".
	fl.IntVarP(&f.runs, "runs", "r", 0, "")
	fl.IntVarP(&f.minRuns, "min-runs", "m", 0, "")
	fl.IntVarP(&f.maxRuns, "max-runs", "M", 0, "")
	fl.BoolVarP(&f.ignoreFailure, "ignore-failure", "i", false, "")
	fl.BoolVar(&f.showOutput, "show-output", false, "")
	fl.StringVar(&f.style, "style", "", "")
	fl.StringVar(&f.sortBy, "sort", "", "")
	fl.StringVar(&f.asciidoc, "export-asciidoc", "", "")
	fl.StringVar(&f.orgmode, "export-orgmode", "", "")
	for _, name := range []string{"runs", "min-runs", "max-runs", "ignore-failure", "show-output", "style", "sort", "export-asciidoc", "export-orgmode"} {
		_ = fl.MarkHidden(name)
	}
	fl.BoolP("help", "h", false, "help for exec")
	return cmd
}

// joinMultiValueFlags rewrites -P NAME MIN MAX and -L NAME VALUES into one
// flag value each, so that pflag can parse them. Everything after "--" is
// left alone; a flag short of values is left as it is and pflag reports it.
func joinMultiValueFlags(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		n := 0
		switch a {
		case "-P", "--parameter-scan":
			n = 3
		case "-L", "--parameter-list":
			n = 2
		}
		if n == 0 || i+n >= len(args) {
			out = append(out, a)
			continue
		}
		out = append(out, a, strings.Join(args[i+1:i+1+n], argSep))
		i += n
	}
	return out
}

// execCommand is one command of the one-liner: an arm of the suite.
type execCommand struct {
	// text is the command as given, with {NAME} placeholders.
	text string
	// name is its --command-name, or "".
	name string
	// label is the arm label derived from name or text.
	label    string
	baseline bool
}

// execParam is one -P or -L parameter: a matrix axis of every arm that
// uses it.
type execParam struct {
	name   string
	values []string
	flag   string
}

// execSpec is a parsed one-liner.
type execSpec struct {
	commands []*execCommand
	params   []*execParam
	// shell is the argv that runs a command string (["bash", "-c"]); nil
	// runs commands directly.
	shell                             []string
	setup, prepare, conclude, cleanup string
	run                               [][2]string // run block attributes, HCL expressions
	timeout                           string
	// format is the parsed --format of the report on stdout.
	format reports.Format
}

var placeholder = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// placeholders finds the {NAME} placeholders of text as index pairs
// (placeholder.FindAllStringSubmatchIndex), leaving out a shell's ${NAME}.
func placeholders(text string) [][]int {
	var out [][]int
	for _, m := range placeholder.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > 0 && text[m[0]-1] == '$' {
			continue
		}
		out = append(out, m)
	}
	return out
}

// placeholderNames are the names of text's placeholders, in order.
func placeholderNames(text string) []string {
	var out []string
	for _, m := range placeholders(text) {
		out = append(out, text[m[2]:m[3]])
	}
	return out
}

// stripPlaceholders removes text's placeholders.
func stripPlaceholders(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range placeholders(text) {
		b.WriteString(text[last:m[0]])
		last = m[1]
	}
	return b.String() + text[last:]
}

var paramName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// unsupportedExecFlags says, for each hyperfine flag that means something
// else here, what to use instead.
var unsupportedExecFlags = []struct{ flag, msg string }{
	{"runs", "--runs: benchy counts blocks, not runs (each block runs every command for at least 100 ms, in a fresh random order); use --blocks N"},
	{"min-runs", "--min-runs: benchy counts blocks, not runs; use --min-blocks N"},
	{"max-runs", "--max-runs: benchy counts blocks, not runs; use --max-blocks N"},
	{"ignore-failure", "--ignore-failure: a non-zero exit fails that command's arm and the others still run; to ignore it, use a shell: -S sh 'CMD || true' (the shell is then measured)"},
	{"show-output", "--show-output: the commands' output is discarded (stderr is kept for a failure's message); redirect it in a shell: -S sh 'CMD > FILE'"},
	{"style", "--style: use --color never, or --format"},
	{"sort", "--sort: commands are reported in the order given, the baseline first"},
	{"export-asciidoc", "--export-asciidoc: use --export-markdown, --export-json or --export-csv"},
	{"export-orgmode", "--export-orgmode: use --export-markdown, --export-json or --export-csv"},
}

func usagef(format string, args ...any) error {
	return withCode(exitUsage, fmt.Errorf("exec: "+format, args...))
}

// parseExec checks the flags and commands and returns the one-liner's spec.
func parseExec(fl *pflag.FlagSet, f execFlags, args []string) (*execSpec, error) {
	for _, u := range unsupportedExecFlags {
		if fl.Changed(u.flag) {
			return nil, usagef("%s", u.msg)
		}
	}
	if f.input != "null" {
		return nil, usagef("--input %s: the commands read /dev/null (--input null); to feed a file, use a shell: -S sh 'CMD < %s'", f.input, f.input)
	}
	if f.output != "null" {
		return nil, usagef("--output %s: the commands' output goes to /dev/null (--output null); to keep it, use a shell: -S sh 'CMD > FILE'", f.output)
	}
	format, err := reports.ReportFormats.Parse(f.format)
	if err != nil {
		return nil, usagef("%v", err)
	}
	if err := checkColor(f.color); err != nil {
		return nil, usagef("%v", err)
	}
	if f.timeUnit != "" && !slices.Contains(reports.HyperfineTimeUnits, f.timeUnit) {
		return nil, usagef("--time-unit must be one of %s, not %q", strings.Join(reports.HyperfineTimeUnits, ", "), f.timeUnit)
	}
	if err := checkOrder(f.order); err != nil {
		return nil, usagef("%v", err)
	}
	if err := checkExecOutputs(f); err != nil {
		return nil, err
	}
	if f.warmup < 0 {
		return nil, usagef("--warmup %d: the number of warm-up runs cannot be negative", f.warmup)
	}
	s := &execSpec{format: format}
	if s.shell, err = shellArgv(f); err != nil {
		return nil, err
	}
	if s.params, err = parseParams(fl, f); err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, usagef("no command given; for example: benchy exec 'sleep 0.01' 'sleep 0.02'")
	}
	for _, one := range []struct {
		flag string
		vals []string
		dst  *string
	}{{"--setup", f.setup, &s.setup}, {"--prepare", f.prepare, &s.prepare}, {"--conclude", f.conclude, &s.conclude}, {"--cleanup", f.cleanup, &s.cleanup}} {
		switch len(one.vals) {
		case 0:
			continue
		case 1:
		default:
			return nil, usagef("%s given %d times: benchy runs one %s command for all the commands", one.flag, len(one.vals), strings.TrimPrefix(one.flag, "--"))
		}
		if m := placeholderNames(one.vals[0]); m != nil {
			return nil, usagef("%s %q: {%s} cannot be used here, the command runs for all the commands and parameter values alike", one.flag, one.vals[0], m[0])
		}
		if _, err := commandWords(one.vals[0], one.flag, s.shell); err != nil {
			return nil, err
		}
		*one.dst = one.vals[0]
	}
	if len(f.names) > len(args) {
		return nil, usagef("%d --command-name values for %d commands", len(f.names), len(args))
	}
	for i, text := range args {
		c := &execCommand{text: text}
		if i < len(f.names) {
			c.name = f.names[i]
		}
		s.commands = append(s.commands, c)
	}
	if f.reference != "" {
		found := false
		for _, c := range s.commands {
			if c.text == f.reference {
				c.baseline, found = true, true
				break
			}
		}
		if !found {
			s.commands = append([]*execCommand{{text: f.reference, baseline: true}}, s.commands...)
		}
	} else {
		s.commands[0].baseline = true
	}
	known := map[string]bool{}
	for _, p := range s.params {
		known[p.name] = true
	}
	used := map[string]bool{}
	for i, c := range s.commands {
		what := fmt.Sprintf("command %d", i+1)
		if f.reference != "" && c.baseline {
			what = "--reference"
		}
		if _, err := commandWords(c.text, what, s.shell); err != nil {
			return nil, err
		}
		for _, name := range placeholderNames(c.text) {
			if !known[name] {
				return nil, usagef("%s %q: {%s} names no parameter; define it with -P %s MIN MAX or -L %s A,B (braces around anything but a bare name, such as '{ print }' or a shell's ${%s}, are kept as written)", what, c.text, name, name, name, name)
			}
			used[name] = true
		}
	}
	for _, p := range s.params {
		if !used[p.name] {
			return nil, usagef("%s %s: no command uses {%s}", p.flag, p.name, p.name)
		}
	}
	labelCommands(s.commands)
	if s.run, err = execRunSettings(fl, f, s); err != nil {
		return nil, err
	}
	s.timeout = f.timeout
	return s, nil
}

// checkExecOutputs checks, before anything runs, every file the one-liner
// writes: each --export-* and --save-suite by checkOutput's rule, a
// --save-suite file benchy exec did not write (checkSaveSuite) or a name
// that benchy run would not read back as the HCL suite it holds, and (checkDistinctOutputs) two of them that name one file or
// one that is a directory the run makes.
func checkExecOutputs(f execFlags) error {
	files := []namedPath{{"--save-suite", f.saveSuite}, {"--export-json", f.exportJSON}, {"--export-markdown", f.exportMarkdown}, {"--export-csv", f.exportCSV}}
	for _, e := range files[1:] {
		if err := checkOutput(e.flag, e.path, nil, f.out); err != nil {
			return usagef("%v", err)
		}
	}
	if p := f.saveSuite; p != "" {
		// A file that is there is looked at first: a FIFO or a suite
		// written by hand is refused whatever its name.
		if err := checkSaveSuite(p); err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".json"):
			// The loader's rule (suites.Loader.parseSource).
			return usagef("--save-suite %s: benchy exec writes the suite in HCL, and a suite file whose name ends in .json is read as JSON, so benchy run %s would refuse it; give a name such as %s", p, p, strings.TrimSuffix(strings.TrimSuffix(p, ".json"), ".benchy")+".benchy.hcl")
		case suites.IsStdin(p):
			return usagef("--save-suite %s: benchy run %s reads a suite from standard input, not from a file; give a file name such as %s", p, p, execSuiteName)
		}
		// The run's own files in --out's tree are refused as for an
		// export; and the suite is saved before the run makes any
		// directory, so its directory must exist now.
		for _, runDir := range []string{f.out, ""} {
			if err := checkOutput("--save-suite", p, nil, runDir); err != nil {
				return usagef("%v", err)
			}
		}
	}
	var dirs []namedPath
	if f.out != "" {
		suite := execSuiteName
		if f.saveSuite != "" {
			suite = f.saveSuite
		}
		dirs = []namedPath{
			{"the run directory --out", f.out},
			{"the suite directory under --out", filepath.Join(f.out, suiteDirName(results.Suite{Path: suite}.Name()))},
		}
	} else {
		dirs = []namedPath{
			{"the default --out folder", defaultOutBase},
			{"the link to the latest run", filepath.Join(defaultOutBase, latestLink)},
		}
	}
	if err := checkDistinctOutputs(files, dirs); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// shellArgv returns the argv that runs a command string, or nil to run
// commands directly.
func shellArgv(f execFlags) ([]string, error) {
	sh := strings.TrimSpace(f.shell)
	switch sh {
	case "none", "":
		return nil, nil
	case "default":
		sh = "sh"
	}
	if f.noShell {
		return nil, usagef("-N runs commands without a shell, and --shell %s names one; give one of them", f.shell)
	}
	words, err := shlex.Split(sh)
	if err != nil {
		return nil, usagef("--shell %q: %v", f.shell, err)
	}
	if len(words) == 0 {
		return nil, usagef("--shell is empty; give a shell such as bash, or none")
	}
	return append(words, "-c"), nil
}

// commandWords splits a command into its argv: with shell rules, or as
// shell -c TEXT when a shell is given.
func commandWords(text, what string, shell []string) ([]string, error) {
	if strings.TrimSpace(text) == "" {
		return nil, usagef("%s is empty", what)
	}
	if shell != nil {
		return append(append([]string(nil), shell...), text), nil
	}
	words, err := shlex.Split(text)
	if err != nil {
		return nil, usagef("%s %q: %v", what, text, unquoteErr(err))
	}
	if len(words) == 0 || words[0] == "" {
		return nil, usagef("%s %q has no program to run", what, text)
	}
	if word, kind := shellSyntax(text); word != "" {
		return nil, usagef("%s %q: %q is %s, and without a shell benchy exec passes it to the program as it is; run the command through a shell with -S sh (the shell's start-up is then measured), or put the word in single quotes to pass it literally", what, text, word, kind)
	}
	return words, nil
}

// How a rune of a command word was written: bare, in single or double
// quotes, or after a backslash.
const (
	runeBare = iota
	runeSingleQuoted
	runeDoubleQuoted
	runeEscaped
)

// quotedWord is a command word as shlex.Split gives it, with how each of
// its runes was written.
type quotedWord struct {
	runes []rune
	how   []int
}

// splitQuoted splits text into words as shlex.Split does, with the same
// states (a word that starts with # starts a comment up to the end of the
// line, and a backslash in double quotes escapes any rune), keeping how
// each rune was written. ok is false for text shlex.Split refuses (an
// unclosed quote, a trailing backslash).
func splitQuoted(text string) (words []quotedWord, ok bool) {
	const (
		start = iota
		inWord
		escaping
		escapingQuoted
		doubleQuoted
		singleQuoted
		comment
	)
	var w *quotedWord
	state := start
	add := func(r rune, how int) {
		w.runes = append(w.runes, r)
		w.how = append(w.how, how)
	}
	rs := []rune(text)
	for i := 0; i <= len(rs); i++ {
		end := i == len(rs)
		var r rune
		if !end {
			r = rs[i]
		}
		space := !end && strings.ContainsRune(" \t\r\n", r)
		switch state {
		case start:
			if end || space {
				continue
			}
			if r == '#' {
				state = comment
				continue
			}
			words = append(words, quotedWord{})
			w = &words[len(words)-1]
			switch r {
			case '"':
				state = doubleQuoted
			case '\'':
				state = singleQuoted
			case '\\':
				state = escaping
			default:
				add(r, runeBare)
				state = inWord
			}
		case inWord:
			switch {
			case end || space:
				state = start
			case r == '"':
				state = doubleQuoted
			case r == '\'':
				state = singleQuoted
			case r == '\\':
				state = escaping
			default:
				add(r, runeBare)
			}
		case escaping, escapingQuoted:
			if end {
				return nil, false
			}
			add(r, runeEscaped)
			if state == escaping {
				state = inWord
			} else {
				state = doubleQuoted
			}
		case doubleQuoted:
			switch {
			case end:
				return nil, false
			case r == '"':
				state = inWord
			case r == '\\':
				state = escapingQuoted
			default:
				add(r, runeDoubleQuoted)
			}
		case singleQuoted:
			switch {
			case end:
				return nil, false
			case r == '\'':
				state = inWord
			default:
				add(r, runeSingleQuoted)
			}
		case comment:
			if r == '\n' {
				state = start
			}
		}
	}
	return words, true
}

// expansionStart are the runes after a $ that make it a shell's
// parameter expansion: a name, ${, a positional or a special parameter.
const expansionStart = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789{?!$@*#"

// shellSyntax finds the first word of a command run without a shell that a
// shell would not pass on as it is, and says what it is (kind): one with
// an operator character outside quotes (| & ; < > ( ), so "&&", "2>&1" and
// "a;" alike), or one with a $ expansion ($NAME, ${NAME}, $1, $?, $(...))
// or a backquote outside single quotes (double quotes do not stop a shell
// expanding them). Quoted or escaped, each is a literal argument. word is
// "" when there is none.
func shellSyntax(text string) (word, kind string) {
	words, ok := splitQuoted(text)
	if !ok {
		return "", ""
	}
	for _, w := range words {
		for i, r := range w.runes {
			how := w.how[i]
			if how == runeBare {
				switch r {
				case '|':
					kind = "a shell pipe or list operator"
				case '&', ';':
					kind = "a shell list operator"
				case '<', '>':
					kind = "a shell redirection"
				case '(', ')':
					kind = "a shell subshell"
				}
			}
			if how == runeBare || how == runeDoubleQuoted {
				switch {
				case r == '`':
					kind = "a shell command substitution"
				case r == '$' && i+1 < len(w.runes) && w.how[i+1] == how && w.runes[i+1] == '(':
					kind = "a shell command substitution"
				case r == '$' && i+1 < len(w.runes) && w.how[i+1] == how && strings.ContainsRune(expansionStart, w.runes[i+1]):
					kind = "a shell expansion"
				}
			}
			if kind != "" {
				return string(w.runes), kind
			}
		}
	}
	return "", ""
}

// unquoteErr words shlex's errors for a command line.
func unquoteErr(err error) error {
	switch msg := err.Error(); {
	case strings.Contains(msg, "closing quote"):
		return errors.New("unbalanced quote (a quote is opened and never closed)")
	case strings.Contains(msg, "escape character"):
		return errors.New("ends in a backslash with nothing to escape")
	default:
		return err
	}
}

// parseParams expands -P and -L into their values.
func parseParams(fl *pflag.FlagSet, f execFlags) ([]*execParam, error) {
	if fl.Changed("parameter-step-size") && len(f.scans) == 0 {
		return nil, usagef("-D/--parameter-step-size is the step of -P NAME MIN MAX, and no -P is given")
	}
	var params []*execParam
	seen := map[string]bool{}
	add := func(p *execParam) error {
		if !paramName.MatchString(p.name) {
			return usagef("%s %q: a parameter name is letters, digits and _, starting with a letter or _", p.flag, p.name)
		}
		if seen[p.name] {
			return usagef("%s %s: parameter %s is defined twice", p.flag, p.name, p.name)
		}
		seen[p.name] = true
		params = append(params, p)
		return nil
	}
	for _, raw := range f.scans {
		v := strings.Split(raw, argSep)
		if len(v) != 3 {
			return nil, usagef("-P needs three values, NAME MIN MAX, as in -P threads 1 8")
		}
		vals, err := scanValues(v[0], v[1], v[2], f.step, fl.Changed("parameter-step-size"))
		if err != nil {
			return nil, err
		}
		if err := add(&execParam{name: v[0], values: vals, flag: "-P"}); err != nil {
			return nil, err
		}
	}
	for _, raw := range f.lists {
		v := strings.Split(raw, argSep)
		if len(v) != 2 {
			return nil, usagef("-L needs two values, NAME A,B,C, as in -L compiler gcc,clang")
		}
		vals := strings.Split(v[1], ",")
		dup := map[string]bool{}
		for _, x := range vals {
			if x == "" {
				return nil, usagef("-L %s %q: an empty value", v[0], v[1])
			}
			if dup[x] {
				return nil, usagef("-L %s %q: %q is listed twice", v[0], v[1], x)
			}
			dup[x] = true
		}
		if err := add(&execParam{name: v[0], values: vals, flag: "-L"}); err != nil {
			return nil, err
		}
	}
	return params, nil
}

var decimalNumber = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,9})?$`)

// maxScanValues bounds a parameter scan (each value is an arm).
const maxScanValues = 1000

// scanValues expands -P NAME MIN MAX [-D STEP] as hyperfine does: integer
// bounds and step give integers; decimal bounds need a step, and give
// values with as many decimals as the most precise of the three. The
// arithmetic is exact (scaled integers).
func scanValues(name, lo, hi, step string, stepGiven bool) ([]string, error) {
	if !stepGiven {
		step = "1"
	}
	for _, v := range []struct{ what, s string }{{"MIN", lo}, {"MAX", hi}, {"step (-D)", step}} {
		if !decimalNumber.MatchString(v.s) {
			return nil, usagef("-P %s %s %s: %s %q is not a number", name, lo, hi, v.what, v.s)
		}
	}
	decimals := 0
	for _, s := range []string{lo, hi, step} {
		if _, frac, ok := strings.Cut(s, "."); ok {
			decimals = max(decimals, len(frac))
		}
	}
	if decimals > 0 && !stepGiven {
		return nil, usagef("-P %s %s %s: decimal bounds need a step, as in -D 0.1", name, lo, hi)
	}
	a, b, d := scaled(lo, decimals), scaled(hi, decimals), scaled(step, decimals)
	switch {
	case d <= 0:
		return nil, usagef("-D %s: the step must be greater than 0", step)
	case a > b:
		return nil, usagef("-P %s %s %s: MIN (%s) is greater than MAX (%s)", name, lo, hi, lo, hi)
	case (b-a)/d+1 > maxScanValues:
		return nil, usagef("-P %s %s %s: %d values; at most %d (each one is an arm)", name, lo, hi, (b-a)/d+1, maxScanValues)
	}
	var out []string
	for v := a; v <= b; v += d {
		out = append(out, unscaled(v, decimals))
	}
	return out, nil
}

// scaled is the decimal s times 10^decimals, as an integer.
func scaled(s string, decimals int) int64 {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	frac += strings.Repeat("0", decimals-len(frac))
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	if neg {
		return -n
	}
	return n
}

func unscaled(v int64, decimals int) string {
	if decimals == 0 {
		return strconv.FormatInt(v, 10)
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := fmt.Sprintf("%0*d", decimals+1, v)
	return sign + s[:len(s)-decimals] + "." + s[len(s)-decimals:]
}

// execRunSettings turns the block flags into run block attributes.
func execRunSettings(fl *pflag.FlagSet, f execFlags, s *execSpec) ([][2]string, error) {
	minB, maxB, err := blockRange(fl, f.blocks, f.minBlocks, f.maxBlocks, usagef)
	if err != nil {
		return nil, err
	}
	// One limit alone moves the other default out of its way.
	switch {
	case minB > 0 && maxB == 0 && minB > suites.DefaultRun.MaxBlocks:
		maxB = minB
	case maxB > 0 && minB == 0 && maxB < suites.DefaultRun.MinBlocks:
		minB = maxB
	}
	var run [][2]string
	num := func(k string, v int64) { run = append(run, [2]string{k, strconv.FormatInt(v, 10)}) }
	if minB > 0 {
		num("min_blocks", int64(minB))
	}
	if maxB > 0 {
		num("max_blocks", int64(maxB))
	}
	ciSeed, err := targetCISeed(fl, f.targetCI, f.seed, usagef)
	if err != nil {
		return nil, err
	}
	run = append(run, ciSeed...)
	if f.order != "" {
		run = append(run, [2]string{"order", hclString(f.order)})
	}
	perRun := s.prepare != "" || s.conclude != ""
	if perRun {
		num("iterations", 1)
	}
	switch {
	case fl.Changed("warmup"):
		num("warmup_iterations", int64(f.warmup))
	case perRun:
		num("warmup_iterations", 0)
	}
	return run, nil
}

// targetCISeed turns a one-liner's --target-ci and --seed (when given)
// into run block attributes; usage makes the one-liner's usage errors.
func targetCISeed(fl *pflag.FlagSet, targetCI string, seed int64, usage func(string, ...any) error) ([][2]string, error) {
	var run [][2]string
	if targetCI != "" {
		v, err := parseFraction(targetCI)
		if err != nil {
			return nil, usage("--target-ci %q: %v", targetCI, err)
		}
		run = append(run, [2]string{"target_ci_half_width", strconv.FormatFloat(v, 'g', -1, 64)})
	}
	if fl.Changed("seed") {
		run = append(run, [2]string{"seed", strconv.FormatInt(seed, 10)})
	}
	return run, nil
}

// parseFraction reads "2%" or "0.02".
func parseFraction(s string) (float64, error) {
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return 0, errors.New(`not a number; give a percentage ("2%") or a fraction (0.02)`)
	}
	if pct {
		v /= 100
	}
	if v < 0 || v >= 1 {
		return 0, errors.New(`the half-width must be at least 0 and below 100% ("2%" or 0.02)`)
	}
	return v, nil
}

var unsafeLabelRune = regexp.MustCompile(`[^A-Za-z0-9._:,+@%-]+`)

// labelCommands gives every command an arm label: its --command-name or
// its words (the program's base name first, other words' placeholders left
// out), made safe for instance and benchmark names, and unique.
func labelCommands(cmds []*execCommand) {
	seen := map[string]int{}
	for _, c := range cmds {
		var words []string
		if c.name != "" {
			words = strings.Fields(c.name)
		} else {
			text := secrets.RedactText(c.text) // a label is recorded as it is
			all, err := shlex.Split(text)
			if err != nil {
				all = strings.Fields(text)
			}
			for i, w := range all {
				if i == 0 {
					w = filepath.Base(placeholder.ReplaceAllString(w, "$1"))
				} else {
					w = stripPlaceholders(w)
				}
				words = append(words, w)
			}
		}
		var parts []string
		for _, w := range words {
			w = strings.Trim(unsafeLabelRune.ReplaceAllString(w, "_"), "_")
			if strings.Trim(w, "-") != "" {
				parts = append(parts, w)
			}
		}
		label := strings.Join(parts, "_")
		if len(label) > 40 {
			label = strings.TrimRight(label[:40], "_")
		}
		if label == "" {
			label = "cmd"
		}
		if trailingDash.MatchString(label) {
			label += "_"
		}
		seen[label]++
		if n := seen[label]; n > 1 {
			label = fmt.Sprintf("%s_%d", label, n)
		}
		c.label = label
	}
}

var trailingDash = regexp.MustCompile(`-[0-9]*$`)

// hclString is s as an HCL quoted string, with ${ and %{ escaped.
func hclString(s string) string {
	return string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes())
}

// hclTemplate is a command word as an HCL string in which each {NAME}
// becomes ${matrix.NAME}.
func hclTemplate(word string) string {
	var b strings.Builder
	b.WriteByte('"')
	last := 0
	for _, m := range placeholders(word) {
		lit := hclString(word[last:m[0]])
		b.WriteString(lit[1 : len(lit)-1])
		b.WriteString("${matrix." + word[m[2]:m[3]] + "}")
		last = m[1]
	}
	lit := hclString(word[last:])
	b.WriteString(lit[1 : len(lit)-1])
	b.WriteByte('"')
	return b.String()
}

// hclList is words as an HCL list of strings (templates, with {NAME} as
// ${matrix.NAME}, when template is set). A credential in a word (by
// secrets.RedactText's rules) becomes a sensitive variable that sec
// declares, so that the run records (sensitive) in its place; sec nil
// keeps the words as they are.
func hclList(words []string, template bool, sec *execSecrets) string {
	parts := make([]string, len(words))
	lit := func(w string) string {
		q := hclString(w)
		if template {
			q = hclTemplate(w)
		}
		return q[1 : len(q)-1]
	}
	for i, w := range words {
		pre, secret, post := sec.split(w)
		if secret == "" {
			parts[i] = `"` + lit(w) + `"`
			continue
		}
		parts[i] = `"` + lit(pre) + "${var." + sec.name(secret) + "}" + lit(post) + `"`
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// execSecrets are the credentials found in a one-liner's commands, each
// the default of a sensitive variable of the generated suite.
type execSecrets struct {
	values []string
}

// split cuts w around the part secrets.RedactText would replace: secret
// is "" when w holds no credential (or sec is nil).
func (sec *execSecrets) split(w string) (pre, secret, post string) {
	red := secrets.RedactText(w)
	if sec == nil || red == w {
		return w, "", ""
	}
	p := 0
	for p < len(w) && p < len(red) && w[p] == red[p] {
		p++
	}
	q := 0
	for q < len(w)-p && q < len(red)-p && w[len(w)-1-q] == red[len(red)-1-q] {
		q++
	}
	return w[:p], w[p : len(w)-q], w[len(w)-q:]
}

// name is the variable that holds secret.
func (sec *execSecrets) name(secret string) string {
	i := slices.Index(sec.values, secret)
	if i < 0 {
		sec.values = append(sec.values, secret)
		i = len(sec.values) - 1
	}
	return fmt.Sprintf("exec_secret_%d", i+1)
}

// declare writes the variable blocks.
func (sec *execSecrets) declare(b *strings.Builder) {
	for i, v := range sec.values {
		fmt.Fprintf(b, "variable \"exec_secret_%d\" {\ntype = string\ndefault = %s\nsensitive = true\n}\n\n", i+1, hclString(v))
	}
}

// execSuiteSource writes the one-liner as a suite in benchy fmt's form.
func execSuiteSource(s *execSpec) ([]byte, error) {
	var b strings.Builder
	b.WriteString(execSuiteHeader + " Relative paths in the commands resolve against\n# this file's directory; run it with: benchy run FILE --seed S\n\n")
	if len(s.run) > 0 {
		b.WriteString("run {\n")
		for _, kv := range s.run {
			fmt.Fprintf(&b, "%s = %s\n", kv[0], kv[1])
		}
		b.WriteString("}\n\n")
	}
	head := b.String()
	b.Reset()
	sec := &execSecrets{}
	fmt.Fprintf(&b, "workload %s {\n", hclString(execWorkload))
	desc := "commands timed as whole processes"
	if s.shell != nil {
		desc += ", each through " + strings.Join(s.shell, " ")
	}
	fmt.Fprintf(&b, "description = %s\n", hclString(desc))
	for _, c := range []struct{ attr, text string }{{"setup", s.setup}, {"prepare", s.prepare}, {"conclude", s.conclude}, {"cleanup", s.cleanup}} {
		if c.text == "" {
			continue
		}
		words, err := commandWords(c.text, "--"+c.attr, s.shell)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s = %s\n", c.attr, hclList(words, false, sec))
	}
	for _, c := range s.commands {
		fmt.Fprintf(&b, "\narm %s {\n", hclString(c.label))
		params := usedParams(s.params, c.text)
		if len(params) > 0 {
			b.WriteString("matrix {\n")
			for _, p := range params {
				fmt.Fprintf(&b, "%s = %s\n", p.name, hclList(p.values, false, nil))
			}
			b.WriteString("}\n")
		}
		if c.baseline {
			if len(params) == 0 {
				b.WriteString("baseline = true\n")
			} else {
				var cond []string
				for _, p := range params {
					cond = append(cond, fmt.Sprintf("matrix.%s == %s", p.name, hclString(p.values[0])))
				}
				fmt.Fprintf(&b, "baseline = %s\n", strings.Join(cond, " && "))
			}
		}
		if s.timeout != "" {
			fmt.Fprintf(&b, "timeout = %s\n", hclString(s.timeout))
		}
		words, err := commandWords(c.text, "command", s.shell)
		if err != nil {
			return nil, err
		}
		if c.baseline || len(params) > 0 || s.timeout != "" {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "exec {\ncommand = %s\nmeasure = %s\n}\n}\n", hclList(words, true, sec), hclString("wall"))
	}
	b.WriteString("}\n")
	var all strings.Builder
	all.WriteString(head)
	sec.declare(&all)
	all.WriteString(b.String())
	out, diags := suites.NewLoader(suites.Options{}).Format(execSuiteName, []byte(all.String()))
	if diags.HasErrors() {
		// The source is generated: a syntax error is benchy's own bug.
		return nil, withCode(exitEnvironment, fmt.Errorf("exec: the generated suite does not parse: %v", diags))
	}
	return out, nil
}

// usedParams are the parameters text refers to, in declaration order.
func usedParams(params []*execParam, text string) []*execParam {
	var out []*execParam
	for _, p := range params {
		if slices.Contains(placeholderNames(text), p.name) {
			out = append(out, p)
		}
	}
	return out
}

// execSuiteHeader starts every suite benchy exec writes; --save-suite
// replaces only a file that starts with it.
const execSuiteHeader = "# Written by benchy exec."

// checkSaveSuite refuses to replace a file benchy exec did not write: it
// may be a suite someone wrote by hand.
func checkSaveSuite(path string) error {
	b, err := readPrefix(path, len(execSuiteHeader))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return usagef("--save-suite %s: %v", path, err)
	case !bytes.HasPrefix(b, []byte(execSuiteHeader)):
		return usagef("--save-suite %s: the file exists and was not written by benchy exec; remove it or give another name", path)
	}
	return nil
}

// readPrefix reads up to n bytes from the start of the regular file at
// path; any other kind of file is an error at once, never a blocking read.
func readPrefix(path string, n int) ([]byte, error) {
	f, _, err := regularfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	m, err := io.ReadFull(f, b)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return b[:m], err
}

// execCommandLines maps every arm instance of the plan to the command line
// hyperfine would show for it: its --command-name, else its command with
// the parameter values in place.
func execCommandLines(plan *suites.Plan, s *execSpec) map[string]string {
	byLabel := map[string]*execCommand{}
	for _, c := range s.commands {
		byLabel[c.label] = c
	}
	out := map[string]string{}
	for _, w := range plan.Workloads {
		for _, a := range w.Arms {
			c, ok := byLabel[a.Label]
			if !ok {
				continue
			}
			text := secrets.RedactText(c.text)
			if c.name != "" {
				text = c.name
			}
			out[a.Name] = substitute(text, a.Axes)
		}
	}
	return out
}

// substitute puts the axis values in place of text's placeholders.
func substitute(text string, axes []suites.Axis) string {
	var b strings.Builder
	last := 0
	for _, m := range placeholders(text) {
		b.WriteString(text[last:m[0]])
		v := text[m[0]:m[1]]
		for _, ax := range axes {
			if ax.Name == text[m[2]:m[3]] {
				v = ax.Value
			}
		}
		b.WriteString(v)
		last = m[1]
	}
	return b.String() + text[last:]
}

func runExec(cmd *cobra.Command, f execFlags, args []string, stdout, stderr io.Writer) error {
	spec, err := parseExec(cmd.Flags(), f, args)
	if err != nil {
		return err
	}
	src, err := execSuiteSource(spec)
	if err != nil {
		return err
	}
	name := execSuiteName
	if f.saveSuite != "" {
		name = f.saveSuite // checked by parseExec (checkExecOutputs)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return withCode(exitEnvironment, err)
	}
	// The suite is checked before it is printed or saved: either is a
	// suite that benchy run would refuse otherwise. It is loaded under
	// its --save-suite name (which names the suite and its results
	// directory); checkExecOutputs refused a name read as JSON.
	l := newSuiteLoader(nil, nil)
	plan, diags := l.LoadSource(name, src, cwd)
	if diags.HasErrors() || plan == nil {
		for _, d := range diags {
			if d.Severity == hcl.DiagError {
				fmt.Fprintf(stderr, "benchy: exec: %s: %s\n", d.Summary, d.Detail)
			}
		}
		return withCode(exitUsage, errors.New("exec: the commands and flags give an invalid suite"))
	}
	if f.saveSuite != "" {
		if err := writeFileAtomic(f.saveSuite, src); err != nil {
			return withCode(exitEnvironment, fmt.Errorf("exec: --save-suite: %w", err))
		}
		fmt.Fprintf(stderr, "benchy: suite in %s (benchy run %s --seed S runs it again)\n", f.saveSuite, f.saveSuite)
	}
	if f.printSuite {
		_, err := stdout.Write(src)
		return err
	}
	if err := writeDiags(stderr, l.Files(), diags); err != nil {
		return withCode(exitEnvironment, err)
	}
	in := watchInterrupts(cmd.Context(), stderr)
	defer in.release()
	var exportErr error
	rf := runFlags{out: f.out, force: f.force, format: spec.format, color: f.color, finished: func(doc *results.Document) {
		exportErr = writeExecExports(stdout, doc, f, execCommandLines(plan, spec))
	}}
	// --seed is in the suite's run block, as the other flags are.
	runErr := runPlans(in, []*suites.Plan{plan}, rf, suites.Overrides{}, stdout, stderr)
	if exportErr != nil {
		return exportErr
	}
	return runErr
}

// writeExecExports writes the hyperfine-shaped exports of the run's
// results; an export to "-" goes to stdout, after the report.
func writeExecExports(stdout io.Writer, doc *results.Document, f execFlags, commands map[string]string) error {
	if f.exportJSON == "" && f.exportMarkdown == "" && f.exportCSV == "" {
		return nil
	}
	h := &reports.Hyperfine{Analysis: reports.Analyze(doc), Commands: commands, TimeUnit: f.timeUnit}
	var errs []error
	for _, e := range []struct {
		path   string
		format reports.Format
	}{{f.exportJSON, reports.JSON}, {f.exportMarkdown, reports.Markdown}, {f.exportCSV, reports.CSV}} {
		if e.path == "" {
			continue
		}
		var b strings.Builder
		if err := reports.Render(&b, h, e.format, reports.Options{}); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.path, err))
			continue
		}
		if e.path == "-" { // standard output, as for benchy report -o
			if _, err := io.WriteString(stdout, b.String()); err != nil {
				errs = append(errs, fmt.Errorf("standard output: %w", err))
			}
			continue
		}
		if err := writeFileAtomic(e.path, []byte(b.String())); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return withCode(exitEnvironment, fmt.Errorf("exec: exports: %w", err))
	}
	return nil
}
