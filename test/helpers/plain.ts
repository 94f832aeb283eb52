/** @file Plain-JS helpers for tests: values out of tensors, elementwise closeness, a hand-written affine map and relu. */
import { expect } from 'vitest';
import { toArray, type AnyTensor } from '../../src/index.js';

/** a tensor's elements as plain numbers */
export const vals = (t: AnyTensor | undefined): number[] => Array.from(toArray(t!) as ArrayLike<number>);
/** asserts |a - b| <= tol elementwise, naming the first index that differs */
export const close = (a: readonly number[], b: readonly number[], tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `index ${i}: ${v} vs ${b[i]}`).toBeLessThanOrEqual(tol));
};
/** rows of x [n, i] times K [i, o] plus b, in plain JS */
export const affine = (x: number[][], k: number[][], b: number[]): number[][] =>
  x.map((row) => b.map((bj, j) => row.reduce((s, v, i) => s + v * k[i]![j]!, bj)));
/** max(x, 0) on rows */
export const relu = (x: number[][]): number[][] => x.map((r) => r.map((v) => Math.max(v, 0)));
