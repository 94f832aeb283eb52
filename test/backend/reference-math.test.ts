/** @file Scalar maths of the reference kernels in double precision (the kernels round these to float32). */
import { describe, expect, it } from 'vitest';
import { erf, roundHalfEven, sigmoid } from '../../src/backend/reference-math.js';

describe('erf (Cody 1969) in double', () => {
  // erf to 16 digits, as C libm gives it (Python math.erf); erf is odd
  const cases = [
    [0.1, 0.1124629160182849],
    [0.46875, 0.49261347321793797],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [-3, -0.9999779095030014],
    [3.5, 0.9999992569016276],
    [5, 0.9999999999984626],
    [1e-10, 1.1283791670955126e-10],
  ] as const;
  it.each(cases)('erf(%d) to 1e-14 relative', (x, expected) => {
    expect(Math.abs(erf(x) - expected)).toBeLessThanOrEqual(1e-14 * Math.abs(expected));
    expect(Math.abs(erf(-x) + expected)).toBeLessThanOrEqual(1e-14 * Math.abs(expected));
  });
  it('is exactly +-1 far out, keeps the sign of zero and propagates NaN', () => {
    expect([erf(30), erf(-Infinity), erf(-0), erf(NaN)]).toEqual([1, -1, -0, NaN]);
  });
});

describe('sigmoid and round in double', () => {
  it('sigmoid never overflows: tails underflow to 0 or reach 1', () => {
    expect([sigmoid(-1000), sigmoid(1000), sigmoid(-Infinity), sigmoid(Infinity)]).toEqual([0, 1, 0, 1]);
    expect(Math.abs(sigmoid(-30) - 9.357622968839299e-14)).toBeLessThan(1e-27);
  });
  it('round is half to even beyond float32 range too', () => {
    expect([roundHalfEven(4503599627370495.5), roundHalfEven(2 ** 53), roundHalfEven(-1e300)]).toEqual([4503599627370496, 2 ** 53, -1e300]);
  });
});
