package results

import "testing"

// TestSuiteName pins the one rule for a suite's short name, which the plan
// (suites) and the comparison of two runs (reports) both use.
func TestSuiteName(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"builtin:quickstart", "builtin:quickstart"},
		{"/home/u/bench/sort.benchy.hcl", "sort"},
		{"sort.benchy.json", "sort"},
		{"dir/sort.hcl", "sort"},
		{"dir/sort.json", "sort"},
		{"sort.txt", "sort.txt"},
		{".benchy.hcl", ".benchy"},
		{".hcl", ".hcl"},
		{"-", "-"},
	} {
		if got := (Suite{Path: tc.path}).Name(); got != tc.want {
			t.Errorf("Suite{Path: %q}.Name() = %q, want %q", tc.path, got, tc.want)
		}
	}
}
