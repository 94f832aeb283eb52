/** @file The trace stack: levels of nested differentiation, each with its own tape (JAX-style, eager). */
import { ValueError } from '../shape/index.js';
import { empty, fast, forgetStorage, sumInto, writeInto, type View } from '../backend/index.js';
import { disown, recycle, withOwnership } from '../dtype/index.js';
import { fromView, traceOf, viewOf, type AnyTensor, type TraceLink } from '../tensor/index.js';

/**
 * Cotangents for the inputs of one recorded application (null: no gradient flows there). A
 * primitive whose output is a window of its one input's storage (slice) also says where that
 * window lies in a buffer of the input's shape: backward then writes the cotangent straight
 * into the input's accumulated cotangent instead of padding it out to the input's size.
 */
export type Pullback = ((cotangent: AnyTensor) => readonly (AnyTensor | Product | null)[]) & { readonly place?: (buffer: View) => View };
/**
 * A cotangent a pullback leaves as a product: aᵀ·g of 2-D float32 tensors nothing traces (a weight
 * matrix's gradient). Backward sums all the products that reach one id as one product over their
 * rows stacked (Σ aₜᵀ·gₜ = [a₁; a₂; ...]ᵀ·[g₁; g₂; ...]): a recurrent kernel's gradient over 50 time
 * steps is one matrix product instead of 50 and their sum.
 */
export interface Product { readonly transposedProduct: readonly [AnyTensor, AnyTensor] }
const isProduct = (x: AnyTensor | Product): x is Product => 'transposedProduct' in x;
/** aᵀ for a 2-D view (a strided view of the same storage) */
const transposed = (v: View): View => ({ ...v, shape: [v.shape[1]!, v.shape[0]!], strides: [v.strides[1]!, v.strides[0]!] });
/** a cotangent as a tensor: a product computed (raw kernels: products are only made where nothing traces their factors) */
const forced = (x: AnyTensor | Product): AnyTensor =>
  isProduct(x) ? fromView(fast.matmul(transposed(viewOf(x.transposedProduct[0])), viewOf(x.transposedProduct[1]), [])) : x;

/** one recorded application: the inputs as the trace saw them, the output's id, and its pullback */
interface Node {
  readonly inputs: readonly AnyTensor[];
  readonly output: number;
  readonly pullback: Pullback;
  /** elements of the tensors this node keeps alive for its pullback (inputs and output) */
  readonly held: number;
  /** what produced it: the primitive (or its elementwise function), 'custom' or 'checkpoint' */
  readonly name: string;
}
/** one level of differentiation; its tape is only reachable from the grad call that made it */
export interface Trace {
  readonly level: number;
  readonly nodes: Node[];
  active: boolean;
}
/** the link a traced tensor carries */
interface Link extends TraceLink {
  readonly trace: Trace;
  readonly id: number;
}

// The active levels, innermost last. Each grad/vjp call pushes one level and pops it before it
// returns, so between calls the stack is empty; nothing outlives the call that made it.
const stack: Trace[] = [];
let nextId = 0;

const linkOf = (t: AnyTensor): Link | undefined => traceOf(t) as Link | undefined;
/** t, with links to levels that have already returned stripped off (escaped tracers are values) */
export const live = (t: AnyTensor): AnyTensor => {
  let x = t;
  for (let l = linkOf(x); l !== undefined && !l.trace.active; l = linkOf(x)) x = l.primal;
  return x;
};
/** the value under every trace link: t as a constant */
export const constantOf = (t: AnyTensor): AnyTensor => {
  let x = t;
  for (let l = linkOf(x); l !== undefined; l = linkOf(x)) x = l.primal;
  return x;
};
/** the same value seen one level below `level` (or t itself when it is not traced at that level) */
const lower = (t: AnyTensor, trace: Trace): AnyTensor => {
  const l = linkOf(t);
  return l !== undefined && l.trace === trace ? l.primal : t;
};
const topTrace = (inputs: readonly AnyTensor[]): Trace | undefined => {
  let top: Trace | undefined;
  for (const x of inputs) {
    const l = linkOf(x);
    if (l !== undefined && l.trace.active && (top === undefined || l.trace.level > top.level)) top = l.trace;
  }
  return top;
};

