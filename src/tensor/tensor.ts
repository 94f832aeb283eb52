/** @file The Tensor value: an immutable, frozen handle on a strided view, with its shape in the type. */
import type { DType } from '../dtype/index.js';
import type { View } from '../backend/index.js';
import { numel, type Dim, type RuntimeShape, type Shape } from '../shape/index.js';

declare const SHAPE: unique symbol;
/** where a tensor keeps its value; internal to shapegrad (not exported from the package) */
export const VIEW: unique symbol = Symbol('shapegrad.view');
/** the autodiff link of a traced tensor; internal to shapegrad */
export const TRACE: unique symbol = Symbol('shapegrad.trace');

/** what the autodiff core attaches to a tensor it traces (core/ fills it in; opaque here) */
export interface TraceLink {
  /** the trace level (nesting depth of grad calls) this tensor belongs to */
  readonly level: number;
  /** the same value one level down: a tensor traced at a lower level, or a constant */
  readonly primal: AnyTensor;
}

/**
 * An immutable n-dimensional array. `S` is its shape as the compiler knows it (literal dims,
 * named dims such as 'B', `number` for dims known only at run time, or `Dim[]` for unknown
 * rank); `D` its element type. The runtime `shape` always holds numbers.
 */
export interface Tensor<S extends Shape = Shape, D extends DType = 'float32'> {
  /** phantom: the static shape (named dims exist only here) */
  readonly [SHAPE]: S;
  readonly shape: RuntimeShape<S>;
  readonly dtype: D;
  /** number of dims */
  readonly rank: S['length'];
  /** number of elements */
  readonly size: number;
}
/** a tensor of any shape and dtype */
export type AnyTensor = Tensor<Shape, DType>;
/** a rank-0 tensor */
export type Scalar<D extends DType = 'float32'> = Tensor<[], D>;

/** the static shape of a tensor type */
export type ShapeOf<T> = T extends Tensor<infer S, DType> ? S : T extends number | boolean ? [] : never;
/** the dtype of a tensor type */
export type DTypeOf<T> = T extends Tensor<Shape, infer D> ? D : never;

interface TensorRecord {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly rank: number;
  readonly size: number;
  readonly [VIEW]: View;
  readonly [TRACE]: TraceLink | undefined;
}

// The one boundary where an untyped runtime record becomes a typed Tensor (see STYLE.md, 11).
const asTensor = <S extends Shape, D extends DType>(r: TensorRecord): Tensor<S, D> =>
  r as unknown as Tensor<S, D>; // the phantom [SHAPE] key exists only in the type
const record = (t: AnyTensor): TensorRecord => t as unknown as TensorRecord; // the same boundary, read side

/** the storage of placeholder tensors (a function being staged by `fuse` sees them): reading one is an error */
export const PLACEHOLDER: Float32Array = new Float32Array(0);

/** wraps a view (never copied: views are never written after creation) as a frozen tensor */
export const fromView = <S extends Shape = Dim[], D extends DType = DType>(view: View, trace?: TraceLink): Tensor<S, D> =>
  asTensor<S, D>(Object.freeze({
    shape: Object.freeze([...view.shape]),
    dtype: view.dtype,
    rank: view.shape.length,
    size: numel(view.shape),
    [VIEW]: view,
    [TRACE]: trace,
    [Symbol.for('nodejs.util.inspect.custom')]: inspect,
  }));
/** the view behind a tensor (kernels read it; nobody writes it) */
export const viewOf = (t: AnyTensor): View => record(t)[VIEW];
/** the autodiff link of a tensor, if it is being traced */
export const traceOf = (t: AnyTensor): TraceLink | undefined => record(t)[TRACE];
/** true for a shapegrad tensor */
export const isTensor = (x: unknown): x is AnyTensor =>
  typeof x === 'object' && x !== null && VIEW in x;

function inspect(this: TensorRecord): string {
  const v = this[VIEW];
  const n = numel(v.shape);
  const show = n <= 12 ? ` ${JSON.stringify(Array.from(sample(v)))}` : '';
  return `Tensor<[${v.shape.join(', ')}], ${v.dtype}>${show}`;
}
const sample = (v: View): number[] => {
  const out: number[] = [];
  const n = numel(v.shape), r = v.shape.length, idx = new Array<number>(r).fill(0);
  for (let i = 0; i < n; i++) {
    let o = v.offset;
    for (let k = 0; k < r; k++) o += idx[k]! * v.strides[k]!;
    out.push(v.data[o]!);
    for (let k = r - 1; k >= 0 && ++idx[k]! === v.shape[k]; k--) idx[k] = 0;
  }
  return out;
};
