/** @file The Threefry-2x32 block hash (20 rounds): the one source of randomness in shapegrad. */

// Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC 2011), as JAX's
// `_threefry2x32_lowering` writes it: five groups of four rounds, a key injection after each.
const ROTATIONS = [[13, 15, 26, 6], [17, 29, 16, 24]] as const;
const PARITY = 0x1bd11bda;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/**
 * Threefry-2x32 with 20 rounds: hashes the counter (x0, x1) under the key (k0, k1), all uint32,
 * into two uint32 words (Random123's `threefry2x32_R(20, ...)` and JAX's `threefry2x32_p`).
 */
export const threefry2x32 = (k0: number, k1: number, x0: number, x1: number): readonly [number, number] => {
  const ks = [k0 | 0, k1 | 0, (k0 ^ k1 ^ PARITY) | 0] as const;
  let a = (x0 + ks[0]) | 0, b = (x1 + ks[1]) | 0;
  for (let g = 0; g < 5; g++) {
    for (const r of ROTATIONS[g % 2]!) {
      a = (a + b) | 0;
      b = rotl(b, r) ^ a;
    }
    a = (a + ks[(g + 1) % 3]!) | 0;
    b = (b + ks[(g + 2) % 3]! + g + 1) | 0;
  }
  return [a >>> 0, b >>> 0];
};
