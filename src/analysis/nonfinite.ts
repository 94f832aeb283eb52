/** @file Finds where NaN/Inf first appears in a forward pass: the input, a layer's weights, or the first layer and op that produce it. */
import { idAt, newTracer, withTrace, type Trace } from '../core/index.js';
import { evalMode, type AnyLayer, type Context } from '../layers/index.js';
import { toArray, type AnyTensor } from '../tensor/index.js';
import { leavesWithPath, unflatten } from '../tree/index.js';
import { observing, type Observation } from './capture.js';
import { paramsByLayer } from './structure.js';

/** the recorded op inside a layer that first produced the non-finite value */
export interface OpReport {
  /** the primitive's name when the tape records it (else undefined) */
  readonly name: string | undefined;
  /** its position among the ops the layer recorded (0-based; for a composite, counted after its last child) */
  readonly index: number;
  readonly inputShapes: readonly (readonly number[])[];
  readonly outputShape: readonly number[];
}
/** where the first NaN/Inf is: the model's input, a parameter of a layer, or a layer's output */
export interface NonFiniteReport {
  readonly path: string;
  readonly layer: string;
  readonly where: 'input' | 'weight' | 'activation';
  /** the parameter's path inside the layer's params, for where = 'weight' */
  readonly param?: string;
  /** NaN, or ±Inf when there is no NaN */
  readonly value: 'NaN' | 'Inf';
  readonly op?: OpReport;
}

type Kind = 'NaN' | 'Inf' | undefined;
const kindOf = (t: AnyTensor): Kind => {
  const xs = toArray(t) as ArrayLike<number>;
  let inf = false;
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(xs[i]!)) return 'NaN';
    if (!Number.isFinite(xs[i]!)) inf = true;
  }
  return inf ? 'Inf' : undefined;
};
/** true when a tensor holds a NaN or ±Inf */
export const hasNonFinite = (t: AnyTensor): boolean => kindOf(t) !== undefined;

/** one line for messages: "layer '2' (dense(3, 4)): NaN in its output, first from op #1 ([4, 3], [3, 4] -> [4, 4])" */
export const describeNonFinite = (r: NonFiniteReport): string => {
  if (r.where === 'input') return `the input holds ${r.value}`;
  const at = `layer '${r.path}' (${r.layer}): ${r.value}`;
  if (r.where === 'weight') return `${at} in its parameter ${r.param ?? ''}`;
  const shapes = (s: readonly number[]): string => `[${s.join(', ')}]`;
  return r.op === undefined ? `${at} in its output`
    : `${at} in its output, first from op #${r.op.index}${r.op.name === undefined ? '' : ` ${r.op.name}`} (${r.op.inputShapes.map(shapes).join(', ')} -> ${shapes(r.op.outputShape)})`;
};

/**
 * Within the first layer whose output is non-finite, the first recorded op that produced NaN
 * (or ±Inf when the layer's output has no NaN, so that masking with -Inf does not count when
 * the layer's output is NaN). The forward pass runs traced, with the input and the params as
 * the traced variables, and each observation marks how many ops the tape held by then.
 */
const findOp = (trace: Trace, outputs: readonly AnyTensor[], from: number, to: number, kind: 'NaN' | 'Inf'): OpReport | undefined => {
  const value = new Map<number, AnyTensor>();
  const note = (t: AnyTensor): void => { const id = idAt(t, trace); if (id !== undefined) value.set(id, t); };
  trace.nodes.forEach((n) => n.inputs.forEach(note));
  outputs.forEach(note);
  for (let k = from; k < to; k++) {
    const node = trace.nodes[k]!;
    const out = value.get(node.output);
    if (out === undefined || kindOf(out) !== kind) continue;
    return {
      name: 'name' in node && typeof node.name === 'string' ? node.name : undefined, index: k - from,
      inputShapes: node.inputs.map((x) => [...(x.shape as readonly number[])]), outputShape: [...(out.shape as readonly number[])],
    };
  }
  return undefined;
};

/**
 * Where NaN/Inf first appears when the model runs on x: the input itself, else the first layer
 * (forward order) with a non-finite parameter, else the first layer whose output is non-finite,
 * with the op inside it that produced the value. Undefined when everything is finite.
 */
export const firstNonFinite = (
  model: AnyLayer, params: unknown, x: AnyTensor, ctx: Context = evalMode, state?: unknown,
): NonFiniteReport | undefined => {
  const inputKind = kindOf(x);
  if (inputKind !== undefined) return { path: '', layer: model.name, where: 'input', value: inputKind };
  for (const l of paramsByLayer(model, params)) {
    for (const [param, t] of leavesWithPath(l.params, 'firstNonFinite')) {
      const k = kindOf(t);
      if (k !== undefined) return { path: l.path, layer: l.layer, where: 'weight', param, value: k };
    }
  }
  const leaves = leavesWithPath(params, 'firstNonFinite').map(([, t]) => t);
  const marks: number[] = [];
  const [[, seen], trace] = withTrace((t) => {
    const tx = newTracer(t, x), tp = unflatten(params, leaves.map((p) => newTracer(t, p)), 'firstNonFinite');
    return observing(ctx, (c) => model.run(tp, state ?? model.initState(), tx, {
      ...c, observe: (path, layer, out) => { marks.push(t.nodes.length); c.observe?.(path, layer, out); },
    }));
  });
  const bad = seen.findIndex((o: Observation) => kindOf(o.output) !== undefined);
  if (bad < 0) return undefined;
  const o = seen[bad]!, value = kindOf(o.output)!;
  const op = findOp(trace, seen.map((s) => s.output), bad === 0 ? 0 : marks[bad - 1]!, marks[bad]!, value);
  return { path: o.path, layer: o.layer, where: 'activation', value, ...(op === undefined ? {} : { op }) };
};
