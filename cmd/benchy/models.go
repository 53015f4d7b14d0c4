package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/models"
	"github.com/benchy-dev/benchy/reports"
	ortrunner "github.com/benchy-dev/benchy/runners/onnx"
)

func init() { registerCommand(newModelsCmd) }

func newModelsCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List and export architecture replicas; convert any ONNX model to FP16 or INT8",
		Long: `benchy builds ONNX replicas of published networks (TAO BodyPoseNet, CMU
OpenPose, TRILL, FRILL): the same layers, shapes, parameter and MAC counts,
with seeded random weights. A replica is fit for latency and memory
measurements only; every exported file says so in its doc_string and in the
metadata key benchy.replica. The fp16 and quantize commands convert any
float32 ONNX model.`,
		// A parent without RunE would print its help and exit 0 for an
		// unknown subcommand; NoArgs makes that a usage error.
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.AddCommand(newModelsListCmd(stdout), newModelsExportCmd(stdout, stderr),
		newModelsFP16Cmd(stdout), newModelsQuantizeCmd(stdout, stderr), newModelsInfoCmd(stdout))
	return cmd
}

func newModelsListCmd(stdout io.Writer) *cobra.Command {
	var input, format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the replicas with their inputs, outputs, parameter and MAC counts",
		Long: `List prints every replica at its default input, or with --input at that
resolution for the image replicas (the audio replicas take one 96x64 log-mel
patch). PARAMS is what an FP32 export holds (BatchNorm folded into conv
biases); RAW is the count Keras or Caffe reports. MACs count Conv,
ConvTranspose and Gemm multiply-accumulates (FLOPs are about twice that).`,
		Example: `  benchy models list
  benchy models list --input 224x320 --format json`,
		Args: cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			outFmt, err := textOrJSON.Parse(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			var infos []models.Info
			for _, name := range models.Names() {
				opt := models.Options{}
				info, err := models.Describe(name, opt)
				if err == nil && input != "" && info.Modality == "image" {
					opt.Input = input
					info, err = models.Describe(name, opt)
				}
				if err != nil {
					return withCode(exitUsage, err)
				}
				infos = append(infos, info)
			}
			if outFmt == reports.JSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(infos)
			}
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tINPUTS\tOUTPUTS\tPARAMS\tRAW\tMACs\tFP32\tREPLICATES")
			for _, in := range infos {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", in.Name, modelTensors(in.Inputs), modelTensors(in.Outputs),
					modelDigits(in.Params), modelDigits(in.RawParams), modelCount(in.MACs), modelBytes(4*in.Params), in.Title)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "\nReplicas have seeded random weights: outputs are meaningless; time them, do not evaluate them.")
			return nil
		},
	}
	cmd.Flags().StringVar(&input, "input", "", "resolution HxW for the image replicas (e.g. 288x384)")
	addFormatFlag(cmd.Flags(), &format, "output format", textOrJSON)
	return cmd
}

// calibrationFlag turns --calibration into models.Calibration: a number of
// seeded synthetic inputs, "static" or "static:LO,HI" (no ONNX Runtime
// needed), or a folder of .npy inputs.
func calibrationFlag(v string, seed uint64) (models.Calibration, error) {
	cal := models.Calibration{Seed: seed}
	switch {
	case v == "":
	case v == "static":
		cal.Static = &models.Range{Min: -8, Max: 8}
	case strings.HasPrefix(v, "static:"):
		lo, hi, ok := strings.Cut(strings.TrimPrefix(v, "static:"), ",")
		l, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 32)
		h, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 32)
		if !ok || err1 != nil || err2 != nil || !(l < h) {
			return cal, fmt.Errorf("--calibration %q: want static:LO,HI with LO < HI, e.g. static:-6,6", v)
		}
		cal.Static = &models.Range{Min: float32(l), Max: float32(h)}
	default:
		if n, err := strconv.Atoi(v); err == nil {
			if n < 1 || n > 100000 {
				return cal, fmt.Errorf("--calibration %d: want 1 to 100000 synthetic inputs", n)
			}
			cal.Samples = n
			break
		}
		st, err := os.Stat(v)
		if err != nil || !st.IsDir() {
			return cal, fmt.Errorf("--calibration %q: not a number of inputs, static[:LO,HI] or a folder of .npy files", v)
		}
		cal.Dir = v
	}
	return cal, nil
}

