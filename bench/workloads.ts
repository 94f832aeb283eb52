/**
 * @file The seven benchmark workloads of issue 8 (W1–W7): sizes, what a step is, FLOP counts, and
 * the deterministic inputs and initial parameters every library receives (the same numbers, as
 * Float32Arrays with their shapes, so that each library's first loss can be compared).
 */
import { mulberry32 } from '../test/helpers/mulberry32.js';

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7';
export const WORKLOAD_IDS: readonly WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7'];

/** a float32 array with its shape (row-major; NHWC images, HWIO conv kernels, [in, out] dense kernels) */
export interface Arr { readonly shape: readonly number[]; readonly data: Float32Array }
/** an int32 array with its shape (class labels) */
export interface IntArr { readonly shape: readonly number[]; readonly data: Int32Array }

export interface WorkloadSpec {
  readonly id: WorkloadId;
  /** the row label of the results table (as in issue 8) */
  readonly label: string;
  /** what one timed step does */
  readonly step: string;
  /** floating-point operations of one step when exactly known (multiply-add = 2), for GFLOPS */
  readonly flops?: number;
}

// ---- sizes -----------------------------------------------------------------------------------------

export const W1_N = 1024;
export const W2 = { batch: 128, in: 784, hidden: 256, out: 10, lr: 0.05 } as const;
export const W3 = { batch: 32, size: 28, c1: 16, c2: 32, classes: 10, lr: 0.05 } as const;
export const W4 = { batch: 32, size: 28, cin: 16, cout: 32, k: 3 } as const;
export const W5 = { batch: 32, steps: 50, in: 64, hidden: 128 } as const;
export const W6 = { batch: 8, steps: 128, embed: 128, heads: 4, ff: 512, eps: 1e-5 } as const;
export const W7_N = 1 << 20;

export const WORKLOADS: Readonly<Record<WorkloadId, WorkloadSpec>> = {
  W1: { id: 'W1', label: 'W1 matmul 1024x1024 f32', step: 'C = A @ B, A and B [1024, 1024] float32', flops: 2 * W1_N ** 3 },
  W2: {
    id: 'W2', label: 'W2 MLP 784-256-10, batch 128, train step',
    step: 'dense(784,256) -> relu -> dense(256,10) -> softmax cross-entropy (int labels); grads of all 4 params; SGD update (lr 0.05)',
  },
  W3: {
    id: 'W3', label: 'W3 CNN (2 conv+pool, dense), batch 32, train step',
    step: 'x [32,28,28,1] -> conv3x3(1->16, same) -> relu -> maxPool 2 -> conv3x3(16->32, same) -> relu -> maxPool 2 -> flatten [32,1568] -> dense(1568,10) -> softmax cross-entropy; grads of all 6 params; SGD update (lr 0.05)',
  },
  W4: {
    id: 'W4', label: 'W4 conv2d fwd [32,28,28,16]*3x3x16x32 same',
    step: 'y = conv2d(x [32,28,28,16], w [3,3,16,32]), stride 1, same padding, no bias (forward only)',
    flops: 2 * W4.batch * W4.size * W4.size * W4.cout * W4.k * W4.k * W4.cin,
  },
  W5: {
    id: 'W5', label: 'W5 LSTM fwd+bwd, B32 T50 I64 H128',
    step: 'LSTM (gates i,f,g,o; x@K for all steps in one matmul, then h@R per step) over x [32,50,64], loss = mean(h^2) over all 50 outputs; value and grads of K [64,512], R [128,512], b [512] (no update)',
  },
  W6: {
    id: 'W6', label: 'W6 transformer block fwd+bwd, B8 T128 E128 4 heads',
    step: 'pre-norm encoder block on x [8,128,128]: h = x + MHA(LN1(x)) (4 heads, q/k/v/o projections with bias, no mask), y = h + FF(LN2(h)), FF = dense(128,512) -> relu -> dense(512,128); loss = mean(y^2); value and grads of all 16 params (no update)',
  },
  W7: { id: 'W7', label: 'W7 add+relu on 1M floats', step: `y = relu(a + b), a and b [${W7_N}] (2^20) float32 (forward only)` },
};

