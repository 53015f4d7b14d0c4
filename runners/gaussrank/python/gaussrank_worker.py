#!/usr/bin/env python3
"""benchy worker for the RAPIDS blog's GaussRank reference arms.

Speaks benchy's worker protocol (one JSON object per line on stdin/stdout):

  -> {"op":"setup","config":{...},"seed":S}   <- {"ok":true,"info":{...}}
  -> {"op":"run","warmup":W,"iterations":N}   <- {"ok":true,"ns":[...N durations...]}
  -> {"op":"close"}                           <- {"ok":true}

One iteration is what the blog timed: the Gauss rank transform of the input
followed by the inverse of its own output (the round trip), with

  --device cpu   the blog's CPU path: NumPy argsort().argsort(), scale, clip,
                 scipy.special.erfinv, the pandas DataFrame map (columns x, y)
                 and numpy.interp for the inverse (the baseline arm);
  --device cuda  the blog's GPU path: the same steps with CuPy arrays and
                 cupyx.scipy.special.erfinv, the map as a cuDF DataFrame when
                 cuDF is installed (CuPy arrays otherwise, or with --no-cudf);
                 the inverse is cupy.interp (or searchsorted + lerp with
                 numpy.interp semantics on CuPy < 9). The device is
                 synchronized before every timer read.

The input is the same seeded data benchy's Go runner generates (SplitMix64
in counter mode, then only exactly rounded arithmetic; see
runners/gaussrank/generate.go), so every arm sees identical bytes.

Parameters come from the command line; keys of the same names (rows, dtype,
distribution, eps, inverse, device, sort_kind) in the setup request's config
override them. When NumPy, SciPy, pandas, CuPy or a GPU is missing, setup
answers {"ok":false,"skip":true,"error":"<reason>"} and the arm is skipped.

Run it with an interpreter that has NumPy, e.g. Debian's /usr/bin/python3
with python3-numpy python3-scipy python3-pandas.

This script is part of benchy's gaussrank runner: the binary embeds it
(runners/gaussrank/python.go) and writes it, content-addressed, under the
user cache directory when an arm says gaussrank { implementation = "numpy" }
or "cupy". Setup info records the script's path and the interpreter used.
"""

import argparse
import json
import os
import sys
import time

# ---------------------------------------------------------------------------
# protocol plumbing
# ---------------------------------------------------------------------------


def reply(obj):
    sys.stdout.write(json.dumps(obj, allow_nan=False) + "\n")
    sys.stdout.flush()


class Skip(Exception):
    """A missing prerequisite: the arm is skipped, not failed."""


# ---------------------------------------------------------------------------
# the portable generator (must match runners/gaussrank/generate.go bit for bit)
# ---------------------------------------------------------------------------

GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
LN2 = 0.6931471805599453
TWO_PI = 6.283185307179586
SQRT_HALF = 0.7071067811865476

LOG_COEF = [1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21]
COS_COEF = [-1.0 / 2, 1.0 / 24, -1.0 / 720, 1.0 / 40320, -1.0 / 3628800, 1.0 / 479001600,
            -1.0 / 87178291200, 1.0 / 20922789888000, -1.0 / 6402373705728000]
SIN_COEF = [-1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362880, -1.0 / 39916800,
            1.0 / 6227020800, -1.0 / 1307674368000, 1.0 / 355687428096000, -1.0 / 121645100408832000]
EXP_COEF = [1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
            1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800,
            1.0 / 87178291200]
# CHAMPS-like mixture: (cumulative weight, mean, sd) per coupling type.
CHAMPS_MIX = [(0.3245, 3.69, 3.07), (0.5694, -0.27, 4.52), (0.7216, 94.98, 18.28),
              (0.8483, 4.77, 3.70), (0.9294, -10.29, 3.98), (0.9651, 0.99, 1.31),
              (0.9907, 3.12, 3.67), (1.0, 47.48, 10.92)]

CHUNK = 1 << 22


