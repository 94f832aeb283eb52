/** @file A wasm copy kernel for patches: a table of runs (destination, source or padding, length) replayed per image with vector moves. */
import {
  add32, block, brIf, bump, const32, eqz32, geU32, get, i32, ifElse, load128, load32, loadF32, loop, ltS32, ltU32, mul32, set, splat32x4,
  store128, store32, storeF32, sub32, v128, type Code, type Func,
} from './wasm-emit.js';

// parameters: the run table (i32 triples: destination element, source element or -1, length),
// its run count, destination and source byte addresses, images, bytes per image in and out, and
// the padding value's f32 bit pattern
const TABLE = 0, RUNS = 1, DST = 2, SRC = 3, IMAGES = 4, IN_PER = 5, OUT_PER = 6, VALUE = 7;
const PARAMS = 8;

/**
 * `copyRuns`: for each image, for each run, copies `length` floats from src + 4 * source to
 * dst + 4 * destination (or stores the padding value there when source is negative), four at a
 * time with v128 moves and the rest one by one; then moves src and dst to the next image. The
 * floats are moved as bits: the values are the input's exactly.
 */
export const copyRunsFunc = (): Func => {
  const img = PARAMS, r = PARAMS + 1, entry = PARAMS + 2, d = PARAMS + 3, s = PARAMS + 4, len = PARAMS + 5, src = PARAMS + 6, dst = PARAMS + 7;
  const fill = PARAMS + 8; // v128
  const moveFours = (body: Code): Code => block(loop(brIf(1, ltU32(get(len), const32(4))), body, bump(d, const32(16)), set(len, sub32(get(len), const32(4))), brIf(0, const32(1))));
  const moveOnes = (body: Code): Code => block(brIf(0, eqz32(get(len))), loop(body, bump(d, const32(4)), set(len, sub32(get(len), const32(1))), brIf(0, geU32(get(len), const32(1)))));
  const body: Code = [
    set(fill, splat32x4(get(VALUE))), set(src, get(SRC)), set(dst, get(DST)), set(img, const32(0)),
    block(
      brIf(0, eqz32(get(IMAGES))), brIf(0, eqz32(get(RUNS))),
      loop(
        set(entry, get(TABLE)), set(r, const32(0)),
        loop(
          set(d, add32(get(dst), mul32(load32(get(entry)), const32(4)))),
          set(len, load32(get(entry), 8)),
          ifElse(ltS32(load32(get(entry), 4), const32(0)),
            [moveFours(store128(get(d), get(fill))), moveOnes(store32(get(d), get(VALUE)))],
            [
              set(s, add32(get(src), mul32(load32(get(entry), 4), const32(4)))),
              moveFours([store128(get(d), load128(get(s))), bump(s, const32(16))]),
              moveOnes([storeF32(get(d), loadF32(get(s))), bump(s, const32(4))]),
            ]),
          bump(entry, const32(12)), bump(r, const32(1)), brIf(0, ltU32(get(r), get(RUNS))),
        ),
        bump(src, get(IN_PER)), bump(dst, get(OUT_PER)), bump(img, const32(1)), brIf(0, ltU32(get(img), get(IMAGES))),
      ),
    ),
  ];
  return { name: 'copyRuns', params: new Array<typeof i32>(PARAMS).fill(i32), locals: [...new Array<typeof i32>(8).fill(i32), v128], body };
};
