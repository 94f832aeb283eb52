/**
 * @file jax-js (npm @jax-js/jax) on the seven workloads, on its wasm device. Steps run under jit
 * (train steps: jit of valueAndGrad + the SGD update, so the whole step is one compiled program),
 * except W4, which runs eagerly because that is faster in jax-js 0.1.25 (see BEST_MODES; peers
 * 'jax-js-jit' and 'jax-js-eager' run everything one way). jax-js is lazy: a step ends with
 * blockUntilReady on every output (no copy), and the
 * loss is read back as a scalar. Arrays are reference-counted: every use consumes one reference
 * (`.ref` adds one), which is why the code below is written with `.ref` and `tree.ref`.
 *
 * Layout: jax-js convolves NCHW inputs with OIHW kernels (lax.conv), so W3/W4 get the same
 * numbers transposed to that layout before timing, and W3's dense kernel rows are permuted to the
 * (C, H, W) order of an NCHW flatten: the same function in jax-js's native layout.
 *
 * Threads: jax-js spreads a wasm kernel over Web Workers only where `Worker` and
 * SharedArrayBuffer exist. Node 20 has no global Worker, so as installed it runs every kernel on
 * the main thread (peer 'jax-js'); peer 'jax-js-2w' installs a Web-Worker shim over
 * worker_threads before this module is imported (jax-node-workers.ts, from peers/index.ts), so
 * its kernels run on 2 workers.
 */
import { blockUntilReady, defaultDevice, init, jit, lax, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Peer, Prepared } from '../harness.js';
import { hwioToOihw, nhwcToNchw, W2, W3, W5, W6, WORKLOAD_IDS, type Arr, type IntArr, type WorkloadId } from '../workloads.js';

type A = np.Array;
type Tree = { readonly [k: string]: A };

const arr = (a: Arr): A => np.array(a.data).reshape([...a.shape]);
const oneHot = (l: IntArr, classes: number): A => {
  const d = new Float32Array(l.data.length * classes);
  l.data.forEach((c, i) => { d[i * classes + c] = 1; });
  return np.array(d).reshape([l.data.length, classes]);
};
const record = (entries: Record<string, Arr>): Tree => Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, arr(v)]));
const readScalar = async (x: A): Promise<number> => (await x.data())[0]!;
const sums = async (x: A): Promise<[number, number]> => {
  let s = 0, q = 0;
  for (const v of await x.data()) { s += v; q += v * v; }
  return [s, q];
};
/** how a workload's step runs: compiled by jit, or eagerly op by op (jax-js fuses lazily either way) */
export type Mode = 'jit' | 'eager';
let mode: Mode = 'jit';
/** jit (typed for a function of a parameter record and data arrays), or f itself in eager mode */
const jitted = <Args extends unknown[], R>(f: (...args: Args) => R): ((...args: Args) => R) & { dispose(): void } =>
  mode === 'eager'
    ? Object.assign((...args: Args) => f(...args), { dispose: () => {} })
    : jit(f as never) as unknown as ((...args: Args) => R) & { dispose(): void };
const valueGrad = <Args extends unknown[]>(f: (p: Tree, ...rest: Args) => A): ((p: Tree, ...rest: Args) => [A, Tree]) =>
  valueAndGrad(f as never) as unknown as (p: Tree, ...rest: Args) => [A, Tree];

/** dense layer: x @ w + b (consumes all three) */
const dense = (x: A, w: A, b: A): A => np.matmul(x, w).add(b);
/** mean softmax cross-entropy against one-hot targets (consumes both) */
const crossEntropy = (logits: A, onehot: A, batch: number): A => nn.logSoftmax(logits).mul(onehot).sum().mul(-1 / batch);

