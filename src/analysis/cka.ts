/** @file Centred kernel alignment (linear and RBF) between activations [n, ...] of the same n examples, and the matrix of all pairs. */
import { ValueError } from '../shape/index.js';
import { fromArray, toArray, type AnyTensor, type Tensor } from '../tensor/index.js';

/** the kernel CKA compares with: linear (x·y), or RBF exp(-|x - y|² / (2σ²)) with σ = bandwidth × the median pairwise distance */
export interface CkaOptions {
  /** default 'linear' */
  readonly kernel?: 'linear' | 'rbf';
  /** for 'rbf': σ as a fraction of the median distance between distinct examples (default 1) */
  readonly bandwidth?: number;
}
/** CKA and the unnormalized HSIC terms it is made of (no 1/(n-1)² factors): CKA = hsicXY / sqrt(hsicXX · hsicYY) */
export interface CkaTerms { readonly cka: number; readonly hsicXY: number; readonly hsicXX: number; readonly hsicYY: number }

/** an activation [n, ...] as a float64 matrix [n, p] (p = the product of the other dims) */
interface Matrix { readonly n: number; readonly p: number; readonly data: Float64Array }
const asMatrix = (t: AnyTensor, what: string): Matrix => {
  const shape = t.shape as readonly number[];
  if (shape.length < 1 || shape[0]! < 2) throw new ValueError('cka', `${what} must be [n, ...] with n >= 2 examples, got [${shape.join(', ')}]`);
  const n = shape[0]!;
  return { n, p: t.size / n, data: Float64Array.from(toArray(t) as ArrayLike<number>) };
};
const centreColumns = (m: Matrix): Matrix => {
  const data = Float64Array.from(m.data);
  for (let j = 0; j < m.p; j++) {
    let s = 0;
    for (let i = 0; i < m.n; i++) s += data[i * m.p + j]!;
    for (let i = 0; i < m.n; i++) data[i * m.p + j]! -= s / m.n;
  }
  return { ...m, data };
};
/** Aᵀ B for A [n, p], B [n, q] */
const crossProduct = (a: Matrix, b: Matrix): Float64Array => {
  const out = new Float64Array(a.p * b.p);
  for (let i = 0; i < a.n; i++) {
    for (let j = 0; j < a.p; j++) {
      const v = a.data[i * a.p + j]!;
      if (v === 0) continue;
      for (let k = 0; k < b.p; k++) out[j * b.p + k]! += v * b.data[i * b.p + k]!;
    }
  }
  return out;
};
/** the Gram matrix A Aᵀ [n, n] */
const gram = (a: Matrix): Float64Array => {
  const out = new Float64Array(a.n * a.n);
  for (let i = 0; i < a.n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < a.p; k++) s += a.data[i * a.p + k]! * a.data[j * a.p + k]!;
      out[i * a.n + j] = s;
      out[j * a.n + i] = s;
    }
  }
  return out;
};
const sumOfProducts = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
/** H K H with H = I - 11ᵀ/n: rows and columns of the kernel matrix centred */
const centreKernel = (k: Float64Array, n: number): Float64Array => {
  const rows = new Float64Array(n), out = new Float64Array(n * n);
  let all = 0;
  for (let i = 0; i < n; i++) { for (let j = 0; j < n; j++) rows[i]! += k[i * n + j]! / n; all += rows[i]! / n; }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = k[i * n + j]! - rows[i]! - rows[j]! + all;
  return out;
};
const median = (xs: number[]): number => {
  const s = xs.sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};
/** the RBF kernel matrix with σ = bandwidth × the median distance between distinct examples */
const rbfKernel = (m: Matrix, bandwidth: number): Float64Array => {
  const g = gram(m), n = m.n, d2 = new Float64Array(n * n), dists: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      d2[i * n + j] = Math.max(g[i * n + i]! + g[j * n + j]! - 2 * g[i * n + j]!, 0);
      if (j < i) dists.push(Math.sqrt(d2[i * n + j]!));
    }
  }
  const sigma = bandwidth * median(dists);
  return d2.map((v) => Math.exp(-v / (2 * sigma * sigma)));
};
/** the centred kernel matrix of an activation: Xc Xcᵀ for linear (column centring is H X Xᵀ H), H K H for RBF */
const centredKernel = (t: AnyTensor, what: string, o: CkaOptions): { readonly n: number; readonly k: Float64Array } => {
  const m = asMatrix(t, what);
  if (o.kernel === 'rbf') {
    const bw = o.bandwidth ?? 1;
    if (!(bw > 0)) throw new ValueError('cka', `bandwidth ${bw} must be positive`);
    return { n: m.n, k: centreKernel(rbfKernel(m, bw), m.n) };
  }
  return { n: m.n, k: gram(centreColumns(m)) };
};
const ratio = (xy: number, xx: number, yy: number): number => xy / Math.sqrt(xx * yy);
const sameN = (a: AnyTensor, b: AnyTensor): void => {
  if (a.shape[0] !== b.shape[0]) throw new ValueError('cka', `the activations must hold the same examples: ${a.shape[0]} and ${b.shape[0]} rows`);
};

