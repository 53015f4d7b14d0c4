#!/usr/bin/env node
// A benchy worker that measures an ONNX model through ONNX Runtime's own
// Node.js binding (onnxruntime-node 1.24.1: the same libonnxruntime.so.1
// benchy loads). It speaks benchy's worker protocol on stdin/stdout, so it
// runs as an arm beside benchy's onnx runner in one interleaved suite:
//
//   exec {
//     command = ["node", "ort-node-worker.js", "--model", "m.onnx", "--input", "320x320", "--threads", "1"]
//     measure = "protocol"
//   }
//
// It mirrors what benchy's runner does so that the two numbers mean the same
// thing: the same session options (intra/inter-op threads, graph
// optimization level, sequential execution), the same input shapes (a
// resolution on the image input's spatial axes, NCHW or NHWC, and a batch on
// dynamic leading axes), inputs drawn uniformly from [0, 1) with a seeded
// generator, and one session.run per sample timed with process.hrtime
// (monotonic). One difference is the binding's own: it copies every output
// into a fresh ArrayBuffer on every run (pre-allocated output tensors are
// not written to), where benchy reuses pre-allocated outputs.
//
// Options: --model PATH  --input HxW  --shape NAME=DxDxD (repeatable)
//          --batch N  --threads N  --inter-threads N
//          --graph-optimization disable|basic|extended|all
// onnxruntime-node is found through $ONNXRUNTIME_NODE (its package folder),
// then .cache/onnxruntime-node in this checkout (scripts/install-onnxruntime.sh
// --node installs it there), then Node's own module resolution.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

function parseArgs(argv) {
  const o = { shapes: {}, batch: 1, threads: 0, interThreads: 0, graphOptimization: 'all' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--model': o.model = v(); break;
      case '--input': o.input = v(); break;
      case '--shape': {
        const [name, dims] = v().split('=');
        o.shapes[name] = dims.split('x').map(Number);
        break;
      }
      case '--batch': o.batch = Number(v()); break;
      case '--threads': o.threads = Number(v()); break;
      case '--inter-threads': o.interThreads = Number(v()); break;
      case '--graph-optimization': o.graphOptimization = v(); break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (!o.model) throw new Error('--model is required');
  return o;
}

// findOrt loads onnxruntime-node, or returns null with where it looked.
function findOrt() {
  const tried = [];
  const candidates = [];
  if (process.env.ONNXRUNTIME_NODE) candidates.push(process.env.ONNXRUNTIME_NODE);
  for (const start of [__dirname, process.cwd()]) {
    for (let d = start; ; d = path.dirname(d)) {
      candidates.push(path.join(d, '.cache', 'onnxruntime-node', 'node_modules', 'onnxruntime-node'));
      if (path.dirname(d) === d) break;
    }
  }
  for (const c of candidates) {
    tried.push(c);
    if (fs.existsSync(path.join(c, 'package.json'))) return { ort: require(c), where: c };
  }
  try {
    return { ort: require('onnxruntime-node'), where: require.resolve('onnxruntime-node') };
  } catch (e) {
    return { ort: null, tried };
  }
}

// mulberry32: a small seeded generator; values uniform in [0, 1).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// fnv1a hashes an input name, so each input gets its own stream.
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const arrays = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, bool: Uint8Array,
};

function resolveShapes(opts, meta) {
  const shapes = {};
  const isChannels = (d) => typeof d === 'number' && d >= 1 && d <= 4;
  let image = null;
  if (opts.input) {
    const cands = meta.filter((m) => m.isTensor && m.shape.length === 4 && !opts.shapes[m.name] &&
      ['float32', 'float16', 'float64', 'uint8'].includes(m.type));
    if (cands.length !== 1) throw new Error(`--input ${opts.input}: need exactly one rank-4 image input, found ${cands.length}`);
    image = cands[0].name;
  }
  for (const m of meta) {
    if (!m.isTensor) throw new Error(`input ${m.name} is not a tensor`);
    if (opts.shapes[m.name]) { shapes[m.name] = opts.shapes[m.name]; continue; }
    const s = m.shape.slice();
    if (m.name === image) {
      const [h, w] = opts.input.split('x').map(Number);
      const nhwc = isChannels(s[3]) && !isChannels(s[1]);
      if (nhwc) { s[1] = h; s[2] = w; } else { s[2] = h; s[3] = w; }
    }
    if (s.length > 0 && typeof s[0] !== 'number') s[0] = opts.batch;
    const open = s.findIndex((d) => typeof d !== 'number' || d < 0);
    if (open >= 0) throw new Error(`input ${m.name} has a dynamic axis ${open}; give --shape ${m.name}=...`);
    shapes[m.name] = s;
  }
  return shapes;
}

