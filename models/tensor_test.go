package models

import "testing"

func TestFloatsOf(t *testing.T) {
	raw := floatTensor("w", []int64{2, 2}, []float32{1, 2, 3, 4})
	if v, err := floatsOf(raw); err != nil || v[3] != 4 {
		t.Errorf("raw data: %v, %v", v, err)
	}
	raw.RawData = raw.RawData[:12]
	if _, err := floatsOf(raw); err == nil {
		t.Error("short raw data accepted")
	}
	packed := floatTensor("p", []int64{3}, nil)
	packed.RawData = nil
	packed.FloatData = []float32{5, 6, 7}
	if v, err := floatsOf(packed); err != nil || v[0] != 5 {
		t.Errorf("float_data: %v, %v", v, err)
	}
	packed.DataType = dtInt8
	if _, err := floatsOf(packed); err == nil {
		t.Error("int8 tensor read as float")
	}
}
