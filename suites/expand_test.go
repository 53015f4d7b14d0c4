package suites_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/runners"
	"github.com/benchy-dev/benchy/suites"
)

// TestExpand: a workload whose arms' runners list instances splits into
// one workload instance per key, after the workload's own matrix axes; an
// arm that lists nothing of its own runs in each; a key the baseline lacks
// is left out, as is an arm lacking a key, each with a warning.
func TestExpand(t *testing.T) {
	p := loadString(t, `
workload "w" {
  matrix { size = [1, 2] }
  arm "base" {
    baseline = true
    probe {
      value = "b${matrix.size}"
      tags  = ["x", "y"]
    }
  }
  arm "head" {
    probe {
      value = "h"
      tags  = ["y", "x", "z"]
    }
  }
  arm "plain" {
    probe { value = "p" }
  }
}
workload "untouched" {
  arm "a" {
    baseline = true
    probe { value = "a" }
  }
}
`, suites.Options{})
	e, err := suites.Expand(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range e.Workloads {
		names = append(names, w.Name)
	}
	want := []string{"w/size=1/case=x", "w/size=1/case=y", "w/size=2/case=x", "w/size=2/case=y", "untouched"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("instances %v, want %v", names, want)
	}
	w := e.Workloads[2]
	if got := w.Axes; !reflect.DeepEqual(got, []suites.Axis{{Name: "size", Value: "2"}, {Name: "case", Value: "x"}}) {
		t.Errorf("axes %v", got)
	}
	var cfgs []string
	for _, a := range w.Arms {
		cfgs = append(cfgs, a.Name+" "+string(a.Config))
	}
	if got := strings.Join(cfgs, "; "); got != `base {"value":"b2:x"}; head {"value":"h:x"}; plain {"value":"p"}` {
		t.Errorf("arms of %s: %s", w.Name, got)
	}
	if w.Baseline() == nil || w.Baseline().Name != "base" {
		t.Errorf("baseline lost")
	}
	if len(e.Warnings) != 2 || !strings.Contains(e.Warnings[0], "w/size=1/case=z: left out: only arms other than the baseline base have z") {
		t.Errorf("warnings %q", e.Warnings)
	}
	// p is not changed.
	if len(p.Workloads) != 3 || p.Workloads[0].Name != "w/size=1" || len(p.Warnings) != 0 {
		t.Errorf("Expand changed its input: %d workloads, %v", len(p.Workloads), p.Warnings)
	}
}

func TestExpandArmMissingKey(t *testing.T) {
	p := loadString(t, `
workload "w" {
  arm "base" {
    baseline = true
    probe {
      value = "b"
      tags  = ["x", "y"]
    }
  }
  arm "head" {
    probe {
      value = "h"
      tags  = ["x"]
    }
  }
}
`, suites.Options{})
	e, err := suites.Expand(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Workloads) != 2 || len(e.Workloads[1].Arms) != 1 || e.Workloads[1].Arms[0].Name != "base" {
		t.Fatalf("workloads %+v", e.Workloads)
	}
	if len(e.Warnings) != 1 || !strings.Contains(e.Warnings[0], "w/case=y: arm(s) head left out: they have no y") {
		t.Errorf("warnings %q", e.Warnings)
	}
}

// TestExpandErrors: an arm that cannot list its instances is an error
// naming the workload and arm; one that lists none wraps ErrNoInstances.
func TestExpandErrors(t *testing.T) {
	for _, tc := range []struct {
		value, want string
		none        bool
	}{
		{"fail", "w, arm head: probe: cannot list", false},
		{"none", "w, arm head: probe: nothing matches: no instances", true},
	} {
		p := loadString(t, `
workload "w" {
  arm "base" {
    baseline = true
    probe {
      value = "b"
      tags  = ["x"]
    }
  }
  arm "head" {
    probe {
      value = "`+tc.value+`"
      tags  = ["x"]
    }
  }
}
`, suites.Options{})
		_, err := suites.Expand(context.Background(), p)
		var ee *suites.ExpandError
		if err == nil || err.Error() != tc.want || !errors.As(err, &ee) || ee.Arm != "head" {
			t.Errorf("%s: error %v, want %q", tc.value, err, tc.want)
		}
		if errors.Is(err, runners.ErrNoInstances) != tc.none {
			t.Errorf("%s: errors.Is(ErrNoInstances) wrong", tc.value)
		}
	}
}
