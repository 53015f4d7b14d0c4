//go:build cgo

package hw

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/benchy-dev/benchy/hw/hwtest"
)

func fastSettle(t *testing.T) {
	t.Helper()
	old := settlePoll
	settlePoll = time.Millisecond
	t.Cleanup(func() { settlePoll = old })
}

func TestWaitSettled(t *testing.T) {
	fastSettle(t)
	tests := []struct {
		name    string
		setup   func(*hwtest.Machine)
		maxWait time.Duration
		settled bool
		reason  string
	}{
		{"already cool", func(*hwtest.Machine) {}, time.Minute, true, ""},
		{"cools down", func(m *hwtest.Machine) {
			m.GPUs[5].Set(func(s *hwtest.State) { s.TempC = 70 })
			m.GPUs[5].Cool(5, 35)
		}, time.Minute, true, ""},
		{"stays hot", func(m *hwtest.Machine) {
			m.GPUs[2].Set(func(s *hwtest.State) { s.TempC = 80 })
		}, 20 * time.Millisecond, false, "after 20ms: GPU 2 still at 80°C (target 50°C)"},
		{"a lost GPU never settles", func(m *hwtest.Machine) { m.GPUs[0].Lose() }, 10 * time.Millisecond, false,
			"after 10ms: GPU 0 cannot be read: GPU is lost (fell off the bus)"},
		{"no sensor is ignored", func(m *hwtest.Machine) {
			m.GPUs[1].Fail("GetTemperature", nvml.ERROR_NOT_SUPPORTED)
		}, time.Minute, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := hwtest.DGXH100()
			tc.setup(m)
			tel := newTelemetry(t, m)
			got, err := WaitSettled(context.Background(), tel, tc.maxWait, 50)
			if err != nil {
				t.Fatal(err)
			}
			if got.Settled != tc.settled || got.Reason != tc.reason {
				t.Errorf("WaitSettled = %+v, want settled=%v reason %q", got, tc.settled, tc.reason)
			}
			if got.Settled && got.MaxTempC > 50 {
				t.Errorf("settled at %d°C", got.MaxTempC)
			}
		})
	}
}

func TestWaitSettledCooling(t *testing.T) {
	fastSettle(t)
	m := hwtest.DGXH100()
	m.GPUs[5].Set(func(s *hwtest.State) { s.TempC = 70 })
	m.GPUs[5].Cool(5, 35)
	tel := newTelemetry(t, m)
	got, err := WaitSettled(context.Background(), tel, time.Minute, 50)
	if err != nil || !got.Settled || got.MaxTempC != 50 {
		t.Errorf("WaitSettled = %+v, %v; want settled at exactly 50°C (70, 65, ... 50)", got, err)
	}
}

func TestWaitSettledInterrupted(t *testing.T) {
	fastSettle(t)
	m := hwtest.DGXH100()
	m.GPUs[0].Set(func(s *hwtest.State) { s.TempC = 90 })
	tel := newTelemetry(t, m)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	got, err := WaitSettled(ctx, tel, time.Hour, 50)
	if !errors.Is(err, context.Canceled) || got.Settled || got.Reason != "interrupted" {
		t.Errorf("WaitSettled = %+v, %v", got, err)
	}
}

func TestWaitSettledWithoutGPU(t *testing.T) {
	got, err := WaitSettled(context.Background(), nil, time.Hour, 50)
	if err != nil || !got.Settled || !strings.Contains(got.Reason, "no GPU") {
		t.Errorf("WaitSettled(nil) = %+v, %v", got, err)
	}
}
