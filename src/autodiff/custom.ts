/** @file customVjp (a user's own pullback) and checkpoint (recompute in the backward pass instead of storing). */
import { applyCustom, type Pullback } from '../core/index.js';
import { sameShape, showShape, ValueError } from '../shape/index.js';
import { isTensor, type AnyTensor } from '../tensor/index.js';
import { leaves, unflatten } from '../tree/index.js';
import { vjp } from './grad.js';

/** the cotangent of each argument: its own shape, or null for "no gradient" (e.g. an integer input) */
export type Cotangents<Args extends readonly unknown[]> = { readonly [K in keyof Args]: Args[K] | null };

/**
 * A function with a hand-written pullback, for stable or fused ops: `fwd` returns the output and
 * residuals (whatever bwd needs), `bwd(residuals, ct)` the cotangents of the arguments. bwd
 * should use differentiable ops so that grad of grad works through it.
 * @example const safeLog = customVjp((x: Tensor<[3]>) => [log(x), x] as const, (x, g) => [div(g, maximum(x, 1e-12))] as const)
 */
export const customVjp = <const Args extends readonly AnyTensor[], R extends AnyTensor, Res>(
  fwd: (...args: Args) => readonly [R, Res],
  bwd: (residuals: Res, cotangent: R) => Cotangents<Args>,
): ((...args: Args) => R) =>
  (...args) => applyCustom(args, (primals) => {
    const [out, res] = fwd(...(primals as readonly AnyTensor[] as Args));
    if (!isTensor(out)) throw new ValueError('customVjp', 'fwd must return [output tensor, residuals]');
    const pullback: Pullback = (ct) => {
      const cts = bwd(res, ct as R);
      if (cts.length !== args.length) throw new ValueError('customVjp', `bwd returned ${cts.length} cotangents for ${args.length} arguments`);
      cts.forEach((c, i) => {
        const want = args[i]!.shape as readonly number[];
        if (c !== null && !sameShape(c.shape as readonly number[], want)) {
          throw new ValueError('customVjp', `bwd's cotangent ${i} has shape ${showShape(c.shape as readonly number[])}, argument ${i} has ${showShape(want)}`);
        }
      });
      return cts;
    };
    return [out, pullback];
  }, () => {
    // JAX refuses this too: the custom rule could not see the closed-over tensor's gradient
    throw new ValueError('customVjp', 'fwd closes over a tensor that is being differentiated; pass it as an argument');
  }) as R;

/**
 * f, but its intermediates are not kept for the backward pass: only its tensor arguments are,
 * and f runs again (under its own vjp) when the cotangent arrives. Trades compute for memory.
 * Tensors f closes over still get their gradients (their ops are recorded as usual, unsaved).
 */
export const checkpoint = <const Args extends readonly unknown[], R extends AnyTensor>(
  f: (...args: Args) => R,
): ((...args: Args) => R) =>
  (...args) => {
    const inputs = leaves(args, 'checkpoint');
    return applyCustom(inputs, (primals) => {
      const call = unflatten(args, primals, 'checkpoint');
      const out = f(...call);
      const pullback: Pullback = (ct) => {
        const [, pb] = vjp((...a: Args) => f(...a), ...call);
        return leaves(pb(ct as R), 'checkpoint');
      };
      return [out, pullback];
    }) as R;
  };

