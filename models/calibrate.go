package models

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/benchy-dev/benchy/internal/regularfile"
)

// ErrNoRuntime reports that ONNX Runtime could not be loaded, so INT8
// calibration cannot run. Callers treat it as an environment error (or use
// Calibration.Static).
var ErrNoRuntime = errors.New("ONNX Runtime is not available")

var ortMu sync.Mutex

// withRuntime runs fn with ONNX Runtime initialised. If the process has not
// initialised it, the library at lib (else $ONNXRUNTIME_LIB) is loaded for
// fn and the environment destroyed afterwards.
func withRuntime(lib string, fn func() error) error {
	ortMu.Lock()
	defer ortMu.Unlock()
	if ort.IsInitialized() {
		return fn()
	}
	if lib == "" {
		lib = os.Getenv("ONNXRUNTIME_LIB")
	}
	if lib == "" {
		return fmt.Errorf("%w: set ONNXRUNTIME_LIB to libonnxruntime.so (scripts/install-onnxruntime.sh installs it), or use a static calibration range", ErrNoRuntime)
	}
	if _, err := os.Stat(lib); err != nil {
		return fmt.Errorf("%w: %v", ErrNoRuntime, err)
	}
	ort.SetSharedLibraryPath(lib)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return fmt.Errorf("%w: load %s: %v", ErrNoRuntime, lib, err)
	}
	defer ort.DestroyEnvironment()
	return fn()
}

// sample is one set of calibration inputs, by input name.
type sample map[string]ort.Value

func (s sample) destroy() {
	for _, v := range s {
		v.Destroy()
	}
}

