/** @file The WebAssembly SIMD kernels of a convolution's kernel gradient: dw = patches(x)ᵀ @ dy summed over output pixels read in place from the zero-padded input (no im2col). */
import {
  add32, block, brIf, bump, call, const32, divU32, eq32, get, i32, ifElse, load32, loop, ltU32, mul32, select32, set, sub32, v128,
  when, zero128, type Code, type Func,
} from './wasm-emit.js';
import { CONV_MR, CONV_NR } from './wasm-conv-kernels.js';
import { loadTile, range, storeTile, tileStep, type TileLocals } from './wasm-tile.js';

// parameters of a tile function (byte addresses and byte steps into the memory)
const X = 0, X_ROW = 1, X_COL = 2, WO = 3, ROWS = 4, DY = 5, DY_ROW = 6, DY_COL = 7, OFFS = 8, TILES = 9, PANELS = 10, DW = 11, DW_ROW = 12, ACC = 13;
const PARAMS = 14;


/**
 * The tile function for `mr` rows of dw: for each of `tiles` groups of mr rows (row r's byte
 * offset from a window's origin at OFFS + 4r: a kernel position and a channel; the next group
 * 4 * mr bytes on) and each of `panels` nr-wide panels of dy's channels, dw[r][j] = the sum over
 * `rows` output rows (window origins X, X + X_ROW, ...) and their `wo` pixels (X_COL apart) of
 * x[origin + offset r] * dy[pixel][j] (dy's row i at DY + i * DY_ROW, pixels DY_COL apart, panel
 * p 4 * nr bytes on), summed into f32x4 accumulators pixel by pixel, mul then add (or one fused
 * madd), on top of what dw held when ACC is nonzero; dw row r at DW + r * DW_ROW (the next
 * group mr * DW_ROW on, the next panel 4 * nr bytes on).
 */
const tileFunc = (mr: number, fused: boolean, nr: number): Func => {
  const nv = nr / 4;
  const tile = PARAMS, panel = PARAMS + 1, row = PARAMS + 2, px = PARAMS + 3, dq = PARAMS + 4, offs = PARAMS + 5, dwp = PARAMS + 6;
  const xRow = PARAMS + 7, dRow = PARAMS + 8;
  const ptr = PARAMS + 9, off = ptr + mr, dwOff = off + mr; // per row r: its address, its offset, r * DW_ROW
  const acc0 = dwOff + mr, b0 = acc0 + mr * nv, av = b0 + nv;
  const t: TileLocals = { mr, nv, acc0, b0, av };
  const step = tileStep(t, get(dq), (r) => get(ptr + r), fused);
  const pixels: Code = [
    set(xRow, get(X)), set(dRow, add32(get(DY), mul32(get(panel), const32(4 * nr)))), set(row, const32(0)),
    loop(
      range(mr).map((r) => set(ptr + r, add32(get(xRow), get(off + r)))), set(dq, get(dRow)), set(px, const32(0)),
      loop(step, range(mr).map((r) => bump(ptr + r, get(X_COL))), bump(dq, get(DY_COL)), bump(px, const32(1)), brIf(0, ltU32(get(px), get(WO)))),
      bump(xRow, get(X_ROW)), bump(dRow, get(DY_ROW)), bump(row, const32(1)), brIf(0, ltU32(get(row), get(ROWS))),
    ),
  ];
  const body: Code = [
    range(mr).map((r) => set(dwOff + r, mul32(const32(r), get(DW_ROW)))),
    set(offs, get(OFFS)), set(dwp, get(DW)), set(tile, const32(0)),
    block(
      brIf(0, ltU32(get(TILES), const32(1))), brIf(0, ltU32(get(PANELS), const32(1))), brIf(0, ltU32(get(ROWS), const32(1))), brIf(0, ltU32(get(WO), const32(1))),
      loop(
        range(mr).map((r) => set(off + r, load32(get(offs), 4 * r))),
        set(panel, const32(0)),
        loop(
          ifElse(get(ACC),
            loadTile(t, dwp, dwOff),
            range(mr * nv).map((i) => set(acc0 + i, zero128))),
          pixels,
          storeTile(t, dwp, dwOff),
          bump(dwp, const32(4 * nr)), bump(panel, const32(1)), brIf(0, ltU32(get(panel), get(PANELS))),
        ),
        // back to panel 0, on to the next group of rows
        set(dwp, add32(sub32(get(dwp), mul32(get(PANELS), const32(4 * nr))), mul32(const32(mr), get(DW_ROW)))),
        bump(offs, const32(4 * mr)), bump(tile, const32(1)), brIf(0, ltU32(get(tile), get(TILES))),
      ),
    ),
  ];
  return {
    name: `filterTile${mr}`,
    params: new Array<typeof i32>(PARAMS).fill(i32),
    locals: [...new Array<typeof i32>(9 + 3 * mr).fill(i32), ...new Array<typeof v128>(mr * nv + nv + 1).fill(v128)],
    body,
  };
};

