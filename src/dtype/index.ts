/** @file Element types, their storage arrays, and promotion (bool < int32 < float32). */

/** the element types a tensor can hold */
export type DType = 'float32' | 'int32' | 'bool';
/** dtypes that arithmetic accepts */
export type NumericDType = 'float32' | 'int32';

/** the flat storage array of each dtype */
export interface StorageOf {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}
/** flat storage of any dtype */
export type Storage = StorageOf[DType];
/** the JS value of one element: number for numeric dtypes, boolean for bool */
export type ElementOf<D extends DType> = D extends 'bool' ? boolean : number;

/** every dtype, in promotion order */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32'];

/** promotion table: the common dtype of two operands (the higher in bool < int32 < float32) */
interface PromoteTable {
  bool: { bool: 'bool'; int32: 'int32'; float32: 'float32' };
  int32: { bool: 'int32'; int32: 'int32'; float32: 'float32' };
  float32: { bool: 'float32'; int32: 'float32'; float32: 'float32' };
}
/** the common dtype of two operands */
export type Promote<A extends DType, B extends DType> = PromoteTable[A][B];
const PROMOTE: PromoteTable = {
  bool: { bool: 'bool', int32: 'int32', float32: 'float32' },
  int32: { bool: 'int32', int32: 'int32', float32: 'float32' },
  float32: { bool: 'float32', int32: 'float32', float32: 'float32' },
};
/** runtime twin of Promote */
export const promote = <A extends DType, B extends DType>(a: A, b: B): Promote<A, B> => PROMOTE[a][b];

/** the dtype arithmetic computes in: bool counts as int32 */
export type Arith<D extends DType> = D extends 'bool' ? 'int32' : D;
/** runtime twin of Arith */
export const arith = <D extends DType>(d: D): Arith<D> => (d === 'bool' ? 'int32' : d) as Arith<D>;
/** the dtype of transcendental functions (exp, log, sin...): always float32 */
export type Floating<D extends DType> = D extends DType ? 'float32' : never;

// float32 storage is Float64Array while `withFloat64` runs (checkGrad's finite differences need
// double precision all the way through); nothing else ever sees the difference.
let float64Depth = 0;
/** runs f with float32 tensors stored and computed in float64 (used by checkGrad) */
export const withFloat64 = <T>(f: () => T): T => {
  float64Depth++;
  try {
    return f();
  } finally {
    float64Depth--;
  }
};

// ---- storage reuse ----------------------------------------------------------------------------
// A backward pass knows when a cotangent it made is dead (core/trace.ts counts the references to
// each storage array); it hands such arrays back here, and allocate gives them out again (zeroed)
// instead of fresh ones, which spares the page faults and zeroing of new memory and the garbage
// collector's work. Only arrays made while a pass tracks ownership can come back, and each only
// after the pass has proven that no value refers to it any more.

/** float32 arrays shorter than this are not recycled (a fresh small array costs less than the bookkeeping) */
const RECYCLE_FROM = 1024;
/** dead arrays kept for reuse, in bytes at most (beyond it they are left to the garbage collector) */
const RECYCLE_BYTES = 64 * 2 ** 20;
/**
 * Arrays of a size no pass has handed back in this many passes are let go: a workload that
 * changes (another model, another batch size) must not keep the last one's arrays alive.
 */
const KEEP_PASSES = 2;
const free = new Map<number, Float32Array[]>();
/** the last pass that handed back an array of each size */
const lastBack = new Map<number, number>();
let freeBytes = 0;
let pass = 0;
let owned: WeakSet<Float32Array> | undefined;
let poison = false;
/** for tests: recycled arrays are filled with NaN the moment they come back, so a value still reading one shows it */
export const poisonRecycled = (on: boolean): void => { poison = on; };

/** runs f noting the float32 arrays allocate hands out meanwhile (the ones `recycle` may take back); nests into an outer run */
export const withOwnership = <T>(f: () => T): T => {
  if (owned !== undefined) return f();
  pass++;
  lastBack.forEach((at, size) => {
    if (at >= pass - KEEP_PASSES) return;
    freeBytes -= (free.get(size)?.length ?? 0) * 4 * size;
    free.delete(size);
    lastBack.delete(size);
  });
  owned = new WeakSet();
  try {
    return f();
  } finally {
    owned = undefined;
  }
};
/** marks storage as escaping (given to code that may keep it): it is never recycled */
export const disown = (data: Storage): void => {
  if (data instanceof Float32Array) owned?.delete(data);
};
/** hands back storage made under withOwnership that nothing refers to any more; false (left alone) for any other */
export const recycle = (data: Storage): boolean => {
  if (!(data instanceof Float32Array) || owned?.has(data) !== true) return false;
  owned.delete(data);
  if (poison) data.fill(NaN);
  if (freeBytes + data.byteLength > RECYCLE_BYTES) return false;
  const list = free.get(data.length);
  if (list === undefined) free.set(data.length, [data]);
  else list.push(data);
  lastBack.set(data.length, pass);
  freeBytes += data.byteLength;
  return true;
};
/** what the recycler holds now (for tests and profiles) */
export const recyclerStats = (): { readonly arrays: number; readonly bytes: number } =>
  ({ arrays: [...free.values()].reduce((n, l) => n + l.length, 0), bytes: freeBytes });

const float32Array = (size: number, zeroed: boolean): Float32Array => {
  if (size < RECYCLE_FROM) return new Float32Array(size);
  const reused = free.get(size)?.pop();
  if (reused !== undefined) freeBytes -= reused.byteLength;
  const a = (zeroed ? reused?.fill(0) : reused) ?? new Float32Array(size);
  owned?.add(a);
  return a;
};

/**
 * A zero-filled storage array of dtype d; with `zeroed` false, for a kernel that writes every
 * element, a recycled float32 array is handed out as it is (fresh arrays are zeros either way).
 */
export const allocate = <D extends DType>(dtype: D, size: number, zeroed = true): StorageOf[D] => {
  switch (dtype) {
    case 'float32': return (float64Depth > 0 ? new Float64Array(size) as Float64Array as never : float32Array(size, zeroed)) as StorageOf[D];
    case 'int32': return new Int32Array(size) as StorageOf[D];
    default: return new Uint8Array(size) as StorageOf[D];
  }
};

/** true for a string naming a dtype */
export const isDType = (x: unknown): x is DType => x === 'float32' || x === 'int32' || x === 'bool';

/** converts a JS value to what dtype d stores (float32 rounding, int32 truncation toward zero, bool 0/1) */
export const coerce = (dtype: DType, v: number | boolean): number => {
  const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  return dtype === 'bool' ? (n !== 0 ? 1 : 0) : dtype === 'int32' ? n | 0 : float64Depth > 0 ? n : Math.fround(n);
};
