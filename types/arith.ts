/** @file Type-level decimal arithmetic on non-negative integer literals (digit tuples, schoolbook algorithms). */
// A literal N becomes a little-endian digit tuple through `${N}`; add, subtract, multiply and
// long division run digit by digit with the literal tables of arith-tables.ts, and the result
// goes back through `${infer N extends number}`. Cost grows with the number of digits, not
// the magnitude, so any safe integer works (tuple-length counting stops near 1000).
// A widened `number` operand makes the result `number`; a negative result of Sub is `never`.
import type { AddT, CmpT, MulT, SubT } from './arith-tables.js';

export type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
type Ds = Digit[];
interface CharDigit { '0': 0; '1': 1; '2': 2; '3': 3; '4': 4; '5': 5; '6': 6; '7': 7; '8': 8; '9': 9 }

type StrToDs<S extends string, Acc extends Ds = []> =
  S extends `${infer C extends keyof CharDigit}${infer R}` ? StrToDs<R, [CharDigit[C], ...Acc]> : S extends '' ? Acc : never;
/** digits of N, least significant first; never for negatives, fractions and exponent notation */
type ToDs<N extends number> = StrToDs<`${N}`>;
type Trim<D extends Ds> = D extends [...infer R extends Ds, 0] ? Trim<R> : D;
type ToStr<D extends Ds, Acc extends string = ''> =
  D extends [infer H extends Digit, ...infer T extends Ds] ? ToStr<T, `${H}${Acc}`> : Acc;
type FromDs<D extends Ds> = Trim<D> extends infer T extends Ds
  ? T extends [] ? 0 : ToStr<T> extends `${infer N extends number}` ? N : never
  : never;

type AddD<A extends Ds, B extends Ds, C extends 0 | 1 = 0, Acc extends Ds = []> =
  A extends [infer a extends Digit, ...infer AR extends Ds]
    ? B extends [infer b extends Digit, ...infer BR extends Ds]
      ? AddT[C][a][b] extends [infer d extends Digit, infer c extends 0 | 1] ? AddD<AR, BR, c, [...Acc, d]> : never
      : AddD<A, [0], C, Acc>
    : B extends [] ? (C extends 1 ? [...Acc, 1] : Acc) : AddD<[0], B, C, Acc>;
/** A - B for A >= B */
type SubD<A extends Ds, B extends Ds, W extends 0 | 1 = 0, Acc extends Ds = []> =
  A extends [infer a extends Digit, ...infer AR extends Ds]
    ? B extends [infer b extends Digit, ...infer BR extends Ds]
      ? SubT[W][a][b] extends [infer d extends Digit, infer w extends 0 | 1] ? SubD<AR, BR, w, [...Acc, d]> : never
      : SubD<A, [0], W, Acc>
    : Trim<Acc>;
type MulDigit<A extends Ds, M extends Digit, C extends Digit = 0, Acc extends Ds = []> =
  A extends [infer a extends Digit, ...infer AR extends Ds]
    ? MulT[C][a][M] extends [infer d extends Digit, infer c extends Digit] ? MulDigit<AR, M, c, [...Acc, d]> : never
    : C extends 0 ? Acc : [...Acc, C];
type MulD<A extends Ds, B extends Ds, Z extends 0[] = [], Acc extends Ds = []> =
  B extends [infer b extends Digit, ...infer BR extends Ds]
    ? MulD<A, BR, [...Z, 0], AddD<Acc, [...Z, ...MulDigit<A, b>]>>
    : Trim<Acc>;
/** same length: compare from the most significant digit */
type CmpMsd<A extends Ds, B extends Ds> =
  A extends [...infer AR extends Ds, infer a extends Digit]
    ? B extends [...infer BR extends Ds, infer b extends Digit] ? (a extends b ? CmpMsd<AR, BR> : CmpT[a][b]) : 0
    : 0;
type Blank<T extends unknown[]> = { [K in keyof T]: unknown };
type LenCmp<A extends unknown[], B extends unknown[]> =
  A['length'] extends B['length'] ? 0 : Blank<B> extends [...Blank<A>, ...unknown[]] ? -1 : 1;
