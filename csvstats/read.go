package csvstats

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/benchy-dev/benchy/stats"
)

// data is a parsed CSV.
type data struct {
	binary bool
	// arms in order of first appearance; blocks in analysis order.
	arms   []string
	blocks []string
	// values[block][arm] are the continuous measurements, with the CSV line
	// of each.
	values [][][]float64
	lines  [][][]int
	// records are the binary observations, with Block and Arm as indices
	// into blocks and arms.
	records []stats.BinaryRecord
	// group is each block's --group-column value.
	group []string
}

// The columns of the two input layouts.
var (
	continuousColumns = []string{"block", "arm", "value"}
	binaryColumns     = []string{"block", "stratum", "arm", "successes", "trials"}
)

// header is the parsed header line: the column of each name, and of the
// --group-column (-1 without one).
type header struct {
	names []string
	col   map[string]int
	gcol  int
}

// read parses the input of benchy analyze. wantBinary decides between the
// two layouts when the header holds both value and counts.
func read(r io.Reader, groupColumn string, wantBinary bool) (*data, error) {
	// A byte order mark goes before the CSV reader sees it, so that a quoted
	// first field (R's write.csv with fileEncoding = "UTF-8-BOM") parses.
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	d := &data{}
	h, err := readHeader(cr, d, groupColumn, wantBinary)
	if err != nil {
		return nil, err
	}
	rows, err := readRows(cr, d, h, groupColumn)
	if err != nil {
		return nil, err
	}
	rows.order(d)
	return d, nil
}

// readHeader reads the header line and decides the layout (d.binary).
func readHeader(cr *csv.Reader, d *data, groupColumn string, wantBinary bool) (*header, error) {
	names, err := cr.Read()
	if err == io.EOF {
		return nil, Errorf("bad_csv", "the file is empty; it needs a header line (block,arm,value or block,stratum,arm,successes,trials)")
	}
	if err != nil {
		return nil, Errorf("bad_csv", "%v", csvErr(err))
	}
	h := &header{names: names, col: map[string]int{}, gcol: -1}
	for i, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if _, dup := h.col[n]; dup && n != "" {
			return nil, Errorf("bad_csv", "the header names column %q twice", n)
		}
		h.col[n] = i
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := h.col[n]; !ok {
				return false
			}
		}
		return true
	}
	all := strings.Join(names, ",")
	switch {
	case has("successes", "trials") && (wantBinary || !has("value")):
		d.binary = true
		if !has(binaryColumns...) {
			return nil, Errorf("missing_column", "binary data needs the columns %s; the header has %s", strings.Join(binaryColumns, ","), all)
		}
	case has("value"):
		if !has(continuousColumns...) {
			return nil, Errorf("missing_column", "continuous data needs the columns %s; the header has %s", strings.Join(continuousColumns, ","), all)
		}
	default:
		return nil, Errorf("missing_column", "need the columns block,arm,value (continuous data) or block,stratum,arm,successes,trials (binary data); the header has %s", all)
	}
	if groupColumn != "" {
		i, ok := h.col[strings.ToLower(strings.TrimSpace(groupColumn))]
		if !ok {
			return nil, Errorf("missing_column", "--group-column %q is not a column of the header (%s)", groupColumn, all)
		}
		h.gcol = i
	}
	return h, nil
}

// cell is a block and an arm, by first appearance.
type cell struct{ b, a int }

// rows are the data rows, blocks numbered by first appearance.
type rows struct {
	blocks    []string // first appearance
	groups    []string // each block's group
	groupLine []int    // the line that set it
	vals      map[cell][]float64
	lines     map[cell][]int
	recs      []stats.BinaryRecord
	blockIdx  map[string]int
	armIdx    map[string]int
}

// readRows reads the data rows after the header.
func readRows(cr *csv.Reader, d *data, h *header, groupColumn string) (*rows, error) {
	rs := &rows{vals: map[cell][]float64{}, lines: map[cell][]int{}, blockIdx: map[string]int{}, armIdx: map[string]int{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, Errorf("bad_csv", "%v", csvErr(err))
		}
		line, _ := cr.FieldPos(0)
		if err := rs.add(d, h, rec, line, groupColumn); err != nil {
			return nil, err
		}
	}
	if len(rs.blocks) == 0 {
		return nil, Errorf("insufficient_blocks", "the file has a header but no data rows")
	}
	return rs, nil
}