/** a new traced value at `trace` whose value one level down is `primal` */
export const newTracer = (trace: Trace, primal: AnyTensor): AnyTensor => {
  const link: Link = { level: trace.level, primal, trace, id: nextId++ };
  return fromView(viewOf(primal), link);
};
/** the id of a tensor traced at `trace`, if it is */
export const idAt = (t: AnyTensor, trace: Trace): number | undefined => {
  const l = linkOf(t);
  return l !== undefined && l.trace === trace ? l.id : undefined;
};

/**
 * Applies an operation at every active level its inputs reach: `evaluate` computes on values
 * one level down (recursively, so lower levels record too), and `rule` gives the pullback from
 * those values, the output, and which inputs are traced at the level (the others' cotangents are
 * dropped, so the pullback need not compute them). Inputs at no active level make this a plain evaluation.
 */
export const applyTraced = (
  inputs: readonly AnyTensor[],
  evaluate: (primals: readonly AnyTensor[]) => AnyTensor,
  rule: (primals: readonly AnyTensor[], output: AnyTensor, needs: readonly boolean[]) => Pullback,
  name = 'op',
): AnyTensor => {
  const ins = inputs.map(live);
  const trace = topTrace(ins);
  if (trace === undefined) return evaluate(ins);
  const primals = ins.map((x) => lower(x, trace));
  const out = applyTraced(primals, evaluate, rule, name);
  const tracer = newTracer(trace, out);
  // inputs not traced at this level are constants here: backward drops their cotangents
  const needs = ins.map((x) => linkOf(x)?.trace === trace);
  trace.nodes.push({ inputs: ins, output: idAt(tracer, trace)!, pullback: rule(primals, out, needs), held: heldBy(primals, out), name });
  return tracer;
};

/**
 * Applies a function with its own pullback at the top active level only: `run` works on the
 * values one level down (its ops record at lower levels as usual) and returns the output and
 * the pullback. This is customVjp and checkpoint (named 'custom': user code, whose cotangents the
 * backward pass never recycles), and the library's own rules (softmax), named by their op.
 */
export const applyCustom = (
  inputs: readonly AnyTensor[],
  run: (primals: readonly AnyTensor[]) => readonly [AnyTensor, Pullback],
  onClosure: (trace: Trace) => void = () => undefined,
  name = 'custom',
): AnyTensor => {
  const ins = inputs.map(live);
  const trace = topTrace(ins) ?? stack[stack.length - 1];
  if (trace === undefined) return run(ins)[0];
  const [raw, pullback] = run(ins.map((x) => lower(x, trace)));
  const out = live(raw);
  const link = linkOf(out);
  if (link !== undefined && link.trace.level > trace.level) {
    throw new ValueError('customVjp/checkpoint', 'the function closes over a tensor traced by an inner grad; pass it as an argument');
  }
  const closed = idAt(out, trace);
  if (closed !== undefined) {
    // the function used tensors traced at this level that are not its arguments: their ops were
    // recorded as usual; the custom pullback adds the arguments' part to the same output
    onClosure(trace);
    trace.nodes.push({ inputs: ins, output: closed, pullback, held: heldBy(ins, out), name });
    return out;
  }
  if (topTrace(ins) === undefined) return out;
  const tracer = newTracer(trace, out);
  trace.nodes.push({ inputs: ins, output: idAt(tracer, trace)!, pullback, held: heldBy(ins, out), name });
  return tracer;
};

/** pushes a new level, runs f with it, and pops it (also when f throws) */
export const withTrace = <T>(f: (trace: Trace) => T): [T, Trace] => {
  const trace: Trace = { level: (stack[stack.length - 1]?.level ?? 0) + 1, nodes: [], active: true };
  stack.push(trace);
  try {
    return [f(trace), trace];
  } finally {
    trace.active = false;
    stack.pop();
  }
};

