package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/benchy-dev/benchy/internal/proctree"
	"github.com/benchy-dev/benchy/runners"
)

// stderrKeep is how much of a worker's stderr is kept for the results.
const stderrKeep = 16 << 10

// worker is the harness side of one worker process.
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan lineOrErr
	stderr *lockedTail
	done   chan struct{} // closed when the process has been waited for
	werr   error         // Wait's error, valid after done
	killed atomic.Bool   // benchy has killed it (or begun to)
}

type lineOrErr struct {
	line []byte
	err  error
}

// workerSpec says how to start a worker.
type workerSpec struct {
	argv []string
	env  []string
	dir  string
	// builtin marks `benchy worker RUNNER`, which kills what it started
	// when it gets SIGTERM; any other worker gets SIGKILL when benchy dies.
	builtin bool
}

// workerWaitDelay bounds how long a worker's exit waits for its stderr to
// close: a daemon that the worker started may hold it open for ever.
const workerWaitDelay = 2 * time.Second

// startWorker starts the process in its own process group so that a timeout
// can kill it and everything it started, with a parent-death signal so
// that it does not outlive benchy.
func startWorker(spec workerSpec) (*worker, error) {
	if len(spec.argv) == 0 {
		return nil, errors.New("empty worker command")
	}
	cmd := exec.Command(spec.argv[0], spec.argv[1:]...)
	cmd.Env = spec.env
	cmd.Dir = spec.dir
	deathSig := syscall.SIGKILL
	if spec.builtin {
		deathSig = syscall.SIGTERM
	}
	cmd.SysProcAttr = proctree.Attr(deathSig)
	cmd.WaitDelay = workerWaitDelay
	w := &worker{cmd: cmd, lines: make(chan lineOrErr, 1), stderr: &lockedTail{}, done: make(chan struct{})}
	w.stderr.tail = runners.NewTailWriter(&w.stderr.buf, stderrKeep)
	cmd.Stderr = w.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	// A pipe of our own, not cmd.StdoutPipe: Wait closes that one as soon
	// as the process exits, and a line the worker printed just before
	// exiting (a close response, a stray line after it) could be lost
	// unread. Here the read end is closed once the reader has reached the
	// end of the output, or stdoutDrain after the exit when a process the
	// worker started still holds its stdout.
	stdout, stdoutW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = stdoutW
	err = cmd.Start()
	stdoutW.Close() // the child has its copy
	if err != nil {
		stdout.Close()
		return nil, fmt.Errorf("start %s: %w", spec.argv[0], err)
	}
	w.stdin = stdin
	started(cmd.Process.Pid)
	eof := make(chan struct{})
	go w.readLines(stdout, eof)
	go func() {
		w.werr = cmd.Wait()
		ended(cmd.Process.Pid)
		select {
		case <-eof:
		case <-time.After(stdoutDrain):
		}
		stdout.Close()
		close(w.done)
	}()
	return w, nil
}

// stdoutDrain is how long a worker's stdout is still read after it exited,
// when a process it started keeps the pipe open.
const stdoutDrain = time.Second

// readLines sends r's non-empty lines, then its error (io.EOF at the end),
// on w.lines, and closes eof once r has nothing more to read.
func (w *worker) readLines(r io.Reader, eof chan<- struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), runners.MaxLine)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		w.lines <- lineOrErr{line: append([]byte(nil), line...)}
	}
	close(eof)
	err := sc.Err()
	if err == nil {
		err = io.EOF
	}
	w.lines <- lineOrErr{err: err}
	close(w.lines)
}

// call sends one request and waits for its response, at most timeout
// (0: no limit) or until ctx ends. On a timeout the worker is killed.
func (w *worker) call(ctx context.Context, req runners.Request, timeout time.Duration) (runners.Response, error) {
	var resp runners.Response
	line, err := w.callLine(ctx, req, timeout)
	if err != nil {
		return resp, err
	}
	if err := json.Unmarshal(line, &resp); err != nil {
		w.kill()
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return resp, fmt.Errorf("protocol error: the worker's response %q does not fit the protocol: field %s holds a JSON %s where the protocol wants %s (docs/protocol.md)", clip(string(line), 200), te.Field, te.Value, goKind(te.Type.String()))
		}
		return resp, fmt.Errorf("protocol error: worker printed %q on stdout, not a JSON response (stdout carries protocol lines only; log to stderr)", clip(string(line), 200))
	}
	return resp, nil
}