def splitmix64(np, seed, idx):
    """Counter-mode SplitMix64 output for the uint64 indices idx."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + (idx + np.uint64(1)) * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
        return z ^ (z >> np.uint64(31))


def unit64(np, w):
    return (w >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def horner(np, coef, a2):
    p = np.full_like(a2, coef[-1])
    for c in reversed(coef[:-1]):
        p = p * a2 + c
    return p * a2 + 1.0


def plog(np, s):
    m, e = np.frexp(s)
    low = m < SQRT_HALF
    m = np.where(low, m * 2.0, m)
    e = np.where(low, e - 1, e)
    f = (m - 1.0) / (m + 1.0)
    f2 = f * f
    p = np.full_like(f, LOG_COEF[-1])
    for c in reversed(LOG_COEF[:-1]):
        p = p * f2 + c
    p = p * f2 + 1.0
    t = 2.0 * f
    t = t * p
    return e.astype(np.float64) * LN2 + t


def pcos2pi(np, v):
    w = np.where(v > 0.5, 1.0 - v, v)
    neg = w > 0.25
    w = np.where(neg, 0.5 - w, w)
    use_sin = w > 0.125
    w = np.where(use_sin, 0.25 - w, w)
    a = w * TWO_PI
    a2 = a * a
    r = np.where(use_sin, a * horner(np, SIN_COEF, a2), horner(np, COS_COEF, a2))
    return np.where(neg, -1.0, 1.0) * r


def pexp(np, z):
    k = np.rint(z / LN2)
    r = z - k * LN2
    p = np.full_like(r, EXP_COEF[-1])
    for c in reversed(EXP_COEF[:-1]):
        p = p * r + c
    p = p * r + 1.0
    p = p * r + 1.0
    return np.ldexp(p, k.astype(np.int64))


def normal_at(np, seed, a, b):
    u1 = 1.0 - unit64(np, splitmix64(np, seed, a))
    u2 = unit64(np, splitmix64(np, seed, b))
    rad = np.sqrt(-2.0 * plog(np, u1))
    return rad * pcos2pi(np, u2)


def values64(np, seed, i, dist):
    if dist == "normal":
        return normal_at(np, seed, 2 * i, 2 * i + np.uint64(1))
    if dist == "lognormal":
        return pexp(np, normal_at(np, seed, 2 * i, 2 * i + np.uint64(1)))
    if dist == "champs-like":
        z = normal_at(np, seed, 3 * i, 3 * i + np.uint64(1))
        c = unit64(np, splitmix64(np, seed, 3 * i + np.uint64(2)))
        k = np.zeros(c.shape, dtype=np.int64)
        for j, (cum, _, _) in enumerate(CHAMPS_MIX[:-1]):
            k += (k == j) & ~(c < cum)
        mean = np.array([m for _, m, _ in CHAMPS_MIX])[k]
        sd = np.array([s for _, _, s in CHAMPS_MIX])[k]
        v = sd * z + mean
        return np.floor(v * 10000.0 + 0.5) / 10000.0
    return unit64(np, splitmix64(np, seed, i))


def generate(np, n, seed, dtype, dist):
    """The seeded input, identical to Go's Generate / Generate32."""
    seed = seed % (1 << 64)  # Go converts the int64 seed to uint64
    out = np.empty(n, dtype=np.float64 if dtype == "float64" else np.float32)
    for lo in range(0, n, CHUNK):
        i = np.arange(lo, min(n, lo + CHUNK), dtype=np.uint64)
        if dtype == "float32" and dist == "uniform":
            w = splitmix64(np, seed, i)
            out[lo:lo + i.size] = (w >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)
        else:
            out[lo:lo + i.size] = values64(np, seed, i, dist)
    return out


# ---------------------------------------------------------------------------
# the arms
# ---------------------------------------------------------------------------


class CPUArm:
    """The blog's Pandas + NumPy + SciPy path."""

    def __init__(self, cfg):
        try:
            import numpy as np
            import pandas as pd
            from scipy.special import erfinv
        except ImportError as e:
            raise Skip("the CPU reference arm needs NumPy, SciPy and pandas, which %s cannot import (%s); "
                       "on Debian: apt-get install python3-numpy python3-scipy python3-pandas, then run "
                       "this worker with /usr/bin/python3" % (sys.executable, e))
        import scipy
        self.np, self.pd, self.erfinv = np, pd, erfinv
        self.cfg = cfg
        self.kind = None if cfg["sort_kind"] == "quicksort" else "stable"
        self.info = {"implementation": "numpy", "device": "cpu", "python": sys.version.split()[0],
                     "numpy": np.__version__, "scipy": scipy.__version__, "pandas": pd.__version__}

    def load(self, x):
        self.x = x

    def iteration(self):
        np, eps = self.np, self.cfg["eps"]
        x = self.x
        # transform: gaussrank_cpu, keeping the sorting permutation
        i = x.argsort(kind=self.kind)
        r = i.argsort(kind=self.kind)
        s = (r / r.max() - 0.5) * 2
        s = np.clip(s, -1 + eps, 1 - eps)
        g = self.erfinv(s)
        if not self.cfg["inverse"]:
            return g, None
        # fit: the blog's transformed_map DataFrame (x, y) in ascending order
        tmap = self.pd.DataFrame({"x": x[i], "y": g[i]})
        # inverse of the transform's own output, in row order
        back = np.interp(g, tmap["y"].to_numpy(), tmap["x"].to_numpy())
        return g, back

    def sync(self):
        pass

    def host(self, a):
        return a


