#!/usr/bin/env python3
"""benchy_worker: time your own Python function as a benchy arm.

The Python SDK of benchy (docs/python.md). It is one standard-library-only
module: benchy embeds it and runs it for every ``python {}`` arm, and the
same file (sdk/python/benchy_worker.py in benchy's repository) can be
imported by a program of your own.

You write a *factory*: a function that receives the arm's configuration
(a dict of the block's ``config`` plus ``"seed"``, the run's seed) and
returns the zero-argument callable that one timed iteration runs::

    import numpy as np

    def sort(config):
        x = np.random.default_rng(config["seed"]).random(config["n"])
        return lambda: np.sort(x)

and names it in a suite::

    python {
      script   = "bench.py"
      function = "sort"
      config   = { n = 100000 }
    }

The factory runs once per worker, at setup; its callable runs in every
block. The factory may also return ``Arm(fn, items=..., bytes=...,
info=..., metrics=..., sync=...)`` to report throughput, facts for the
results and a synchronisation hook of its own.

This module speaks benchy's worker protocol (docs/protocol.md) on the
process's original standard output, one JSON object per line, and moves
everything else that writes to standard output (``print``, C extensions
writing to file descriptor 1) to standard error, which benchy keeps as the
arm's log: user code cannot break the protocol stream.

Timing: every iteration is timed on its own with ``time.perf_counter_ns``
(monotonic), the ``sync`` hook called before each clock read, with the
garbage collector disabled inside the timed loop unless ``gc = True`` (as
``timeit`` does). ``timer = "cuda-event"`` times each iteration with a pair
of CUDA events instead (needs PyTorch with CUDA).

Run by hand (what benchy runs, with the suite's directory as the working
directory)::

    python3 benchy_worker.py bench.py sort

then type ``{"op":"setup","config":{"config":{"n":100000}},"seed":1}``,
``{"op":"run","warmup":1,"iterations":5}`` and ``{"op":"close"}``.
"""

import difflib
import gc as _gc
import importlib.util
import json
import os
import sys
import time
import traceback

__all__ = ["Arm", "Skip", "serve", "PROTOCOL", "SYNC_PRESETS", "TIMERS"]

#: The worker protocol version this SDK speaks (docs/protocol.md).
PROTOCOL = 1
#: The lowest protocol version this SDK can speak.
MIN_PROTOCOL = 1
#: The SDK's own version, recorded in the setup info.
VERSION = "1"

#: Names accepted by ``sync``: no synchronisation, ``torch.cuda.synchronize``,
#: or CuPy's current-device synchronize.
SYNC_PRESETS = ("none", "torch-cuda", "cupy")
#: Names accepted by ``timer``.
TIMERS = ("perf-counter", "cuda-event")

_HERE = os.path.abspath(__file__)
_TRACEBACK_LINES = 20


class Skip(Exception):
    """Raised by a factory (or the SDK) for a missing prerequisite: the arm
    is skipped with the message as its reason instead of failing."""


class _Failure(Exception):
    """An error to answer with, its message already complete."""


class Arm:
    """What a factory may return instead of a bare callable.

    fn       the zero-argument callable one timed iteration runs;
    items    items one call processes: each block reports ``items/s``;
    bytes    bytes one call processes: each block reports ``bytes/s``;
    info     a dict of facts recorded with the arm's setup info;
    metrics  a zero-argument callable returning a dict of numbers, called
             after each block; its entries are reported with the block;
    sync     a zero-argument callable called before every clock read,
             overriding the block's ``sync`` preset.
    """

    def __init__(self, fn, items=None, bytes=None, info=None, metrics=None, sync=None):
        if not callable(fn):
            raise TypeError("Arm needs a callable, got %s" % type(fn).__name__)
        for name, v in (("items", items), ("bytes", bytes)):
            # not (0 < v < inf): NaN and infinity pass a plain v <= 0, and
            # JSON cannot carry the rates they give
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < float("inf")):
                raise ValueError("Arm %s must be a positive finite number, got %r" % (name, v))
        if info is not None and not isinstance(info, dict):
            raise TypeError("Arm info must be a dict, got %s" % type(info).__name__)
        for name, v in (("metrics", metrics), ("sync", sync)):
            if v is not None and not callable(v):
                raise TypeError("Arm %s must be callable, got %s" % (name, type(v).__name__))
        self.fn, self.items, self.bytes = fn, items, bytes
        self.info, self.metrics, self.sync = dict(info or {}), metrics, sync