// callLine sends req (any JSON value) and returns the next line the worker
// prints, as call does but undecoded.
func (w *worker) callLine(ctx context.Context, req any, timeout time.Duration) ([]byte, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if _, err := w.stdin.Write(append(b, '\n')); err != nil {
		return nil, w.exitError(fmt.Errorf("worker stopped accepting requests: %w", err))
	}
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	select {
	case l, ok := <-w.lines:
		if !ok || l.err != nil {
			return nil, w.exitError(errors.New("worker closed its output"))
		}
		return l.line, nil
	case <-timer:
		w.kill()
		return nil, fmt.Errorf("timed out after %v; the worker's process group was killed", timeout)
	case <-ctx.Done():
		w.kill()
		return nil, fmt.Errorf("interrupted: %w", context.Cause(ctx))
	}
}

// exitError describes why a worker went away, waiting briefly for its exit.
func (w *worker) exitError(err error) error {
	select {
	case <-w.done:
	case <-time.After(2 * time.Second):
		w.kill()
		<-w.done
	}
	if w.werr != nil {
		return fmt.Errorf("%v: %v", err, w.werr)
	}
	return fmt.Errorf("%v: exit status 0", err)
}

// kill ends the worker, everything it started (in its process group or
// not, as long as it is still among its descendants) and its process group.
func (w *worker) kill() {
	if w.cmd.Process == nil {
		return
	}
	w.killed.Store(true)
	select {
	case <-w.done: // reaped: its pid may belong to another process now
	default:
		proctree.KillDescendants(w.cmd.Process.Pid)
	}
	_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
}

// close asks the worker to close, reads its answer and waits for it to
// exit, grace at most for both; then it kills what is left of it. It
// returns why the close failed: an answer with ok false (its error), no
// answer, a line that is not a response, no exit within grace (the worker
// is killed), or an exit with a status other than 0 (docs/protocol.md:
// close is answered, then the worker exits with status 0). One that had
// exited by itself before close failed too; one that benchy killed did not
// fail here: what killed it said why.
func (w *worker) close(grace time.Duration) error {
	select {
	case <-w.done:
		killed := w.killed.Load()
		w.kill()
		switch {
		case killed:
			return nil
		case cleanExit(w.werr) != nil:
			return fmt.Errorf("the worker exited with %v before close", w.werr)
		}
		return errors.New("the worker exited before close")
	default:
	}
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	if b, err := json.Marshal(runners.Request{Op: runners.OpClose}); err == nil {
		// A write that fails finds a worker that exited: the end of its
		// output says so below.
		_, _ = w.stdin.Write(append(b, '\n'))
	}
	_ = w.stdin.Close()
	var answer error
	answered := false
	select {
	case l, ok := <-w.lines:
		if ok && l.err == nil {
			answered = true
			answer = closeAnswer(l.line)
		}
	case <-deadline.C:
		w.kill()
		<-w.done
		w.kill()
		go w.drain()
		return fmt.Errorf("timed out after %v waiting for the answer to close; the worker's process group was killed", grace)
	}
	// What the worker prints after its answer is not read: a stray line
	// cannot block its exit.
	go w.drain()
	select {
	case <-w.done:
	case <-deadline.C:
		w.kill()
		<-w.done
		w.kill()
		return alsoErr(answer, fmt.Sprintf("the worker did not exit within %v of close; its process group was killed", grace))
	}
	// A worker's children may outlive it; the group goes with it.
	w.kill()
	exit := cleanExit(w.werr)
	switch {
	case !answered && exit != nil:
		return fmt.Errorf("the worker exited with %v without answering close", exit)
	case !answered:
		return errors.New("the worker exited without answering close")
	case exit != nil:
		return alsoErr(answer, fmt.Sprintf("the worker exited with %v after close", exit))
	}
	return answer
}

// cleanExit is Wait's error err, or nil when the worker exited with status
// 0 and only a process it started still held its stderr.
func cleanExit(err error) error {
	if errors.Is(err, exec.ErrWaitDelay) {
		return nil
	}
	return err
}

// alsoErr is err, if any, then what on one line: both go into one reason.
func alsoErr(err error, what string) error {
	if err == nil {
		return errors.New(what)
	}
	return fmt.Errorf("%v; %s", err, what)
}

