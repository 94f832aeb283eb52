/** @file Nested JS arrays <-> shapes: the static shape of a literal, and the runtime walk with its checks. */
import type { ShapeError } from '../../types/index.js';
import type { Dim, Shape } from '../shape/index.js';
import { ValueError } from '../shape/index.js';

/** a scalar or a nested array of scalars */
export type Nested<E = number | boolean> = E | readonly Nested<E>[];
type IsUnion<T, U = T> = T extends U ? ([U] extends [T] ? false : true) : never;

/** the shape of a nested literal ([[1,2,3],[4,5,6]] -> [2, 3]); a ragged literal is a ShapeError */
export type NestedShape<T, Depth extends 0[] = []> =
  Depth['length'] extends 8 ? Dim[]
  : T extends number | boolean ? []
  : T extends readonly unknown[]
    ? number extends T['length'] ? [number, ...ElemShape<T[number], [...Depth, 0]>]
    : T extends readonly [] ? [0]
    : { [K in keyof T]: NestedShape<T[K], [...Depth, 0]> }[number] extends infer E
      ? [E] extends [ShapeError<string>] ? E
      : IsUnion<E> extends true ? ShapeError<'tensor: ragged nested array (rows differ in length)', T>
      : [E] extends [Shape] ? [T['length'], ...E] : never
      : never
    : ShapeError<'tensor: elements must be numbers or booleans', T>;
type ElemShape<E, Depth extends 0[]> =
  NestedShape<E, Depth> extends infer S ? S extends Dim[] ? { [K in keyof S]: number } : [] : [];
/** the element type of a nested literal: 'bool' for booleans, else 'float32' */
export type NestedDType<T, Depth extends 0[] = []> =
  [T] extends [never] ? 'float32'
  : Depth['length'] extends 8 ? 'float32'
  : T extends boolean ? 'bool' : T extends readonly unknown[] ? NestedDType<T[number], [...Depth, 0]> : 'float32';
/** a nested array with the shape S and element E (what toNested returns) */
export type NestedOf<S extends Shape, E> =
  number extends S['length'] ? Nested<E> : S extends readonly [Dim, ...infer R extends Shape] ? NestedOf<R, E>[] : E;

/** walks a nested array: its shape and its elements in row-major order; throws on ragged or bad input */
export const walkNested = (op: string, value: unknown): { shape: number[]; flat: (number | boolean)[] } => {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const flat: (number | boolean)[] = [];
  const visit = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new ValueError(op, `element at ${path || 'the top'} is ${Array.isArray(v) ? 'an array (ragged nesting)' : typeof v}, not a number or boolean`);
      }
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ValueError(op, `ragged nested array: ${path || 'the top'} has ${Array.isArray(v) ? `length ${v.length}` : 'a scalar'}, expected length ${shape[depth]} (axis ${depth})`);
    }
    v.forEach((x, i) => visit(x, depth + 1, `${path}[${i}]`));
  };
  visit(value, 0, '');
  return { shape, flat };
};
