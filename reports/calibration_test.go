package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestCalibrationCounts(t *testing.T) {
	flat := []float64{1000, 1010, 990, 1005, 995, 1002, 998, 1001}
	noisyCopy := []float64{1003, 1004, 995, 1001, 999, 1000, 996, 1006}
	biased := scaled(flat, 1.2) // a "difference" between identical arms: a false positive
	c := &Calibration{Suite: "s", Order: "sequential", Arms: 3}
	c.AddRun(mkDoc("w", "lower", []string{"a1", "a2", "a3"}, [][]float64{flat, noisyCopy, biased}), "d1")
	c.AddRun(mkDoc("w", "lower", []string{"a1", "a2", "a3"}, [][]float64{flat, biased, biased}), "d2")
	c.AddRun(mkDoc("w", "lower", []string{"a1", "a2", "a3"}, [][]float64{flat, noisyCopy, noisyCopy}), "d3")
	per, all := c.Totals()
	if len(per) != 1 || all.Comparisons != 6 || all.FalsePositives != 3 || all.Repeats != 3 {
		t.Fatalf("totals %+v", all)
	}
	// Binomial(6, 0.05): P(X <= 1) = 0.967, P(X <= 2) = 0.998, so 2 is the
	// 99% limit and 3 false positives are flagged.
	if all.Limit != 2 || !all.Flagged || !c.Flagged() || all.Rate != 0.5 {
		t.Errorf("limit %d flagged %v rate %v", all.Limit, all.Flagged, all.Rate)
	}
	if all.MaxAbs < 0.19 || all.MaxAbs > 0.21 {
		t.Errorf("largest |difference| %v, want about 20%%", all.MaxAbs)
	}
	var text, md, js bytes.Buffer
	if err := calibrationText(&text, c, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"order sequential · 3 identical arms · 3 repeats · 95% CIs", "MISCALIBRATED", "50.0%", "5%", "The order is sequential"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if err := calibrationMarkdown(&md, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "❌ **3 false positives in 6 A/A comparisons (50.0%; nominal 5%, 99% limit 2)**") {
		t.Errorf("markdown:\n%s", md.String())
	}
	if err := calibrationJSON(&js, c); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Schema  string `json:"schema"`
		Total   struct{ FalsePositives, Limit99 int }
		Repeats []struct {
			Dir       string `json:"dir"`
			Workloads []struct {
				Estimates []json.RawMessage `json:"estimates"`
			} `json:"workloads"`
		} `json:"repeats"`
	}
	if err := json.Unmarshal(js.Bytes(), &v); err != nil || v.Schema != calibrationSchema || len(v.Repeats) != 3 ||
		v.Repeats[1].Dir != "d2" || len(v.Repeats[0].Workloads[0].Estimates) != 2 {
		t.Errorf("json: %v %+v", err, v)
	}
}

func TestCalibrationCalibrated(t *testing.T) {
	flat := []float64{1000, 1010, 990, 1005, 995, 1002, 998, 1001}
	noisyCopy := []float64{1003, 1004, 995, 1001, 999, 1000, 996, 1006}
	c := &Calibration{Suite: "s", Order: "interleaved-random", Arms: 2}
	for range 20 {
		c.AddRun(mkDoc("w", "lower", []string{"a1", "a2"}, [][]float64{flat, noisyCopy}), "")
	}
	_, all := c.Totals()
	if all.Flagged || all.FalsePositives != 0 || all.Limit != 4 {
		t.Errorf("%+v", all)
	}
	var text bytes.Buffer
	if err := calibrationText(&text, c, Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "\x1b[32mcalibrated") || !strings.Contains(text.String(), "within what a calibrated setup shows (at most 4") {
		t.Errorf("text:\n%s", text.String())
	}
	// A workload that failed is reported, not counted.
	doc := mkDoc("w", "lower", []string{"a1", "a2"}, [][]float64{flat, noisyCopy})
	doc.Workloads[0].Status = "failed"
	doc.Workloads[0].StopReason = "every arm failed"
	c.AddRun(doc, "")
	if _, all2 := c.Totals(); all2.Comparisons != all.Comparisons || len(all2.Errors) != 1 {
		t.Errorf("failed workload counted: %+v", all2)
	}
}