/**
 * CKA between two activations of the same n examples (flattened to [n, p] and [n, q]) with its
 * HSIC terms. Linear: with centred columns, hsicXY = ‖Ycᵀ Xc‖²_F, hsicXX = ‖Xcᵀ Xc‖²_F, computed in
 * feature space or, when p and q are large, as Σ Kx ∘ Ky with Kx = Xc Xcᵀ (the same number).
 * RBF: hsic = Σ (H Kx H) ∘ (H Ky H). Constant activations give NaN. In float64 throughout.
 */
export const ckaTerms = (x: AnyTensor, y: AnyTensor, options: CkaOptions = {}): CkaTerms => {
  sameN(x, y);
  const a = asMatrix(x, 'x'), b = asMatrix(y, 'y'), n = a.n;
  if (options.kernel !== 'rbf' && a.p * b.p + a.p * a.p + b.p * b.p <= n * (a.p + b.p)) {
    const xc = centreColumns(a), yc = centreColumns(b);
    const xy = crossProduct(xc, yc), xx = crossProduct(xc, xc), yy = crossProduct(yc, yc);
    const [hxy, hxx, hyy] = [sumOfProducts(xy, xy), sumOfProducts(xx, xx), sumOfProducts(yy, yy)];
    return { cka: ratio(hxy, hxx, hyy), hsicXY: hxy, hsicXX: hxx, hsicYY: hyy };
  }
  const kx = centredKernel(x, 'x', options).k, ky = centredKernel(y, 'y', options).k;
  const [hxy, hxx, hyy] = [sumOfProducts(kx, ky), sumOfProducts(kx, kx), sumOfProducts(ky, ky)];
  return { cka: ratio(hxy, hxx, hyy), hsicXY: hxy, hsicXX: hxx, hsicYY: hyy };
};
/** linear CKA between two activations [n, ...] of the same examples (1 for identical, invariant to rotations and isotropic scaling) */
export const linearCka = (x: AnyTensor, y: AnyTensor): number => ckaTerms(x, y).cka;
/** RBF-kernel CKA; σ = bandwidth × the median distance between distinct examples of each activation (default bandwidth 1) */
export const rbfCka = (x: AnyTensor, y: AnyTensor, bandwidth = 1): number => ckaTerms(x, y, { kernel: 'rbf', bandwidth }).cka;

/** named activations: a record (as capture returns) or [label, tensor] pairs in the order wanted */
export type Named = Readonly<Record<string, AnyTensor>> | readonly (readonly [string, AnyTensor])[];
/** a CKA matrix: rows[i] against cols[j] */
export interface CkaMatrix { readonly rows: readonly string[]; readonly cols: readonly string[]; readonly values: Tensor<[number, number]> }

/**
 * CKA between every pair of activations (rows × cols; cols default to rows), e.g. all layers of
 * one model or the layers of two models on the same inputs. Each centred kernel is built once.
 */
export const ckaMatrix = (rows: Named, cols: Named = rows, options: CkaOptions = {}): CkaMatrix => {
  const pairs = (xs: Named) => (Array.isArray(xs) ? xs : Object.entries(xs)) as readonly (readonly [string, AnyTensor])[];
  const kernels = (xs: Named) => pairs(xs).map(([label, t]) => {
    const { k } = centredKernel(t, label, options);
    return { label, t, k, self: sumOfProducts(k, k) };
  });
  const r = kernels(rows), c = cols === rows ? r : kernels(cols);
  const values = r.flatMap((a) => c.map((b) => { sameN(a.t, b.t); return ratio(sumOfProducts(a.k, b.k), a.self, b.self); }));
  const out = fromArray(values, [r.length, c.length]);
  if (out._tag === 'Left') throw out.left;
  return { rows: r.map((a) => a.label), cols: c.map((b) => b.label), values: out.right };
};
