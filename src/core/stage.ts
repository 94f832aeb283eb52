/** @file Staging: running a function on placeholder tensors to record its elementwise primitives as a fused program (what `fuse` compiles). */
import { fromStorage, type BinaryOp, type FusedDType, type FusedNode, type FusedProgram, type UnaryOp } from '../backend/index.js';
import type { DType } from '../dtype/index.js';
import { broadcastShapes, contiguousStrides, showShape, ValueError } from '../shape/index.js';
import { fromView, isTensor, PLACEHOLDER, viewOf, type AnyTensor } from '../tensor/index.js';
import type { PrimitiveDef } from './primitive.js';

// Placeholders have no storage (PLACEHOLDER, which toArray refuses to read). Their views are
// recognised by identity (Session.nodeOf), so no kernel ever sees them.
const EMPTY = PLACEHOLDER;

/** one staging session: the nodes recorded so far and the concrete tensors the function closed over */
interface Session {
  readonly op: string;
  readonly nodes: FusedNode[];
  readonly dtypes: FusedDType[];
  readonly shapes: (readonly number[])[];
  /** the node of each placeholder (by its view) */
  readonly nodeOf: Map<object, number>;
  /** the concrete tensors read by the function, in order of first use, with their input index */
  readonly captured: Map<AnyTensor, number>;
  readonly inputs: AnyTensor[];
}

let session: Session | undefined;

/** true while a function is being staged (bind then records instead of computing) */
export const staging = (): boolean => session !== undefined;