type CmpD<A extends Ds, B extends Ds> = [Trim<A>, Trim<B>] extends [infer TA extends Ds, infer TB extends Ds]
  ? LenCmp<TA, TB> extends 0 ? CmpMsd<TA, TB> : LenCmp<TA, TB>
  : never;
/** one long-division step: how often B fits into R (0..9), and the remainder */
type QDigit<R extends Ds, B extends Ds, Q extends 0[] = []> =
  CmpD<R, B> extends -1 ? [Q['length'], R] : QDigit<SubD<R, B>, B, [...Q, 0]>;
/** [quotient, remainder] */
type DivD<A extends Ds, B extends Ds, R extends Ds = [], Q extends Ds = []> =
  A extends [...infer AR extends Ds, infer a extends Digit]
    ? QDigit<Trim<[a, ...R]>, B> extends [infer q extends Digit, infer R2 extends Ds] ? DivD<AR, B, R2, [q, ...Q]> : never
    : [Q, R];

/** true when N is the widened `number` */
export type IsWide<N> = number extends N ? true : false;
type Lift<A extends number, B extends number, R> = number extends A ? number : number extends B ? number : R;

/** A + B */
export type Add<A extends number, B extends number> = Lift<A, B, FromDs<AddD<ToDs<A>, ToDs<B>>>>;
/** A - B, or never when that is negative */
export type Sub<A extends number, B extends number> =
  Lift<A, B, CmpD<ToDs<A>, ToDs<B>> extends -1 ? never : FromDs<SubD<ToDs<A>, ToDs<B>>>>;
/** A * B */
export type Mul<A extends number, B extends number> = Lift<A, B, FromDs<MulD<ToDs<A>, ToDs<B>>>>;
/** floor(A / B); never for B = 0 */
export type Div<A extends number, B extends number> =
  Lift<A, B, B extends 0 ? never : FromDs<DivD<ToDs<A>, ToDs<B>>[0]>>;
/** ceil(A / B); never for B = 0 */
export type CeilDiv<A extends number, B extends number> =
  Lift<A, B, B extends 0 ? never : DivD<ToDs<A>, ToDs<B>> extends [infer Q extends Ds, infer R extends Ds]
    ? (Trim<R> extends [] ? FromDs<Q> : FromDs<AddD<Q, [1]>>) : never>;
/** A mod B; never for B = 0 */
export type Mod<A extends number, B extends number> =
  Lift<A, B, B extends 0 ? never : FromDs<DivD<ToDs<A>, ToDs<B>>[1]>>;
/** sign(A - B) as -1 | 0 | 1 (number when either is wide) */
export type Compare<A extends number, B extends number> = Lift<A, B, CmpD<ToDs<A>, ToDs<B>>>;
export type Max<A extends number, B extends number> = Compare<A, B> extends -1 ? B : Compare<A, B> extends 0 | 1 ? A : number;
export type Min<A extends number, B extends number> = Compare<A, B> extends 1 ? B : Compare<A, B> extends 0 | -1 ? A : number;
/** product of a tuple of literals (number when any is wide or the tuple is not a tuple) */
export type Product<Ns extends readonly number[], Acc extends number = 1> =
  number extends Ns['length'] ? number
  : Ns extends readonly [infer H extends number, ...infer R extends readonly number[]] ? Product<R, Mul<Acc, H>> : Acc;
/** sum of a tuple of literals */
export type Sum<Ns extends readonly number[], Acc extends number = 0> =
  number extends Ns['length'] ? number
  : Ns extends readonly [infer H extends number, ...infer R extends readonly number[]] ? Sum<R, Add<Acc, H>> : Acc;
/** true for a negative literal such as -2 */
export type IsNegative<N extends number> = `${N}` extends `-${string}` ? true : false;
/** |N| for an integer literal */
export type Abs<N extends number> = `${N}` extends `-${infer P extends number}` ? P : N;
/** true for a non-negative integer literal (false for fractions, negatives and wide number) */
export type IsNatural<N extends number> = number extends N ? false : [ToDs<N>] extends [never] ? false : true;
