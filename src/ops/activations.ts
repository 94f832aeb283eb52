/** @file Activation functions as composites of primitives, the common ones fused (ops/fuse); softmax with its own pullback. */
import { applyCustom, bind } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import { normAxis, type AlongAxis, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import type { Check } from '../../types/index.js';
import { abs, add, cast, div, erf, exp, expm1, greater, log1p, maximum, mul, neg, sigmoid, sub, tanh, where } from './elementwise.js';
import { fuse } from './fuse.js';
import { primitives } from './primitives.js';
import { logSumExp, max, sum } from './reduce.js';

type T = AnyTensor;
/** an activation: float32 in and out, same shape */
export type Activation = <S extends Shape, D extends DType>(x: Tensor<S, D>) => Tensor<S, 'float32'>;
// activations compute in float32 whatever the input dtype
const act = (f: (x: T) => T): Activation => ((x: T) => f(x.dtype === 'float32' ? x : cast(x, 'float32'))) as Activation;

/** x for x > 0, slope * x otherwise (default slope 0.01, as PyTorch; Keras uses 0.3) */
export const leakyRelu = (slope = 0.01): Activation => act(fuse((x: T): T => where(greater(x, 0), x, mul(x, slope)) as T));
/** x for x > 0, alpha * (e^x - 1) otherwise (e^x - 1 is taken of min(x, 0), so the unused branch never overflows) */
export const elu = (alpha = 1): Activation => act((x) => where(greater(x, 0), x, mul(expm1(where(greater(x, 0), 0, x)), alpha)));
/** x * Phi(x), exact (erf) or with the tanh approximation */
export const gelu = (options: { readonly approximate?: boolean } = {}): Activation =>
  options.approximate ? act(geluTanh) : act((x) => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1)));
// one fused pass each way (the same ops; ops/fuse): the tanh form of gelu is eight ops
const geluTanh = fuse((x: T): T => mul(mul(x, 0.5), add(tanh(mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI))), 1)) as T);
/** x * sigmoid(x) (swish) */
export const silu: Activation = act(fuse((x: T): T => mul(x, sigmoid(x)) as T));
/** log(1 + e^x), stable for any x: max(x, 0) + log1p(e^-|x|) */
export const softplus: Activation = act((x) => add(maximum(x, 0), log1p(exp(neg(abs(x))))));

// softmax in two fused passes each way: e = exp(x - max) forward, then e / sum(e); backward
// dx = y · (g - sum(g · y)) (the Jacobian diag(y) - y yᵀ applied to g), instead of the pullbacks
// of sub, exp, sum and div one by one (four full passes and the sum's broadcast)
const expShifted = fuse((x: T, m: T): T => exp(sub(x, m)) as T);
const softmaxPullback = fuse((y: T, g: T, s: T): T => mul(y, sub(g, s)) as T);

/** softmax along an axis (default the last), stable for large logits */
export const softmax = <S extends Shape, D extends DType, const A extends number = -1>(
  x: Tensor<S, D>, axis?: Check<AlongAxis<S, A, 'softmax'>, A>,
): Tensor<S, 'float32'> => {
  const ax = normAxis('softmax', (axis as number | undefined) ?? -1, x.shape as readonly number[]);
  const xf = x.dtype === 'float32' ? x as T : cast(x as T, 'float32');
  return applyCustom([xf], ([xp]) => {
    const m = bind(primitives.stopGradient, [max(xp!, ax, { keepdims: true })], {});
    const e = expShifted(xp!, m);
    const y = div(e, sum(e, ax, { keepdims: true })) as T;
    // written with differentiable ops, so grad of grad goes through it
    return [y, (g: T) => [softmaxPullback(y, g, sum(mul(g, y), ax, { keepdims: true }) as T)]];
  }, undefined, 'softmax') as Tensor<S, 'float32'>;
};
/** log(softmax(x)) along an axis (default the last), computed as x - logSumExp(x): no log of 0 */
export const logSoftmax = <S extends Shape, D extends DType, const A extends number = -1>(
  x: Tensor<S, D>, axis?: Check<AlongAxis<S, A, 'logSoftmax'>, A>,
): Tensor<S, 'float32'> => {
  const ax = normAxis('logSoftmax', (axis as number | undefined) ?? -1, x.shape as readonly number[]);
  return sub(x as T, logSumExp(x as T, ax, { keepdims: true })) as T as Tensor<S, 'float32'>;
};