/** one contribution to a cotangent: a tensor of the target's shape, or one to be written into a window of it */
interface Part {
  /** the value (for a product part: its g, which stands for it in dtype and trace checks) */
  readonly value: AnyTensor;
  /** [a, g] of a part that is aᵀ·g, not yet computed */
  readonly product?: readonly [AnyTensor, AnyTensor];
  /** the window of a buffer of `shape` the value belongs in (a slice's input), with the pullback that pads it there */
  readonly place?: (buffer: View) => View;
  readonly shape?: readonly number[];
  readonly padded?: () => AnyTensor;
}

/** true when no active level traces t: ops on it record nothing, so raw kernels may stand in for them */
const untraced = (t: AnyTensor): boolean => topTrace([live(t)]) === undefined;

/**
 * The sum of a cotangent's parts, in arrival order. When no part is traced (first-order grads,
 * or the outermost level of higher-order ones) they are summed into one fresh buffer: the first
 * copied in, the rest added (the same double sums, rounded by the store, as chained adds), windows
 * written in place; else with `accumulate` (differentiable ops), windows padded by their pullbacks.
 */
const total = (all: readonly Part[], accumulate: (a: AnyTensor, b: AnyTensor) => AnyTensor): AnyTensor => {
  const parts = withProducts(all);
  const first = parts[0]!;
  if (parts.length === 1 && first.place === undefined) return first.value;
  const shape = first.shape ?? (first.value.shape as readonly number[]);
  if (parts.every((p) => p.value.dtype === 'float32' && untraced(p.value))) {
    const buffer = empty('float32', shape);
    const whole = parts.every((p) => p.place === undefined) && sumInto(buffer, parts.map((p) => viewOf(p.value)));
    if (whole || parts.every((p, i) => writeInto(p.place?.(buffer) ?? buffer, viewOf(p.value), i > 0))) return fromView(buffer);
  }
  return parts.map((p) => p.padded?.() ?? p.value).reduce(accumulate);
};

/**
 * The parts with their products computed: all of them products (of one shape) as one product of
 * the stacked factors, in a part of its own; otherwise each product alone (raw kernels: products
 * are only made where nothing traces their factors).
 */
const withProducts = (parts: readonly Part[]): readonly Part[] => {
  const products = parts.filter((p) => p.product !== undefined);
  if (products.length === 0) return parts;
  if (products.length === parts.length && parts.length > 1) {
    const a = fast.concat(parts.map((p) => viewOf(p.product![0])), 0), g = fast.concat(parts.map((p) => viewOf(p.product![1])), 0);
    return [{ value: fromView(fast.matmul(transposed(a), g, [])) }];
  }
  return parts.map((p) => (p.product === undefined ? p : { value: forced({ transposedProduct: p.product }) }));
};

/**
 * Walks a finished trace's tape backwards from cotangents of its outputs; returns the
 * accumulated cotangent of every traced id reached. The trace must have returned (inactive),
 * so that the pullbacks' own ops record at the levels below, which makes grad(grad(f)) work.
 * A cotangent's parts are summed once, when the node that made it is reached (every consumer
 * comes later on the tape, so all of them are in by then).
 *
 * Given `results` (the ids the caller reads), only those are returned, and when no level is
 * recording (first-order gradients) the pass recycles its storage: it counts the parts that refer
 * to each storage array, and once an id's last node has pulled its cotangent back and no part
 * refers to the array any more, the array goes back to allocate (dtype/) for the ops that follow.
 * Only arrays the pass made itself qualify, and none that a custom pullback (user code) has seen.
 */
export const backward = (
  trace: Trace, seeds: ReadonlyMap<number, AnyTensor>, accumulate: (a: AnyTensor, b: AnyTensor) => AnyTensor,
  results?: ReadonlySet<number>,
): Map<number, AnyTensor> => {
  const reuse = results !== undefined && stack.length === 0;
  return reuse ? withOwnership(() => walk(trace, seeds, accumulate, results, true)) : walk(trace, seeds, accumulate, results, false);
};

