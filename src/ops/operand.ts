/** @file Operands of elementwise ops: tensors or JS numbers (weakly typed scalars that adopt the other dtype). */
import { bind } from '../core/index.js';
import { allocate, arith, coerce, promote, type Arith, type DType, type Promote } from '../dtype/index.js';
import { ValueError, type AsShape, type Shape } from '../shape/index.js';
import { fromView, isTensor, type AnyTensor, type Tensor } from '../tensor/index.js';
import { fromStorage } from '../backend/index.js';
import { primitives } from './primitives.js';

/** what elementwise ops take: a tensor or a number (a scalar that takes the tensor's dtype) */
export type Operand = AnyTensor | number;
/** the static shape of an operand ([] for a number) */
export type OperandShape<X> = X extends Tensor<infer S, DType> ? S : [];
/** the dtype of an operand ('weak' for a number) */
export type OperandDType<X> = X extends Tensor<Shape, infer D> ? D : 'weak';
/** the common dtype of two operands: a number adopts the tensor's dtype; two numbers are float32 */
export type Common<A, B> =
  A extends DType ? (B extends DType ? Promote<A, B> : Weak<A>) : B extends DType ? Weak<B> : 'float32';
/** the dtype a number takes next to a tensor of dtype D: D, but never bool (a number is not a truth value) */
type Weak<D extends DType> = D extends 'bool' ? 'int32' : D;
/** a tensor of shape S and dtype D, from operand types */
export type Result<S, D extends DType> = Tensor<AsShape<S>, D>;
/** the dtype arithmetic on operands X and Y gives (bool counts as int32) */
export type ArithOf<X, Y> = Arith<Common<OperandDType<X>, OperandDType<Y>>>;

const dtypeOf = (x: Operand): DType | undefined => (isTensor(x) ? x.dtype : undefined);
/** the common dtype of two runtime operands (twin of Common) */
export const commonDType = (a: Operand, b: Operand): DType => {
  const da = dtypeOf(a), db = dtypeOf(b);
  if (da && db) return promote(da, db);
  const d = da ?? db ?? 'float32';
  return d === 'bool' ? 'int32' : d;
};
/** the arithmetic dtype of two runtime operands (twin of ArithOf) */
export const arithDType = (a: Operand, b: Operand): DType => arith(commonDType(a, b));

/** a rank-0 constant */
export const scalar = (v: number, dtype: DType): AnyTensor => {
  const data = allocate(dtype, 1);
  data[0] = coerce(dtype, v);
  return fromView(fromStorage(dtype, data, []));
};
/** a runtime operand as a tensor of `dtype`: numbers become scalars; int dtypes refuse fractions */
export const lift = (op: string, x: Operand, dtype: DType): AnyTensor => {
  if (isTensor(x)) return x.dtype === dtype ? x : bind(primitives.cast, [x], { to: dtype });
  if (dtype !== 'float32' && !Number.isInteger(x)) {
    throw new ValueError(op, `the scalar ${x} is not an integer but the tensor is ${dtype}; cast the tensor to float32 first`);
  }
  if (dtype === 'int32' && (x < -(2 ** 31) || x >= 2 ** 31)) {
    throw new ValueError(op, `the scalar ${x} does not fit in int32; cast the tensor to float32 first`);
  }
  return scalar(x, dtype);
};