async function setup(ort, opts, seed) {
  const so = {
    graphOptimizationLevel: { disable: 'disabled', basic: 'basic', extended: 'extended', all: 'all' }[opts.graphOptimization] || 'all',
    executionMode: opts.interThreads > 0 ? 'parallel' : 'sequential',
    executionProviders: ['cpu'],
  };
  if (opts.threads > 0) so.intraOpNumThreads = opts.threads;
  if (opts.interThreads > 0) so.interOpNumThreads = opts.interThreads;
  let t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(opts.model, so);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const shapes = resolveShapes(opts, session.inputMetadata);
  const feeds = {};
  for (const m of session.inputMetadata) {
    const A = arrays[m.type];
    if (!A) throw new Error(`input ${m.name}: element type ${m.type} is not supported here`);
    const n = shapes[m.name].reduce((a, b) => a * b, 1);
    const data = new A(n);
    const next = rng(Number(BigInt.asUintN(32, BigInt(seed))) ^ fnv1a(m.name));
    for (let i = 0; i < n; i++) {
      const x = next();
      if (A === BigInt64Array || A === BigUint64Array) data[i] = BigInt(1 + Math.floor(x * 3));
      else if (m.type.startsWith('float')) data[i] = x;
      else if (m.type === 'bool') data[i] = x < 0.5 ? 0 : 1;
      else data[i] = 1 + Math.floor(x * 3);
    }
    feeds[m.name] = new ort.Tensor(m.type, data, shapes[m.name]);
  }

  t0 = process.hrtime.bigint();
  await session.run(feeds);
  const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    session, feeds,
    info: {
      runtime: 'onnxruntime-node',
      version: ort.env.versions.node,
      session_build_ms: buildMs,
      first_run_ms: firstMs,
      inputs: shapes,
      // onnxruntime-node 1.24.1 copies every output into a new ArrayBuffer
      // on every run, whether or not pre-allocated tensors are passed, so
      // none are passed: the copy (and the garbage it leaves) is part of
      // what this binding costs per inference.
      outputs_preallocated: false,
      intra_op_threads: opts.threads || 'ort default',
      inter_op_threads: opts.interThreads || 'ort default',
      graph_optimization: so.graphOptimizationLevel,
    },
  };
}

async function main() {
  let opts;
  let optsErr = null;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    optsErr = e.message;
  }
  const found = findOrt();
  let state = null;
  const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    let req;
    try {
      req = JSON.parse(line);
    } catch (e) {
      out({ ok: false, error: `bad request: ${e.message}` });
      continue;
    }
    try {
      if (req.op === 'setup') {
        if (optsErr) throw new Error(`ort-node-worker: ${optsErr}`);
        if (!found.ort) {
          out({ ok: false, skip: true, error: `skipped: onnxruntime-node is not installed (looked in ${found.tried.join(', ')}); install it with scripts/install-onnxruntime.sh --node` });
          continue;
        }
        state = await setup(found.ort, opts, req.seed || 0);
        state.info.binding = found.where;
        out({ ok: true, protocol: 1, info: state.info });
      } else if (req.op === 'run') {
        if (!state) throw new Error('run before a successful setup');
        const { session, feeds } = state;
        for (let i = 0; i < (req.warmup || 0); i++) await session.run(feeds);
        const ns = new Array(req.iterations);
        for (let i = 0; i < req.iterations; i++) {
          const t0 = process.hrtime.bigint();
          await session.run(feeds);
          ns[i] = Number(process.hrtime.bigint() - t0);
        }
        out({ ok: true, ns });
      } else if (req.op === 'close') {
        if (state) await state.session.release();
        out({ ok: true });
        break;
      } else {
        out({ ok: false, error: `unknown op ${JSON.stringify(req.op)}` });
      }
    } catch (e) {
      out({ ok: false, error: `ort-node-worker: ${opts ? opts.model : ''}: ${e.message}` });
    }
  }
  process.exit(0);
}

main();
