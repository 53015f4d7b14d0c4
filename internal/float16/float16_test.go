package float16

import (
	"math"
	"testing"
)

// TestFromFloat32 checks the conversion against the bits NumPy gives:
// np.float32(x).astype(np.float16).view(np.uint16).
func TestFromFloat32(t *testing.T) {
	tests := []struct {
		in   float32
		want uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800}, // exact
		{0.1, 0x2e66},
		{1.0 / 3, 0x3555},
		{0.333333, 0x3555},              // a float32 just below 1/3
		{65504, 0x7bff},                 // largest finite
		{65519.99, 0x7bff},              // rounds down
		{65520, 0x7c00},                 // rounds to infinity
		{1e6, 0x7c00},                   // overflow
		{1e9, 0x7c00},                   // far past it
		{6.103515625e-05, 0x0400},       // smallest normal
		{5.960464477539063e-08, 1},      // smallest subnormal
		{2.98023223876953125e-08, 0},    // half of it: ties to even (0)
		{2.9802326e-08, 1},              // just above half: rounds up
		{3.0e-08, 1},                    // above half
		{8.940696716308594e-08, 0x0002}, // 1.5 ulp: ties to even (2)
		{1e-10, 0},
		{float32(math.Inf(1)), 0x7c00},
		{float32(math.Inf(-1)), 0xfc00},
		{1.0009765625, 0x3c01},  // 1 + 2^-10: exact
		{1.00048828125, 0x3c00}, // 1 + 2^-11: tie to even (down)
		{1.00146484375, 0x3c02}, // 1 + 3·2^-11: tie to even (up)
		{2047.5, 0x6800},        // tie to even: 2048
	}
	for _, tc := range tests {
		if got := FromFloat32(tc.in); got != tc.want {
			t.Errorf("FromFloat32(%g) = %#04x, want %#04x", tc.in, got, tc.want)
		}
	}
	if got := FromFloat32(float32(math.NaN())); got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
		t.Errorf("FromFloat32(NaN) = %#04x, not a NaN", got)
	}
}

// Every finite float16 survives widening and narrowing unchanged.
func TestFloat16RoundTrip(t *testing.T) {
	for h := range 1 << 16 {
		bits := uint16(h)
		if bits&0x7c00 == 0x7c00 && bits&0x3ff != 0 {
			continue // NaN payloads
		}
		f := ToFloat32(bits)
		if got := FromFloat32(f); got != bits {
			t.Fatalf("%#04x → %g → %#04x", bits, f, got)
		}
	}
	if ToFloat32(0x3c00) != 1 || ToFloat32(0x0001) != 5.960464477539063e-08 || ToFloat32(0xfbff) != -65504 {
		t.Error("ToFloat32 misreads known values")
	}
}
