package suites

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/runners"
)

// Options are the inputs of a load besides the suite file itself.
type Options struct {
	// Vars are --var NAME=VALUE arguments in command-line order.
	Vars []string
	// VarFiles are --var-file paths in command-line order.
	VarFiles []string
	// Env is the environment as KEY=VALUE entries. Only BENCHY_VAR_<name>
	// entries for declared variables are read; nil means none.
	Env []string
	// Version is benchy's version, checked against
	// benchy { required_version }; empty skips the check.
	Version string
	// Cwd is path.cwd, and the directory of built-in suites; empty means
	// the process's working directory.
	Cwd string
	// CheckFiles runs each runner's Check on every arm instance, so that
	// files an arm names (an ONNX model) are checked before anything runs.
	CheckFiles bool
}

// Loader loads suites. It keeps every file it parsed, so that diagnostics
// can be printed with source snippets (see Files). A Loader is not safe for
// concurrent use.
type Loader struct {
	opts   Options
	parser *hclparse.Parser
	// extra holds files that are not parsed by parser (sanitised copies of
	// files that are not valid UTF-8, built-in names).
	extra map[string]*hcl.File
	// stdin holds standard input once read, as it can be read only once.
	stdin    []byte
	stdinErr error
	stdinOK  bool
}

// readSource reads a suite or variable file with ReadSource, reading
// standard input at most once.
func (l *Loader) readSource(path string) ([]byte, error) {
	if !IsStdin(path) {
		return ReadSource(path)
	}
	if !l.stdinOK {
		l.stdin, l.stdinErr = ReadSource(path)
		l.stdinOK = true
	}
	return l.stdin, l.stdinErr
}

// NewLoader returns a loader that applies opts to every suite it loads.
func NewLoader(opts Options) *Loader {
	return &Loader{opts: opts, parser: hclparse.NewParser(), extra: map[string]*hcl.File{}}
}

// Files returns every file read so far by name, for WriteDiagnostics.
func (l *Loader) Files() map[string]*hcl.File {
	out := map[string]*hcl.File{}
	for k, v := range l.parser.Files() {
		out[k] = v
	}
	for k, v := range l.extra {
		out[k] = v
	}
	return out
}

