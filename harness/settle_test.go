package harness

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/runners"
)

// TestFailureWaitsForStderr: a worker whose traceback reaches benchy's
// stderr copy after its failure line (here on purpose, 50 ms later; on a
// loaded machine by scheduling) still has it quoted in the reason.
// The wait's bounds are stretched to a minute, so that however loaded the
// machine, the late traceback (one write) arrives inside them; the wait
// still ends as soon as it has.
func TestFailureWaitsForStderr(t *testing.T) {
	oldMax, oldEmpty := stderrSettleMax, stderrSettleEmpty
	stderrSettleMax, stderrSettleEmpty = time.Minute, time.Minute
	t.Cleanup(func() { stderrSettleMax, stderrSettleEmpty = oldMax, oldEmpty })
	script := `read -r line
(sleep 0.05; printf 'Traceback (most recent call last):\nValueError: late\n' >&2) &
echo '{"ok":false,"error":"ValueError: late"}'
read -r line
`
	w, err := startWorker(workerSpec{argv: []string{"sh", "-c", script}, env: os.Environ()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.close(time.Second)
	resp, err := w.call(context.Background(), runners.Request{Op: runners.OpSetup, Protocol: runners.ProtocolVersion}, 10*time.Second)
	if err != nil || resp.OK {
		t.Fatalf("setup: %+v, %v", resp, err)
	}
	got := w.failure("setup: " + resp.Error)
	if !strings.Contains(got, "stderr ends: Traceback (most recent call last): | ValueError: late") {
		t.Errorf("reason %q lacks the late stderr", got)
	}
}