# ---------------------------------------------------------------------------
# the protocol stream
# ---------------------------------------------------------------------------


class _Stream:
    """The protocol's own ends of standard input and output.

    The original descriptors 0 and 1 are duplicated for the protocol; then
    descriptor 1 is pointed at standard error and descriptor 0 at /dev/null,
    and sys.stdout / sys.stdin follow, so that nothing the measured code
    prints or reads can touch the protocol.
    """

    def __init__(self):
        sys.stdout.flush()
        self.out = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
        self.inp = os.fdopen(os.dup(0), "rb")
        os.dup2(2, 1)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdout = sys.stderr
        sys.stdin = open(os.devnull, "r")

    def reply(self, obj):
        self.out.write(json.dumps(obj, allow_nan=False) + "\n")
        self.out.flush()

    def requests(self):
        for line in self.inp:
            line = line.strip()
            if line:
                yield line


def _tail(exc, skip_sdk=True):
    """The end of exc's traceback, without the SDK's own frames."""
    tb = exc.__traceback__
    while skip_sdk and tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == _HERE:
        tb = tb.tb_next
    lines = "".join(traceback.format_exception(type(exc), exc, tb)).rstrip("\n").split("\n")
    if len(lines) > _TRACEBACK_LINES:
        lines = ["…"] + lines[-_TRACEBACK_LINES:]
    return "\n".join(lines)


def _describe(exc):
    if isinstance(exc, SystemExit):
        return "called sys.exit(%r)" % (exc.code,)
    return "raised %s: %s" % (type(exc).__name__, exc)


def _log_failure(what, exc):
    """Writes the whole traceback to stderr (the arm's log) and returns the
    error line for the protocol, with the traceback's tail."""
    tail = _tail(exc)
    sys.stderr.write("benchy_worker: %s %s\n%s\n" % (what, _describe(exc), tail))
    sys.stderr.flush()
    return "%s %s\n%s" % (what, _describe(exc), tail)


# ---------------------------------------------------------------------------
# sync presets and timers
# ---------------------------------------------------------------------------


def _torch_cuda(what):
    try:
        import torch
    except ImportError as e:
        raise Skip("%s needs PyTorch, which %s cannot import (%s)" % (what, sys.executable, e))
    if not torch.cuda.is_available():
        raise Skip("%s needs a CUDA device, and torch.cuda.is_available() is False "
                   "(torch %s, built with CUDA %s)" % (what, torch.__version__, torch.version.cuda))
    return torch


def _sync_preset(name):
    """The callable for a sync preset, or None for "none"."""
    if name in (None, "", "none"):
        return None
    if name == "torch-cuda":
        return _torch_cuda('sync = "torch-cuda"').cuda.synchronize
    if name == "cupy":
        try:
            import cupy
        except ImportError as e:
            raise Skip("sync = \"cupy\" needs CuPy, which %s cannot import (%s)" % (sys.executable, e))
        try:
            cupy.cuda.runtime.getDeviceCount()
        except Exception as e:  # CUDARuntimeError without a driver or device
            raise Skip("sync = \"cupy\" needs a CUDA device: %s" % e)
        return lambda: cupy.cuda.Device().synchronize()
    raise _Failure("unknown sync %r: use one of %s, or return Arm(fn, sync=...) from the factory"
                   % (name, ", ".join(SYNC_PRESETS)))