// closeAnswer is the error a close response carries: its error when ok
// is false (less a "close: " the worker put in front, which the arm's
// reason puts there anyway), a protocol error when line is not a
// response, nil when ok.
func closeAnswer(line []byte) error {
	var resp runners.Response
	if err := json.Unmarshal(line, &resp); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("protocol error: the worker's answer to close %q does not fit the protocol: field %s holds a JSON %s where the protocol wants %s (docs/protocol.md)", clip(string(line), 200), te.Field, te.Value, goKind(te.Type.String()))
		}
		return fmt.Errorf("protocol error: the worker answered close with %q, not a JSON response (stdout carries protocol lines only; log to stderr)", clip(string(line), 200))
	}
	if !resp.OK {
		if resp.Error == "" {
			return errors.New("the worker answered close with ok false and no error")
		}
		return errors.New(strings.TrimPrefix(resp.Error, "close: "))
	}
	return nil
}

// drain reads and drops the rest of the worker's output, so that the
// reader is not left blocked once nobody reads its lines.
func (w *worker) drain() {
	for range w.lines {
	}
}

// goKind names a Go type of Response's fields as a protocol value.
func goKind(t string) string {
	switch t {
	case "int64", "int":
		return "an integer"
	case "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	}
	switch {
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "map["):
		return "an object"
	}
	return t
}

// reasonLines and reasonLineMax bound the stderr a failure reason quotes.
const (
	reasonLines   = 3
	reasonLineMax = 300
)

// failure is a failure reason for this worker: cause, then the last lines
// of its stderr when it wrote any. A line too long to quote whole is
// named by its length instead (a cut line could hide half a secret from
// the redaction); all of the tail is kept in the arm's record.
func (w *worker) failure(cause string) string {
	w.settleStderr()
	tail := strings.TrimRight(w.stderrTail(), "\n")
	if strings.TrimSpace(tail) == "" || tail == runners.CutMark {
		return cause
	}
	lines := strings.Split(tail, "\n")
	lines = lines[max(0, len(lines)-reasonLines):]
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if len(l) > reasonLineMax {
			l = fmt.Sprintf("[a line of %d bytes]", len(l))
		}
		lines[i] = l
	}
	return cause + "; stderr ends: " + strings.Join(lines, " | ")
}

// Bounds of settleStderr's wait (variables so that a test can wait for
// stderr with a generous deadline instead of racing these).
var (
	stderrSettleMax   = 500 * time.Millisecond
	stderrSettleQuiet = 20 * time.Millisecond
	stderrSettleEmpty = 100 * time.Millisecond
)

// settleStderr gives the copy of a live worker's stderr a moment to catch
// up before a failure quotes it. A worker writes its traceback to stderr
// and then its failure line to stdout, but the two pipes are read by
// different goroutines, so the line can arrive first, most of all on a
// loaded machine. It returns once the worker has exited (Wait has copied
// everything), or once stderr has been quiet for stderrSettleQuiet after
// growing (stderrSettleEmpty when nothing came at all), and after
// stderrSettleMax at most. Only failures wait.
func (w *worker) settleStderr() {
	start := time.Now()
	last, lastAt := w.stderr.written(), start
	for time.Since(start) < stderrSettleMax {
		select {
		case <-w.done:
			return
		case <-time.After(5 * time.Millisecond):
		}
		n := w.stderr.written()
		if n != last {
			last, lastAt = n, time.Now()
			continue
		}
		quiet := time.Since(lastAt)
		if (n > 0 && quiet >= stderrSettleQuiet) || quiet >= stderrSettleEmpty {
			return
		}
	}
}

// stderrTail returns the end of what the worker wrote to stderr.
func (w *worker) stderrTail() string { return w.stderr.String() }

type lockedTail struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	tail *runners.TailWriter
	n    int64 // bytes written in all, kept or not
}

func (l *lockedTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n += int64(len(p))
	return l.tail.Write(p)
}

// written is how many bytes have been written in all.
func (l *lockedTail) written() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// String is the tail, its cut-off first line dropped (runners.TrimCut) so
// that the redaction of the record sees only whole lines.
func (l *lockedTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf.Bytes()
	if l.tail.Cut() {
		b = runners.TrimCut(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// selfExecutable is the benchy binary that serves built-in runners.
func selfExecutable() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find the benchy executable to start workers: %w", err)
	}
	return p, nil
}
