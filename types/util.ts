/** @file Small compile-time helpers: exact type equality and static assertions. */

/** exact equality of two types (not mere mutual assignability) */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
/** fails to compile unless T is true; use as `type _ = Assert<Equal<X, Y>>` */
export type Assert<T extends true> = T;
/** removes readonly from a tuple without changing its elements */
export type Mutable<T extends readonly unknown[]> = [...T];
