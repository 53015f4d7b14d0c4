package results

// PairedBy pairs arms over blocks, complete-case: for every measured block
// (Block.Measured) in which value gives each of arms a value, one row of
// those values in the order of arms. value is called for every arm of
// every measured block, in block then arm order, even after one of them
// has none, so that a caller that records errors in value sees them all.
// Every paired comparison pairs blocks through it: the analysis, benchy
// compare, the fleet merge and the harness's stopping rule.
func PairedBy[T any](blocks []*Block, value func(b *Block, arm string) (T, bool), arms ...string) [][]T {
	var out [][]T
	for _, b := range blocks {
		if !b.Measured() {
			continue
		}
		row := make([]T, len(arms))
		complete := true
		for i, arm := range arms {
			v, ok := value(b, arm)
			row[i] = v
			complete = complete && ok
		}
		if complete {
			out = append(out, row)
		}
	}
	return out
}

// Paired is PairedBy over the workload's blocks with Block.Value: the
// block × arm matrix of per-iteration means over the measured blocks in
// which every one of arms ran without error.
func (w *Workload) Paired(arms ...string) [][]float64 {
	return PairedBy(w.Blocks, (*Block).Value, arms...)
}

// Values is the arm's value in every measured block in which it has one,
// in block order.
func (w *Workload) Values(arm string) []float64 {
	return Column(w.Paired(arm), 0)
}

// Column returns the k-th value of every row of m; nil when m is empty.
func Column[T any](m [][]T, k int) []T {
	if len(m) == 0 {
		return nil
	}
	out := make([]T, len(m))
	for i, row := range m {
		out[i] = row[k]
	}
	return out
}