/** jit(valueAndGrad + SGD): one compiled program per step; check = [loss 1, loss 2] */
const trainStep = (loss: (p: Tree, x: A, y: A) => A, params0: Tree, x: A, y: A, lr: number): Prepared => {
  const step = jitted((p: Tree, xs: A, ys: A): [A, Tree] => {
    const [l, g] = valueGrad(loss)(tree.ref(p), xs, ys);
    return [l, tree.map((pi: A, gi: A) => pi.sub(gi.mul(lr)), p, g) as Tree];
  });
  let params = params0;
  const run = async (): Promise<number> => {
    const [l, next] = step(params, x.ref, y.ref);
    params = next;
    await blockUntilReady(params);
    return readScalar(l);
  };
  return {
    step: run,
    check: async () => [await run(), await run()],
    dispose: () => { step.dispose(); tree.dispose(params); x.dispose(); y.dispose(); },
  };
};
/** jit(valueAndGrad) without update; check = [loss, sum of squared gradients] */
const fwdBwd = (loss: (p: Tree, x: A) => A, params: Tree, x: A): Prepared => {
  const vg = jitted((p: Tree, xs: A): [A, Tree] => valueGrad(loss)(p, xs));
  const run = (): [A, Tree] => vg(tree.ref(params), x.ref);
  return {
    step: async () => {
      const [l, g] = run();
      await blockUntilReady(g);
      tree.dispose(g);
      return readScalar(l);
    },
    check: async () => {
      const [l, g] = run();
      let sq = 0;
      for (const leaf of tree.leaves(g) as A[]) sq += (await sums(leaf))[1];
      return [await readScalar(l), sq];
    },
    dispose: () => { vg.dispose(); tree.dispose(params); x.dispose(); },
  };
};
/** a jitted forward op; check = [sum, sum of squares] of the output */
const forward = (f: (a: A, b: A) => A, a: A, b: A): Prepared => {
  const g = jitted(f);
  return {
    step: async () => { const y = g(a.ref, b.ref); await y.blockUntilReady(); y.dispose(); },
    check: () => sums(g(a.ref, b.ref)),
    dispose: () => { g.dispose(); a.dispose(); b.dispose(); },
  };
};

/** the rows of a dense kernel [H·W·C, out] reordered for an NCHW flatten (C, H, W) */
const nchwRows = (k: Arr, h: number, w: number, c: number): Arr => {
  const out = k.shape[1]!, data = new Float32Array(k.data.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    const from = ((y * w + x) * c + ch) * out, to = ((ch * h + y) * w + x) * out;
    data.set(k.data.subarray(from, from + out), to);
  }
  return { shape: k.shape, data };
};

/** layer norm over the last axis of [N, E] (consumes x, scale, bias) */
const layerNorm = (x: A, scale: A, bias: A): A => {
  const mu = np.mean(x.ref, -1, { keepdims: true });
  const centred = x.sub(mu);
  const variance = np.mean(np.square(centred.ref), -1, { keepdims: true });
  return centred.mul(np.reciprocal(np.sqrt(variance.add(W6.eps)))).mul(scale).add(bias);
};