def _loop_clock(fn, n, sync, clock=time.perf_counter_ns):
    """n durations of fn() in nanoseconds, sync() before every clock read."""
    ns = [0] * n
    if sync is None:
        for i in range(n):
            t0 = clock()
            fn()
            t1 = clock()
            ns[i] = t1 - t0
    else:
        for i in range(n):
            sync()
            t0 = clock()
            fn()
            sync()
            t1 = clock()
            ns[i] = t1 - t0
    return ns


def _loop_cuda_events(torch):
    """A timed loop that records a pair of CUDA events around every call
    and reads their elapsed times after one synchronize at the end."""

    def loop(fn, n, sync):
        pairs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(n)]
        torch.cuda.synchronize()
        for start, end in pairs:
            start.record()
            fn()
            end.record()
        torch.cuda.synchronize()
        return [max(0, int(round(s.elapsed_time(e) * 1e6))) for s, e in pairs]

    return loop


def _clock_overhead_ns(clock=time.perf_counter_ns, n=2001):
    """The median cost of two back-to-back clock reads, for the record."""
    d = []
    for _ in range(n):
        t0 = clock()
        t1 = clock()
        d.append(t1 - t0)
    d.sort()
    return d[n // 2]


# ---------------------------------------------------------------------------
# the worker
# ---------------------------------------------------------------------------


def _load_script(path):
    """Imports the user's file as a module named after it."""
    name = os.path.splitext(os.path.basename(path))[0] or "bench"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise _Failure("%s cannot be imported as a Python module (give a .py file)" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    d = os.path.dirname(path)
    if d not in sys.path:
        sys.path.insert(0, d)  # the script's neighbours import as they would under `python3 script`
    spec.loader.exec_module(module)
    return module


def _functions(module):
    return sorted(n for n, v in vars(module).items()
                  if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == module.__name__)


class _Worker:
    def __init__(self, factory=None, script=None, function=None, sync=None, gc=False, timer=None, config=None):
        self.defaults = {"script": script, "function": function, "sync": sync, "gc": gc, "timer": timer}
        self.factory = factory
        self.config = dict(config or {})
        self.arm = None

    # setup ---------------------------------------------------------------

    def setup(self, req):
        asked = req.get("protocol", 1)
        if isinstance(asked, bool) or not isinstance(asked, int) or asked < 1:
            raise _Failure("setup asked for protocol %r, which is not a version (versions are integers from 1); "
                           "this worker speaks %d to %d" % (asked, MIN_PROTOCOL, PROTOCOL))
        if asked < MIN_PROTOCOL:
            raise _Failure("benchy asked for protocol %d; this worker speaks %d to %d — upgrade benchy"
                           % (asked, MIN_PROTOCOL, PROTOCOL))
        block = req.get("config") or {}
        if not isinstance(block, dict):
            raise _Failure("setup config must be a JSON object, got %s" % type(block).__name__)
        opts = dict(self.defaults)
        for k in ("script", "function", "sync", "gc", "timer"):
            if block.get(k) is not None:
                opts[k] = block[k]
        cfg = dict(self.config)
        user = block.get("config") or {}
        if not isinstance(user, dict):
            raise _Failure("config must be an object (a map), got %s" % type(user).__name__)
        cfg.update(user)
        seed = req.get("seed") or 0
        cfg["seed"] = seed

        info = {"sdk": VERSION, "python": sys.version.split()[0], "python_executable": sys.executable,
                "sdk_path": _HERE}
        factory, label = self.factory, getattr(self.factory, "__name__", "factory")
        if factory is None:
            factory, label, info_script = self._factory(opts, req.get("suite_dir") or "")
            info.update(info_script)

        timer = opts.get("timer") or "perf-counter"
        if timer not in TIMERS:
            raise _Failure("unknown timer %r: use %s" % (timer, " or ".join(TIMERS)))
        torch = _torch_cuda('timer = "cuda-event"') if timer == "cuda-event" else None
        sync = _sync_preset(opts.get("sync"))
        gc_on = opts.get("gc")
        if not isinstance(gc_on, bool):
            raise _Failure("gc must be true or false, got %r" % (gc_on,))

        try:
            made = factory(cfg)
        except Skip:
            raise
        except ImportError as e:
            raise Skip("%s(config) cannot import a module: %s: %s (interpreter %s)"
                       % (label, type(e).__name__, e, sys.executable))
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            raise _Failure(_log_failure("%s(config)" % label, e))
        arm = made if isinstance(made, Arm) else None
        if arm is None:
            if not callable(made):
                raise _Failure("%s(config) returned %s, not the zero-argument callable to time "
                               "(return e.g. lambda: work(x), or benchy_worker.Arm(fn))" % (label, type(made).__name__))
            arm = Arm(made)
        if arm.sync is not None:
            sync = arm.sync
        self.arm, self.sync, self.gc, self.label = arm, sync, gc_on, label
        self.loop = _loop_cuda_events(torch) if torch is not None else _loop_clock
        info.update({"function": label, "sync": "custom" if arm.sync is not None else (opts.get("sync") or "none"),
                     "timer": timer, "gc": "enabled in the timed loop" if gc_on else "disabled in the timed loop",
                     "clock": "time.perf_counter_ns", "clock_resolution_ns": time.get_clock_info("perf_counter").resolution * 1e9,
                     "clock_overhead_ns": _clock_overhead_ns()})
        for mod in ("numpy", "torch", "cupy", "onnxruntime", "jax", "tensorflow"):
            m = sys.modules.get(mod)
            if m is not None and isinstance(getattr(m, "__version__", None), str):
                info[mod] = m.__version__
        t = sys.modules.get("torch")
        if t is not None and hasattr(t, "get_num_threads"):
            info["torch_threads"] = t.get_num_threads()
        for k, v in arm.info.items():
            info[str(k)] = v
        return {"ok": True, "protocol": min(asked, PROTOCOL), "info": info}

    def _factory(self, opts, suite_dir):
        script, function = opts.get("script"), opts.get("function")
        if not script or not isinstance(script, str):
            raise _Failure("no script: name the Python file that holds the factory (script = \"bench.py\")")
        if not function or not isinstance(function, str):
            raise _Failure("no function: name the factory in %s (function = \"...\")" % script)
        path = script if os.path.isabs(script) else os.path.join(suite_dir or os.getcwd(), script)
        path = os.path.abspath(path)
        if not os.path.isfile(path):
            what = "not found"
            if os.path.isdir(path):
                what = "is a directory, not a regular file"
            elif os.path.exists(path):
                what = "is not a regular file (a FIFO, a device or a socket)"
            raise _Failure("script %s %s%s" % (path, what, "" if os.path.isabs(script) else
                           " (script = %r is relative to the suite directory %s)" % (script, suite_dir or os.getcwd())))
        sys.dont_write_bytecode = True  # leave no __pycache__ beside the user's script
        try:
            module = _load_script(path)
        except ImportError as e:
            raise Skip("%s cannot be imported: %s: %s (interpreter %s)" % (script, type(e).__name__, e, sys.executable))
        except _Failure:
            raise
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            raise _Failure(_log_failure("importing %s" % script, e))
        f = getattr(module, function, None)
        if f is None:
            names = _functions(module)
            close = difflib.get_close_matches(function, names, n=1, cutoff=0.6)
            hint = " Did you mean %r?" % close[0] if close else ""
            have = ("its functions: %s" % ", ".join(names)) if names else "it defines no functions"
            raise _Failure("%s has no function %r.%s (%s)" % (script, function, hint, have))
        if not callable(f):
            raise _Failure("%s.%s is a %s, not a function that takes the config" % (script, function, type(f).__name__))
        return f, function, {"script": path}

    # run -----------------------------------------------------------------

    def run(self, req):
        if self.arm is None:
            raise _Failure("run before a successful setup")
        warmup, n = req.get("warmup") or 0, req.get("iterations") or 0
        if not isinstance(warmup, int) or not isinstance(n, int) or n < 1 or warmup < 0:
            raise _Failure("run needs iterations >= 1 and warmup >= 0, got iterations=%r warmup=%r" % (n, warmup))
        arm, sync = self.arm, self.sync
        fn = arm.fn
        was = _gc.isenabled()
        try:
            for _ in range(warmup):
                fn()
            if not self.gc:
                _gc.disable()
            try:
                ns = self.loop(fn, n, sync)
            finally:
                if was:
                    _gc.enable()
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            raise _Failure(_log_failure("the callable that %s(config) returned" % self.label, e))
        resp = {"ok": True, "ns": ns}
        metrics = {}
        total = sum(ns) / 1e9
        if total > 0:
            if arm.items is not None:
                metrics["items/s"] = arm.items * n / total
            if arm.bytes is not None:
                metrics["bytes/s"] = arm.bytes * n / total
        if arm.metrics is not None:
            try:
                extra = arm.metrics()
            except Exception as e:
                raise _Failure(_log_failure("the metrics callable", e))
            if not isinstance(extra, dict):
                raise _Failure("the metrics callable returned %s, not a dict of numbers" % type(extra).__name__)
            for k, v in extra.items():
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v in (float("inf"), float("-inf")):
                    raise _Failure("metric %r is %r, not a finite number" % (k, v))
                metrics[str(k)] = float(v)
        if metrics:
            resp["metrics"] = metrics
        return resp

    # serve ---------------------------------------------------------------

    def serve(self, stream):
        for line in stream.requests():
            try:
                req = json.loads(line)
                if not isinstance(req, dict):
                    raise _Failure("bad request: a request is a JSON object, got %s" % type(req).__name__)
                op = req.get("op")
                if op == "setup":
                    stream.reply(self.setup(req))
                elif op == "run":
                    stream.reply(self.run(req))
                elif op == "close":
                    self.arm = None
                    stream.reply({"ok": True})
                    return
                else:
                    stream.reply({"ok": False, "error": "unknown op %r" % (op,)})
            except Skip as e:
                stream.reply({"ok": False, "skip": True, "error": str(e)})
            except _Failure as e:
                stream.reply({"ok": False, "error": str(e)})
            except ValueError as e:  # json.JSONDecodeError, a bad request line
                stream.reply({"ok": False, "error": "bad request: %s" % e})
            except Exception as e:  # a fault of the SDK itself: reported, never fatal to the protocol
                stream.reply({"ok": False, "error": _log_failure("benchy_worker", e)})


def serve(factory, config=None, sync=None, gc=False, timer=None):
    """Serves factory as a benchy worker on standard input and output until
    benchy closes it. Use it from a program of your own run by
    ``exec { command = ["python3", "mybench.py"], measure = "protocol" }``.

    config  defaults for the dict passed to the factory (the block's own
            config, had it one, and "seed" win);
    sync    a preset name (SYNC_PRESETS);
    gc      True leaves the garbage collector enabled in the timed loop;
    timer   "perf-counter" (default) or "cuda-event".
    """
    if not callable(factory):
        raise TypeError("serve needs the factory function, got %s" % type(factory).__name__)
    _Worker(factory=factory, sync=sync, gc=gc, timer=timer, config=config).serve(_Stream())


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help") for a in args) or len(args) > 2:
        sys.stderr.write("usage: benchy_worker.py [SCRIPT [FUNCTION]]\n"
                         "Speaks benchy's worker protocol on stdin/stdout; the setup request's config "
                         "(script, function, config, sync, gc, timer) wins over the arguments.\n")
        return 0 if args and args[0] in ("-h", "--help") else 2
    script = args[0] if args else None
    function = args[1] if len(args) > 1 else None
    # A script that does `import benchy_worker` gets this very module, not a second copy.
    sys.modules.setdefault("benchy_worker", sys.modules[__name__])
    _Worker(script=script, function=function).serve(_Stream())
    return 0


if __name__ == "__main__":
    sys.exit(main())