class CUDAArm:
    """The blog's CuPy path."""

    def __init__(self, cfg):
        try:
            import numpy as np
        except ImportError as e:
            raise Skip("the CuPy arm needs NumPy to generate its input, which %s cannot import (%s)"
                       % (sys.executable, e))
        try:
            import cupy as cp
            from cupyx.scipy.special import erfinv
        except ImportError as e:
            raise Skip("the CuPy arm needs CuPy, which %s cannot import (%s)" % (sys.executable, e))
        try:
            count = cp.cuda.runtime.getDeviceCount()
        except Exception as e:  # CUDARuntimeError without a driver or device
            raise Skip("no usable CUDA device: %s" % e)
        if count < 1:
            raise Skip("no CUDA device found")
        self.np, self.cp, self.erfinv = np, cp, erfinv
        self.cfg = cfg
        self.cudf = None
        if cfg.get("cudf", True):
            try:
                import cudf
                self.cudf = cudf
            except Exception:  # optional: the map then stays a pair of CuPy arrays
                pass
        props = cp.cuda.runtime.getDeviceProperties(cp.cuda.Device().id)
        name = props.get("name", b"")
        self.info = {"implementation": "cupy", "device": "cuda",
                     "gpu": name.decode() if isinstance(name, bytes) else str(name),
                     "cupy": cp.__version__, "python": sys.version.split()[0],
                     "numpy": np.__version__, "interp": "cupy.interp" if hasattr(cp, "interp") else "searchsorted",
                     "map": "cudf.DataFrame %s" % self.cudf.__version__ if self.cudf else "cupy arrays (cuDF not installed)"}

    def load(self, x):
        self.x = self.cp.asarray(x)
        self.sync()

    def interp(self, q, xp, fp):
        cp = self.cp
        if hasattr(cp, "interp"):
            return cp.interp(q, xp, fp)
        # numpy.interp semantics: clamp, last of equal xp wins, NaN -> NaN
        n = xp.shape[0]
        j = cp.searchsorted(xp, q, side="right") - 1
        j = cp.clip(j, 0, n - 1)
        j1 = cp.minimum(j + 1, n - 1)
        slope = (fp[j1] - fp[j]) / (xp[j1] - xp[j])
        out = slope * (q - xp[j]) + fp[j]
        exact = (xp[j] == q) | (j == n - 1)
        out = cp.where(exact, fp[j], out)
        out = cp.where(q < xp[0], fp[0], out)
        out = cp.where(q > xp[n - 1], fp[n - 1], out)
        return cp.where(cp.isnan(q), q, out)

    def iteration(self):
        cp, eps = self.cp, self.cfg["eps"]
        x = self.x
        i = x.argsort()  # CuPy's argsort is stable
        r = i.argsort()
        s = (r / r.max() - 0.5) * 2
        s = cp.clip(s, -1 + eps, 1 - eps)
        g = self.erfinv(s)
        if not self.cfg["inverse"]:
            return g, None
        if self.cudf is not None:
            # the blog's transformed_map, as a cuDF DataFrame (x, y) on the GPU
            tmap = self.cudf.DataFrame({"x": x[i], "y": g[i]})
            back = self.interp(g, tmap["y"].values, tmap["x"].values)
        else:
            back = self.interp(g, g[i], x[i])
        return g, back

    def sync(self):
        self.cp.cuda.Device().synchronize()

    def host(self, a):
        return None if a is None else self.cp.asnumpy(a)


# ---------------------------------------------------------------------------
# worker
# ---------------------------------------------------------------------------

KEYS = ("rows", "dtype", "distribution", "eps", "inverse", "device", "sort_kind", "cudf")


