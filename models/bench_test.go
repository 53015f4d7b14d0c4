package models

import "testing"

// BenchmarkBuild measures building each replica at its default input in
// FP32, weights included, and serializing it.
func BenchmarkBuild(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			info, err := Describe(name, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(4 * info.Params)
			for b.Loop() {
				m, err := Build(name, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Marshal(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDescribe measures counting a replica without its weights (what
// `benchy models list` does).
func BenchmarkDescribe(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Describe(name, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkToFP16 and BenchmarkQuantizeStatic measure the conversions on
// BodyPoseNet (16.8 M parameters); INT8 uses a static range so that ONNX
// Runtime's calibration pass is not part of the number.
func BenchmarkToFP16(b *testing.B) {
	m, err := Build("bodyposenet", Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ToFP16(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuantizeStatic(b *testing.B) {
	m, err := Build("bodyposenet", Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Quantize(m, Calibration{Static: &Range{-8, 8}}); err != nil {
			b.Fatal(err)
		}
	}
}
