#!/usr/bin/env python3
"""Writes the hand-made results documents the reports tests render.

They are fixed inputs (committed); this script only records how they were
made: python3 reports/testdata/gen.py. Every number comes from a seeded
generator, so a rerun writes the same files.

  gpu.json  two GPU workload instances with per-run telemetry (clocks, power,
            energy per iteration, throttled blocks, an energy read error), a
            failed arm and a skipped arm.
  cpu.json  a CPU run without telemetry: a time metric and a throughput
            metric where higher is better.
  xss.json  names, paths, reasons and suite source full of markup, quotes
            and ampersands.
"""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = "2026-11-20T10:00:00Z"


def env(gpus):
    return {
        "host": "bench-01", "os": "linux", "arch": "amd64", "kernel": "6.8.0-45-generic",
        "cpu_model": "AMD EPYC 9454 48-Core Processor", "cpu_count": 96, "go_version": "go1.26.8",
        "gpus": gpus,
        "hardware": {"schema": "benchy/hw/v1", "host": {"hostname": "bench-01", "distro": "Ubuntu 24.04.1 LTS"},
                     "gpus": [{"name": g} for g in gpus]},
        "overhead_ns": {"spawn": 612345.0},
    }


def block_time(i):
    return "2026-11-20T10:%02d:%02dZ" % (i // 60 % 60, i % 60)


def workload(rng, name, arms, means, blocks=8, warmup=1, iters=5, cv=0.02, drift=0.0,
             telemetry=None, failed=None, metric="ms", better="lower", description=""):
    """arms: list of (name, baseline, runner, status, reason)."""
    w = {"name": name, "description": description, "metric": metric, "better": better,
         "run": {"warmup": warmup, "min_blocks": 5, "max_blocks": blocks, "target_ci_half_width": 0.02,
                 "confidence": 0.95, "order": "interleaved-random"},
         "status": "complete",
         "stop_reason": "every arm's 95%% CI half-width is within ±2%% after %d blocks" % blocks,
         "arms": [], "blocks": []}
    for (an, base, runner, status, reason) in arms:
        a = {"name": an, "baseline": base, "runner": runner, "status": status}
        if reason:
            a["reason"] = reason
        w["arms"].append(a)
    active = [a for a in arms if a[3] != "skipped"]
    for b in range(warmup + blocks):
        order = [a[0] for a in active]
        rng.shuffle(order)
        blk = {"index": b, "warmup": b < warmup, "order": order, "start": block_time(b * 7), "runs": []}
        for an in order:
            run = {"arm": an}
            if failed and failed[0] == an and b >= failed[1]:
                run["error"] = "worker exited: signal: segmentation fault (core dumped)"
                blk["runs"].append(run)
                continue
            mean = means[an] * (1 + drift * b)
            ns = [int(mean * math.exp(rng.gauss(0, cv))) for _ in range(iters)]
            run["ns"] = ns
            if telemetry:
                t = telemetry(rng, an, b, mean)
                if t is not None:
                    run["telemetry"] = t
            blk["runs"].append(run)
        w["blocks"].append(blk)
    return w


def gpu_telemetry(watts, throttle_blocks, energy_error_block=None):
    def t(rng, arm, b, mean_ns):
        w = watts[arm] * (1 + rng.gauss(0, 0.02))
        throttled = b in throttle_blocks.get(arm, ())
        clk = 1755 if not throttled else 1410
        sample = lambda: {"gpu": 0, "t": T0, "sm_mhz": clk + rng.randint(-15, 15), "mem_mhz": 2619,
                          "temp_c": 61 + rng.randint(0, 8) + (12 if throttled else 0), "power_w": round(w, 1),
                          "reasons": ["sw_power_cap"] if throttled else []}
        out = {"before": [sample()], "after": [sample()], "throttled": throttled,
               "reasons": ["sw_power_cap", "sw_thermal_slowdown"] if throttled else [],
               "max_temp_c": 75 if throttled else 66}
        if energy_error_block is not None and (arm, b) == energy_error_block:
            out["energy_error"] = "GPU 0: the energy counter went backwards"
        else:
            e = w * mean_ns * 1e-9
            out["energy_per_iteration_j"] = round(e, 6)
            out["energy_j"] = round(e * 50, 4)
        return out
    return t


def doc(path, suite_src, seed, workloads, gpus, status="complete", stop="2 workload(s) finished"):
    return {"schema": "benchy/results/v1", "benchy": "v0.1.0-test",
            "suite": {"path": path, "source": suite_src,
                      "sha256": "3f1c2a6a0f3c8d7f0e9b1a2c3d4e5f60718293a4b5c6d7e8f90112233445566"},
            "variables": [{"name": "provider", "value": "cuda", "source": "default"}],
            "seed": seed, "order": "interleaved-random", "started": T0, "finished": "2026-11-20T10:09:30Z",
            "status": status, "stop_reason": stop, "environment": env(gpus), "workloads": workloads}


def write(name, d):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(d, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main():
    rng = random.Random(20261120)
    fp32, fp16, int8, trt = "onnx/precision=fp32", "onnx/precision=fp16", "onnx/precision=int8", "tensorrt/precision=int8"
    src = 'workload "bodyposenet" {\n  matrix { resolution = ["224x320", "288x384"] }\n  arm "onnx" {\n    matrix { precision = ["fp32", "fp16", "int8"] }\n    baseline = matrix.precision == "fp32"\n  }\n}\n'
    w1 = workload(rng, "bodyposenet/resolution=224x320",
                  [(fp32, True, "onnx", "ok", ""), (fp16, False, "onnx", "ok", ""), (int8, False, "onnx", "ok", "")],
                  {fp32: 4.1e6, fp16: 2.3e6, int8: 1.62e6},
                  telemetry=gpu_telemetry({fp32: 310, fp16: 285, int8: 240}, {fp16: (4, 5), int8: (5,)}),
                  description="BodyPoseNet replica at 224x320")
    w2 = workload(rng, "bodyposenet/resolution=288x384",
                  [(fp32, True, "onnx", "ok", ""), (fp16, False, "onnx", "ok", ""), (int8, False, "onnx", "failed", "worker exited: signal: segmentation fault (core dumped)"),
                   (trt, False, "onnx", "skipped", "requires the TensorRT execution provider, which this ONNX Runtime build lacks")],
                  {fp32: 6.6e6, fp16: 6.55e6, int8: 2.5e6}, failed=(int8, 4),
                  telemetry=gpu_telemetry({fp32: 330, fp16: 330, int8: 250}, {}, energy_error_block=(fp16, 3)))
    # The suite's published block as the harness records it (bodyposenet's
    # TAO runtimes, GeForce RTX 2080), and the model sizes the onnx runner
    # reports in its setup information.
    tao = {"224x320": ("2.27 ms", "1.33 ms"), "288x384": ("2.58 ms", "1.56 ms")}
    for w, res in ((w1, "224x320"), (w2, "288x384")):
        w["published"] = {"source": "NVIDIA TAO BodyPoseNet notebook, GeForce RTX 2080, TensorRT",
                          "claim": "BodyPoseNet is about 9x faster than OpenPose",
                          "url": "https://example.org/tao/bodyposenet",
                          "arms": {fp16: tao[res][0], int8: tao[res][1]}}
        for a, size in zip(w["arms"], (67171392, 33627116, 16921730)):
            if a["status"] != "skipped":
                a["info"] = {"model": "replica:bodyposenet", "model_bytes": size, "provider": "cuda"}
    write("gpu.json", doc("builtin:bodyposenet", src, 42, [w1, w2],
                          ["NVIDIA H100 80GB HBM3 (GPU 0, 81559 MiB, driver 550.54.15, CUDA 12.4)"]))

    src = 'workload "sort" {\n  arm "stdlib" { baseline = true }\n  arm "radix" {}\n}\n'
    w1 = workload(rng, "sort/n=1000000", [("stdlib", True, "exec", "ok", ""), ("radix", False, "exec", "ok", ""), ("pdq", False, "exec", "ok", "")],
                  {"stdlib": 81e6, "radix": 23.5e6, "pdq": 80.2e6}, blocks=10, cv=0.03, drift=0.01,
                  description="sort a million int64s")
    w2 = workload(rng, "throughput", [("v1", True, "exec", "ok", ""), ("v2", False, "exec", "ok", "")],
                  {"v1": 1.2e6, "v2": 1.1e6}, blocks=6, metric="rows/s", better="higher", cv=0.01)
    write("cpu.json", doc("suites/sort.benchy.hcl", src, 7, [w1, w2], []))

    evil = '<script>alert("x")</script>'
    src = 'workload "%s" {\n  # </details></pre><script>alert(1)</script> & ``` fence\n}\n' % evil
    a1, a2, a3 = 'base "quoted" & <b>bold</b>', "arm'single' & amp;<img src=x onerror=alert(1)>", evil
    w1 = workload(rng, 'w/name=' + evil, [(a1, True, "exec", "ok", ""), (a2, False, "exec", "ok", ""),
                                         (a3, False, "exec", "failed", '</td><script>alert("reason")</script> & more')],
                  {a1: 1e6, a2: 1.3e6, a3: 1e6}, blocks=5, failed=(a3, 0), description='desc <i>"x"</i> & y')
    w1["stop_reason"] = '<b>stopped</b> & "done"'
    w1["published"] = {"source": '<script>alert("source")</script> & "Pixel 1"',
                       "claim": '<img src=x onerror=alert("claim")> & "32x"',
                       "url": 'https://example.org/x"><script>alert("url")</script>(y)',
                       "arms": {a1: "<b>275.3 ms</b> & 98.1 MB", a2: '</td><script>alert("figure")</script>'}}
    w1["arms"][0]["info"] = {"model_bytes": 98100000, "note": "<script>alert('info')</script>"}
    d = doc('suites/<img src=x onerror=alert(1)>&"q".benchy.hcl', src, 1, [w1], ['GPU "<svg onload=alert(1)>" & co'],
            stop='<script>alert("stop")</script>')
    d["variables"] = [{"name": "x<y>", "value": "\"</script><script>alert(1)</script>\"", "source": "cli"}]
    d["environment"]["host"] = '<h1>host</h1> & "x"'
    write("xss.json", d)


main()
