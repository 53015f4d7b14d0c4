package harness

import (
	"os"
	"testing"
)

// TestWorkerClose: what close makes of workers that end in different
// ways, started as sh scripts; the full runs are TestCloseFailuresFailTheArm.
func TestWorkerClose(t *testing.T) {
	cases := []struct {
		name, script string
		before       func(*worker) // what happens before close
		want         string        // close's error; "" for none
	}{
		{name: "clean", script: `read -r l; echo '{"ok":true}'`},
		{name: "answer with error", script: `read -r l; echo '{"ok":false,"error":"could not release the device"}'`, want: "could not release the device"},
		{name: "answer ok false without error", script: `read -r l; echo '{"ok":false}'`, want: "the worker answered close with ok false and no error"},
		{name: "wrong shape", script: `read -r l; echo '{"ok":"yes"}'`, want: `protocol error: the worker's answer to close "{\"ok\":\"yes\"}" does not fit the protocol: field ok holds a JSON string where the protocol wants true or false (docs/protocol.md)`},
		// Exits 0 after its answer, leaving a process that holds its stderr
		// and stdout: Wait reports exec.ErrWaitDelay, which is no failure.
		{name: "a child holds stderr", script: `read -r l; sleep 30 & echo '{"ok":true}'`},
		{name: "exits by itself before close", script: `exit 4`, before: func(w *worker) { <-w.done }, want: "the worker exited with exit status 4 before close"},
		{name: "killed by benchy before close", script: `read -r l`, before: func(w *worker) { w.kill(); <-w.done }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := startWorker(workerSpec{argv: []string{"sh", "-c", tc.script}, env: os.Environ()})
			if err != nil {
				t.Fatal(err)
			}
			if tc.before != nil {
				tc.before(w)
			}
			err = w.close(workerCloseGrace)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("close: %q, want %q", got, tc.want)
			}
			select {
			case <-w.done:
			default:
				t.Error("close returned before the worker was waited for")
			}
		})
	}
}

// TestCloseAnswerDropsItsOwnPrefix: a worker's "close: ERROR" does not
// become "close: close: ERROR" in the arm's reason.
func TestCloseAnswerDropsItsOwnPrefix(t *testing.T) {
	for line, want := range map[string]string{
		`{"ok":false,"error":"close: could not release the device"}`: "could not release the device",
		`{"ok":false,"error":"closed twice"}`:                        "closed twice",
		`{"ok":true}`:                                                "",
	} {
		err := closeAnswer([]byte(line))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%s: %q, want %q", line, got, want)
		}
	}
}
