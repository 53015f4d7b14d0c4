package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/fleet"
)

// TestFleetTextEscapesRecordedText merges two runs whose suite path,
// workload and arm names carry terminal control sequences: the text
// rendering shows them as escapes and never writes a raw control byte.
func TestFleetTextEscapesRecordedText(t *testing.T) {
	const esc = "\x1b[31m"
	var inputs []fleet.Input
	for _, host := range []string{"host-a", "host-b"} {
		d := load(t, "cpu")
		d.Environment.Host = host
		d.Suite.Path = "suite" + esc + ".benchy.hcl"
		for _, w := range d.Workloads {
			w.Name += esc + "\a"
		}
		inputs = append(inputs, fleet.Input{Label: host + esc, Doc: d})
	}
	f, err := fleet.Merge(inputs, fleet.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Render(&b, f, Text, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, c := range out {
		if c < 0x20 && c != '\n' && c != '\t' {
			t.Fatalf("raw control character %q in the fleet text:\n%s", c, out)
		}
	}
	if !strings.Contains(out, `suite\x1b[31m.benchy.hcl`) {
		t.Errorf("the suite path is not shown escaped:\n%s", out)
	}
	if !strings.Contains(out, `\x1b[31m\a`) && !strings.Contains(out, `\x1b[31m\x07`) {
		t.Errorf("a workload name is not shown escaped:\n%s", out)
	}
}
