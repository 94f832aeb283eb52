/** @file Constructors: literals with inferred shapes, filled and ranged tensors, checked boundaries. */
import * as E from 'fp-ts/lib/Either.js';
import type { CeilDiv, Check, IsNatural, ShapeError, Sub } from '../../types/index.js';
import { fromStorage } from '../backend/index.js';
import { allocate, coerce, isDType, type DType } from '../dtype/index.js';
import {
  numel, showShape, ShapeMismatchError, validShape, ValueError, type AsShape, type Dim, type Shape,
} from '../shape/index.js';
import { walkNested, type Nested, type NestedDType, type NestedShape } from './nested.js';
import { fromView, type Tensor } from './tensor.js';

const build = <S extends Shape, D extends DType>(op: string, shape: readonly number[], dtype: D, values: ArrayLike<number | boolean>): Tensor<S, D> => {
  const data = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(op, `element ${i} is ${typeof v}, not a number`);
    if (dtype === 'int32' && typeof v === 'number' && !(Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) {
      throw new ValueError(op, `element ${i} (${v}) is not a 32-bit integer (dtype int32)`);
    }
    data[i] = coerce(dtype, v);
  }
  return fromView(fromStorage(dtype, data, shape));
};
const checkDType = (op: string, d: unknown): DType => {
  if (!isDType(d)) throw new ValueError(op, `unknown dtype ${String(d)} (float32, int32 or bool)`);
  return d;
};

/**
 * A tensor from a nested array literal; the shape is inferred in the type.
 * @example tensor([[1, 2, 3], [4, 5, 6]]) // Tensor<[2, 3]>
 */
export function tensor<const T extends Nested, D extends DType = NestedDType<T>>(
  value: Check<NestedShape<T>, T>, dtype?: D,
): Tensor<AsShape<NestedShape<T>>, NoInfer<D>> {
  const { shape, flat } = walkNested('tensor', value);
  const d = dtype === undefined ? (typeof flat[0] === 'boolean' ? 'bool' : 'float32') : checkDType('tensor', dtype);
  return build('tensor', shape, d, flat) as Tensor<AsShape<NestedShape<T>>, D>;
}