// loadRuntimeFor loads ONNX Runtime when INT8 calibration will run it.
func loadRuntimeFor(cal models.Calibration) error {
	if cal.Static != nil {
		return nil
	}
	if _, err := ortrunner.Init(); err != nil {
		return withCode(exitEnvironment, fmt.Errorf("INT8 calibration runs the FP32 model on ONNX Runtime: %w (or pass --calibration static)", err))
	}
	return nil
}

// convertError maps an error of converting or analysing a model to an exit
// code: no ONNX Runtime is the environment's (3); anything else is about
// the input, the model or its calibration inputs (2), unless there was no
// input but benchy's own replica, when it is an internal error (3).
func convertError(err error, fromInput bool) error {
	if errors.Is(err, models.ErrNoRuntime) || !fromInput {
		return withCode(exitEnvironment, err)
	}
	return withCode(exitUsage, err)
}

func newModelsExportCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		out, input, precision, variant, calibration string
		stages, batch                               int
		seed                                        uint64
	)
	cmd := &cobra.Command{
		Use:   "export NAME -o FILE",
		Short: "Write a replica as an ONNX file (FP32, FP16 or INT8)",
		Long: `Export builds a replica (see benchy models list) with seeded random weights and
writes it as an ONNX file (opset 17). FP16 holds float16 weights and compute
with float32 inputs and outputs; INT8 is static QDQ quantization whose
activation ranges come from running the FP32 replica on ONNX Runtime over
--calibration seeded synthetic inputs (default 8), a folder of .npy inputs,
or a static range (static, meaning [-8, 8], or static:LO,HI) without ONNX
Runtime.`,
		Example: `  benchy models export bodyposenet --input 288x384 --precision int8 -o bpnet-int8.onnx
  benchy models export bodyposenet --stages 6 --variant sdk -o bpnet6-sdk.onnx
  benchy models export frill --precision fp16 -o frill-fp16.onnx`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return withCode(exitUsage, errors.New("export: -o FILE is required"))
			}
			cal, err := calibrationFlag(calibration, seed)
			if err != nil {
				return withCode(exitUsage, err)
			}
			opt := models.Options{Input: input, Precision: precision, Variant: variant, Stages: stages, Batch: batch, Seed: seed, Calibration: cal}
			info, err := models.Describe(args[0], opt)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if strings.EqualFold(precision, models.INT8) {
				if err := loadRuntimeFor(cal); err != nil {
					return err
				}
			}
			m, err := models.Build(args[0], opt)
			if err != nil {
				// The options are checked; only calibration inputs remain.
				return convertError(err, cal.Dir != "")
			}
			n, err := writeModel(out, m)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s: %s replica, %s, input %s, %s parameters, %s MACs, %s\n", out, info.Name,
				models.Meta(m, models.MetaPrecision), info.Input, modelDigits(info.Params), modelCount(info.MACs), modelBytes(n))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "file to write (required)")
	f.StringVar(&input, "input", "", "input resolution HxW (default: the replica's)")
	f.StringVar(&precision, "precision", "fp32", "fp32, fp16 or int8")
	f.IntVar(&stages, "stages", 0, "stages: bodyposenet 2-7 (default 3), openpose 2-6 (default 6)")
	f.StringVar(&variant, "variant", "", "bodyposenet: sdk (PAF upsampler, DeepStream names); frill: 2020 (default) or 2021")
	f.IntVar(&batch, "batch", 1, "batch size")
	f.Uint64Var(&seed, "seed", models.DefaultSeed, "seed for the weights and the synthetic calibration inputs")
	f.StringVar(&calibration, "calibration", "", "int8: N synthetic inputs (default 8), a folder of .npy inputs, or static[:LO,HI]")
	return cmd
}

