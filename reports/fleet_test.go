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

// TestFleetMarkdownTruncated renders a fleet whose warnings alone pass
// GitHub's 1 MiB limit: the report is cut as a run report is, at the last
// line that leaves room for the fleet's note (no more than one warning's
// room is left unused), and then ends with that note.
func TestFleetMarkdownTruncated(t *testing.T) {
	const warning = "host-b ran another build of the suite's runner than host-a"
	d := &fleet.Document{Schema: fleet.Schema, Suite: fleet.SuiteRef{Path: "suite.benchy.hcl"}, Confidence: 0.95}
	for range 20000 {
		d.Warnings = append(d.Warnings, warning)
	}
	var b bytes.Buffer
	if err := Render(&b, d, Markdown, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if len(out) > maxMarkdownBytes {
		t.Fatalf("%d bytes, more than GitHub's %d", len(out), maxMarkdownBytes)
	}
	body, ok := strings.CutSuffix(out, fleetTruncatedNote)
	if !ok {
		t.Fatalf("the report does not end with the fleet's note:\n%s", out[max(0, len(out)-300):])
	}
	if !strings.HasSuffix(strings.TrimRight(body, "\n"), "> warning: "+warning) {
		t.Errorf("the cut is not at the end of a warning:\n%s", body[max(0, len(body)-300):])
	}
	if block := len("> warning: " + warning + "\n\n"); maxMarkdownBytes-len(out) >= block {
		t.Errorf("%d bytes left unused, room for another warning (%d bytes)", maxMarkdownBytes-len(out), block)
	}
}