/** a tensor of `shape` filled with `value` (dtype bool for a boolean value, else float32 unless given) */
export function full<const S extends readonly number[], const V extends number | boolean, D extends DType = V extends boolean ? 'bool' : 'float32'>(
  shape: S, value: V, dtype?: D,
): Tensor<[...S], NoInfer<D>> {
  return filled('full', shape, value, dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32')) as Tensor<[...S], D>;
}
const filled = (op: string, shape: readonly number[], value: number | boolean, dtype: DType): Tensor<Shape, DType> => {
  const sh = validShape(op, shape);
  return build(op, sh, checkDType(op, dtype), new Array<number | boolean>(numel(sh)).fill(value));
};
/** zeros of `shape` */
export const zeros = <const S extends readonly number[], D extends DType = 'float32'>(shape: S, dtype?: D): Tensor<[...S], NoInfer<D>> =>
  filled('zeros', shape, 0, dtype ?? 'float32') as Tensor<[...S], D>;
/** ones of `shape` */
export const ones = <const S extends readonly number[], D extends DType = 'float32'>(shape: S, dtype?: D): Tensor<[...S], NoInfer<D>> =>
  filled('ones', shape, 1, dtype ?? 'float32') as Tensor<[...S], D>;

/** the length of arange(start, stop, step) in the type (number unless all are integer literals) */
export type ArangeLen<Start extends number, Stop extends number, Step extends number> =
  IsNatural<Start> extends true ? IsNatural<Stop> extends true ? IsNatural<Step> extends true
    ? Step extends 0 ? never : [Sub<Stop, Start>] extends [never] ? 0 : CeilDiv<Sub<Stop, Start>, Step>
    : number : number : number;
/**
 * Evenly spaced values in [start, stop) (NumPy): arange(5) or arange(2, 10, 2).
 * @example arange(4) // Tensor<[4]> holding 0, 1, 2, 3
 */
export function arange<const N extends number>(stop: N): Tensor<[ArangeLen<0, N, 1>]>;
export function arange<const A extends number, const B extends number, const St extends number = 1, D extends DType = 'float32'>(
  start: A, stop: B, step?: Check<St extends 0 ? ShapeError<'arange: step must not be 0', St> : St, St>, dtype?: D,
): Tensor<[ArangeLen<A, B, NoInfer<St>>], NoInfer<D>>;
export function arange(a: number, b?: number, step: unknown = 1, dtype: DType = 'float32'): Tensor<[number], DType> {
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  if (typeof step !== 'number' || ![start, stop, step].every(Number.isFinite) || step === 0) {
    throw new ValueError('arange', `start ${start}, stop ${stop}, step ${step}: all must be finite and step non-zero`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return build('arange', [n], checkDType('arange', dtype), Array.from({ length: n }, (_, i) => start + i * step));
}

/** `num` evenly spaced values from start to stop, both included */
export function linspace<const N extends number>(start: number, stop: number, num: N): Tensor<[N]> {
  if (!Number.isInteger(num) || num < 0) throw new ValueError('linspace', `num ${num} must be a non-negative integer`);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  return build('linspace', [num], 'float32', Array.from({ length: num }, (_, i) => (i === num - 1 && num > 1 ? stop : start + i * step)));
}

/** the n x m identity (m = n when omitted) */
export function eye<const N extends number, const M extends number = N, D extends DType = 'float32'>(
  n: N, m?: M, dtype?: D,
): Tensor<[N, NoInfer<M>], NoInfer<D>> {
  const cols = m ?? n;
  const sh = validShape('eye', [n, cols]);
  const vals = new Array<number>(n * cols).fill(0);
  for (let i = 0; i < Math.min(n, cols); i++) vals[i * cols + i] = 1;
  return build('eye', sh, checkDType('eye', dtype ?? 'float32'), vals) as Tensor<[N, M], D>;
}

/** errors at the data boundary */
export type BoundaryError = ShapeMismatchError | ValueError;
const attempt = <T>(f: () => T): E.Either<BoundaryError, T> => {
  try {
    return E.right(f());
  } catch (e) {
    if (e instanceof ShapeMismatchError || e instanceof ValueError) return E.left(e);
    throw e;
  }
};
/** checks a runtime shape against an expected one: literal dims equal, named dims bound consistently */
const matchShape = (op: string, got: readonly number[], expected: readonly Dim[]): void => {
  if (got.length !== expected.length) throw new ShapeMismatchError(op, `rank ${got.length} where ${expected.length} was expected`, [got, expected]);
  const names = new Map<string, number>();
  expected.forEach((e, i) => {
    const g = got[i]!;
    if (typeof e === 'number') {
      if (e !== g) throw new ShapeMismatchError(op, `dim ${g} at axis ${i}, expected ${e}`, [got, expected], i);
    } else {
      const prev = names.get(e);
      if (prev !== undefined && prev !== g) throw new ShapeMismatchError(op, `'${e}' is ${prev} and ${g} (axis ${i})`, [got, expected], i);
      names.set(e, g);
    }
  });
};

/** a tensor from flat data and a shape, validated (length, integers for int32): for untrusted input */
export function fromArray<const S extends readonly number[], D extends DType = 'float32'>(
  data: ArrayLike<number> | readonly boolean[], shape: S, dtype?: D,
): E.Either<BoundaryError, Tensor<[...S], NoInfer<D>>> {
  return attempt(() => {
    const sh = validShape('fromArray', shape);
    if (numel(sh) !== data.length) {
      throw new ShapeMismatchError('fromArray', `${data.length} values cannot fill shape ${showShape(sh)} (${numel(sh)} elements)`, [sh]);
    }
    return build<[...S], D>('fromArray', sh, checkDType('fromArray', dtype ?? 'float32') as D, data);
  });
}

/** a tensor from an untrusted nested array (e.g. parsed JSON), checked against an expected shape if given */
export function fromNested(value: unknown): E.Either<BoundaryError, Tensor<Dim[]>>;
export function fromNested<const S extends Shape, D extends DType = 'float32'>(
  value: unknown, expected: S, dtype?: D): E.Either<BoundaryError, Tensor<[...S], NoInfer<D>>>;
export function fromNested<const S extends Shape, D extends DType>(
  value: unknown, expected?: S, dtype?: D,
): E.Either<BoundaryError, Tensor<[...S], D>> {
  return attempt(() => {
    const { shape, flat } = walkNested('fromNested', value);
    if (expected !== undefined) matchShape('fromNested', shape, expected);
    return build<[...S], D>('fromNested', shape, checkDType('fromNested', dtype ?? 'float32') as D, flat);
  });
}

/** the names-checked form of a shape: rank and literal dims must match the tensor's */
type NamedCheck<S extends Shape, N extends Shape> =
  number extends S['length'] ? N : N['length'] extends S['length'] ? NamedDims<S, N, S, N>
  : ShapeError<`named: ${N['length']} names for rank ${S['length']}`, S, N>;
type NamedDims<S extends Shape, N extends Shape, FS extends Shape, FN extends Shape> =
  S extends readonly [infer s, ...infer SR extends Shape] ? N extends readonly [infer n, ...infer NR extends Shape]
    ? s extends number ? n extends number ? number extends s | n ? NamedDims<SR, NR, FS, FN>
      : [s] extends [n] ? NamedDims<SR, NR, FS, FN> : ShapeError<`named: dim ${s} cannot be named ${n}`, FS, FN>
      : NamedDims<SR, NR, FS, FN> : NamedDims<SR, NR, FS, FN>
    : FN : FN;
/**
 * Gives a tensor's dims names (or checks literal dims) at run time: named(x, ['B', 784]).
 * Literal dims must equal the tensor's, and a name used twice must stand for one size.
 */
export function named<S extends Shape, D extends DType, const N extends Shape>(
  t: Tensor<S, D>, dims: Check<NamedCheck<S, N>, N>,
): Tensor<[...N], D> {
  matchShape('named', t.shape as readonly number[], dims as N);
  return t as Tensor<Shape, D> as Tensor<[...N], D>;
}