/** the workloads, written once; jaxPeer sets `mode` before each prepare */
const IMPL: Peer['workloads'] = {
  W1: (d) => forward((a, b) => np.matmul(a, b), arr(d.a), arr(d.b)),
  W2: (d) => {
    const [l1, l2] = d.params;
    const params = record({ w1: l1.kernel, b1: l1.bias, w2: l2.kernel, b2: l2.bias });
    const loss = (p: Tree, x: A, y: A): A => crossEntropy(dense(nn.relu(dense(x, p.w1!, p.b1!)), p.w2!, p.b2!), y, W2.batch);
    return trainStep(loss, params, arr(d.x), oneHot(d.labels, W2.out), W2.lr);
  },
  W3: (d) => {
    const { conv1, conv2, dense: fc } = d.params;
    const params = record({
      k1: hwioToOihw(conv1.kernel), b1: { shape: [1, W3.c1, 1, 1], data: conv1.bias.data },
      k2: hwioToOihw(conv2.kernel), b2: { shape: [1, W3.c2, 1, 1], data: conv2.bias.data },
      w: nchwRows(fc.kernel, W3.size / 4, W3.size / 4, W3.c2), b: fc.bias,
    });
    const block = (h: A, k: A, b: A): A =>
      lax.reduceWindow(nn.relu(lax.conv(h, k, [1, 1], 'SAME').add(b)), (win: A) => np.max(win), [2, 2], [2, 2]);
    const loss = (p: Tree, x: A, y: A): A => {
      const h = block(block(x, p.k1!, p.b1!), p.k2!, p.b2!);
      return crossEntropy(dense(h.reshape([W3.batch, -1]), p.w!, p.b!), y, W3.batch);
    };
    return trainStep(loss, params, arr(nhwcToNchw(d.x)), oneHot(d.labels, W3.classes), W3.lr);
  },
  W4: (d) => forward((x, w) => lax.conv(x, w, [1, 1], 'SAME'), arr(nhwcToNchw(d.x)), arr(hwioToOihw(d.w))),
  W5: (d) => {
    const { batch: B, steps: T, in: I, hidden: H } = W5;
    const params = record({ kernel: d.params.kernel, recurrentKernel: d.params.recurrentKernel, bias: d.params.bias });
    const loss = (p: Tree, x: A): A => {
      // x @ K for every step in one matmul, then the recurrent update per step (as shapegrad's scan)
      const xp = dense(x.reshape([B * T, I]), p.kernel!, p.bias!).reshape([B, T, 4 * H]);
      const r = p.recurrentKernel!;
      let h = np.zeros([B, H]), c = np.zeros([B, H]);
      const hs: A[] = [];
      for (let t = 0; t < T; t++) {
        const z = xp.ref.slice([], t).add(np.matmul(h, r.ref));
        const [i, f, g, o] = np.split(z, 4, 1) as [A, A, A, A];
        c = nn.sigmoid(f).mul(c).add(nn.sigmoid(i).mul(np.tanh(g)));
        h = nn.sigmoid(o).mul(np.tanh(c.ref));
        hs.push(h.ref);
      }
      xp.dispose(); r.dispose(); h.dispose(); c.dispose();
      return np.mean(np.square(np.stack(hs, 1)));
    };
    return fwdBwd(loss, params, arr(d.x));
  },
  W6: (d) => {
    const { batch: B, steps: T, embed: E, heads: NH } = W6, dh = E / NH;
    const pr = d.params, at = pr.attention;
    const params = record({
      n1s: pr.norm1.scale, n1b: pr.norm1.bias, n2s: pr.norm2.scale, n2b: pr.norm2.bias,
      wq: at.wq, wk: at.wk, wv: at.wv, wo: at.wo, bq: at.bq, bk: at.bk, bv: at.bv, bo: at.bo,
      f1: pr.ff1.kernel, c1: pr.ff1.bias, f2: pr.ff2.kernel, c2: pr.ff2.bias,
    });
    /** [B·T, E] -> [B, heads, T, dh] */
    const split = (y: A): A => y.reshape([B, T, NH, dh]).transpose([0, 2, 1, 3]);
    const loss = (p: Tree, x0: A): A => {
      const x = x0.reshape([B * T, E]);
      const a = layerNorm(x.ref, p.n1s!, p.n1b!);
      const q = split(dense(a.ref, p.wq!, p.bq!)), k = split(dense(a.ref, p.wk!, p.bk!)), v = split(dense(a, p.wv!, p.bv!));
      const w = nn.softmax(np.matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(dh)), -1);
      const o = np.matmul(w, v).transpose([0, 2, 1, 3]).reshape([B * T, E]);
      const h = x.add(dense(o, p.wo!, p.bo!));
      const y = h.ref.add(dense(nn.relu(dense(layerNorm(h, p.n2s!, p.n2b!), p.f1!, p.c1!)), p.f2!, p.c2!));
      return np.mean(np.square(y));
    };
    return fwdBwd(loss, params, arr(d.x));
  },
  W7: (d) => forward((a, b) => nn.relu(a.add(b)), arr(d.a), arr(d.b)),
};

/**
 * The mode each workload runs in for the 'best' setting: jit everywhere except W4, because
 * jax-js 0.1.25 runs a jitted conv2d several times slower than the same conv eagerly (measured
 * here: ~1.7 s vs ~0.2 s for W4; the train step W3 is still faster under jit as a whole).
 */
export const BEST_MODES: Readonly<Record<WorkloadId, Mode>> = { W1: 'jit', W2: 'jit', W3: 'jit', W4: 'eager', W5: 'jit', W6: 'jit', W7: 'jit' };

export const jaxPeer = (workers: number, modes: Mode | 'best' = 'best'): Peer => ({
  id: `jax-js${workers > 0 ? `-${workers}w` : ''}${modes === 'best' ? '' : `-${modes}`}`,
  init: async () => {
    if (workers > 0 && !('Worker' in globalThis)) throw new Error('jax-js workers: installNodeWorkers must run before @jax-js/jax is imported (see peers/index.ts)');
    const got = await init('wasm');
    if (!got.includes('wasm')) throw new Error(`jax-js: no wasm device (got ${got.join(', ') || 'none'})`);
    defaultDevice('wasm');
    // the package's exports hide package.json: read it next to the resolved entry (dist/..)
    const entry = createRequire(import.meta.url).resolve('@jax-js/jax');
    const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
    const threads = workers > 0 ? `kernels on ${workers} workers (Web Worker shim over worker_threads)` : 'main thread only (Node 20 has no global Worker)';
    const how = modes === 'best' ? `jit (${WORKLOAD_IDS.filter((w) => BEST_MODES[w] === 'eager').join(', ')} eager)` : modes;
    return `@jax-js/jax ${version}, wasm device, ${how}, ${threads}`;
  },
  workloads: Object.fromEntries(Object.entries(IMPL).map(([w, prepare]) => [w, (d: never) => {
    mode = modes === 'best' ? BEST_MODES[w as WorkloadId] : modes;
    return (prepare as (x: never) => Prepared | Promise<Prepared>)(d);
  }])) as Peer['workloads'],
});
