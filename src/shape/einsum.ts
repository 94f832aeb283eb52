/** @file einsum subscripts ('bij,bjk->bik'): the static rule parses the spec; the runtime twin plans it. */
import type { ShapeError } from '../../types/index.js';
import { showShape, type Dim, type DimEq, type IsDynRank, type Shape, type UnifyDim } from './dims.js';
import { ShapeMismatchError } from './errors.js';

type Chars<S extends string, Acc extends string[] = []> =
  S extends `${infer C}${infer R}` ? (C extends ' ' ? Chars<R, Acc> : Chars<R, [...Acc, C]>) : Acc;
type HasDup<L extends readonly string[], Seen = never> =
  L extends readonly [infer C extends string, ...infer R extends readonly string[]] ? ([C] extends [Seen] ? C : HasDup<R, Seen | C>) : never;
type BindOperand<L extends readonly string[], S extends Shape, Env, Spec extends string, Which extends number> =
  [HasDup<L>] extends [never] ? BindChecked<L, S, Env, Spec, Which>
  : ShapeError<`einsum: operand ${Which} repeats '${HasDup<L>}' in '${Spec}' (diagonals are not supported)`, S, Spec>;
type BindChecked<L extends readonly string[], S extends Shape, Env, Spec extends string, Which extends number> =
  IsDynRank<S> extends true ? Env & { readonly [DYN]: true }
  : L['length'] extends S['length'] ? BindRec<L, S, Env, Spec, Which>
  : ShapeError<`einsum: operand ${Which} has rank ${S['length']} but '${Spec}' gives it ${L['length']} letters`, S, Spec>;
type BindRec<L extends readonly string[], S extends Shape, Env, Spec extends string, Which extends number> =
  L extends readonly [infer C extends string, ...infer LR extends string[]]
    ? S extends readonly [infer D extends Dim, ...infer SR extends Shape]
      ? C extends keyof Env
        ? Env[C] extends infer E extends Dim
          ? DimEq<E, D> extends true ? BindRec<LR, SR, Omit<Env, C> & { [K in C]: UnifyDim<E, D> }, Spec, Which>
          : ShapeError<`einsum: '${C}' is ${E} and ${D} (operand ${Which})`, S, Spec>
          : never
        : BindRec<LR, SR, Env & { [K in C]: D }, Spec, Which>
      : Env
    : Env;
declare const DYN: unique symbol;
type Out<L extends readonly string[], Env, Spec extends string> = {
  -readonly [K in keyof L]: L[K] extends keyof Env ? Env[L[K]]
    : Env extends { readonly [DYN]: true } ? number
    : ShapeError<`einsum: output letter '${L[K] & string}' is in no operand`, Spec>
} extends infer O extends readonly unknown[]
  ? O[number] extends Dim ? O : Extract<O[number], ShapeError<string>>
  : never;

/** the result shape of a one- or two-operand einsum with an explicit '->' output */
export type Einsum<Spec extends string, Ss extends readonly Shape[]> =
  Spec extends `${infer Ins}->${infer O}`
    ? Ins extends `${infer A},${infer B}`
      ? Ss extends readonly [infer SA extends Shape, infer SB extends Shape]
        ? BindOperand<Chars<A>, SA, {}, Spec, 0> extends infer E1
          ? E1 extends ShapeError<string> ? E1
          : BindOperand<Chars<B>, SB, E1, Spec, 1> extends infer E2
            ? E2 extends ShapeError<string> ? E2 : Out<Chars<O>, E2, Spec>
            : never
          : never
        : ShapeError<`einsum: '${Spec}' takes 2 operands`, Spec>
      : Ss extends readonly [infer SA extends Shape]
        ? BindOperand<Chars<Ins>, SA, {}, Spec, 0> extends infer E1
          ? E1 extends ShapeError<string> ? E1 : Out<Chars<O>, E1, Spec>
          : never
        : ShapeError<`einsum: '${Spec}' takes 1 operand`, Spec>
    : ShapeError<`einsum: '${Spec}' needs an explicit '->' output`, Spec>;

/** a parsed einsum: operand letters, output letters and the size of every letter */
export interface EinsumPlan {
  readonly inputs: readonly (readonly string[])[];
  readonly output: readonly string[];
  readonly sizes: ReadonlyMap<string, number>;
  readonly shape: readonly number[];
}
const letters = (s: string): string[] => [...s.replace(/\s/g, '')];
/** runtime twin of Einsum */
export const einsumPlan = (spec: string, shapes: readonly (readonly number[])[]): EinsumPlan => {
  const fail = (reason: string): never => { throw new ShapeMismatchError('einsum', reason, shapes); };
  const [ins, out] = spec.split('->');
  if (ins === undefined || out === undefined || spec.split('->').length !== 2) return fail(`'${spec}' needs an explicit '->' output`);
  const parts = ins.split(',').map(letters);
  if (parts.length !== shapes.length || parts.length > 2) return fail(`'${spec}' takes ${parts.length} operand(s), got ${shapes.length}`);
  const sizes = new Map<string, number>();
  parts.forEach((ls, k) => {
    const s = shapes[k]!;
    if (ls.length !== s.length) fail(`operand ${k} has rank ${s.length} but '${spec}' gives it ${ls.length} letters`);
    if (new Set(ls).size !== ls.length) fail(`operand ${k} repeats a letter in '${spec}' (diagonals are not supported)`);
    ls.forEach((c, i) => {
      if (!/^[a-zA-Z]$/.test(c)) fail(`'${c}' is not a letter`);
      const prev = sizes.get(c);
      if (prev !== undefined && prev !== s[i]) fail(`'${c}' is ${prev} and ${s[i]} (operand ${k}, shape ${showShape(s)})`);
      sizes.set(c, s[i]!);
    });
  });
  const o = letters(out);
  if (new Set(o).size !== o.length) fail(`output '${out}' repeats a letter`);
  const shape = o.map((c) => sizes.get(c) ?? fail(`output letter '${c}' is in no operand`));
  return { inputs: parts, output: o, sizes, shape };
};
/** runtime twin of Einsum returning just the shape */
export function einsumShape<const Spec extends string, const Ss extends readonly (readonly number[])[]>(spec: Spec, shapes: Ss): Einsum<Spec, Ss> {
  return [...einsumPlan(spec, shapes).shape] as Einsum<Spec, Ss>;
}
