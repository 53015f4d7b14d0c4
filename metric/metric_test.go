package metric

import "testing"

func TestKindOf(t *testing.T) {
	tests := []struct {
		metric string
		want   Kind
	}{
		{"", Time},
		{"ns", Time},
		{" MS ", Time},
		{"µs", Time},
		{"ms/op", Time},
		{"seconds", Time},
		{"time", Time},
		{"pass", PassFail},
		{"Success", PassFail},
		{"pass/fail", PassFail},
		{"bool", PassFail},
		{"MB", Quantity},
		{"items/s", Quantity},
		{"passes", Quantity},
	}
	for _, tc := range tests {
		if got := KindOf(tc.metric); got != tc.want {
			t.Errorf("KindOf(%q) = %v, want %v", tc.metric, got, tc.want)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Quantity: "quantity", Time: "time", PassFail: "pass/fail"} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", k, got, want)
		}
	}
}

func TestTitle(t *testing.T) {
	for m, want := range map[string]string{"": "time per iteration", "ms/op": "time per iteration", "MB": "MB", "pass": "pass", "items/s": "items/s"} {
		if got := Title(m); got != want {
			t.Errorf("Title(%q) = %q, want %q", m, got, want)
		}
	}
}

func TestDirection(t *testing.T) {
	tests := []struct {
		d      Direction
		higher bool
		word   string
	}{
		{Higher, true, "higher"},
		{Lower, false, "lower"},
		{"", false, "lower"},
		{"sideways", false, "lower"},
	}
	for _, tc := range tests {
		if got := tc.d.HigherIsBetter(); got != tc.higher {
			t.Errorf("%q.HigherIsBetter() = %v, want %v", tc.d, got, tc.higher)
		}
		if got := tc.d.Word(); got != tc.word {
			t.Errorf("%q.Word() = %q, want %q", tc.d, got, tc.word)
		}
	}
}

func TestJudge(t *testing.T) {
	tests := []struct {
		name        string
		significant bool
		rel         float64
		kind        Kind
		dir         Direction
		want        Verdict
	}{
		{"not significant", false, 0.5, Time, Lower, NoDifference},
		{"not significant, higher", false, -0.5, Quantity, Higher, NoDifference},
		{"time up", true, 0.1, Time, Lower, Slower},
		{"time down", true, -0.1, Time, Lower, Faster},
		{"time, zero is not up", true, 0, Time, Lower, Faster},
		{"time but higher is better, up", true, 0.1, Time, Higher, Better},
		{"time but higher is better, down", true, -0.1, Time, Higher, Worse},
		{"quantity lower, up", true, 0.1, Quantity, Lower, Worse},
		{"quantity lower, down", true, -0.1, Quantity, Lower, Better},
		{"quantity, empty direction reads lower", true, 0.1, Quantity, "", Worse},
		{"quantity higher, up", true, 0.1, Quantity, Higher, Better},
		{"pass/fail higher, down", true, -0.1, PassFail, Higher, Worse},
		{"pass/fail as the suite said, lower", true, 0.1, PassFail, Lower, Worse},
	}
	for _, tc := range tests {
		if got := Judge(tc.significant, tc.rel, tc.kind, tc.dir); got != tc.want {
			t.Errorf("%s: Judge(%v, %v, %v, %q) = %q, want %q", tc.name, tc.significant, tc.rel, tc.kind, tc.dir, got, tc.want)
		}
	}
}