// parameters of the driver
const F_X = 0, IMAGE = 1, OUT_ROW = 2, HO = 3, F_WO = 4, F_X_COL = 5, F_OFFS = 6, M = 7, F_DY = 8, DY_IMAGE = 9, F_DY_ROW = 10, F_DY_COL = 11;
const F_PANELS = 12, F_DW = 13, DW_CHUNK = 14, F_DW_ROW = 15, SIZE = 16, PAD_TABLE = 17, PAD_RUNS = 18, RAW = 19, RAW_IMAGE = 20, FIRST = 21, COUNT = 22;
const F_PARAMS = 23;
/** the filter driver's arguments but the last two (first row, row count): a shared call's chunks differ only in those */
export const FILTER_HEAD = FIRST;
/**
 * The filter driver's arguments, in order: (x, image, outRow, ho, wo, xCol, offs, m, dy, dyImage,
 * dyRow, dyCol, panels, dw, dwChunk, dwRow, size, padTable, padRuns, raw, rawImage, first, count).
 */
export type FilterArgs = readonly [
  x: number, image: number, outRow: number, ho: number, wo: number, xCol: number, offs: number, m: number,
  dy: number, dyImage: number, dyRow: number, dyCol: number, panels: number, dw: number, dwChunk: number, dwRow: number, size: number,
  padTable: number, padRuns: number, raw: number, rawImage: number, first: number, count: number,
];

/**
 * `convFilter(...FilterArgs)`: the m rows of dw summed over output rows first .. first + count - 1
 * (row i is image i / ho, output row i % ho: window origins from x + image * (i / ho) + outRow *
 * (i % ho), wo of them xCol apart; dy's row from dy + dyImage * (i / ho) + dyRow * (i % ho)) into
 * the partial sum of chunk first / size, at dw + (first / size) * dwChunk: the rows of one image
 * at a time, every group of rows of dw over them (so a chunk's part of x and dy stays in the
 * cache), the first image's sums starting from zero. Padding first as the forward driver does
 * (padRuns not 0: the images of these rows laid out from their raw copies by function `copier`).
 * The tile functions for r rows are functions base + r - 1 of the module.
 */
const driverFunc = (base: number, copier: number): Func => {
  const i = F_PARAMS, end = i + 1, img = i + 2, oy = i + 3, n = i + 4, dw = i + 5, full = i + 6, rest = i + 7, acc = i + 8, last = i + 9;
  const tileArgs = (offs: Code, tiles: Code, dwAt: Code): Code[] => [
    add32(add32(get(F_X), mul32(get(img), get(IMAGE))), mul32(get(oy), get(OUT_ROW))), get(OUT_ROW), get(F_X_COL), get(F_WO), get(n),
    add32(add32(get(F_DY), mul32(get(img), get(DY_IMAGE))), mul32(get(oy), get(F_DY_ROW))), get(F_DY_ROW), get(F_DY_COL),
    offs, tiles, get(F_PANELS), dwAt, get(F_DW_ROW), get(acc),
  ];
  const body: Code = [
    set(full, divU32(get(M), const32(CONV_MR))), set(rest, sub32(get(M), mul32(get(full), const32(CONV_MR)))),
    set(i, get(FIRST)), set(end, add32(get(FIRST), get(COUNT))),
    set(dw, add32(get(F_DW), mul32(divU32(get(FIRST), get(SIZE)), get(DW_CHUNK)))), set(acc, const32(0)),
    block(
      brIf(0, ltU32(get(COUNT), const32(1))),
      when(get(PAD_RUNS),
        set(img, divU32(get(FIRST), get(HO))), set(last, divU32(sub32(get(end), const32(1)), get(HO))),
        call(copier, get(PAD_TABLE), get(PAD_RUNS), add32(get(F_X), mul32(get(img), get(IMAGE))), add32(get(RAW), mul32(get(img), get(RAW_IMAGE))),
          add32(sub32(get(last), get(img)), const32(1)), get(RAW_IMAGE), get(IMAGE), const32(0))),
      loop(
        set(img, divU32(get(i), get(HO))), set(oy, sub32(get(i), mul32(get(img), get(HO)))),
        set(n, sub32(get(HO), get(oy))), set(n, select32(sub32(get(end), get(i)), get(n), ltU32(sub32(get(end), get(i)), get(n)))),
        when(get(full), call(base + CONV_MR - 1, ...tileArgs(get(F_OFFS), get(full), get(dw)))),
        range(CONV_MR - 1).map((r) => when(eq32(get(rest), const32(r + 1)), call(base + r, ...tileArgs(
          add32(get(F_OFFS), mul32(get(full), const32(4 * CONV_MR))), const32(1), add32(get(dw), mul32(mul32(get(full), const32(CONV_MR)), get(F_DW_ROW))),
        )))),
        set(acc, const32(1)), bump(i, get(n)), brIf(0, ltU32(get(i), get(end))),
      ),
    ),
  ];
  return { name: 'convFilter', params: new Array<typeof i32>(F_PARAMS).fill(i32), locals: new Array<typeof i32>(10).fill(i32), body };
};

/** the kernel-gradient functions, to be placed at index `base` of a module whose function `copier` is copyRuns: the tile functions for 1..CONV_MR rows, then the driver `convFilter` */
export const filterFuncs = (base: number, copier: number, fused: boolean): Func[] =>
  [...range(CONV_MR).map((r) => tileFunc(r + 1, fused, CONV_NR)), driverFunc(base, copier)];

/** the driver, as exported */
export type FilterKernel = (...args: FilterArgs) => void;