class Worker:
    def __init__(self, args):
        self.args = args
        self.arm = None

    def config(self, req):
        cfg = {"rows": self.args.rows, "dtype": self.args.dtype, "distribution": self.args.distribution,
               "eps": self.args.eps, "inverse": self.args.inverse, "device": self.args.device,
               "sort_kind": self.args.sort_kind, "cudf": self.args.cudf}
        given = req.get("config") or {}
        if isinstance(given, dict):
            for k in KEYS:
                if k in given:
                    cfg[k] = given[k]
        if not isinstance(cfg["rows"], int) or cfg["rows"] < 2:
            raise ValueError("rows must be an integer >= 2, got %r" % (cfg["rows"],))
        if cfg["dtype"] not in ("float64", "float32"):
            raise ValueError("dtype must be float64 or float32, got %r" % (cfg["dtype"],))
        if cfg["distribution"] not in ("uniform", "normal", "lognormal", "champs-like"):
            raise ValueError("unknown distribution %r" % (cfg["distribution"],))
        if not (0 < float(cfg["eps"]) < 1):
            raise ValueError("eps must lie strictly between 0 and 1, got %r" % (cfg["eps"],))
        if cfg["device"] not in ("cpu", "cuda"):
            raise ValueError("device must be cpu or cuda, got %r" % (cfg["device"],))
        if cfg["sort_kind"] not in ("quicksort", "stable"):
            raise ValueError("sort_kind must be quicksort or stable, got %r" % (cfg["sort_kind"],))
        cfg["eps"] = float(cfg["eps"])
        return cfg

    def setup(self, req):
        cfg = self.config(req)
        arm = CUDAArm(cfg) if cfg["device"] == "cuda" else CPUArm(cfg)
        np = arm.np
        seed = int(req.get("seed") or 0)
        t0 = time.perf_counter()
        x = generate(np, cfg["rows"], seed, cfg["dtype"], cfg["distribution"])
        gen_ms = (time.perf_counter() - t0) * 1e3
        arm.load(x)
        t0 = time.perf_counter()
        g, back = arm.iteration()
        arm.sync()
        first_ms = (time.perf_counter() - t0) * 1e3
        g = arm.host(g)
        if back is None:
            back = np.interp(g, np.sort(g), np.sort(x))
        else:
            back = arm.host(back)
        mismatches = int(np.count_nonzero(back != x))
        if self.args.dump_dir:
            os.makedirs(self.args.dump_dir, exist_ok=True)
            for name, a in (("x", x), ("g", g), ("back", back)):
                np.asarray(a, dtype="<f8").tofile(os.path.join(self.args.dump_dir, name + ".f64"))
        self.arm = arm
        info = dict(arm.info)
        info.update({"script": os.path.abspath(__file__), "python_executable": sys.executable})
        info.update({"rows": cfg["rows"], "dtype": cfg["dtype"], "distribution": cfg["distribution"],
                     "eps": cfg["eps"], "inverse": cfg["inverse"], "sort_kind": cfg["sort_kind"],
                     "seed": seed, "generate_ms": round(gen_ms, 3), "first_iteration_ms": round(first_ms, 3),
                     "roundtrip_mismatches": mismatches})
        return {"ok": True, "protocol": 1, "info": info}

    def run(self, req):
        if self.arm is None:
            return {"ok": False, "error": "run before a successful setup"}
        warmup, iterations = int(req.get("warmup") or 0), int(req.get("iterations") or 0)
        if iterations < 1:
            return {"ok": False, "error": "run needs iterations >= 1, got %d" % iterations}
        arm = self.arm
        for _ in range(warmup):
            arm.iteration()
        arm.sync()
        ns = []
        clock = time.perf_counter_ns
        for _ in range(iterations):
            arm.sync()
            t0 = clock()
            arm.iteration()
            arm.sync()
            ns.append(clock() - t0)
        return {"ok": True, "ns": ns}

    def serve(self, stdin):
        for line in stdin:
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
                op = req.get("op")
                if op == "setup":
                    reply(self.setup(req))
                elif op == "run":
                    reply(self.run(req))
                elif op == "close":
                    self.arm = None
                    reply({"ok": True})
                    return
                else:
                    reply({"ok": False, "error": "unknown op %r" % (op,)})
            except Skip as e:
                reply({"ok": False, "skip": True, "error": str(e)})
            except Exception as e:  # any failure is this arm's, reported, never fatal to the protocol
                reply({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})


def main(argv=None):
    p = argparse.ArgumentParser(description="benchy worker: the RAPIDS blog's GaussRank reference arms")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                   help="cpu: Pandas+NumPy+SciPy (the baseline); cuda: CuPy")
    p.add_argument("--rows", type=lambda v: int(float(v)), default=1_000_000,
                   help="elements per iteration (accepts 1e7)")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--distribution", choices=["uniform", "normal", "lognormal", "champs-like"],
                   default="uniform")
    p.add_argument("--eps", type=float, default=1e-6)
    p.add_argument("--no-inverse", dest="inverse", action="store_false",
                   help="time the transform alone")
    p.add_argument("--sort-kind", choices=["quicksort", "stable"], default="quicksort",
                   help="CPU argsort kind: quicksort as the blog ran it, or stable (CuPy's and Go's tie rule)")
    p.add_argument("--no-cudf", dest="cudf", action="store_false",
                   help="CUDA arm: keep the map as CuPy arrays even when cuDF is installed")
    p.add_argument("--dump-dir", default="",
                   help="after setup, write x, g and back as little-endian float64 files (x.f64, g.f64, back.f64)")
    args = p.parse_args(argv)
    Worker(args).serve(sys.stdin)


if __name__ == "__main__":
    main()