func newModelsFP16Cmd(stdout io.Writer) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "fp16 IN.onnx -o OUT.onnx",
		Short: "Convert a float32 ONNX model to float16 (float32 inputs and outputs kept)",
		Long: `fp16 converts every float32 initializer, Constant and computation to float16
and casts at the graph boundary, so the model takes and returns the same
float32 tensors. Operators without a float16 form (Resize, TopK, Range, the
random generators, ...) and custom-domain operators stay float32 between
Casts. Models with control flow (If, Loop, Scan), external weight files or
QDQ quantization are refused.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if out == "" {
				return withCode(exitUsage, errors.New("fp16: -o OUT.onnx is required"))
			}
			src, err := readModel(args[0])
			if err != nil {
				return err
			}
			m, err := models.ToFP16(src)
			if err != nil {
				return convertError(fmt.Errorf("%s: %w", args[0], err), true)
			}
			n, err := writeModel(out, m)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s: float16, %s\n", out, modelBytes(n))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (required)")
	return cmd
}

func newModelsQuantizeCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		out, calibration string
		seed             uint64
	)
	cmd := &cobra.Command{
		Use:   "quantize IN.onnx -o OUT.onnx [--calibration N|DIR|static[:LO,HI]]",
		Short: "Quantize a float32 ONNX model to INT8 (static QDQ, per-channel weights)",
		Long: `quantize inserts QuantizeLinear/DequantizeLinear pairs (uint8, per tensor)
