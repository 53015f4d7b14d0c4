package harness

import "github.com/benchy-dev/benchy/results"

// hostLoad is the host's load at the end of a block, when Options.HostLoad
// samples it (the run records it with the block, and the reports warn when
// it was high).
func (r *run) hostLoad() *results.LoadSample {
	if r.opt.HostLoad == nil {
		return nil
	}
	return r.opt.HostLoad()
}
