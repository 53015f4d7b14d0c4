package csvstats

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	d, err := read(strings.NewReader("\ufeffBlock, Arm ,Value,extra\n10,a,1,x\n2,b,2,x\n2,a,3,\n10,b,4,\n10,b,6,y\n"), "", false)
	if err != nil {
		t.Fatal(err)
	}
	if d.binary || strings.Join(d.blocks, " ") != "2 10" || strings.Join(d.arms, " ") != "a b" {
		t.Fatalf("blocks %v arms %v", d.blocks, d.arms)
	}
	if fmt.Sprint(d.values) != "[[[3] [2]] [[1] [4 6]]]" || fmt.Sprint(d.lines[1][1]) != "[5 6]" {
		t.Fatalf("values %v lines %v", d.values, d.lines)
	}
	// Non-numeric block labels keep the file's order.
	d, err = read(strings.NewReader("block,arm,value\nmon,a,1\ntue,a,2\n10,a,3\n"), "", false)
	if err != nil || strings.Join(d.blocks, " ") != "mon tue 10" {
		t.Fatalf("%v %v", d, err)
	}
	// Both layouts in one header: the estimator decides.
	both := "block,stratum,arm,successes,trials,value\n1,s,a,1,2,3.5\n"
	if d, err := read(strings.NewReader(both), "", false); err != nil || d.binary {
		t.Fatalf("continuous wanted: %v", err)
	}
	if d, err := read(strings.NewReader(both), "", true); err != nil || !d.binary || d.records[0].Trials != 2 {
		t.Fatalf("binary wanted: %v", err)
	}
	for _, bad := range []struct{ in, code string }{
		{"block,arm,value\n1,a,x\n", "invalid_value"},
		{"block,arm,value\n1,a,NaN\n", "invalid_value"},
		{"block,arm,value\n,a,1\n", "bad_csv"},
		{"block,arm,value\n1,,1\n", "bad_csv"},
		{"block,arm,value,arm\n1,a,1,b\n", "bad_csv"},
		{"block,arm,value\n", "insufficient_blocks"},
		{"block,stratum,arm,successes,trials\n1,s,a,-1,2\n", "invalid_value"},
		{"block,stratum,arm,successes,trials\n1,s,a,1.5,2\n", "invalid_value"},
		{"block,arm,successes,trials\n1,a,1,2\n", "missing_column"},
		{"block,arm,value\n\"1,a,1\n", "bad_csv"},
		// Only plain decimal numbers: not Go's literal forms (#14.17).
		{"block,arm,value\n1,a,1_000\n", "invalid_value"},
		{"block,arm,value\n1,a,0x1p3\n", "invalid_value"},
		{"block,arm,value\n1,a,0b101\n", "invalid_value"},
		{"block,arm,value\n1,a,Inf\n", "invalid_value"},
		{"block,arm,value\n1,a,-infinity\n", "invalid_value"},
		{"block,arm,value\n1,a,1e400\n", "invalid_value"},
		{"block,arm,value\n1,a,1e\n", "invalid_value"},
		{"block,arm,value\n1,a,.\n", "invalid_value"},
		{"block,stratum,arm,successes,trials\n1,s,a,1_0,20\n", "invalid_value"},
		{"block,stratum,arm,successes,trials\n1,s,a,1,0x10\n", "invalid_value"},
	} {
		_, err := read(strings.NewReader(bad.in), "", false)
		if errCode(err) != bad.code {
			t.Errorf("%q: %v, want %s", bad.in, err, bad.code)
		}
	}
	if n, err := parseCount("7.0"); err != nil || n != 7 {
		t.Errorf("parseCount(7.0) = %d, %v", n, err)
	}
	for in, want := range map[string]float64{"12": 12, "-3.5": -3.5, "+.5": 0.5, "1.": 1, "1e5": 1e5, "2.5E-3": 2.5e-3, "1.7e308": 1.7e308} {
		if got, err := parseNumber(in); err != nil || got != want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// Hex-looking block labels are labels, not numbers: file order.
	d, err = read(strings.NewReader("block,arm,value\n0x10,a,1\n0x2,a,2\n"), "", false)
	if err != nil || strings.Join(d.blocks, " ") != "0x10 0x2" {
		t.Fatalf("hex labels: %v %v", d, err)
	}
	// A byte order mark before a quoted header, as R's write.csv(fileEncoding
	// = "UTF-8-BOM") writes it (#14.17).
	d, err = read(strings.NewReader("\ufeff\"\",\"block\",\"arm\",\"value\"\n\"1\",\"1\",\"a\",2.5\n"), "", false)
	if err != nil || strings.Join(d.arms, " ") != "a" || d.values[0][0][0] != 2.5 {
		t.Fatalf("BOM and quoted header: %v %v", d, err)
	}
}

// FuzzRead checks that the reader never panics and that whatever
// it accepts is well formed: every value finite, every count consistent,
// every index in range, and every error coded.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("../cmd/benchy/testdata/analyze/*.csv")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "", false)
	}
	f.Add([]byte("block,host,arm,value\n1,h,a,1\n1,h,b,2\n"), "host", false)
	f.Add([]byte("block,stratum,arm,successes,trials,value\n1,s,a,1,2,3\n"), "", true)
	f.Fuzz(func(t *testing.T, data []byte, groupColumn string, binary bool) {
		d, err := read(bytes.NewReader(data), groupColumn, binary)
		if err != nil {
			if code := errCode(err); code == "" || strings.ContainsAny(code, " \n") || err.Error() == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if len(d.blocks) == 0 || len(d.arms) == 0 {
			t.Fatalf("accepted a file without data: %+v", d)
		}
		if groupColumn != "" && len(d.group) != len(d.blocks) {
			t.Fatalf("%d groups for %d blocks", len(d.group), len(d.blocks))
		}
		if d.binary {
			for _, r := range d.records {
				if r.Block < 0 || r.Block >= len(d.blocks) || r.Arm < 0 || r.Arm >= len(d.arms) || r.Successes < 0 || r.Successes > r.Trials {
					t.Fatalf("bad record %+v", r)
				}
			}
			return
		}
		if len(d.values) != len(d.blocks) {
			t.Fatalf("%d value rows for %d blocks", len(d.values), len(d.blocks))
		}
		for _, row := range d.values {
			if len(row) != len(d.arms) {
				t.Fatalf("row of %d for %d arms", len(row), len(d.arms))
			}
			for _, vs := range row {
				for _, v := range vs {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("accepted %v", v)
					}
				}
			}
		}
	})
}

// errCode returns the code of an *Error, or "".
func errCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
