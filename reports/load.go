package reports

import (
	"fmt"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/reports/chart"
	"github.com/benchy-dev/benchy/results"
)

// loadNotes warns, in every report, when the host's load was high or
// changed a lot during a workload's measured blocks, or the CPU frequency
// moved (hw.AssessLoad's rule, docs/hardware.md "Load during a run").
func loadNotes(wa *WorkloadAnalysis) []string {
	if wa.Source == nil {
		return nil
	}
	var samples []results.LoadSample
	for _, b := range wa.Source.Blocks {
		if s, ok := b.LoadSample(); ok && b.Measured() {
			samples = append(samples, s)
		}
	}
	var notes []string
	for _, w := range hw.AssessLoad(samples).Warnings() {
		notes = append(notes, "warning: "+w)
	}
	return notes
}

// loadedBlock returns the block's load sample when the host was loaded at
// its end, for the timeline's mark.
func loadedBlock(b *results.Block) (results.LoadSample, bool) {
	s, ok := b.LoadSample()
	return s, ok && s.Loaded()
}

// loadMarks draws a bar along the top of the timeline over every block
// whose host load exceeded the CPU count, with the load as its tooltip, and
// reports whether it drew any.
func loadMarks(s *chart.SVG, w *results.Workload, xs chart.Scale, top float64) bool {
	drawn := false
	for _, b := range w.Blocks {
		l, ok := loadedBlock(b)
		if !ok {
			continue
		}
		x := xs.At(float64(b.Index) - 0.5)
		s.Open("loaded", fmt.Sprintf("block %d: host load %.2f on %d CPUs", b.Index, l.Load1, l.CPUs))
		s.Rect(x, top, xs.At(float64(b.Index)+0.5)-x, 5, "loaded")
		s.Close()
		drawn = true
	}
	return drawn
}
