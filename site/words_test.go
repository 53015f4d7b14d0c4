package site

import (
	"testing"

	"github.com/benchy-dev/benchy/metric"
)

// TestChangeWords pins the change-point wording to the run reports'
// verdict rule for every metric kind and direction.
func TestChangeWords(t *testing.T) {
	for _, c := range []struct {
		rel          float64
		unit         string
		better       metric.Direction
		words, class string
	}{
		{0.12, "ns", "lower", "12.0% slower", "bad"},
		{-0.12, "ns", "", "12.0% faster", "good"},
		{0.12, "items/s", "higher", "12.0% better", "good"},
		{-0.12, "items/s", "higher", "12.0% worse", "bad"},
		{0.12, "bytes", "lower", "12.0% worse", "bad"},
		{-0.12, "bytes", "lower", "12.0% better", "good"},
		{0.12, "ms", "higher", "12.0% better", "good"},
	} {
		words, class := changeWords(c.rel, c.unit, c.better)
		if words != c.words || class != c.class {
			t.Errorf("changeWords(%g, %q, %q) = %q, %q; want %q, %q", c.rel, c.unit, c.better, words, class, c.words, c.class)
		}
	}
}
