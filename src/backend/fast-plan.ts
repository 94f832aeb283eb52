/** @file Loop plans for the fast kernels: strided operands over one shape, merged into as few axes as they allow. */
import { offsets } from './view.js';

/** storage offsets in row-major order: as `offsets` returns them, or one start in a plain array */
export type Starts = Int32Array | Float64Array | readonly number[];

/** one operand read (or written) over the loop shape: a stride per axis of that shape, and a start */
export interface Operand {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * The loop over `shape` as blocks of `rows` x `n` elements: the two innermost (merged) axes are
 * walked by the kernels' own loops with constant steps, the rest by a table of block starts.
 * A contiguous operand merges to one axis, so its whole loop is one block of one row.
 */
export interface Plan {
  /** number of blocks (the product of the outer merged axes) */
  readonly blocks: number;
  /** rows per block (the second-innermost merged axis, 1 if none) */
  readonly rows: number;
  /** elements per row (the innermost merged axis) */
  readonly n: number;
  /** per operand: storage step from one row to the next */
  readonly rowSteps: readonly number[];
  /** per operand: storage step from one element to the next along a row */
  readonly steps: readonly number[];
  /** per operand: storage start of each block */
  readonly starts: readonly Starts[];
}

/**
 * Merges the axes of `shape` (size-1 axes dropped; neighbours joined where every operand steps
 * through them as through one axis) and returns the block plan. `shape` must not be empty of
 * elements (callers return early on size 0).
 */
export const plan = (shape: readonly number[], operands: readonly Operand[]): Plan => {
  const flat = flatSteps(shape, operands);
  if (flat !== undefined) {
    return {
      blocks: 1, rows: 1, n: shape.reduce((p, d) => p * d, 1), rowSteps: operands.map(() => 0), steps: flat,
      // one start each, in a plain array (no typed array to allocate per call); small integers stay
      // small integers, so the kernels' index arithmetic stays in int32
      starts: operands.map((o) => [o.offset]),
    };
  }
  const dims: number[] = [];
  const strides: number[][] = operands.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && operands.every((o, k) => strides[k]![last] === o.strides[i]! * d)) {
      dims[last] = dims[last]! * d;
      operands.forEach((o, k) => { strides[k]![last] = o.strides[i]!; });
    } else {
      dims.push(d);
      operands.forEach((o, k) => strides[k]!.push(o.strides[i]!));
    }
  }
  while (dims.length < 2) {
    dims.unshift(1);
    strides.forEach((s) => s.unshift(0));
  }
  const r = dims.length, outer = dims.slice(0, r - 2);
  return {
    blocks: outer.reduce((p, d) => p * d, 1),
    rows: dims[r - 2]!,
    n: dims[r - 1]!,
    rowSteps: strides.map((s) => s[r - 2]!),
    steps: strides.map((s) => s[r - 1]!),
    starts: strides.map((s, k) => offsets(outer, s.slice(0, r - 2), operands[k]!.offset)),
  };
};

/**
 * The common case without merging: when every operand walks `shape` row-major without gaps
 * (step 1) or not at all (step 0, a broadcast scalar), those steps; else undefined.
 */
const flatSteps = (shape: readonly number[], operands: readonly Operand[]): number[] | undefined => {
  const steps: number[] = [];
  for (const o of operands) {
    let dense = true, still = true;
    for (let i = shape.length - 1, size = 1; i >= 0; i--) {
      const d = shape[i]!, st = o.strides[i]!;
      if (d === 1) continue;
      if (st !== size) dense = false;
      if (st !== 0) still = false;
      size *= d;
    }
    if (!dense && !still) return undefined;
    steps.push(dense ? 1 : 0);
  }
  return steps;
};

/** true when a view of `from` reads as the broadcast `to` (missing leading axes, size-1 axes) */
export const broadcasts = (from: readonly number[], to: readonly number[]): boolean => {
  const lead = to.length - from.length;
  return lead >= 0 && from.every((d, i) => d === 1 || d === to[lead + i]);
};
