package hw

import (
	"strings"
	"testing"
)

func TestCapabilityConstraint(t *testing.T) {
	tests := []struct {
		cons, cc string
		want     bool
	}{
		{">= 7.5", "9.0", true},
		{">= 7.5", "7.5", true},
		{">= 7.5", "7.0", false},
		{">=7.5", "8.6", true},
		{"7.5", "7.2", false},
		{"8.6", "8.9", true},
		{"> 8.0", "8.0", false},
		{"> 8.0", "8.6", true},
		{"< 9", "8.9", true},
		{"< 9", "9.0", false},
		{"<= 9.0", "9.0", true},
		{"== 9.0", "9.0", true},
		{"= 9.0", "9.1", false},
		{"!= 8.6", "8.6", false},
		{"!= 8.6", "8.9", true},
		{"sm_90", "9.0", true},
		{"sm_80", "7.5", false},
		{">= sm_100", "10.0", true},
		{">= 10.0", "9.0", false},
		{">= 7.5", "", false},
		{">= 7.5", "garbage", false},
	}
	for _, tc := range tests {
		c, err := parseCapabilityConstraint(tc.cons)
		if err != nil {
			t.Errorf("parseCapabilityConstraint(%q): %v", tc.cons, err)
			continue
		}
		if got := c.Allows(tc.cc); got != tc.want {
			t.Errorf("%q (%s).Allows(%q) = %v, want %v", tc.cons, c, tc.cc, got, tc.want)
		}
	}
	for _, bad := range []string{"", ">=", "abc", ">= x.5", "sm_", "sm_x0", "7.-1", ">= 7.5.1x"} {
		if _, err := parseCapabilityConstraint(bad); err == nil {
			t.Errorf("parseCapabilityConstraint(%q) accepted", bad)
		}
	}
}

func FuzzParseCapabilityConstraint(f *testing.F) {
	for _, s := range []string{">= 7.5", "sm_90", "8", "!= 8.6", "<= 10.0", "=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCapabilityConstraint(s)
		if err != nil {
			return
		}
		// A parsed constraint re-parses to itself from its canonical form.
		c2, err := parseCapabilityConstraint(c.String())
		if err != nil || c2 != c {
			t.Fatalf("%q -> %q -> %v, %v", s, c.String(), c2, err)
		}
	})
}

func TestCheckRequires(t *testing.T) {
	h100 := GPU{Index: 0, Name: "NVIDIA H100 80GB HBM3", ComputeCapability: "9.0", MemoryTotalBytes: 80 << 30}
	t4 := GPU{Index: 1, Name: "Tesla T4", ComputeCapability: "7.5", MemoryTotalBytes: 15 << 30}
	none := &Inventory{GPUReason: "no NVIDIA GPU detected (NVML: library not found)"}
	both := &Inventory{GPUs: []GPU{t4, h100}}
	tests := []struct {
		name   string
		inv    *Inventory
		gpu    bool
		mem    uint64
		cc     string
		ok     bool
		reason string
	}{
		{"nothing required, no GPU", none, false, 0, "", true, ""},
		{"GPU required, none", none, true, 0, "", false, "skipped: no NVIDIA GPU detected (NVML: library not found)"},
		{"memory implies GPU", none, false, 8 << 30, "", false, "skipped: no NVIDIA GPU detected (NVML: library not found)"},
		{"nil inventory", nil, true, 0, "", false, "skipped: no NVIDIA GPU detected"},
		{"any GPU", both, true, 0, "", true, ""},
		{"memory met by the second GPU", both, true, 40 << 30, "", true, ""},
		{"capability met", both, false, 0, ">= 8.0", true, ""},
		{"memory and capability on different GPUs", &Inventory{GPUs: []GPU{t4}}, true, 8 << 30, ">= 8.0", false,
			"skipped: no GPU meets the requirements (GPU 1 Tesla T4: compute capability 7.5 is not >= 8.0)"},
		{"too little memory", both, true, 100 << 30, "", false,
			"skipped: no GPU meets the requirements (GPU 1 Tesla T4: 15 GiB of memory < 100 GiB; GPU 0 NVIDIA H100 80GB HBM3: 80 GiB of memory < 100 GiB)"},
		{"bad constraint", both, true, 0, "new", false, "skipped: invalid compute_capability requirement: compute capability \"new\": want a version such as 8.6"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, reason := tc.inv.CheckRequires(tc.gpu, tc.mem, tc.cc)
			if ok != tc.ok || reason != tc.reason {
				t.Errorf("CheckRequires = %v, %q; want %v, %q", ok, reason, tc.ok, tc.reason)
			}
			if !ok && !strings.HasPrefix(reason, "skipped: ") {
				t.Errorf("reason %q lacks the skipped: prefix", reason)
			}
		})
	}
}