// ---- deterministic numbers ---------------------------------------------------------------------------

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
class Gen {
  private readonly u: () => number;
  constructor(seed: number) { this.u = mulberry32(seed); }
  /** uniform in [-scale, scale) */
  uniform(shape: readonly number[], scale: number): Arr {
    const data = new Float32Array(numel(shape));
    for (let i = 0; i < data.length; i++) data[i] = (2 * this.u() - 1) * scale;
    return { shape, data };
  }
  /** standard normal (Box–Muller) */
  normal(shape: readonly number[]): Arr {
    const data = new Float32Array(numel(shape));
    for (let i = 0; i < data.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - this.u())), a = 2 * Math.PI * this.u();
      data[i] = r * Math.cos(a);
      if (i + 1 < data.length) data[i + 1] = r * Math.sin(a);
    }
    return { shape, data };
  }
  /** uniform in [0, 1) (pixel-like inputs) */
  pixels(shape: readonly number[]): Arr {
    const data = new Float32Array(numel(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.u();
    return { shape, data };
  }
  labels(n: number, classes: number): IntArr {
    const data = new Int32Array(n);
    for (let i = 0; i < n; i++) data[i] = Math.floor(this.u() * classes);
    return { shape: [n], data };
  }
  /** Glorot-uniform for a kernel whose last axis is the fan-out and the rest the fan-in */
  glorot(shape: readonly number[]): Arr {
    const out = shape.at(-1)!, inn = numel(shape) / out, receptive = shape.length > 2 ? numel(shape.slice(0, -2)) : 1;
    const fanIn = inn, fanOut = out * receptive;
    return this.uniform(shape, Math.sqrt(6 / (fanIn + fanOut)));
  }
}
const constant = (shape: readonly number[], v: number): Arr => ({ shape, data: new Float32Array(numel(shape)).fill(v) });

export interface DenseArr { readonly kernel: Arr; readonly bias: Arr }
export interface W1Data { readonly a: Arr; readonly b: Arr }
export interface W2Data { readonly x: Arr; readonly labels: IntArr; readonly params: readonly [DenseArr, DenseArr] }
export interface W3Data { readonly x: Arr; readonly labels: IntArr; readonly params: { readonly conv1: DenseArr; readonly conv2: DenseArr; readonly dense: DenseArr } }
export interface W4Data { readonly x: Arr; readonly w: Arr }
export interface W5Data { readonly x: Arr; readonly params: { readonly kernel: Arr; readonly recurrentKernel: Arr; readonly bias: Arr } }
export interface AttentionArr { readonly wq: Arr; readonly wk: Arr; readonly wv: Arr; readonly wo: Arr; readonly bq: Arr; readonly bk: Arr; readonly bv: Arr; readonly bo: Arr }
export interface NormArr { readonly scale: Arr; readonly bias: Arr }
/** the same record shape as shapegrad's EncoderBlockParams */
export interface W6Params { readonly norm1: NormArr; readonly attention: AttentionArr; readonly norm2: NormArr; readonly ff1: DenseArr; readonly ff2: DenseArr }
export interface W6Data { readonly x: Arr; readonly params: W6Params }
export interface W7Data { readonly a: Arr; readonly b: Arr }
export interface WorkloadData { W1: W1Data; W2: W2Data; W3: W3Data; W4: W4Data; W5: W5Data; W6: W6Data; W7: W7Data }

const dense = (g: Gen, inn: number, out: number): DenseArr => ({ kernel: g.glorot([inn, out]), bias: g.uniform([out], 0.05) });
const conv = (g: Gen, k: number, inn: number, out: number): DenseArr => ({ kernel: g.glorot([k, k, inn, out]), bias: g.uniform([out], 0.05) });

const makers: { readonly [K in WorkloadId]: () => WorkloadData[K] } = {
  W1: () => { const g = new Gen(1); return { a: g.normal([W1_N, W1_N]), b: g.normal([W1_N, W1_N]) }; },
  W2: () => {
    const g = new Gen(2);
    return { x: g.pixels([W2.batch, W2.in]), labels: g.labels(W2.batch, W2.out), params: [dense(g, W2.in, W2.hidden), dense(g, W2.hidden, W2.out)] };
  },
  W3: () => {
    const g = new Gen(3), flat = (W3.size / 4) ** 2 * W3.c2;
    return {
      x: g.pixels([W3.batch, W3.size, W3.size, 1]), labels: g.labels(W3.batch, W3.classes),
      params: { conv1: conv(g, 3, 1, W3.c1), conv2: conv(g, 3, W3.c1, W3.c2), dense: dense(g, flat, W3.classes) },
    };
  },
  W4: () => { const g = new Gen(4); return { x: g.normal([W4.batch, W4.size, W4.size, W4.cin]), w: g.glorot([W4.k, W4.k, W4.cin, W4.cout]) }; },
  W5: () => {
    const g = new Gen(5), h4 = 4 * W5.hidden;
    return {
      x: g.normal([W5.batch, W5.steps, W5.in]),
      params: { kernel: g.glorot([W5.in, h4]), recurrentKernel: g.glorot([W5.hidden, h4]), bias: g.uniform([h4], 0.1) },
    };
  },
  W6: () => {
    const g = new Gen(6), e = W6.embed;
    const norm = (): NormArr => ({ scale: constant([e], 1), bias: constant([e], 0) });
    const attention: AttentionArr = {
      wq: g.glorot([e, e]), wk: g.glorot([e, e]), wv: g.glorot([e, e]), wo: g.glorot([e, e]),
      bq: g.uniform([e], 0.05), bk: g.uniform([e], 0.05), bv: g.uniform([e], 0.05), bo: g.uniform([e], 0.05),
    };
    return { x: g.normal([W6.batch, W6.steps, e]), params: { norm1: norm(), attention, norm2: norm(), ff1: dense(g, e, W6.ff), ff2: dense(g, W6.ff, e) } };
  },
  W7: () => { const g = new Gen(7); return { a: g.normal([W7_N]), b: g.normal([W7_N]) }; },
};

/** the inputs and initial parameters of a workload (the same numbers in every process) */
export const makeData = <K extends WorkloadId>(id: K): WorkloadData[K] => makers[id]();

/** NHWC -> NCHW (jax-js convolves [N, C, H, W]) */
export const nhwcToNchw = (a: Arr): Arr => {
  const [n, h, w, c] = a.shape as [number, number, number, number];
  const out = new Float32Array(a.data.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) {
    out[((b * c + k) * h + y) * w + x] = a.data[((b * h + y) * w + x) * c + k]!;
  }
  return { shape: [n, c, h, w], data: out };
};
/** HWIO -> OIHW (jax-js kernels are [C_out, C_in, kh, kw]) */
export const hwioToOihw = (a: Arr): Arr => {
  const [kh, kw, ci, co] = a.shape as [number, number, number, number];
  const out = new Float32Array(a.data.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
    out[((o * ci + i) * kh + y) * kw + x] = a.data[((y * kw + x) * ci + i) * co + o]!;
  }
  return { shape: [co, ci, kh, kw], data: out };
};
