package suites_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/benchy-dev/benchy/suites"
)

// TestPublished checks that a workload's published block is expanded per
// workload instance, and that an arms entry for an arm instance that one
// workload instance lacks (an exclude removed it) stays out of that
// instance only.
func TestPublished(t *testing.T) {
	p := loadString(t, `
locals {
  runtimes = { small = "1.33 ms", large = "1.80 ms" }
}

workload "w" {
  matrix {
    size = ["small", "large"]
  }

  published {
    source = "Someone et al. (2024), ${matrix.size} input, GeForce RTX 2080"
    claim  = "about 9x faster than openpose"
    url    = "https://example.org/paper"
    arms = {
      "net/precision=int8"      = local.runtimes[matrix.size]
      "openpose/precision=fp32" = "9x slower"
    }
  }

  arm "net" {
    matrix {
      precision = ["fp32", "int8"]
    }
    baseline = matrix.precision == "fp32"
    exec {
      command = ["true"]
    }
  }

  arm "openpose" {
    matrix {
      precision = ["fp32"]
      exclude   = [{ size = "small" }]
    }
    exec {
      command = ["true"]
    }
  }
}

workload "plain" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
`, suites.Options{})
	want := []*suites.Published{
		{Source: "Someone et al. (2024), small input, GeForce RTX 2080", Claim: "about 9x faster than openpose",
			URL: "https://example.org/paper", Arms: map[string]string{"net/precision=int8": "1.33 ms"}},
		{Source: "Someone et al. (2024), large input, GeForce RTX 2080", Claim: "about 9x faster than openpose",
			URL: "https://example.org/paper", Arms: map[string]string{"net/precision=int8": "1.80 ms", "openpose/precision=fp32": "9x slower"}},
		nil,
	}
	if len(p.Workloads) != len(want) {
		t.Fatalf("%d workload instances, want %d", len(p.Workloads), len(want))
	}
	for i, w := range p.Workloads {
		if !reflect.DeepEqual(w.Published, want[i]) {
			t.Errorf("%s: published %+v, want %+v", w.Name, w.Published, want[i])
		}
	}
	b, err := json.Marshal(p.Workloads[2])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["published"]; ok {
		t.Errorf("a workload without a published block has one in JSON: %s", b)
	}
}

// TestPublishedClaimOrArms: either a claim or per-arm figures suffice.
func TestPublishedClaimOrArms(t *testing.T) {
	for name, body := range map[string]string{
		"claim": `claim = "32x faster"`,
		"arms":  `arms = { a = "8.5 ms" }`,
	} {
		t.Run(name, func(t *testing.T) {
			p := loadString(t, `
workload "w" {
  published {
    source = "Peplinski et al. (2021), Pixel 1"
    `+body+`
  }
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
`, suites.Options{})
			if p.Workloads[0].Published == nil || p.Workloads[0].Published.Source != "Peplinski et al. (2021), Pixel 1" {
				t.Errorf("published = %+v", p.Workloads[0].Published)
			}
		})
	}
}
