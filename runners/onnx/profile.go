package onnx

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Assignment is which execution provider ran each node of one profiled
// inference, read from ONNX Runtime's profiling output.
type Assignment struct {
	// Nodes counts distinct nodes per provider ("CPUExecutionProvider": 12).
	Nodes map[string]int `json:"nodes"`
	// Ops lists, per provider, the distinct operator types it ran.
	Ops map[string][]string `json:"ops"`
	// ShapeOnCPU counts CPU nodes that only compute small integer tensors
	// (shapes, indices). ONNX Runtime deliberately keeps such nodes on the
	// CPU beside a GPU provider; they are not a fallback.
	ShapeOnCPU int `json:"shape_nodes_on_cpu,omitempty"`
	// fallback lists the operator types of CPU nodes that did real work.
	fallback map[string]bool
	cpuWork  int
}

// shapeNodeMaxBytes bounds the output of a CPU node counted as shape
// computation rather than a fallback.
const shapeNodeMaxBytes = 4096

// ortProviderNames maps benchy's provider names to ONNX Runtime's.
var ortProviderNames = map[string]string{
	ProviderCPU:      "CPUExecutionProvider",
	ProviderCUDA:     "CUDAExecutionProvider",
	ProviderTensorRT: "TensorrtExecutionProvider",
}

// ParseProfile reads ONNX Runtime's profiling JSON (a Chrome trace: an
// array of events, or an object with "traceEvents") and counts the node
// events of each provider.
func ParseProfile(b []byte) (*Assignment, error) {
	type event struct {
		Cat  string `json:"cat"`
		Name string `json:"name"`
		Args struct {
			Provider   string                       `json:"provider"`
			OpName     string                       `json:"op_name"`
			NodeIndex  string                       `json:"node_index"`
			OutputSize string                       `json:"output_size"`
			Outputs    []map[string]json.RawMessage `json:"output_type_shape"`
		} `json:"args"`
	}
	var events []event
	if err := json.Unmarshal(b, &events); err != nil {
		var wrapped struct {
			TraceEvents []event `json:"traceEvents"`
		}
		if err2 := json.Unmarshal(b, &wrapped); err2 != nil {
			return nil, fmt.Errorf("reading ONNX Runtime profile: %w", err)
		}
		events = wrapped.TraceEvents
	}
	a := &Assignment{Nodes: map[string]int{}, Ops: map[string][]string{}, fallback: map[string]bool{}}
	seen := map[string]bool{}
	ops := map[string]map[string]bool{}
	for _, e := range events {
		if e.Cat != "Node" || e.Args.Provider == "" {
			continue
		}
		key := e.Args.Provider + "\x00" + strings.TrimSuffix(e.Name, "_kernel_time") + "\x00" + e.Args.NodeIndex
		if seen[key] {
			continue
		}
		seen[key] = true
		a.Nodes[e.Args.Provider]++
		if ops[e.Args.Provider] == nil {
			ops[e.Args.Provider] = map[string]bool{}
		}
		if e.Args.OpName != "" {
			ops[e.Args.Provider][e.Args.OpName] = true
		}
		if e.Args.Provider == ortProviderNames[ProviderCPU] {
			if isShapeNode(e.Args.Outputs, e.Args.OutputSize) {
				a.ShapeOnCPU++
			} else {
				a.cpuWork++
				a.fallback[e.Args.OpName] = true
			}
		}
	}
	for p, set := range ops {
		list := make([]string, 0, len(set))
		for op := range set {
			list = append(list, op)
		}
		sort.Strings(list)
		a.Ops[p] = list
	}
	return a, nil
}

// CheckProvider fails when an arm asked for a GPU provider and nodes ran on
// the CPU: a fast CPU number must never pass for a GPU one. For the CPU
// provider it only checks that some node ran.
func (a *Assignment) CheckProvider(provider string) error {
	total := 0
	for _, n := range a.Nodes {
		total += n
	}
	if total == 0 {
		return nil // a graph with no kernels to run (e.g. only an Identity folded away)
	}
	if provider == ProviderCPU {
		return nil
	}
	if a.cpuWork > 0 {
		ops := slices.Sorted(maps.Keys(a.fallback))
		return fmt.Errorf("provider %q was asked for, but %d of %d nodes fell back to the CPU (%s); the arm would measure a CPU fallback. Use a model whose operators the %s provider supports",
			provider, a.cpuWork, total, strings.Join(ops, ", "), provider)
	}
	if a.Nodes[ortProviderNames[provider]] == 0 {
		return fmt.Errorf("provider %q was asked for, but none of the %d nodes ran on it (%v)", provider, total, a.Nodes)
	}
	return nil
}

// Used returns the providers that ran nodes, most nodes first.
func (a *Assignment) Used() []string {
	ps := make([]string, 0, len(a.Nodes))
	for p := range a.Nodes {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool {
		if a.Nodes[ps[i]] != a.Nodes[ps[j]] {
			return a.Nodes[ps[i]] > a.Nodes[ps[j]]
		}
		return ps[i] < ps[j]
	})
	return ps
}

// isShapeNode reports whether a node's outputs are all small int64/int32
// tensors: the shape arithmetic ONNX Runtime keeps on the CPU on purpose.
func isShapeNode(outputs []map[string]json.RawMessage, size string) bool {
	if len(outputs) == 0 {
		return false
	}
	for _, o := range outputs {
		for typ := range o {
			if typ != "int64" && typ != "int32" {
				return false
			}
		}
	}
	n, err := strconv.Atoi(size)
	return err == nil && n <= shapeNodeMaxBytes
}