// CalibrateRanges runs a float32 model on ONNX Runtime over the calibration
// inputs cal describes and returns the min and max each named tensor
// reached. Tensors may be graph inputs, outputs or intermediate values.
func CalibrateRanges(m *onnx.ModelProto, tensors []string, cal Calibration) (map[string]Range, error) {
	g := m.GetGraph()
	if g == nil {
		return nil, errors.New("model has no graph")
	}
	inputs := inputsOf(m)
	isInput := map[string]bool{}
	for _, in := range inputs {
		isInput[in.Name] = true
	}
	// Intermediate tensors become extra graph outputs.
	probe := proto.Clone(m).(*onnx.ModelProto)
	isOutput := map[string]bool{}
	for _, o := range probe.Graph.Output {
		isOutput[o.Name] = true
	}
	var outNames []string
	for _, t := range tensors {
		if isInput[t] {
			continue
		}
		if !isOutput[t] {
			probe.Graph.Output = append(probe.Graph.Output, &onnx.ValueInfoProto{Name: t, Type: tensorTypeNoShape(dtFloat)})
			isOutput[t] = true
		}
		outNames = append(outNames, t)
	}
	data, err := Marshal(probe)
	if err != nil {
		return nil, err
	}
	inNames := make([]string, len(inputs))
	for i, in := range inputs {
		inNames[i] = in.Name
	}

	ranges := map[string]Range{}
	observe := func(name string, v []float32) error {
		r, seen := ranges[name]
		if !seen {
			r = Range{Min: float32(math.Inf(1)), Max: float32(math.Inf(-1))}
		}
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return fmt.Errorf("tensor %q reached %v during calibration", name, x)
			}
			r.Min = min(r.Min, x)
			r.Max = max(r.Max, x)
		}
		ranges[name] = r
		return nil
	}
	err = withRuntime(cal.Library, func() error {
		samples, err := calibrationSamples(m, inputs, cal)
		defer func() {
			for _, s := range samples {
				s.destroy()
			}
		}()
		if err != nil {
			return err
		}
		var sess *ort.DynamicAdvancedSession
		if len(outNames) > 0 {
			opts, err := ort.NewSessionOptions()
			if err != nil {
				return err
			}
			defer opts.Destroy()
			sess, err = ort.NewDynamicAdvancedSessionWithONNXData(data, inNames, outNames, opts)
			if err != nil {
				return fmt.Errorf("create session: %w", err)
			}
			defer sess.Destroy()
		}
		for si, s := range samples {
			in := make([]ort.Value, len(inNames))
			for i, name := range inNames {
				in[i] = s[name]
				if t, ok := s[name].(*ort.Tensor[float32]); ok && slicesContains(tensors, name) {
					if err := observe(name, t.GetData()); err != nil {
						return err
					}
				}
			}
			if sess == nil {
				continue // only graph inputs asked for
			}
			out := make([]ort.Value, len(outNames))
			if err := sess.Run(in, out); err != nil {
				return fmt.Errorf("sample %d: %w", si+1, err)
			}
			for i, v := range out {
				t, ok := v.(*ort.Tensor[float32])
				if !ok {
					v.Destroy()
					return fmt.Errorf("tensor %q is not float32", outNames[i])
				}
				err := observe(outNames[i], t.GetData())
				v.Destroy()
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range tensors {
		if _, ok := ranges[t]; !ok {
			return nil, fmt.Errorf("tensor %q was not observed", t)
		}
	}
	return ranges, nil
}

// inputsOf lists a model's graph inputs that are not initializers.
func inputsOf(m *onnx.ModelProto) []*onnx.ValueInfoProto {
	isInit := map[string]bool{}
	for _, t := range m.Graph.Initializer {
		isInit[t.Name] = true
	}
	var inputs []*onnx.ValueInfoProto
	for _, in := range m.Graph.Input {
		if !isInit[in.Name] {
			inputs = append(inputs, in)
		}
	}
	return inputs
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func tensorTypeNoShape(elem int32) *onnx.TypeProto {
	return &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{TensorType: &onnx.TypeProto_Tensor{ElemType: elem}}}
}

// calibrationSamples loads the user's .npy inputs or synthesises seeded ones.
func calibrationSamples(m *onnx.ModelProto, inputs []*onnx.ValueInfoProto, cal Calibration) ([]sample, error) {
	if cal.Dir != "" {
		return loadSamples(cal.Dir, inputs)
	}
	n := cmp0(cal.Samples, DefaultSamples)
	if n < 1 || n > 100000 {
		return nil, fmt.Errorf("calibration samples %d out of range 1–100000", n)
	}
	rg := Range{Min: -1, Max: 1}
	if cal.InputRange != nil {
		rg = *cal.InputRange
	} else if s := Meta(m, MetaInputRange); s != "" {
		lo, hi, ok := strings.Cut(s, ",")
		l, err1 := strconv.ParseFloat(lo, 32)
		h, err2 := strconv.ParseFloat(hi, 32)
		if ok && err1 == nil && err2 == nil && l < h {
			rg = Range{Min: float32(l), Max: float32(h)}
		}
	}
	rng := rand.New(rand.NewPCG(cmp0(cal.Seed, DefaultSeed), 0x63616c6962)) // "calib"
	var out []sample
	for range n {
		s := sample{}
		out = append(out, s)
		for _, in := range inputs {
			elem, dims, ok := shapeOf(in)
			if !ok {
				return out, fmt.Errorf("input %q has no declared shape; supply calibration inputs (Dir)", in.Name)
			}
			shape := make([]int64, len(dims))
			for i, d := range dims {
				shape[i] = max(d, 1) // dynamic axes: 1
			}
			v, err := syntheticTensor(rng, elem, shape, rg)
			if err != nil {
				return out, fmt.Errorf("input %q: %w", in.Name, err)
			}
			s[in.Name] = v
		}
	}
	return out, nil
}

func syntheticTensor(rng *rand.Rand, elem int32, shape []int64, rg Range) (ort.Value, error) {
	n := numElements(shape)
	switch elem {
	case dtFloat:
		v := make([]float32, n)
		for i := range v {
			v[i] = rg.Min + (rg.Max-rg.Min)*rng.Float32()
		}
		return ort.NewTensor(ort.NewShape(shape...), v)
	case dtDouble:
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rg.Min) + float64(rg.Max-rg.Min)*rng.Float64()
		}
		return ort.NewTensor(ort.NewShape(shape...), v)
	case dtInt64:
		return ort.NewTensor(ort.NewShape(shape...), make([]int64, n))
	case dtInt32:
		return ort.NewTensor(ort.NewShape(shape...), make([]int32, n))
	case dtBool:
		return ort.NewTensor(ort.NewShape(shape...), make([]bool, n))
	case dtUint8:
		return ort.NewTensor(ort.NewShape(shape...), make([]uint8, n))
	}
	return nil, fmt.Errorf("element type %s is not supported for synthetic calibration inputs", elemTypeName(elem))
}

// npyName is the file name of an input inside a calibration sample folder.
func npyName(input string) string {
	return strings.NewReplacer("/", "_", ":", "_").Replace(input) + ".npy"
}

func loadSamples(dir string, inputs []*onnx.ValueInfoProto) ([]sample, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("calibration inputs: %w", err)
	}
	var paths [][]string // per sample, one path per input
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch {
		case len(inputs) == 1 && !e.IsDir() && strings.HasSuffix(e.Name(), ".npy"):
			paths = append(paths, []string{p})
		case len(inputs) > 1 && e.IsDir():
			var ps []string
			for _, in := range inputs {
				ps = append(ps, filepath.Join(p, npyName(in.Name)))
			}
			paths = append(paths, ps)
		}
	}
	sort.Slice(paths, func(i, j int) bool { return paths[i][0] < paths[j][0] })
	if len(paths) == 0 {
		if len(inputs) == 1 {
			return nil, fmt.Errorf("calibration inputs: no .npy files in %s", dir)
		}
		return nil, fmt.Errorf("calibration inputs: no sample folders in %s (each holds one .npy per input, e.g. %s)", dir, npyName(inputs[0].Name))
	}
	var out []sample
	for _, ps := range paths {
		s := sample{}
		out = append(out, s)
		for i, in := range inputs {
			v, err := loadInput(ps[i], in)
			if err != nil {
				return out, err
			}
			s[in.Name] = v
		}
	}
	return out, nil
}

