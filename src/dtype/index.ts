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

/** a zero-filled storage array of dtype d */
export const allocate = <D extends DType>(dtype: D, size: number): StorageOf[D] => {
  switch (dtype) {
    case 'float32': return (float64Depth > 0 ? new Float64Array(size) as Float64Array as never : new Float32Array(size)) as StorageOf[D];
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
