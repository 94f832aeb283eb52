/** @file Fused elementwise programs: the expression DAG `fuse` stages, and its node-by-node evaluation on any backend's kernels (the oracle for fused kernels). */
import type { BinaryOp, UnaryOp } from './backend.js';
import type { View } from './view.js';
import { contiguousStrides } from '../shape/index.js';

/** the dtypes a fused program computes in: float32 values and bool masks */
export type FusedDType = 'float32' | 'bool';

/**
 * One node of a fused program; operands are indices of earlier nodes. Every node's value has
 * the broadcast shape of its operands (an input node has its input's shape).
 */
export type FusedNode =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly x: number }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly a: number; readonly b: number }
  /** cond ? a : b (cond a bool node) */
  | { readonly kind: 'where'; readonly cond: number; readonly a: number; readonly b: number }
  /** a bool node as float32 0/1 */
  | { readonly kind: 'cast'; readonly x: number };

/**
 * An elementwise function of its inputs as a DAG in topological order. Inputs are float32 (bool
 * inputs arrive as float32 0/1 and are turned back into masks by a `binary notEqual 0` node the
 * stager writes); the output nodes are float32. One output gives a value of the program's shape;
 * m > 1 outputs give [m, ...shape], output j (broadcast to the shape) at index j (a derivative
 * program computes every input's cotangent in one pass this way). Programs carry no tensor
 * values: a scalar constant is an input of shape [], so one compiled kernel serves every value of it.
 */
export interface FusedProgram {
  readonly nodes: readonly FusedNode[];
  /** the dtype of each node's value */
  readonly dtypes: readonly FusedDType[];
  /** the nodes whose values are the result (float32), at least one */
  readonly outputs: readonly number[];
  /** how many inputs the program reads */
  readonly inputs: number;
}

/** the elementwise kernels a program is evaluated with, node by node */
export interface ElementwiseKernels {
  readonly unary: (op: UnaryOp, x: View, out: 'float32' | 'bool') => View;
  readonly binary: (op: BinaryOp, a: View, b: View, shape: readonly number[], out: 'float32' | 'bool') => View;
  readonly where: (cond: View, a: View, b: View, shape: readonly number[], out: 'float32') => View;
  readonly cast: (x: View, to: 'float32') => View;
}

const broadcast2 = (a: readonly number[], b: readonly number[]): number[] => {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const x = a[i - r + a.length] ?? 1, y = b[i - r + b.length] ?? 1;
    return x === 1 ? y : x;
  });
};

/**
 * The program's value, each node computed by `kernels` over its operands' broadcast shape and
 * rounded to its dtype on store: exactly what the same ops give one by one (the reference for
 * fused kernels, and the fallback for programs or layouts they do not take).
 */
export const evaluateFused = (kernels: ElementwiseKernels, program: FusedProgram, inputs: readonly View[], shape: readonly number[]): View => {
  const values: View[] = [];
  program.nodes.forEach((node, i) => {
    const dt = program.dtypes[i]!;
    switch (node.kind) {
      case 'input': values.push(inputs[node.index]!); break;
      case 'unary': values.push(kernels.unary(node.op, values[node.x]!, dt)); break;
      case 'binary': {
        const a = values[node.a]!, b = values[node.b]!;
        values.push(kernels.binary(node.op, a, b, broadcast2(a.shape, b.shape), dt));
        break;
      }
      case 'where': {
        const c = values[node.cond]!, a = values[node.a]!, b = values[node.b]!;
        values.push(kernels.where(c, a, b, broadcast2(broadcast2(c.shape, a.shape), b.shape), 'float32'));
        break;
      }
      case 'cast': values.push(kernels.cast(values[node.x]!, 'float32')); break;
    }
  });
  if (program.outputs.length === 1) return values[program.outputs[0]!]!;
  // each output broadcast to the shape by an exact copy (a select on an all-true mask), then stacked
  const n = shape.reduce((a, d) => a * d, 1);
  const parts = program.outputs.map((j) => kernels.where(TRUE, values[j]!, values[j]!, shape, 'float32'));
  const data = new (parts[0]!.data.constructor as new (n: number) => Float32Array)(n * parts.length);
  parts.forEach((v, j) => data.set(v.data.subarray(v.offset, v.offset + n), j * n));
  return { dtype: 'float32', data, shape: [parts.length, ...shape], strides: contiguousStrides([parts.length, ...shape]), offset: 0 };
};
const TRUE: View = { dtype: 'bool', data: Uint8Array.of(1), shape: [], strides: [], offset: 0 };

/** a text that is equal for two programs exactly when they compute the same function (a compiled kernel's cache key) */
export const programKey = (program: FusedProgram): string =>
  `${program.inputs}|${program.outputs.join(',')}|${program.nodes.map((n, i) => `${program.dtypes[i]}:${
    n.kind === 'input' ? `i${n.index}` : n.kind === 'unary' ? `${n.op}(${n.x})` : n.kind === 'binary' ? `${n.op}(${n.a},${n.b})`
      : n.kind === 'where' ? `where(${n.cond},${n.a},${n.b})` : `cast(${n.x})`}`).join(';')}`;
