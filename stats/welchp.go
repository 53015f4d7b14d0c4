package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// PValue is the two-sided p-value of Welch's t-test of equal mean logs:
// t = ln(1 + Estimate)/SE on DF degrees of freedom. With SE = 0 it is 0
// when the means differ and 1 when they do not.
func (e UnpairedEstimate) PValue() float64 {
	d := math.Log1p(e.Estimate)
	if e.SE == 0 {
		if d == 0 {
			return 1
		}
		return 0
	}
	t := math.Abs(d) / e.SE
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: e.DF}.Survival(t)
}