// Load loads a suite named on the command line: a file path, "-" for
// standard input, a built-in suite's name, or "builtin:NAME".
func (l *Loader) Load(arg string) (*Plan, hcl.Diagnostics) {
	if IsStdin(arg) {
		return l.LoadFile(arg)
	}
	if name, ok := strings.CutPrefix(arg, "builtin:"); ok {
		return l.LoadBuiltin(name)
	}
	if st, err := os.Stat(arg); err == nil && !st.IsDir() {
		return l.LoadFile(arg)
	}
	if _, ok := builtinSource(arg); ok {
		return l.LoadBuiltin(arg)
	}
	if strings.ContainsAny(arg, `/\`) || strings.Contains(arg, ".") {
		return l.LoadFile(arg)
	}
	return nil, hcl.Diagnostics{errorf(nil, "Unknown suite",
		"%q is neither a suite file nor a built-in suite.%s The built-in suites are: %s.",
		arg, runners.Suggest(arg, Builtins()), strings.Join(Builtins(), ", "))}
}

// LoadFile loads the suite file at path (see ReadSource). Relative paths in
// the suite resolve against its directory; a suite read from standard input
// (see IsStdin) has no directory of its own, so its paths resolve against
// the current directory (Options.Cwd), and it is named "stdin".
func (l *Loader) LoadFile(path string) (*Plan, hcl.Diagnostics) {
	src, err := l.readSource(path)
	if err != nil {
		return nil, hcl.Diagnostics{errorf(nil, "Cannot read suite file", "%v.", err)}
	}
	if IsStdin(path) {
		dir, err := l.cwd()
		if err != nil {
			return nil, hcl.Diagnostics{errorf(nil, "Cannot resolve the current directory", "%v.", err)}
		}
		return l.load(path, path, src, dir, "stdin")
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, hcl.Diagnostics{errorf(nil, "Cannot resolve suite directory", "%v.", err)}
	}
	return l.load(path, path, src, dir, results.Suite{Path: path}.Name())
}

// LoadBuiltin loads the built-in suite name. Its directory is the current
// directory (Options.Cwd).
func (l *Loader) LoadBuiltin(name string) (*Plan, hcl.Diagnostics) {
	src, ok := builtinSource(name)
	if !ok {
		return nil, hcl.Diagnostics{errorf(nil, "Unknown built-in suite",
			"There is no built-in suite named %q.%s The built-in suites are: %s.",
			name, runners.Suggest(name, Builtins()), strings.Join(Builtins(), ", "))}
	}
	dir, err := l.cwd()
	if err != nil {
		return nil, hcl.Diagnostics{errorf(nil, "Cannot resolve the current directory", "%v.", err)}
	}
	return l.load("builtin:"+name, "builtin:"+name, src, dir, name)
}

// LoadSource loads a suite from memory. filename names it in diagnostics
// (its extension selects JSON or native syntax) and dir is the directory
// its relative paths resolve against.
func (l *Loader) LoadSource(filename string, src []byte, dir string) (*Plan, hcl.Diagnostics) {
	return l.load(filename, filename, src, dir, results.Suite{Path: filename}.Name())
}

func (l *Loader) cwd() (string, error) {
	if l.opts.Cwd != "" {
		return filepath.Abs(l.opts.Cwd)
	}
	return os.Getwd()
}

// load is the state of one suite load.
type load struct {
	l        *Loader
	filename string
	dir      string
	cwd      string
	file     *hcl.File
	diags    diagSet
	attrs    map[rangeKey]string

	vars      []*variable
	varIndex  map[string]*variable
	localDefs map[string]*hcl.Attribute
	locals    map[string]cty.Value
	ctx       *hcl.EvalContext
	// varObj is the var object of every evaluation context, built once
	// the variables are resolved.
	varObj cty.Value
	// funcs are the functions, limited to this load's budget.
	funcs map[string]function.Function
	// armInstances counts the arm instances expanded so far.
	armInstances int
	// axisDefs are the axes of every matrix block, for diagRedactor.
	axisDefs []*hcl.Attribute
}

func (l *Loader) load(pathLabel, filename string, src []byte, dir, name string) (*Plan, hcl.Diagnostics) {
	if len(src) > MaxSourceBytes {
		return nil, hcl.Diagnostics{errorf(nil, "Suite too large", "%v.", tooLarge(filename, int64(len(src))))}
	}
	ld := &load{l: l, filename: filename, dir: dir, varIndex: map[string]*variable{}, localDefs: map[string]*hcl.Attribute{},
		funcs: limitedFunctions(&budget{})}
	if cwd, err := l.cwd(); err == nil {
		ld.cwd = cwd
	}
	sum := sha256.Sum256(src)
	plan := &Plan{
		Name:   name,
		Path:   pathLabel,
		Dir:    dir,
		Source: append([]byte(nil), src...),
		SHA256: hex.EncodeToString(sum[:]),
	}
	if !ld.parse(src) {
		return nil, ld.diags.list
	}
	ld.attrs = attrIndex(ld.file.Body)

	content, diags := ld.file.Body.Content(rootSchema)
	ld.diags.add(diags...)

	if !ld.checkRequiredVersion(content) {
		return nil, ld.diags.list
	}
	ld.decodeVariables(content)
	ld.resolveVariables()
	ld.decodeLocals(content)
	ld.buildContext()
	plan.Variables = ld.planVariables()
	plan.Run = ld.suiteRun(content)
	plan.Workloads = ld.workloads(content, plan.Run)
	ld.checkSomethingToRun(content, plan.Workloads)
	ld.checkHiddenNames(plan, content)

	polish(ld.diags.list, ld.attrs)
	addHints(ld.diags.list)
	ld.newDiagRedactor().redact(ld.diags.list)
	for _, d := range ld.diags.list {
		if d.Severity == hcl.DiagWarning {
			plan.Warnings = append(plan.Warnings, diagString(d))
		}
	}
	if ld.diags.hasErrors() {
		return nil, ld.diags.list
	}
	return plan, ld.diags.list
}

// checkSomethingToRun reports a suite that would run nothing: one without
// a workload block (an empty file, or one that is all comment), or one
// whose workload matrices exclude every instance. Running it would
// "complete" and compare nothing, and a CI gate on it would always pass.
func (ld *load) checkSomethingToRun(content *hcl.BodyContent, workloads []*Workload) {
	if len(workloads) > 0 || ld.diags.hasErrors() {
		return
	}
	blocks := content.Blocks.OfType("workload")
	if len(blocks) == 0 {
		start := hcl.Range{Filename: ld.filename, Start: hcl.InitialPos, End: hcl.InitialPos}
		ld.diags.add(errorf(&start, "No workload",
			"The suite declares no workload block, so there is nothing to run or compare. Add one, such as:\n\n  workload \"name\" {\n    arm \"base\" {\n      baseline = true\n      exec {\n        command = [\"true\"]\n      }\n    }\n  }"))
		return
	}
	ld.diags.add(errorf(blocks[0].DefRange.Ptr(), "No workload instance",
		"Every instance of every workload is excluded, so there is nothing to run or compare. Loosen the exclude entries."))
}

// diagString is a one-line form of a diagnostic:
// "file:line:column: summary: detail".
func diagString(d *hcl.Diagnostic) string {
	var b strings.Builder
	if d.Subject != nil {
		fmt.Fprintf(&b, "%s:%d:%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
	}
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString(": ")
		b.WriteString(d.Detail)
	}
	return b.String()
}

// parse parses the suite; it reports false when nothing more can be done.
// A file that is not UTF-8 gets one diagnostic at its first bad byte (hcl
// would report every bad byte and then a cascade of syntax errors), shown
// with a sanitised copy of the line.
func (ld *load) parse(src []byte) bool {
	if !utf8.Valid(src) {
		off := firstInvalidUTF8(src)
		line := 1 + strings.Count(string(src[:off]), "\n")
		col := 1 + utf8.RuneCount(src[strings.LastIndexByte(string(src[:off]), '\n')+1:off])
		pos := hcl.Pos{Line: line, Column: col, Byte: off}
		ld.l.extra[ld.filename] = &hcl.File{Bytes: []byte(strings.ToValidUTF8(string(src), "\uFFFD"))}
		ld.diags.add(errorf(&hcl.Range{Filename: ld.filename, Start: pos, End: hcl.Pos{Line: line, Column: col + 1, Byte: off + 1}},
			"Invalid character encoding",
			"Suite files must be UTF-8 encoded; byte 0x%02x at line %d, column %d is not valid UTF-8. Save the file as UTF-8 in your editor.",
			src[off], line, col))
		return false
	}
	f, diags := ld.l.parseSource(ld.filename, src)
	ld.diags.add(diags...)
	if diags.HasErrors() || f == nil {
		// Decoding a file with syntax errors gives confusing follow-on
		// errors; stop here, as Nomad and Packer do.
		return false
	}
	ld.file = f
	return true
}

// parseSource parses a suite or variable file, as JSON when its name ends
// in .json. Lone CRs are read as line ends first (see normalizeNewlines),
// and a file nested too deeply is refused unparsed (see checkNesting).
func (l *Loader) parseSource(filename string, src []byte) (*hcl.File, hcl.Diagnostics) {
	src = normalizeNewlines(src)
	if d := checkNesting(filename, src); d != nil {
		// The snippet needs the file.
		l.extra[filename] = &hcl.File{Bytes: src}
		return nil, hcl.Diagnostics{d}
	}
	if strings.HasSuffix(filename, ".json") {
		return l.parser.ParseJSON(src, filename)
	}
	f, diags := l.parser.ParseHCL(src, filename)
	if f != nil {
		l.limitForExpressions(f.Body)
	}
	return f, diags
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// rootSchema is the top level of a suite file.
var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "benchy"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "run"},
		{Type: "workload", LabelNames: []string{"name"}},
	},
}

// single returns the first block of a type that may appear at most once,
// reporting the others.
func (ld *load) single(blocks hcl.Blocks, what string) *hcl.Block {
	if len(blocks) == 0 {
		return nil
	}
	for _, b := range blocks[1:] {
		ld.diags.add(errorf(b.DefRange.Ptr(), fmt.Sprintf("Duplicate %s block", b.Type),
			"Only one %s block is allowed %s. The first one is at %s.", b.Type, what, blocks[0].DefRange))
	}
	return blocks[0]
}
