/** @file mulberry32: a small seeded generator of uniform floats in [0, 1), so that test inputs and the benchmark's data reproduce (shared by the kernel tests, the gradient checks and bench/). */

/** a seeded generator of uniform floats in [0, 1) (mulberry32) */
export const mulberry32 = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