// maxCalibrationInputBytes bounds one calibration .npy file, as the ONNX
// runner bounds its inputs (2 GiB).
const maxCalibrationInputBytes = 2 << 30

// loadInput reads one calibration .npy file: a regular file of at most
// maxCalibrationInputBytes, so that a FIFO is an error at once, not a hang.
func loadInput(path string, in *onnx.ValueInfoProto) (ort.Value, error) {
	b, err := regularfile.Read(path, maxCalibrationInputBytes)
	if err != nil {
		return nil, fmt.Errorf("calibration input: %w", err)
	}
	a, err := ParseNPY(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	data, err := a.values()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	elem, dims, _ := shapeOf(in)
	if dims != nil {
		match := len(dims) == len(a.Shape)
		for i := 0; match && i < len(dims); i++ {
			match = dims[i] < 0 || dims[i] == a.Shape[i]
		}
		if !match {
			return nil, fmt.Errorf("%s: shape %v does not fit input %q of shape %v", path, a.Shape, in.Name, dims)
		}
	}
	shape := ort.NewShape(a.Shape...)
	switch v := data.(type) {
	case []float32:
		if elem == dtFloat {
			return ort.NewTensor(shape, v)
		}
	case []float64:
		switch elem {
		case dtDouble:
			return ort.NewTensor(shape, v)
		case dtFloat:
			f := make([]float32, len(v))
			for i, x := range v {
				f[i] = float32(x)
			}
			return ort.NewTensor(shape, f)
		}
	case []int64:
		if elem == dtInt64 {
			return ort.NewTensor(shape, v)
		}
	case []int32:
		if elem == dtInt32 {
			return ort.NewTensor(shape, v)
		}
	case []uint8:
		if elem == dtUint8 {
			return ort.NewTensor(shape, v)
		}
	case []int8:
		if elem == dtInt8 {
			return ort.NewTensor(shape, v)
		}
	case []bool:
		if elem == dtBool {
			return ort.NewTensor(shape, v)
		}
	}
	return nil, fmt.Errorf("%s: element type does not match input %q (%s)", path, in.Name, elemTypeName(elem))
}