around the activations of every Conv, ConvTranspose, Gemm, MatMul, Add,
Concat and pooling node, and stores their weights as symmetric int8 with one
scale per output channel (int32 biases). Activation ranges are the min and
max the FP32 model reaches on ONNX Runtime over the calibration inputs:
N seeded synthetic inputs drawn uniformly from the model's
benchy.input_range metadata or [-1, 1] (default 8), or a folder of .npy
files (one per sample for a one-input model; otherwise one subfolder per
sample holding <input name>.npy, with '/' and ':' written as '_'). With
static or static:LO,HI every activation takes that range and ONNX Runtime
is not needed.`,
		Example: `  benchy models quantize model.onnx -o model-int8.onnx --calibration 32
  benchy models quantize model.onnx -o model-int8.onnx --calibration ./calib-npy/`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if out == "" {
				return withCode(exitUsage, errors.New("quantize: -o OUT.onnx is required"))
			}
			cal, err := calibrationFlag(calibration, seed)
			if err != nil {
				return withCode(exitUsage, err)
			}
			src, err := readModel(args[0])
			if err != nil {
				return err
			}
			if err := loadRuntimeFor(cal); err != nil {
				return err
			}
			m, err := models.Quantize(src, cal)
			if err != nil {
				return convertError(fmt.Errorf("%s: %w", args[0], err), true)
			}
			n, err := writeModel(out, m)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s: int8 QDQ (%s), %s\n", out, models.Meta(m, "benchy.int8_calibration"), modelBytes(n))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (required)")
	cmd.Flags().StringVar(&calibration, "calibration", "", "N synthetic inputs (default 8), a folder of .npy inputs, or static[:LO,HI]")
	cmd.Flags().Uint64Var(&seed, "seed", models.DefaultSeed, "seed for the synthetic calibration inputs")
	return cmd
}

func newModelsInfoCmd(stdout io.Writer) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "info FILE.onnx",
		Short: "Show an ONNX model's inputs, outputs, parameters, MACs and benchy metadata",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			outFmt, err := textOrJSON.Parse(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			m, err := readModel(args[0])
			if err != nil {
				return err
			}
			st, err := models.Analyze(m)
			if err != nil {
				return withCode(exitUsage, fmt.Errorf("%s: %w", args[0], err))
			}
			meta := map[string]string{}
			for _, p := range m.MetadataProps {
				meta[p.Key] = p.Value
			}
			if outFmt == reports.JSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"file": args[0], "producer": m.ProducerName, "ir_version": m.IrVersion,
					"opset": opsetOf(m), "stats": st, "metadata": meta})
			}
			fmt.Fprintf(stdout, "%s: ONNX IR %d, opset %d, produced by %s\n", args[0], m.IrVersion, opsetOf(m), cmpStr(m.ProducerName, "(unknown)"))
			if r := meta[models.MetaReplica]; r != "" {
				fmt.Fprintf(stdout, "REPLICA of %s (seeded random weights: time it, do not evaluate it)\n", meta["benchy.replica.of"])
			}
			fmt.Fprintf(stdout, "inputs:  %s\noutputs: %s\n", modelTensors(st.Inputs), modelTensors(st.Outputs))
			fmt.Fprintf(stdout, "parameters: %s (%s float), weights %s\n", modelDigits(st.Params), modelDigits(st.FloatParams), modelBytes(st.WeightBytes))
			fmt.Fprintf(stdout, "MACs: %s", modelCount(st.MACs))
			if len(st.Unsized) > 0 {
				fmt.Fprintf(stdout, " (at least: %d nodes without declared shapes)", len(st.Unsized))
			}
			fmt.Fprintln(stdout)
			ops := make([]string, 0, len(st.Ops))
			for op, n := range st.Ops {
				ops = append(ops, fmt.Sprintf("%s %d", op, n))
			}
			sort.Strings(ops)
			fmt.Fprintf(stdout, "operators: %s\n", strings.Join(ops, ", "))
			for _, k := range slices.Sorted(maps.Keys(meta)) {
				fmt.Fprintf(stdout, "  %s = %s\n", k, meta[k])
			}
			return nil
		},
	}
	addFormatFlag(cmd.Flags(), &format, "output format", textOrJSON)
	return cmd
}

func readModel(path string) (*models.ModelProto, error) {
	data, err := ortrunner.ReadModelFile(path)
	if err != nil {
		return nil, withCode(exitUsage, err)
	}
	m, err := models.Unmarshal(data)
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("%s: %w", path, err))
	}
	return m, nil
}

// writeModel writes m to path (the -o flag) and returns its size. A path
// that names a folder, or runs through a file, is a usage error; a failed
// write is the environment's.
func writeModel(path string, m *models.ModelProto) (int64, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return 0, withCode(exitUsage, fmt.Errorf("-o %s is a folder; name the file to write", path))
	}
	data, err := models.Marshal(m)
	if err != nil {
		return 0, withCode(exitEnvironment, err)
	}
	if err := models.WriteFile(path, data); err != nil {
		if errors.Is(err, syscall.ENOTDIR) {
			return 0, withCode(exitUsage, fmt.Errorf("-o %s: %w", path, err))
		}
		return 0, withCode(exitEnvironment, err)
	}
	return int64(len(data)), nil
}

func opsetOf(m *models.ModelProto) int64 {
	for _, o := range m.OpsetImport {
		if o.Domain == "" || o.Domain == "ai.onnx" {
			return o.Version
		}
	}
	return 0
}

func cmpStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func modelTensors(ts []models.Tensor) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		dims := make([]string, len(t.Shape))
		for j, d := range t.Shape {
			dims[j] = strconv.FormatInt(d, 10)
			if d < 0 {
				dims[j] = "?"
			}
		}
		parts[i] = fmt.Sprintf("%s %s[%s]", t.Name, t.Type, strings.Join(dims, "x"))
	}
	return strings.Join(parts, ", ")
}

// modelDigits writes 16769771 as 16,769,771.
func modelDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// modelCount writes 49603608576 as 49.60 G.
func modelCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f G", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2f M", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.2f k", float64(n)/1e3)
	}
	return strconv.FormatInt(n, 10)
}

// modelBytes writes sizes in decimal megabytes, as the model cards do.
func modelBytes(n int64) string {
	if n >= 1e6 {
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f kB", float64(n)/1e3)
}
