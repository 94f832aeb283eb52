/** @file grad keeps no graph alive after it returns: flat heap over thousands of calls, tracers collected. */
import { describe, expect, it } from 'vitest';
import { grad, valueAndGrad } from '../../src/autodiff/index.js';
import { add, fromArray, matmul, mean, square, sub, sum, tanh, toArray, type AnyTensor, type Tensor } from '../../src/index.js';

/** the gc function --expose-gc installs (vitest.config.ts passes it to the test workers); fails loudly without it */
const collect = (): (() => void) => {
  const gc = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== 'function') {
    throw new Error('globalThis.gc is missing: vitest.config.ts must start the workers with --expose-gc (test.execArgv)');
  }
  return gc as () => void;
};
/** lets the current job end (WeakRef targets are kept alive until then), then collects twice */
const settle = async (gc: () => void): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0));
  gc();
  await new Promise((r) => setTimeout(r, 0));
  gc();
};

const make = <const S extends readonly number[]>(shape: S, seed: number): Tensor<[...S]> => {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = fromArray(Array.from({ length: n }, (_, i) => Math.sin(seed + 1.7 * i) * 0.5), shape);
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
interface Mlp { readonly w1: Tensor<[4, 16]>; readonly b1: Tensor<[16]>; readonly w2: Tensor<[16, 2]> }
const params: Mlp = { w1: make([4, 16], 1), b1: make([16], 2), w2: make([16, 2], 3) };
const x = make([8, 4], 4), y = make([8, 2], 5);
const loss = (p: Mlp): Tensor<[]> => mean(square(sub(matmul(tanh(add(matmul(x, p.w1), p.b1)), p.w2), y)));
const gradLoss = grad(loss);
/** one training-like step: the gradient, reduced to a number so that the work is not dead */
const step = (): number => Object.values(gradLoss(params)).reduce((s: number, g: AnyTensor) => s + (toArray(g)[0] ?? 0), 0);

describe('memory', () => {
  it('runs with gc exposed', () => {
    expect(typeof collect()).toBe('function');
  });

  it('keeps the heap flat over 3000 grad calls', async () => {
    const gc = collect();
    let acc = 0;
    for (let i = 0; i < 300; i++) acc += step();
    await settle(gc);
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 3000; i++) acc += step();
    await settle(gc);
    const growth = process.memoryUsage().heapUsed - before;
    expect(Number.isFinite(acc)).toBe(true);
    // a retained tape would hold ~20 nodes and their tensors per call: tens of MB over 3000 calls
    expect(growth).toBeLessThan(3 * 1024 * 1024);
  });

  it('lets the tracers of a finished grad call be collected', async () => {
    const gc = collect();
    const refs: WeakRef<AnyTensor>[] = [];
    const finalized: string[] = [];
    const registry = new FinalizationRegistry((name: string) => { finalized.push(name); });
    const [value, g] = valueAndGrad((p: Mlp) => {
      const hidden = tanh(add(matmul(x, p.w1), p.b1));
      refs.push(new WeakRef(p.w1), new WeakRef(hidden));
      registry.register(hidden, 'hidden');
      return mean(square(sub(matmul(hidden, p.w2), y)));
    })(params);
    expect(toArray(value)[0]).toBeGreaterThan(0);
    expect(g.w1.shape).toEqual([4, 16]);
    await settle(gc);
    // the value and the gradient are still held here, yet no tracer (and so no tape) is reachable from them
    expect(refs.map((r) => r.deref() === undefined)).toEqual([true, true]);
    await settle(gc);
    expect(finalized).toEqual(['hidden']);
    expect(toArray(g.w2).length).toBe(32);
  });
});
