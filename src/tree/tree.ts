/** @file Typed traversal of parameter records: nested readonly records, arrays and tuples of tensors. */
import { ShapeMismatchError, ValueError } from '../shape/index.js';
import { isTensor, type AnyTensor, type Tensor } from '../tensor/index.js';

/** a path into a record, as in messages and checkpoints: 'layers.0.kernel' */
export type Path = string;
/** the record T with every tensor leaf replaced by To (records, arrays and tuples kept) */
export type TreeOf<T, To> =
  T extends AnyTensor ? To
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: TreeOf<T[K], To> } & {}
  : T extends object ? { -readonly [K in keyof T]: TreeOf<T[K], To> } : T;
/** the paths of the leaves of T that are not tensors (never when every leaf is a tensor) */
export type BadLeaves<X, Path extends string = 'p', Depth extends 0[] = []> =
  Depth['length'] extends 12 ? never
  : X extends Tensor<infer _S, infer _D> ? never
  : X extends null ? never
  : X extends (...a: never[]) => unknown ? Path
  : X extends readonly unknown[]
    ? number extends X['length'] ? BadLeaves<X[number], `${Path}[i]`, [...Depth, 0]>
    : { [K in keyof X & `${number}`]: BadLeaves<X[K], `${Path}[${K}]`, [...Depth, 0]> }[keyof X & `${number}`]
  : X extends object ? { [K in keyof X & string]-?: BadLeaves<X[K], `${Path}.${K}`, [...Depth, 0]> }[keyof X & string]
  : Path;

const isRecord = (x: unknown): x is Readonly<Record<string, unknown>> => {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || isTensor(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};
/** the keys of a record in a fixed (sorted) order, so that equal structures line up */
const keysOf = (r: Readonly<Record<string, unknown>>): string[] => Object.keys(r).sort();
const join = (path: Path, key: string | number): Path => (path === '' ? String(key) : `${path}.${key}`);

/** every tensor of a record with its path, in a fixed order (record keys sorted, arrays in order; null is an empty subtree) */
export const leavesWithPath = (tree: unknown, op = 'tree'): [Path, AnyTensor][] => {
  const out: [Path, AnyTensor][] = [];
  const visit = (x: unknown, path: Path): void => {
    if (isTensor(x)) out.push([path, x]);
    else if (x === null) return; // an empty subtree: a parameter-free layer's params
    else if (Array.isArray(x)) x.forEach((v, i) => visit(v, join(path, i)));
    else if (isRecord(x)) keysOf(x).forEach((k) => visit(x[k], join(path, k)));
    else throw new ValueError(op, `${path === '' ? 'the value' : path} is ${x === null ? 'null' : typeof x}, not a tensor`);
  };
  visit(tree, '');
  return out;
};
/** the tensors of a record, in the order of leavesWithPath */
export const leaves = (tree: unknown, op = 'tree'): AnyTensor[] => leavesWithPath(tree, op).map(([, t]) => t);

/** rebuilds the structure of `template` from tensors in the order of leaves(template) */
export const unflatten = <T>(template: T, values: readonly AnyTensor[], op = 'tree'): T => {
  let i = 0;
  const build = (x: unknown): unknown => {
    if (isTensor(x)) {
      const v = values[i++];
      if (v === undefined) throw new ValueError(op, `${values.length} leaves cannot fill the structure`);
      return v;
    }
    if (x === null) return null;
    if (Array.isArray(x)) return Object.freeze(x.map(build));
    if (isRecord(x)) return Object.freeze(Object.fromEntries(keysOf(x).map((k) => [k, build(x[k])])));
    throw new ValueError(op, `cannot rebuild a ${typeof x} leaf`);
  };
  const out = build(template);
  if (i !== values.length) throw new ValueError(op, `${values.length} leaves for a structure of ${i}`);
  return out as T;
};

/** applies f to every tensor of a record (with its path); the structure is kept */
export const map = <T>(tree: T, f: (leaf: AnyTensor, path: Path) => AnyTensor, op = 'tree.map'): T => {
  const pairs = leavesWithPath(tree, op);
  return unflatten(tree, pairs.map(([p, t]) => f(t, p)), op);
};

/** combines two records of the same structure leaf by leaf; a structural difference names its path */
export const zipWith = <T>(a: T, b: NoInfer<T>, f: (x: AnyTensor, y: AnyTensor, path: Path) => AnyTensor, op = 'tree.zipWith'): T => {
  const pa = leavesWithPath(a, op), pb = leavesWithPath(b, op);
  const missing = pa.find(([p], i) => pb[i]?.[0] !== p) ?? pb.find(([p], i) => pa[i]?.[0] !== p);
  if (missing !== undefined || pa.length !== pb.length) {
    throw new ValueError(op, `the two records differ in structure at ${missing?.[0] ?? `leaf ${Math.min(pa.length, pb.length)}`}`);
  }
  return unflatten(a, pa.map(([p, x], i) => f(x, pb[i]![1], p)), op);
};

/**
 * Throws unless b has a's structure and every leaf of b has the shape of a's leaf at the same path
 * (an optimizer's gradients or updates against its parameters: a wrong-shaped leaf that happens to
 * broadcast would otherwise give a wrong answer silently).
 * @example sameShapes(params, grads, 'optim.update', 'gradient')
 */
export const sameShapes = (a: unknown, b: unknown, op: string, what: string): void => {
  zipWith(a, b, (x, y, path) => {
    const xs = x.shape as readonly unknown[], ys = y.shape as readonly unknown[];
    if (xs.length !== ys.length || xs.some((d, i) => d !== ys[i])) {
      throw new ShapeMismatchError(op, `the ${what} at '${path}' has shape [${ys.join(', ')}], the parameter [${xs.join(', ')}]`, [x.shape, y.shape]);
    }
    return x;
  }, op);
};

/** maps every tensor inside any value (records in sorted key order, arrays; other values are kept as they are) */
export const mapTensors = (x: unknown, f: (t: AnyTensor) => AnyTensor): unknown => {
  if (isTensor(x)) return f(x);
  if (Array.isArray(x)) return x.map((v) => mapTensors(v, f));
  if (isRecord(x)) return Object.fromEntries(keysOf(x).map((k) => [k, mapTensors(x[k], f)]));
  return x;
};
