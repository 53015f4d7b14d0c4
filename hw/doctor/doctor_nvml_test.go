//go:build cgo

package doctor

import (
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/hw/hwtest"
)

// A clock lock benchy holds shows in the clocks check (NVML cannot read
// locks back, so the check reads hw's record of them).
func TestExamineLockedGPU(t *testing.T) {
	t.Setenv("BENCHY_STATE_DIR", t.TempDir())
	m := hwtest.DGXH100()
	held, err := hw.LockClocksWith(m, hw.ClockSpec{Mode: "base"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Restore()
	checks := Examine(hw.DetectWith(m), nil)
	if c := find(checks, "gpu1.clocks"); c.Verdict != OK || !strings.HasPrefix(c.Detail, "base (TDP) clock, locked by benchy at ") {
		t.Errorf("doctor on a locked GPU: %+v", c)
	}
	if c := find(checks, "gpu0.clocks"); c.Verdict != Warn {
		t.Errorf("doctor on an unlocked GPU: %+v", c)
	}
}
