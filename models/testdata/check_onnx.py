#!/usr/bin/env python3
"""Independent check of ONNX models exported by benchy's models package.

For each file: onnx.checker.check_model, a check that every float weight is
finite, then strict type and shape inference (what full_check adds) with the
declared value_info dropped, so that onnx infers every shape itself; from
those shapes the Conv/ConvTranspose/Gemm/MatMul multiply-accumulates are
recomputed, independently of the Go code. Prints one
JSON object per file: {"file", "ok", "error", "opset", "ir_version",
"float_params", "macs", "inputs", "outputs", "replica"}.

Exits 0 when every file passed, 1 otherwise.

Usage: /usr/bin/python3 check_onnx.py FILE.onnx...
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference

FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16,
               onnx.TensorProto.DOUBLE, onnx.TensorProto.BFLOAT16}


def dims(vi):
    t = vi.type.tensor_type
    return [d.dim_value if d.HasField("dim_value") else -1 for d in t.shape.dim]


def check(path):
    out = {"file": path, "ok": False}
    m = onnx.load(path)
    out["opset"] = max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    out["ir_version"] = m.ir_version
    out["replica"] = {p.key: p.value for p in m.metadata_props}.get("benchy.replica", "")
    onnx.checker.check_model(m)

    g = m.graph
    out["float_params"] = int(sum(int(np.prod(t.dims)) for t in g.initializer if t.data_type in FLOAT_TYPES))
    for t in g.initializer:  # every weight must be finite in its own type
        a = numpy_helper.to_array(t)
        if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
            raise ValueError("initializer %s holds non-finite values" % t.name)

    # Strict type and shape inference (what check_model's full_check adds)
    # on the graph without its weight data (small tensors such as Resize
    # scales stay: inference reads them): first against the declared
    # value_info, then without it, so that every shape below is onnx's own.
    for t in g.initializer:
        if np.prod(t.dims) > 64:
            t.ClearField("raw_data")
    shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    del g.value_info[:]
    inferred = shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    inits = {t.name: t for t in g.initializer}
    shapes = {vi.name: dims(vi) for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output)}
    for name, t in inits.items():
        shapes[name] = list(t.dims)
    producer = {o: n for n in g.node for o in n.output}

    def weight_dims(name):
        for _ in range(4):
            if name in inits:
                return list(inits[name].dims)
            p = producer.get(name)
            if p is None or p.op_type not in ("DequantizeLinear", "Cast"):
                break
            name = p.input[0]
        return shapes.get(name)

    macs = 0
    for n in g.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "Conv":
            w = weight_dims(n.input[1])
            macs += int(np.prod(shapes[n.output[0]])) * int(np.prod(w[1:]))
        elif n.op_type == "ConvTranspose":
            w = weight_dims(n.input[1])
            macs += int(np.prod(shapes[n.input[0]])) * int(np.prod(w[1:]))
        elif n.op_type in ("Gemm", "MatMul"):
            b = weight_dims(n.input[1])
            k = b[1] if n.op_type == "Gemm" and attrs.get("transB", 0) == 1 else b[-2]
            macs += int(np.prod(shapes[n.output[0]])) * k
    out["macs"] = macs
    out["inputs"] = [[i.name, dims(i)] for i in g.input if i.name not in inits]
    out["outputs"] = [[o.name, dims(o)] for o in g.output]
    out["ok"] = True
    return out


def main():
    failed = 0
    for path in sys.argv[1:]:
        try:
            res = check(path)
        except Exception as e:  # report and go on with the next file
            res = {"file": path, "ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        failed += not res["ok"]
        print(json.dumps(res), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
