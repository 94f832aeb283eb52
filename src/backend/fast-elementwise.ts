/** @file Fast elementwise kernels: unary, binary, where and cast as plain loops over merged axes (the reference's results, bit for bit). */
import type { DType, Storage } from '../dtype/index.js';
import type { BinaryOp, UnaryOp } from './backend.js';
import { binaryLoop, copy, select, selectBits, truth, unaryLoop, type UnaryLoop } from './fast-loops.js';
import { broadcasts, plan } from './fast-plan.js';
import * as ref from './reference-elementwise.js';
import { broadcastStrides, empty, type View } from './view.js';

/** runs a one-input loop over all of `x` into a fresh contiguous view of dtype `out` */
const map1 = (loop: UnaryLoop, x: View, out: DType): View => {
  const res = empty(out, x.shape);
  if (res.data.length === 0) return res;
  const p = plan(x.shape, [x]), xs = p.starts[0]!, size = p.rows * p.n;
  const xr = p.rowSteps[0]!, xc = p.steps[0]!, src = x.data, dst = res.data;
  for (let k = 0; k < p.blocks; k++) loop(dst, k * size, p.rows, p.n, src, xs[k]!, xr, xc);
  return res;
};

/** out[i] = f(x[i]); the rarer functions run on the reference kernel */
export const unary = (op: UnaryOp, x: View, out: DType): View => {
  const loop = unaryLoop(op, out);
  return loop === undefined ? ref.unary(op, x, out) : map1(loop, x, out);
};

/** out[i] = f(a[i], b[i]) over the broadcast `shape` (broadcast operands step by 0) */
export const binary = (op: BinaryOp, a: View, b: View, shape: readonly number[], out: DType): View => {
  const loop = binaryLoop(op, out);
  // the reference also owns the errors (operands that do not broadcast, int32 division)
  if (loop === undefined || !broadcasts(a.shape, shape) || !broadcasts(b.shape, shape)) return ref.binary(op, a, b, shape, out);
  const res = empty(out, shape);
  if (res.data.length === 0) return res;
  const p = plan(shape, [
    { strides: broadcastStrides(a, shape), offset: a.offset },
    { strides: broadcastStrides(b, shape), offset: b.offset },
  ]);
  const [as, bs] = p.starts, [ar, br] = p.rowSteps, [ac, bc] = p.steps, size = p.rows * p.n;
  const ad = a.data, bd = b.data, dst = res.data;
  for (let k = 0; k < p.blocks; k++) loop(dst, k * size, p.rows, p.n, ad, as![k]!, ar!, ac!, bd, bs![k]!, br!, bc!);
  return res;
};

/** an Int32Array over the same bytes as 32-bit storage (float32 or int32 arrays), else undefined */
const bits = (data: Storage): Int32Array | undefined =>
  data instanceof Int32Array ? data
  : data instanceof Float32Array ? new Int32Array(data.buffer, data.byteOffset, data.length)
  : undefined;

/** out[i] = cond[i] ? a[i] : b[i] over the broadcast `shape`; bool results run on the reference kernel */
export const where = (cond: View, a: View, b: View, shape: readonly number[], out: DType): View => {
  if (out === 'bool' || ![cond, a, b].every((v) => broadcasts(v.shape, shape))) return ref.where(cond, a, b, shape, out);
  const res = empty(out, shape);
  if (res.data.length === 0) return res;
  const p = plan(shape, [cond, a, b].map((v) => ({ strides: broadcastStrides(v, shape), offset: v.offset })));
  const [cs, as, bs] = p.starts, [cr, ar, br] = p.rowSteps, [cc, ac, bc] = p.steps, size = p.rows * p.n;
  // copying bit patterns is the same as copying values only when a, b and out share one storage type
  const sameType = a.dtype === out && b.dtype === out && a.data.constructor === res.data.constructor && b.data.constructor === res.data.constructor;
  const [ad, bd, dst] = sameType ? [bits(a.data), bits(b.data), bits(res.data)] : [];
  const loop = ad && bd && dst ? selectBits : select;
  const cd = cond.data, ad2 = ad ?? a.data, bd2 = bd ?? b.data, dst2 = dst ?? res.data;
  for (let k = 0; k < p.blocks; k++) loop(dst2, k * size, p.rows, p.n, cd, cs![k]!, cr!, cc!, ad2, as![k]!, ar!, ac!, bd2, bs![k]!, br!, bc!);
  return res;
};

/** converts dtype: float32 and int32 by the store itself (rounding; truncation with wrap), bool as `!== 0` */
export const cast = (x: View, to: DType): View => map1(to === 'bool' ? truth : copy, x, to);

