package onnx

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/benchy-dev/benchy/models"
)

// tensorInfo is one model input as ONNX Runtime reports it.
type tensorInfo struct {
	Name string
	// Dims are the model's dimensions, -1 for a dynamic axis.
	Dims []int64
	// Type is the element type name ("float32", "int64", ...).
	Type string
	// Kind is "tensor", or the non-tensor ONNX type ("sequence", "map").
	Kind string
}

// resolvedInput is a model input with the concrete shape benchy feeds it.
type resolvedInput struct {
	Name  string
	Shape []int64
	Type  string
	// Data is the .npy array to feed, nil for synthetic data.
	Data *models.NPY
	// How says how the shape was chosen: "model", "batch", "input", "inputs", "npy".
	How string
}

// Image layouts benchy detects.
const (
	LayoutNCHW = "NCHW"
	LayoutNHWC = "NHWC"
)

// isChannels reports whether d looks like a channel count.
func isChannels(d int64) bool { return d >= 1 && d <= 4 }

// detectLayout guesses whether a rank-4 input is NCHW or NHWC from which of
// axes 1 and 3 is a small fixed channel count. When both or neither are, it
// assumes NCHW (ONNX's convention) and says so.
func detectLayout(dims []int64) (layout string, assumed bool) {
	c1, c3 := isChannels(dims[1]), isChannels(dims[3])
	switch {
	case c1 && !c3:
		return LayoutNCHW, false
	case c3 && !c1:
		return LayoutNHWC, false
	}
	return LayoutNCHW, true
}

func describeInputs(ins []tensorInfo, params map[string][]string) string {
	parts := make([]string, len(ins))
	for i, in := range ins {
		if in.Kind != "tensor" {
			parts[i] = fmt.Sprintf("%s (%s)", in.Name, in.Kind)
			continue
		}
		parts[i] = fmt.Sprintf("%s %s %s", in.Name, in.Type, describeDims(in.Dims, params[in.Name]))
	}
	return strings.Join(parts, ", ")
}