const walk = (
  trace: Trace, seeds: ReadonlyMap<number, AnyTensor>, accumulate: (a: AnyTensor, b: AnyTensor) => AnyTensor,
  results: ReadonlySet<number> | undefined, reuse: boolean,
): Map<number, AnyTensor> => {
  const pending = new Map<number, Part[]>();
  // references from parts to each storage array (only counted when reusing)
  const refs = new Map<object, number>();
  const hold = (t: AnyTensor): void => {
    if (!reuse) return;
    const d = viewOf(t).data;
    refs.set(d, (refs.get(d) ?? 0) + 1);
  };
  const drop = (t: AnyTensor): void => {
    if (!reuse) return;
    const d = viewOf(t).data, n = (refs.get(d) ?? 1) - 1;
    if (n > 0) { refs.set(d, n); return; }
    refs.delete(d);
    forgetStorage(d);
    recycle(d);
  };
  const add = (id: number, part: Part): void => {
    hold(part.value);
    if (part.product !== undefined) hold(part.product[0]);
    const parts = pending.get(id);
    if (parts === undefined) pending.set(id, [part]);
    else parts.push(part);
  };
  // how many nodes read each id (a product part waits for the others only when there are others)
  const uses = new Map<number, number>();
  for (const n of trace.nodes) for (const x of n.inputs) { const id = idAt(x, trace); if (id !== undefined) uses.set(id, (uses.get(id) ?? 0) + 1); }
  // the node that pulls each id back last (the smallest index with it as output)
  const last = new Map<number, number>();
  if (reuse) trace.nodes.forEach((n, i) => { if (!last.has(n.output)) last.set(n.output, i); });
  seeds.forEach((value, id) => add(id, { value }));
  for (let i = trace.nodes.length - 1; i >= 0; i--) {
    const node = trace.nodes[i]!;
    const parts = pending.get(node.output);
    if (parts === undefined) continue;
    const ct = total(parts, accumulate);
    // kept, summed: a custom node (checkpoint closing over traced tensors) shares its output id with the node that made it
    pending.set(node.output, [{ value: ct }]);
    hold(ct);
    parts.forEach((p) => { drop(p.value); if (p.product !== undefined) drop(p.product[0]); });
    const { pullback } = node, place = pullback.place, x = node.inputs[0];
    if (place !== undefined && node.inputs.length === 1 && x !== undefined) {
      const id = idAt(x, trace);
      if (id !== undefined) add(id, { value: ct, place, shape: x.shape as readonly number[], padded: () => forced(pullback(ct)[0]!) });
    } else {
      // a custom pullback is user code: what it sees and what it gives may be kept anywhere
      if (node.name === 'custom') disown(viewOf(ct).data);
      const ins = pullback(ct);
      node.inputs.forEach((input, k) => {
        const id = idAt(input, trace), g = ins[k];
        if (g === undefined || g === null) return;
        if (isProduct(g)) {
          const [a, f] = g.transposedProduct;
          // kept as a product only where more of them will join it (a weight used by several nodes);
          // else computed now, so that its factors' storage can be recycled as early as before
          if (id !== undefined) add(id, (uses.get(id) ?? 0) > 1 ? { value: f, product: g.transposedProduct, shape: [a.shape[1] as number, f.shape[1] as number] } : { value: forced(g) });
          return;
        }
        if (node.name === 'custom') disown(viewOf(g).data);
        if (id !== undefined) add(id, { value: g });
      });
    }
    if (reuse && last.get(node.output) === i && !results!.has(node.output)) {
      pending.delete(node.output);
      drop(ct);
    }
  }
  const cts = new Map<number, AnyTensor>();
  pending.forEach((parts, id) => { if (results === undefined || results.has(id)) cts.set(id, total(parts, accumulate)); });
  return cts;
};

const heldBy = (ins: readonly AnyTensor[], out: AnyTensor): number => ins.reduce((n, x) => n + x.size, out.size);
/** what a finished trace's tape keeps alive: nodes, and elements of the tensors they hold */
export const tapeStats = (trace: Trace): { readonly nodes: number; readonly elements: number } =>
  ({ nodes: trace.nodes.length, elements: trace.nodes.reduce((n, x) => n + x.held, 0) });
