/** @file The register tile the gemm and convolution kernels share: one multiply-add step of mr rows by nv four-lane vectors, and its store. */
import { add32, addF32x4, get, load128, loadSplat32, maddF32x4, mulF32x4, set, store128, type Code } from './wasm-emit.js';

/** 0 .. n - 1 */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** the locals of one tile: accumulators acc0 + r·nv + v, the B vectors b0 + v, the A splat av */
export interface TileLocals { readonly mr: number; readonly nv: number; readonly acc0: number; readonly b0: number; readonly av: number }
/** the accumulator of row r, vector v */
export const accOf = (t: TileLocals, r: number, v: number): number => t.acc0 + r * t.nv + v;

/**
 * One step of the tile: the nv vectors of B at `b` loaded, then for each row r the A value at
 * `aAt(r)` splat and multiplied into the row's accumulators (fused where the runtime has relaxed
 * SIMD, else a multiply and an add).
 */
export const tileStep = (t: TileLocals, b: Code, aAt: (r: number) => Code, fused: boolean): Code => [
  range(t.nv).map((v) => set(t.b0 + v, load128(b, v * 16))),
  range(t.mr).map((r) => [
    set(t.av, loadSplat32(aAt(r))),
    range(t.nv).map((v) => set(accOf(t, r, v), fused
      ? maddF32x4(get(t.av), get(t.b0 + v), get(accOf(t, r, v)))
      : addF32x4(get(accOf(t, r, v)), mulF32x4(get(t.av), get(t.b0 + v))))),
  ]),
];

/** the tile's accumulators stored: row r at the address in local `at` plus local `rowOff + r` (row 0 at `at` itself) */
export const storeTile = (t: TileLocals, at: number, rowOff: number): Code =>
  range(t.mr).map((r) => range(t.nv).map((v) => store128(r === 0 ? get(at) : add32(get(at), get(rowOff + r)), get(accOf(t, r, v)), v * 16)));
/** the tile's accumulators loaded from where storeTile puts them (to add to what is there) */
export const loadTile = (t: TileLocals, at: number, rowOff: number): Code =>
  range(t.mr).map((r) => range(t.nv).map((v) => set(accOf(t, r, v), load128(r === 0 ? get(at) : add32(get(at), get(rowOff + r)), v * 16))));