// resolveShapes decides the concrete shape of every model input from the
// onnx block: explicit inputs = {...} shapes and .npy arrays first, then
// input = "HxW" on the image input's spatial axes, then batch on dynamic
// leading axes. Any axis still dynamic is an error that says how to fill it.
// It returns the image layout it detected ("" when input is unset).
func resolveShapes(c *Config, ins []tensorInfo, params map[string][]string, arrays map[string]*models.NPY) ([]resolvedInput, string, error) {
	byName := map[string]bool{}
	for _, in := range ins {
		byName[in.Name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(c.Inputs)) {
		if !byName[name] {
			return nil, "", fmt.Errorf("inputs.%s: the model has no input named %q; its inputs are %s", name, name, describeInputs(ins, params))
		}
	}
	out := make([]resolvedInput, len(ins))
	for i, in := range ins {
		r, err := explicitShape(c, in, params, arrays)
		if err != nil {
			return nil, "", err
		}
		out[i] = r
	}
	layout := ""
	if c.Input != "" {
		var err error
		if layout, err = applyResolution(c, ins, params, out); err != nil {
			return nil, "", err
		}
	}
	for i, in := range ins {
		if err := fillBatch(c, in, params[in.Name], &out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, layout, nil
}

// explicitShape starts an input's resolution from the model's shape, or
// from what inputs = {...} gives for it: a shape or a .npy file.
func explicitShape(c *Config, in tensorInfo, params map[string][]string, arrays map[string]*models.NPY) (resolvedInput, error) {
	if in.Kind != "tensor" {
		return resolvedInput{}, fmt.Errorf("input %q is of kind %s; benchy feeds tensor inputs only", in.Name, in.Kind)
	}
	r := resolvedInput{Name: in.Name, Type: in.Type, Shape: slices.Clone(in.Dims), How: "model"}
	spec, ok := c.Inputs[in.Name]
	if !ok {
		return r, nil
	}
	given := spec.Shape
	r.How = "inputs"
	if spec.File != "" {
		a := arrays[in.Name]
		if a == nil {
			return r, fmt.Errorf("inputs.%s: %s was not loaded", in.Name, spec.File)
		}
		if a.ElementType() != in.Type {
			return r, fmt.Errorf("inputs.%s: %s holds %s (%s) but the model's input %q is %s", in.Name, spec.File, a.ElementType(), a.Descr, in.Name, in.Type)
		}
		given, r.Data, r.How = a.Shape, a, "npy"
	}
	if err := checkGiven(in, given, params[in.Name]); err != nil {
		what := fmt.Sprintf("inputs.%s", in.Name)
		if spec.File != "" {
			what += " (" + spec.File + ")"
		}
		return r, fmt.Errorf("%s: %w", what, err)
	}
	r.Shape = slices.Clone(given)
	return r, nil
}

// applyResolution applies input = "HxW" to the spatial axes of the image
// input, a rank-4 input of pixels (floating point or uint8) that inputs =
// {...} does not already shape, and returns the layout it detected.
func applyResolution(c *Config, ins []tensorInfo, params map[string][]string, out []resolvedInput) (string, error) {
	h, w, err := ParseResolution(c.Input)
	if err != nil {
		return "", err
	}
	var cands []int
	for i, in := range ins {
		if _, explicit := c.Inputs[in.Name]; !explicit && len(in.Dims) == 4 && isPixelType(in.Type) {
			cands = append(cands, i)
		}
	}
	switch len(cands) {
	case 0:
		return "", fmt.Errorf("input = %q needs a rank-4 image input (floating point or uint8) to apply the resolution to, but the model's inputs are %s; give shapes with inputs = {...} instead", c.Input, describeInputs(ins, params))
	case 1:
	default:
		names := make([]string, len(cands))
		for j, i := range cands {
			names[j] = ins[i].Name
		}
		return "", fmt.Errorf("input = %q is ambiguous: the model has several rank-4 inputs (%s); give their shapes with inputs = {...}", c.Input, strings.Join(names, ", "))
	}
	i := cands[0]
	in := ins[i]
	layout, assumed := detectLayout(in.Dims)
	hAxis, wAxis := 2, 3
	if layout == LayoutNHWC {
		hAxis, wAxis = 1, 2
	}
	if assumed {
		layout += " (assumed)"
	}
	for _, ax := range []struct {
		axis int
		want int64
	}{{hAxis, h}, {wAxis, w}} {
		if d := in.Dims[ax.axis]; d >= 0 && d != ax.want {
			return "", fmt.Errorf("input = %q does not fit the model: its image input %q (%s, %s) has a fixed size of %dx%d; re-export the model with dynamic height and width, or set input = \"%dx%d\"",
				c.Input, in.Name, describeDims(in.Dims, params[in.Name]), layout, in.Dims[hAxis], in.Dims[wAxis], in.Dims[hAxis], in.Dims[wAxis])
		}
		out[i].Shape[ax.axis] = ax.want
	}
	out[i].How = "input"
	return layout, nil
}

// fillBatch sets a dynamic leading axis to batch (an input that inputs =
// {...} shaped keeps its shape) and refuses any axis still dynamic, saying
// how to fill it.
func fillBatch(c *Config, in tensorInfo, params []string, r *resolvedInput) error {
	if r.How == "inputs" || r.How == "npy" || len(r.Shape) == 0 {
		return nil
	}
	if r.Shape[0] < 0 {
		r.Shape[0] = int64(c.Batch)
		if r.How == "model" {
			r.How = "batch"
		}
	} else if c.Batch > 1 && r.Shape[0] != int64(c.Batch) {
		return fmt.Errorf("batch = %d, but input %q has a fixed leading axis of %d (%s); re-export the model with a dynamic batch axis, or leave batch out", c.Batch, in.Name, r.Shape[0], describeDims(in.Dims, params))
	}
	var open []string
	for ax, d := range r.Shape {
		if d < 0 {
			name := fmt.Sprintf("axis %d", ax)
			if ax < len(params) && params[ax] != "" {
				name += " (" + params[ax] + ")"
			}
			open = append(open, name)
		}
	}
	if len(open) > 0 {
		hint := fmt.Sprintf("give its shape with inputs = { %s = [...] }", in.Name)
		if len(in.Dims) == 4 && c.Input == "" {
			hint = "set input = \"HEIGHTxWIDTH\" or " + hint
		}
		return fmt.Errorf("input %q has dynamic axes benchy cannot fill (%s: %s); %s", in.Name, describeDims(in.Dims, params), strings.Join(open, ", "), hint)
	}
	return nil
}

// checkGiven checks an explicit shape against the model's: same rank, and
// equal on every fixed axis.
func checkGiven(in tensorInfo, given []int64, params []string) error {
	if len(given) != len(in.Dims) {
		return fmt.Errorf("shape %v has rank %d, but the model's input %q has rank %d (%s)", given, len(given), in.Name, len(in.Dims), describeDims(in.Dims, params))
	}
	for ax, d := range in.Dims {
		if d >= 0 && given[ax] != d {
			return fmt.Errorf("shape %v does not match the model's input %q (%s): axis %d is fixed at %d", given, in.Name, describeDims(in.Dims, params), ax, d)
		}
		if given[ax] < 0 {
			return fmt.Errorf("shape %v has a negative axis", given)
		}
	}
	return nil
}

func isPixelType(t string) bool {
	switch t {
	case "float32", "float16", "bfloat16", "float64", "uint8":
		return true
	}
	return false
}
