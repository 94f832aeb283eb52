/** @file Reads the reference vectors (test/reference-vectors, computed with PyTorch in float64) and compares against them. */
import { readdirSync, readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import { fromArray, toArray, type AnyTensor, type DType } from '../../src/index.js';

const DIR = new URL('../reference-vectors/', import.meta.url);

/** a tensor as stored: flat row-major data, shape, dtype, and the tolerance for expected values */
export interface RefTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: readonly (number | boolean)[];
  readonly tol?: { readonly rtol: number; readonly atol: number };
  readonly grad?: boolean;
  readonly value?: number;
}
/** one case file */
export interface RefCase {
  readonly name: string;
  readonly kind: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, RefTensor>>;
  readonly params: Readonly<Record<string, RefTensor>>;
  readonly outputs: Readonly<Record<string, RefTensor>>;
  readonly aux?: Readonly<Record<string, RefTensor>>;
  readonly cotangents: Readonly<Record<string, RefTensor>>;
  readonly grads: Readonly<Record<string, RefTensor>>;
  readonly loss?: { readonly value: number; readonly tol: { readonly rtol: number; readonly atol: number } };
  readonly [key: string]: unknown;
}

/** the names of the case files whose name starts with `prefix` */
export const casesStartingWith = (prefix: string): string[] =>
  readdirSync(DIR).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
/** one case by name (file name without .json) */
export const loadCase = (name: string): RefCase => JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as RefCase;

/** a stored tensor as a shapegrad tensor */
export const toTensor = (t: RefTensor): AnyTensor => {
  const data = t.dtype === 'bool' ? t.data.map((v) => v === true || v === 1) : t.data.map(Number);
  const r = fromArray(data as readonly number[] | readonly boolean[], t.shape, t.dtype);
  if (E.isLeft(r)) throw r.left;
  return r.right;
};

/** asserts |actual - expected| <= atol + rtol |expected| elementwise, with the tensor's stored tolerance */
export const expectMatches = (actual: AnyTensor, expected: RefTensor, what: string): void => {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const tol = expected.tol ?? { rtol: 1e-4, atol: 1e-5 };
  const a = Array.from(toArray(actual) as ArrayLike<number>);
  let worst = 0, at = -1;
  expected.data.forEach((e, i) => {
    const err = Math.abs(a[i]! - Number(e)) / (tol.atol + tol.rtol * Math.abs(Number(e)));
    if (!(err <= worst)) { worst = err; at = i; }
  });
  expect(worst, `${what}: worst element ${at}: ${a[at]} vs ${expected.data[at]} (tolerance units)`).toBeLessThanOrEqual(1);
};
