package runners

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// MaxLine is the longest protocol line a worker or the harness accepts.
// A run of a million iterations is about 12 MB of JSON.
const MaxLine = 256 << 20

// Serve speaks the worker protocol for r: it reads requests from in, one
// JSON object per line, and writes one response line per request to out.
// It returns after a close request or at the end of in. A setup answers
// with the protocol version both sides speak (docs/protocol.md).
func Serve(ctx context.Context, r Runner, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	enc := json.NewEncoder(out)
	set := false
	for sc.Scan() {
		var req Request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			if err := enc.Encode(Response{Error: fmt.Sprintf("bad request: %v", err)}); err != nil {
				return err
			}
			continue
		}
		var resp Response
		switch req.Op {
		case OpSetup:
			asked := req.RequestedVersion()
			if asked < MinProtocolVersion {
				resp = Response{Error: fmt.Sprintf("benchy asked for protocol %d; this worker speaks protocol %d to %d — upgrade benchy", asked, MinProtocolVersion, ProtocolVersion)}
				break
			}
			info, err := r.Setup(ctx, Setup{Config: req.Config, Seed: req.Seed, SuiteDir: req.SuiteDir})
			resp = respond(err)
			resp.Info = info
			if err == nil {
				resp.Protocol = json.RawMessage(strconv.Itoa(min(asked, ProtocolVersion)))
			}
			set = err == nil
		case OpRun:
			if !set {
				resp = Response{Error: "run before a successful setup"}
				break
			}
			if req.Iterations < 1 {
				resp = Response{Error: fmt.Sprintf("run needs iterations >= 1, got %d", req.Iterations)}
				break
			}
			ns, metrics, err := r.Run(ctx, req.Warmup, req.Iterations)
			if err == nil {
				err = CheckMetrics(metrics) // JSON has no NaN or Inf: the answer could not be written
			}
			resp = respond(err)
			if err == nil {
				resp.NS, resp.Metrics = ns, metrics
			}
		case OpClose:
			err := r.Close()
			return enc.Encode(respond(err))
		default:
			resp = Response{Error: fmt.Sprintf("unknown op %q", req.Op)}
		}
		if err := enc.Encode(resp); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return r.Close()
}

func respond(err error) Response {
	if err == nil {
		return Response{OK: true}
	}
	return Response{Error: err.Error(), Skip: IsSkip(err)}
}
