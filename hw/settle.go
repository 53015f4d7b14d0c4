package hw

import (
	"context"
	"fmt"
	"time"

	"github.com/benchy-dev/benchy/results"
)

// settlePoll is how often WaitSettled samples; tests shorten it.
var settlePoll = time.Second

// WaitSettled waits until every GPU's temperature is at or below tempC, or
// until maxWait has passed, sampling about once a second. It returns an
// error only when ctx ends first; a timeout is reported in the Settle. With
// no Telemetry or no GPU it returns at once, settled, with the reason.
// A GPU that cannot be read at all counts as not settled; one that has no
// temperature sensor is ignored.
func WaitSettled(ctx context.Context, t *Telemetry, maxWait time.Duration, tempC float64) (results.Settle, error) {
	start := time.Now()
	if t.Len() == 0 {
		return results.Settle{Settled: true, Reason: "no GPU to settle"}, nil
	}
	deadline := start.Add(maxWait)
	poll := settlePoll
	for {
		hot, maxT, why := overTemp(t.Sample(), tempC)
		if hot == 0 {
			return results.Settle{Settled: true, Waited: time.Since(start), MaxTempC: maxT}, nil
		}
		now := time.Now()
		if !now.Before(deadline) {
			return results.Settle{Waited: now.Sub(start), MaxTempC: maxT,
				Reason: fmt.Sprintf("after %s: %s", maxWait.Round(time.Millisecond), why)}, nil
		}
		wait := min(poll, deadline.Sub(now))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return results.Settle{Waited: time.Since(start), MaxTempC: maxT, Reason: "interrupted"}, ctx.Err()
		case <-timer.C:
		}
	}
}

// overTemp counts GPUs above tempC (or unreadable) and returns the hottest
// reading and a description of the first offender.
func overTemp(samples []results.GPUSample, tempC float64) (hot int, maxT uint32, why string) {
	for _, s := range samples {
		switch {
		case s.Error != "":
			hot++
			if why == "" {
				why = fmt.Sprintf("GPU %d cannot be read: %s", s.Index, s.Error)
			}
		case !s.Has("temp_c"):
			// No sensor to wait for: this GPU cannot hold the wait up.
		default:
			maxT = max(maxT, s.TempC)
			if float64(s.TempC) > tempC {
				hot++
				if why == "" {
					why = fmt.Sprintf("GPU %d still at %d°C (target %g°C)", s.Index, s.TempC, tempC)
				}
			}
		}
	}
	return hot, maxT, why
}