const placeholder = (s: Session, node: FusedNode, dtype: FusedDType, shape: readonly number[]): AnyTensor => {
  s.nodes.push(node);
  s.dtypes.push(dtype);
  s.shapes.push([...shape]);
  const view = { dtype, data: EMPTY, shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
  s.nodeOf.set(view, s.nodes.length - 1);
  return fromView(view);
};

/** the node of a tensor inside the staged function: its placeholder's, or a new input for a concrete tensor it closed over */
const nodeFor = (s: Session, t: AnyTensor): number => {
  const known = s.nodeOf.get(viewOf(t));
  if (known !== undefined) return known;
  const have = s.captured.get(t);
  if (have !== undefined) return have;
  // an int32 scalar (what a comparison makes of an integer: greater(x, 0)) is the same number in
  // float32 up to 2^24, which is all a float32 program can compare or combine it with
  const v = viewOf(t), small = t.dtype === 'int32' && t.size === 1 && Math.abs(v.data[v.offset]!) <= 2 ** 24;
  if (t.dtype !== 'float32' && !small) {
    throw new ValueError(s.op, `the function reads a ${t.dtype} tensor ${showShape(t.shape as readonly number[])} it closes over; fused programs compute in float32 (cast it first, or pass it as an argument)`);
  }
  const index = s.inputs.length;
  s.inputs.push(small ? fromView(fromStorage('float32', Float32Array.of(v.data[v.offset]!), v.shape)) : t);
  s.nodes.push({ kind: 'input', index });
  s.dtypes.push('float32');
  s.shapes.push([...(t.shape as readonly number[])]);
  const node = s.nodes.length - 1;
  s.captured.set(t, node);
  return node;
};

const fusedDType = (s: Session, prim: string, d: DType): FusedDType => {
  if (d === 'float32' || d === 'bool') return d;
  throw new ValueError(s.op, `${prim} gives ${d}; fused programs compute in float32 and bool only`);
};

/**
 * bind's stand-in while staging: checks the primitive's shape rule on the operands' shapes (so a
 * mistake gives the same error as outside fuse), records one node, and returns its placeholder.
 * Primitives that are not elementwise are refused by name.
 */
export const stageBind = <Params>(prim: PrimitiveDef<Params>, inputs: readonly AnyTensor[], params: Params): AnyTensor => {
  const s = session!;
  const ids = inputs.map((t) => nodeFor(s, t));
  const out = prim.abstract(ids.map((i) => ({ shape: s.shapes[i]!, dtype: s.dtypes[i]! })), params);
  const p = params as { readonly op?: string; readonly to?: DType };
  switch (prim.name) {
    case 'unary':
      return placeholder(s, { kind: 'unary', op: p.op as UnaryOp, x: ids[0]! }, fusedDType(s, p.op!, out.dtype), out.shape);
    case 'binary':
      return placeholder(s, { kind: 'binary', op: p.op as BinaryOp, a: ids[0]!, b: ids[1]! }, fusedDType(s, p.op!, out.dtype), out.shape);
    case 'where':
      return placeholder(s, { kind: 'where', cond: ids[0]!, a: ids[1]!, b: ids[2]! }, fusedDType(s, 'where', out.dtype), out.shape);
    case 'cast':
      if (p.to === s.dtypes[ids[0]!]) return inputs[0]!;
      if (p.to === 'float32' && s.dtypes[ids[0]!] === 'bool') return placeholder(s, { kind: 'cast', x: ids[0]! }, 'float32', out.shape);
      throw new ValueError(s.op, `cast to ${p.to} inside the function; fused programs compute in float32 and bool only`);
    default:
      throw new ValueError(s.op, `${prim.name} is not an elementwise function; compute it outside and pass the result in as an argument`);
  }
};

/** a staged function: its program, and the concrete tensors it read, which are the program's inputs after the arguments */
export interface Staged {
  readonly program: FusedProgram;
  /** the output's shape (several outputs: the broadcast of theirs, each stacked at it) */
  readonly shape: readonly number[];
  /** the tensors the function closed over (scalars of its numbers included), in input order after the arguments */
  readonly captured: readonly AnyTensor[];
}

/**
 * Runs `f` on placeholders of the arguments' shapes and dtypes and returns what it computes as a
 * program whose first inputs are the arguments (float32; a bool argument is passed as float32
 * 0/1 and read back as a mask by a `notEqual 0` node). Callers staging inside a staged function
 * run it inline instead: its arguments are the outer session's placeholders.
 */
export const stage = (
  op: string, args: readonly { readonly shape: readonly number[]; readonly dtype: DType }[],
  f: (xs: readonly AnyTensor[]) => AnyTensor | readonly AnyTensor[], zero: () => AnyTensor,
): Staged => {
  const outer = session;
  const s: Session = { op, nodes: [], dtypes: [], shapes: [], nodeOf: new Map(), captured: new Map(), inputs: [] };
  session = s;
  try {
    const ins = args.map(({ shape, dtype }, index) => {
      if (dtype !== 'float32' && dtype !== 'bool') throw new ValueError(op, `argument ${index} is ${dtype}; fused functions take float32 and bool tensors`);
      s.inputs.push(EMPTY_TENSOR);
      return [placeholder(s, { kind: 'input', index }, 'float32', shape), dtype] as const;
    });
    const placeholders = ins.map(([p, dtype]) => (dtype === 'float32' ? p
      : placeholder(s, { kind: 'binary', op: 'notEqual', a: nodeFor(s, p), b: nodeFor(s, zero()) }, 'bool', p.shape as readonly number[])));
    const out = f(placeholders);
    const outputs = (isTensor(out) ? [out] : out).map((t) => nodeFor(s, t));
    for (const node of outputs) {
      if (s.dtypes[node] !== 'float32') throw new ValueError(op, `the function returns ${s.dtypes[node]}; a fused function returns float32`);
    }
    const program = prune({ nodes: s.nodes, dtypes: s.dtypes, outputs, inputs: s.inputs.length });
    const shape = outputs.map((o) => s.shapes[o]!).reduce((a, b) => broadcastShapes(a, b, op) as number[]);
    return { program, shape, captured: s.inputs.slice(args.length) };
  } finally {
    session = outer;
  }
};
// stands in for argument slots in Session.inputs (their tensors are the caller's)
const EMPTY_TENSOR = fromView({ dtype: 'float32', data: EMPTY, shape: [0], strides: [1], offset: 0 });

/** the program without nodes the output does not depend on (input nodes are kept: input indices are positions) */
const prune = (p: FusedProgram): FusedProgram => {
  const used = new Array<boolean>(p.nodes.length).fill(false);
  for (const o of p.outputs) used[o] = true;
  for (let i = p.nodes.length - 1; i >= 0; i--) {
    if (used[i]) for (const k of operands(p.nodes[i]!)) used[k] = true;
  }
  const keep = p.nodes.map((n, i) => used[i] || n.kind === 'input');
  const at: number[] = [];
  let m = 0;
  keep.forEach((k, i) => { at[i] = k ? m++ : -1; });
  const nodes = p.nodes.flatMap((n, i) => (keep[i] ? [renumber(n, at)] : []));
  return { nodes, dtypes: p.dtypes.filter((_, i) => keep[i]), outputs: p.outputs.map((o) => at[o]!), inputs: p.inputs };
};
const operands = (n: FusedNode): readonly number[] =>
  n.kind === 'input' ? [] : n.kind === 'unary' || n.kind === 'cast' ? [n.x] : n.kind === 'binary' ? [n.a, n.b] : [n.cond, n.a, n.b];
const renumber = (n: FusedNode, at: readonly number[]): FusedNode => {
  switch (n.kind) {
    case 'input': return n;
    case 'unary': return { ...n, x: at[n.x]! };
    case 'cast': return { ...n, x: at[n.x]! };
    case 'binary': return { ...n, a: at[n.a]!, b: at[n.b]! };
    case 'where': return { ...n, cond: at[n.cond]!, a: at[n.a]!, b: at[n.b]! };
  }
};
