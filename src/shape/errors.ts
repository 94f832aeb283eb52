/** @file Runtime errors: what the compiler could not check, named by op, shapes and axis. */
import type { Dim } from './dims.js';

const show = (s: readonly Dim[]): string => `[${s.join(', ')}]`;

/** a shape rule failed at run time (dynamic dims, axes out of range, element counts) */
export class ShapeMismatchError extends Error {
  override readonly name = 'ShapeMismatchError';
  constructor(
    /** the op that failed, e.g. 'matmul' */
    readonly op: string,
    /** what is wrong, e.g. 'inner dims differ (784 vs 100)' */
    readonly reason: string,
    /** the input shapes */
    readonly shapes: readonly (readonly Dim[])[],
    /** the axis involved, when there is one */
    readonly axis?: number,
  ) {
    super(`${op}: ${reason}${shapes.length ? `; shapes ${shapes.map(show).join(' and ')}` : ''}`);
  }
}

/** a value is wrong: a dtype, an index out of range, a non-finite size, a non-rectangular array */
export class ValueError extends Error {
  override readonly name = 'ValueError';
  constructor(readonly op: string, readonly reason: string) {
    super(`${op}: ${reason}`);
  }
}
