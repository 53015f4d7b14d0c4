package runners

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// CheckMetrics checks that every metric of a run is a finite number,
// which JSON can carry, and says which is not in the Python SDK's words
// ("metric 'm' is nan, not a finite number"), the first in key order.
// Serve checks every runner's metrics with it, and so does the Go SDK.
func CheckMetrics(m map[string]float64) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("metric %s is %s, not a finite number", pyRepr(k), pyFloat(v))
		}
	}
	return nil
}

// pyRepr quotes s as Python's repr does a plain string: in single quotes,
// unless it holds one or characters that need escapes.
func pyRepr(s string) string {
	if strings.ContainsRune(s, '\'') || !strconv.CanBackquote(s) {
		return strconv.Quote(s)
	}
	return "'" + s + "'"
}

// pyFloat writes a non-finite number as Python does: nan, inf, -inf.
func pyFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
