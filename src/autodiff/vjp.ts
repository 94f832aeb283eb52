/** @file The engine under grad/vjp: trace a function of flat tensors, then pull cotangents back. */
import { backward, idAt, live, newTracer, tapeStats, withTrace, type Trace } from '../core/index.js';
import { add } from '../ops/index.js';
import { full, type AnyTensor } from '../tensor/index.js';
import { mapTensors } from '../tree/index.js';

/** the traced output of a function of flat tensors, and its pullback */
export interface FlatVjp {
  /** the output with every tensor lowered out of the finished trace */
  readonly out: unknown;
  /** cotangents of the inputs, given one cotangent per output tensor (in traversal order) */
  readonly pullback: (cts: readonly AnyTensor[]) => AnyTensor[];
  readonly trace: Trace;
}

/** every tensor inside a value, in traversal order */
export const tensorsIn = (x: unknown): AnyTensor[] => {
  const out: AnyTensor[] = [];
  mapTensors(x, (t) => { out.push(t); return t; });
  return out;
};

/** zeros with the shape and dtype of t */
export const zerosLike = (t: AnyTensor): AnyTensor => full(t.shape as readonly number[], 0, t.dtype);

/**
 * Traces `fn` at a new level with `inputs` as its variables. The level is popped before this
 * returns, so the pullback's own ops record at the levels below (grad of grad).
 */
export const vjpFlat = (fn: (xs: readonly AnyTensor[]) => unknown, inputs: readonly AnyTensor[]): FlatVjp => {
  const [[raw, tracers], trace] = withTrace((t) => {
    const tr = inputs.map((x) => newTracer(t, live(x)));
    return [fn(tr), tr] as const;
  });
  const outs = tensorsIn(raw);
  const pullback = (cts: readonly AnyTensor[]): AnyTensor[] => {
    const seeds = new Map<number, AnyTensor>();
    outs.forEach((o, i) => {
      const id = idAt(o, trace), ct = cts[i];
      if (id === undefined || ct === undefined) return;
      const prev = seeds.get(id);
      seeds.set(id, prev === undefined ? ct : add(prev, ct));
    });
    const got = backward(trace, seeds, (a, b) => add(a, b), new Set(tracers.map((tr) => idAt(tr, trace)!)));
    return tracers.map((tr, i) => got.get(idAt(tr, trace)!) ?? zerosLike(inputs[i]!));
  };
  return { out: mapTensors(raw, live), pullback, trace };
};

/** what a function's tape keeps alive while it waits for its backward pass */
export const tapeFootprint = (fn: (xs: readonly AnyTensor[]) => unknown, inputs: readonly AnyTensor[]) =>
  tapeStats(vjpFlat(fn, inputs).trace);

