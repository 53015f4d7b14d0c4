package hw

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseSMI(t *testing.T) {
	out, err := os.ReadFile(filepath.Join("testdata", "nvidia-smi", "h100x2.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gpus, driver, err := parseSMI(out, smiFields)
	if err != nil {
		t.Fatal(err)
	}
	if driver != "550.54.15" || len(gpus) != 2 {
		t.Fatalf("driver %q, %d GPUs", driver, len(gpus))
	}
	g0, g1 := gpus[0], gpus[1]
	if g0.Name != "NVIDIA H100 80GB HBM3" || g0.UUID != "GPU-5b0c0d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e" || g0.PCIBusID != "00000000:18:00.0" ||
		g0.MemoryTotalBytes != 81559<<20 || g0.ComputeCapability != "9.0" || g0.VBIOS != "96.00.74.00.0D" {
		t.Errorf("GPU 0 identity = %+v", g0)
	}
	if g0.Persistence == nil || !*g0.Persistence || g0.ECC == nil || !*g0.ECC || g0.MIG == nil || *g0.MIG {
		t.Errorf("GPU 0 modes = %v %v %v", g0.Persistence, g0.ECC, g0.MIG)
	}
	if g0.AppClocks == nil || *g0.AppClocks != (Clocks{1980, 2619}) || g0.PowerLimitW != 700 {
		t.Errorf("GPU 0 clocks/power = %+v %v", g0.AppClocks, g0.PowerLimitW)
	}
	if g1.Index != 1 || g1.Persistence == nil || *g1.Persistence || g1.ECC != nil || g1.AppClocks != nil || g1.PowerLimitW != 500 {
		t.Errorf("GPU 1 = %+v", g1)
	}
	basic, err := os.ReadFile(filepath.Join("testdata", "nvidia-smi", "t4-basic.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gpus, driver, err = parseSMI(basic, smiBasic)
	if err != nil || len(gpus) != 1 || driver != "470.57.02" || gpus[0].MemoryTotalBytes != 15109<<20 {
		t.Fatalf("basic = %+v, %q, %v", gpus, driver, err)
	}
	if gpus[0].Unavailable["compute_capability"] == "" {
		t.Errorf("missing compute capability has no reason: %v", gpus[0].Unavailable)
	}
	for _, bad := range []string{"x, T4, u, b, d, 1\n", "0, T4\n", "0, T4, u, b, d, 1, extra\n"} {
		if _, _, err := parseSMI([]byte(bad), smiBasic); err == nil {
			t.Errorf("parseSMI(%q) accepted", bad)
		}
	}
	if _, _, err := parseSMI(basic, []string{"name"}); err == nil {
		t.Error("a query without index accepted")
	}
}

func FuzzParseSMI(f *testing.F) {
	for _, name := range []string{"h100x2.csv", "t4-basic.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "nvidia-smi", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("0, \"quoted, name\", [N/A], , , \n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, fields := range [][]string{smiFields, smiBasic} {
			gpus, _, err := parseSMI(b, fields)
			if err != nil {
				continue
			}
			for _, g := range gpus {
				if g.Index < 0 {
					t.Fatalf("negative index from %q", b)
				}
				if g.ComputeCapability != "" {
					if _, err := parseCapability(g.ComputeCapability); err != nil {
						t.Fatalf("bad capability %q kept", g.ComputeCapability)
					}
				}
			}
		}
	})
}