// add reads one data row, on line.
func (rs *rows) add(d *data, h *header, rec []string, line int, groupColumn string) error {
	field := func(name string) string { return strings.TrimSpace(rec[h.col[name]]) }
	block, arm := field("block"), field("arm")
	if block == "" {
		return Errorf("bad_csv", "line %d: the block column is empty", line)
	}
	if arm == "" {
		return Errorf("bad_csv", "line %d: the arm column is empty", line)
	}
	b, ok := rs.blockIdx[block]
	if !ok {
		b = len(rs.blocks)
		rs.blockIdx[block] = b
		rs.blocks = append(rs.blocks, block)
		if h.gcol >= 0 {
			rs.groups = append(rs.groups, strings.TrimSpace(rec[h.gcol]))
			rs.groupLine = append(rs.groupLine, line)
		}
	}
	if h.gcol >= 0 {
		g := strings.TrimSpace(rec[h.gcol])
		if g == "" {
			return Errorf("bad_groups", "line %d: block %q has an empty %s", line, block, groupColumn)
		}
		if g != rs.groups[b] {
			return Errorf("bad_groups", "block %q is in %s %q on line %d and %q on line %d; a block must belong to one group", block, groupColumn, rs.groups[b], rs.groupLine[b], g, line)
		}
	}
	a, ok := rs.armIdx[arm]
	if !ok {
		a = len(d.arms)
		rs.armIdx[arm] = a
		d.arms = append(d.arms, arm)
	}
	if d.binary {
		s, err := parseCount(field("successes"))
		if err != nil {
			return Errorf("invalid_value", "line %d (block %q, arm %q): successes %v", line, block, arm, err)
		}
		n, err := parseCount(field("trials"))
		if err != nil {
			return Errorf("invalid_value", "line %d (block %q, arm %q): trials %v", line, block, arm, err)
		}
		if s > n {
			return Errorf("invalid_value", "line %d (block %q, arm %q): %d successes out of %d trials", line, block, arm, s, n)
		}
		rs.recs = append(rs.recs, stats.BinaryRecord{Block: b, Stratum: field("stratum"), Arm: a, Successes: s, Trials: n})
		return nil
	}
	v, err := parseNumber(field("value"))
	if err != nil {
		return Errorf("invalid_value", "line %d (block %q, arm %q): value %v", line, block, arm, err)
	}
	k := cell{b, a}
	rs.vals[k] = append(rs.vals[k], v)
	rs.lines[k] = append(rs.lines[k], line)
	return nil
}

// order fills d's blocks, groups and values in analysis order: numeric
// when every block label is a number, else the order of first appearance.
func (rs *rows) order(d *data) {
	order := make([]int, len(rs.blocks)) // order[i] = first-appearance index of the i-th block
	num := make([]float64, len(rs.blocks))
	numeric := true
	for i, l := range rs.blocks {
		order[i] = i
		x, err := parseNumber(l)
		if err != nil {
			numeric = false
		}
		num[i] = x
	}
	if numeric {
		sort.SliceStable(order, func(i, j int) bool { return num[order[i]] < num[order[j]] })
	}
	pos := make([]int, len(order)) // pos[first-appearance index] = analysis index
	for i, b := range order {
		pos[b] = i
		d.blocks = append(d.blocks, rs.blocks[b])
		if rs.groups != nil {
			d.group = append(d.group, rs.groups[b])
		}
	}
	if d.binary {
		for i := range rs.recs {
			rs.recs[i].Block = pos[rs.recs[i].Block]
		}
		d.records = rs.recs
		return
	}
	d.values = make([][][]float64, len(d.blocks))
	d.lines = make([][][]int, len(d.blocks))
	for i := range d.values {
		d.values[i] = make([][]float64, len(d.arms))
		d.lines[i] = make([][]int, len(d.arms))
	}
	for k, v := range rs.vals {
		d.values[pos[k.b]][k.a] = v
		d.lines[pos[k.b]][k.a] = rs.lines[k]
	}
}

// decimal is the number syntax of benchy analyze's CSV: an optional sign,
// decimal digits with an optional point, an optional exponent.
var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// parseNumber reads a finite number in plain decimal or scientific
// notation. Go's literal forms that strconv.ParseFloat also takes (1_000,
// 0x1p3, Inf, NaN) are refused, as is a number beyond the float64 range.
func parseNumber(s string) (float64, error) {
	if !decimal.MatchString(s) {
		switch strings.TrimLeft(strings.ToLower(s), "+-") {
		case "inf", "infinity", "nan":
			return 0, fmt.Errorf("%q is not a finite number", s)
		}
		return 0, fmt.Errorf("%q is not a number: want plain decimal notation such as 12, -3.5 or 1.2e-3", s)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is beyond the float64 range (about ±1.8e308)", s)
	}
	return x, nil
}

// parseCount reads a non-negative whole number ("3" or "3.0").
func parseCount(s string) (int, error) {
	x, err := parseNumber(s)
	if err != nil || x != math.Trunc(x) || x < 0 || x > 1<<53 {
		if err == nil && x < 0 {
			return 0, fmt.Errorf("%q is negative", s)
		}
		return 0, fmt.Errorf("%q is not a whole number >= 0", s)
	}
	return int(x), nil
}

// csvErr drops encoding/csv's "record on line N:" wording in favour of
// benchy's "line N:".
func csvErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v", pe.Line, pe.Err)
	}
	return err.Error()
}
