package models

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// Expected counts are the ones docs/models.md tabulates, derived layer by
// layer from the sources cited there: parameters exactly
// (folded = what the FP32 export holds; raw = the Keras/Caffe count, which
// TAO's own unit test asserts for BodyPoseNet), MACs to the four
// significant digits the table prints. These tests hold MACs to 0.1%.
func TestReplicaCounts(t *testing.T) {
	tests := []struct {
		name        string
		opt         Options
		params, raw int64
		gmacs       float64
		outputs     []string
	}{
		{"bodyposenet", Options{}, 16_769_771, 16_777_835, 49.60, []string{"heatmap_out [1 36 48 19]", "paf_out [1 36 48 38]"}},
		{"bodyposenet", Options{Input: "224x320"}, 16_769_771, 16_777_835, 32.15, []string{"heatmap_out [1 28 40 19]", "paf_out [1 28 40 38]"}},
		{"bodyposenet", Options{Input: "320x448"}, 16_769_771, 16_777_835, 64.30, nil},
		{"bodyposenet", Options{Input: "368x656"}, 16_769_771, 16_777_835, 108.28, nil},
		{"bodyposenet", Options{Stages: 6}, 30_015_638 - 8_064, 30_015_638, 72.47, nil},
		{"bodyposenet", Options{Variant: "sdk"}, 16_769_771 + 23_142, 16_777_835 + 23_142, 49.60 + 0.0399, []string{"heatmap_out/BiasAdd:0 [1 36 48 19]", "conv2d_transpose_1/BiasAdd:0 [1 144 192 38]"}},
		{"openpose", Options{}, 52_311_446, 52_311_446, 135.93, []string{"net_output [1 57 46 46]"}},
		{"openpose", Options{Input: "368x656"}, 52_311_446, 52_311_446, 242.32, nil},
		{"openpose", Options{Input: "224x320"}, 52_311_446, 52_311_446, 71.95, nil},
		{"openpose", Options{Input: "288x384"}, 52_311_446, 52_311_446, 111.01, nil},
		{"openpose", Options{Input: "320x448"}, 52_311_446, 52_311_446, 143.90, nil},
		{"openpose", Options{Stages: 3}, 52_311_446 - 3*8_784_825, 52_311_446 - 3*8_784_825, 80.18, nil},
		{"trill", Options{}, 24_524_288, 24_630_528, 0.4919, []string{"embedding [1 512]", "layer19 [1 12288]"}},
		{"frill", Options{}, 10_083_392, 10_119_632, 0.04232, []string{"embedding [1 2048]"}},
		{"frill", Options{Variant: "2021"}, 10_083_392, 10_119_632, 0.03052, nil},
		{"trill", Options{Batch: 4}, 24_524_288, 24_630_528, 4 * 0.4919, []string{"embedding [4 512]", "layer19 [4 12288]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name+"/"+tc.opt.Input+tc.opt.Variant, func(t *testing.T) {
			info, err := Describe(tc.name, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if info.Params != tc.params {
				t.Errorf("folded params = %d, want %d", info.Params, tc.params)
			}
			if info.RawParams != tc.raw {
				t.Errorf("raw params = %d, want %d", info.RawParams, tc.raw)
			}
			got := float64(info.MACs) / 1e9
			if math.Abs(got-tc.gmacs) > 0.001*tc.gmacs {
				t.Errorf("MACs = %.4f G, want %.4f G ±0.1%%", got, tc.gmacs)
			}
			if tc.outputs != nil {
				var outs []string
				for _, o := range info.Outputs {
					outs = append(outs, fmt.Sprintf("%s %v", o.Name, o.Shape))
				}
				if !slices.Equal(outs, tc.outputs) {
					t.Errorf("outputs = %q, want %q", outs, tc.outputs)
				}
			}
		})
	}
}

// The built model (with weights) holds exactly what Describe counts, and
// its float initializers are the folded parameters, nothing else.
func TestBuildMatchesDescribe(t *testing.T) {
	for _, name := range []string{"trill", "frill", "bodyposenet"} {
		opt := Options{}
		if name == "bodyposenet" {
			opt.Input = "64x96"
		}
		info, err := Describe(name, opt)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Build(name, opt)
		if err != nil {
			t.Fatal(err)
		}
		st, err := Analyze(m)
		if err != nil {
			t.Fatal(err)
		}
		if st.FloatParams != info.Params || st.Params != info.Params || st.MACs != info.MACs || len(st.Unsized) > 0 {
			t.Errorf("%s: built model: float params %d, params %d, MACs %d, unsized %v; Describe: %d params, %d MACs",
				name, st.FloatParams, st.Params, st.MACs, st.Unsized, info.Params, info.MACs)
		}
		if st.WeightBytes != 4*info.Params {
			t.Errorf("%s: %d bytes of weights, want 4 × %d", name, st.WeightBytes, info.Params)
		}
	}
}

func TestReplicaMetadata(t *testing.T) {
	m, err := Build("frill", Options{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		MetaReplica: "frill", MetaPrecision: FP32, MetaInputRange: "-7,3", "benchy.input": "96x64",
		"benchy.weights": "random uniform, seed 9 (not trained)", "benchy.builder_version": BuilderVersion,
	} {
		if got := Meta(m, key); got != want {
			t.Errorf("metadata %s = %q, want %q", key, got, want)
		}
	}
	for _, doc := range []string{m.DocString, m.Graph.DocString} {
		if !strings.HasPrefix(doc, "REPLICA of ") || !strings.Contains(doc, "NOT the trained model") {
			t.Errorf("doc string does not label the replica: %q", doc)
		}
	}
	if m.OpsetImport[0].Version != Opset || m.IrVersion != 8 || m.ProducerName != "benchy" {
		t.Errorf("opset %d, IR %d, producer %q", m.OpsetImport[0].Version, m.IrVersion, m.ProducerName)
	}
}

func TestSeededWeights(t *testing.T) {
	a, err := Bytes("frill", Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	m1, _ := Build("frill", Options{Seed: 3})
	b, _ := Marshal(m1)
	if !bytes.Equal(a, b) {
		t.Error("two builds with the same seed differ")
	}
	m2, _ := Build("frill", Options{Seed: 4})
	w1, _ := floatsOf(m1.Graph.Initializer[0])
	w2, _ := floatsOf(m2.Graph.Initializer[0])
	if slices.Equal(w1, w2) {
		t.Error("seeds 3 and 4 give the same weights")
	}
	// Small variance: uniform within ±sqrt(3·2/fan_in) (He), never wider.
	for _, init := range m1.Graph.Initializer {
		v, err := floatsOf(init)
		if err != nil {
			t.Fatal(err)
		}
		limit := 0.01
		if len(init.Dims) > 1 {
			limit = math.Sqrt(6 / float64(numElements(init.Dims[1:])))
		}
		for _, x := range v {
			if math.Abs(float64(x)) > limit {
				t.Fatalf("%s: weight %g outside ±%g", init.Name, x, limit)
			}
		}
	}
	c, _ := Bytes("frill", Options{Seed: 3})
	if &a[0] != &c[0] {
		t.Error("Bytes did not serve the second call from its cache")
	}
}

func TestOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{"nope", Options{}, `unknown replica "nope"`},
		{"bodyposenet", Options{Input: "288"}, "not HEIGHTxWIDTH"},
		{"bodyposenet", Options{Input: "0x384"}, "not HEIGHTxWIDTH"},
		{"bodyposenet", Options{Input: "290x384"}, "multiples of 8"},
		{"trill", Options{Input: "100x64"}, "multiples of 32"},
		{"bodyposenet", Options{Stages: 1}, "stages 1 out of range 2–7"},
		{"bodyposenet", Options{Stages: 8}, "stages 8 out of range 2–7"},
		{"openpose", Options{Stages: 7}, "stages 7 out of range 2–6"},
		{"trill", Options{Stages: 3}, "has no stages option"},
		{"frill", Options{Variant: "sdk"}, `unknown variant "sdk"`},
		{"frill", Options{Precision: "bf16"}, `precision "bf16"`},
		{"frill", Options{Batch: -1}, "batch -1 out of range"},
	}
	for _, tc := range tests {
		_, err := Describe(tc.name, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Describe(%s, %+v) = %v, want an error containing %q", tc.name, tc.opt, err, tc.want)
		}
		if _, err := Bytes(tc.name, tc.opt); err == nil {
			t.Errorf("Bytes(%s, %+v) succeeded", tc.name, tc.opt)
		}
	}
}

func TestParseInput(t *testing.T) {
	for in, want := range map[string][2]int64{"288x384": {288, 384}, " 224X320 ": {224, 320}, "96 x 64": {96, 64}} {
		h, w, err := ParseInput(in)
		if err != nil || h != want[0] || w != want[1] {
			t.Errorf("ParseInput(%q) = %d, %d, %v", in, h, w, err)
		}
	}
	for _, in := range []string{"", "x", "288x", "-1x2", "1.5x2", "70000x1", "2x3x4"} {
		if _, _, err := ParseInput(in); err == nil {
			t.Errorf("ParseInput(%q) succeeded", in)
		}
	}
}

// The build cache keys a replica by its resolved options: the defaults
// spelled out are the same build, another variant is another.
func TestCacheKey(t *testing.T) {
	key := func(opt Options) string {
		t.Helper()
		_, ro, err := lookupResolved("frill", opt)
		if err != nil {
			t.Fatal(err)
		}
		return cacheKey("frill", ro.Options)
	}
	k1 := key(Options{})
	if k2 := key(Options{Precision: "FP32", Seed: DefaultSeed}); k2 != k1 {
		t.Errorf("same options gave key %s, want %s", k2, k1)
	}
	if k3 := key(Options{Variant: "2021"}); k3 == k1 {
		t.Errorf("another variant gave the same key %s", k3)
	}
	data, err := Bytes("frill", Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Unmarshal(data)
	if err != nil || Meta(m, MetaReplica) != "frill" {
		t.Fatalf("Bytes does not hold the replica: %v", err)
	}
}
