/** @file Static assertions on the digit arithmetic, checked by tsc with the rest of the project. */
import type { Add, Assert, CeilDiv, Compare, Div, Equal, Mod, Mul, Product, Sub, Sum, Max, Min, Abs } from './index.js';

export type ArithChecks = [
  Assert<Equal<Add<999, 1>, 1000>>,
  Assert<Equal<Add<0, 0>, 0>>,
  Assert<Equal<Sub<1000, 1>, 999>>,
  Assert<Equal<Sub<3, 5>, never>>,
  Assert<Equal<Mul<99999, 99999>, 9999800001>>,
  Assert<Equal<Mul<6361, 1416003655831>, 9007199254740991>>,
  Assert<Equal<Div<1000000, 32768>, 30>>,
  Assert<Equal<Div<7, 0>, never>>,
  Assert<Equal<CeilDiv<28, 2>, 14>>,
  Assert<Equal<CeilDiv<27, 2>, 14>>,
  Assert<Equal<CeilDiv<0, 3>, 0>>,
  Assert<Equal<Mod<1000, 7>, 6>>,
  Assert<Equal<Compare<10, 9>, 1>>,
  Assert<Equal<Compare<9, 10>, -1>>,
  Assert<Equal<Compare<42, 42>, 0>>,
  Assert<Equal<Product<[28, 28, 64]>, 50176>>,
  Assert<Equal<Sum<[3, 4, 5]>, 12>>,
  Assert<Equal<Add<number, 1>, number>>,
  Assert<Equal<Max<3, 8>, 8>>,
  Assert<Equal<Min<3, 8>, 3>>,
  Assert<Equal<Abs<-12>, 12>>,
];
