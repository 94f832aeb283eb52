/** @file The WebAssembly SIMD direct-convolution kernels: register tiles summed over every kernel position of a zero-padded image in place (no im2col), and their row driver. */
import {
  add32, block, brIf, bump, call, const32, divU32, eq32, get, gtU32, i32, load32, loop, ltU32, mul32, select32, set, sub32, v128,
  when, zero128, type Code, type Func,
} from './wasm-emit.js';
import { range, storeTile, tileStep, type TileLocals } from './wasm-tile.js';

/** rows of a convolution tile: output pixels along a row of the output image (4 x 8 keeps 8 accumulators in registers, as the gemm's tiles) */
export const CONV_MR = 4;
/** the width of a B panel (the gemm's NR): two f32x4 vectors */
export const CONV_NR = 8;

// parameters of a tile function (byte addresses and byte steps into the memory)
const A = 0, A_ROW = 1, A_TILE = 2, TABLE = 3, RUNS = 4, B = 5, B_PANEL = 6, C = 7, C_ROW = 8, TILES = 9, PANELS = 10;
const PARAMS = 11;


/**
 * The tile function for `mr` rows: for each of `tiles` groups of mr output pixels (the first at
 * A, row r at A + r * A_ROW, the next group A_TILE on) and each of `panels` nr-wide panels of B
 * (panel p at B + p * B_PANEL, its rows nr floats apart), c[r][j] = the sum over the run table's
 * entries (i32 pairs at TABLE: a byte offset from the pixel, a length in floats) of the run of
 * floats at pixel + offset times the next rows of the panel, in table order, each product
 * summed into an f32x4 accumulator as it comes (mul then add, or one fused madd when `fused`):
 * the accumulators stay in registers over every kernel position and channel, and are stored
 * once, at C + r * C_ROW + j * 4 (the next panel 4 * nr bytes on, the next group mr * C_ROW).
 */
const tileFunc = (mr: number, fused: boolean, nr: number): Func => {
  const nv = nr / 4;
  const tile = PARAMS, panel = PARAMS + 1, ent = PARAMS + 2, run = PARAMS + 3, bEnd = PARAMS + 4, bq = PARAMS + 5;
  const aTile = PARAMS + 6, cTile = PARAMS + 7, cp = PARAMS + 8, bPanel = PARAMS + 9;
  const ptr = PARAMS + 10; // ptr + r: row r's address in the current run
  const aOff = ptr + mr, cOff = aOff + mr; // r * A_ROW and r * C_ROW
  const acc0 = cOff + mr, b0 = acc0 + mr * nv, av = b0 + nv;
  const t: TileLocals = { mr, nv, acc0, b0, av };
  // one channel of the mr rows times one row of the panel. The loop is not unrolled: V8 hoists the
  // loads of unrolled steps ahead of their arithmetic and spills (4 steps a trip ran 1.4x slower).
  const step = tileStep(t, get(bq), (r) => get(ptr + r), fused);
  const runs: Code = [
    set(ent, get(TABLE)), set(run, const32(0)),
    loop(
      set(ptr, add32(get(aTile), load32(get(ent)))), range(mr - 1).map((r) => set(ptr + r + 1, add32(get(ptr), get(aOff + r + 1)))),
      set(bEnd, add32(get(bq), mul32(load32(get(ent), 4), const32(4 * nr)))),
      loop(step, range(mr).map((r) => bump(ptr + r, const32(4))), bump(bq, const32(4 * nr)), brIf(0, ltU32(get(bq), get(bEnd)))),
      bump(ent, const32(8)), bump(run, const32(1)), brIf(0, ltU32(get(run), get(RUNS))),
    ),
  ];
  const body: Code = [
    range(mr).map((r) => [set(aOff + r, mul32(const32(r), get(A_ROW))), set(cOff + r, mul32(const32(r), get(C_ROW)))]),
    set(aTile, get(A)), set(cTile, get(C)), set(tile, const32(0)),
    block(
      brIf(0, ltU32(get(TILES), const32(1))), brIf(0, ltU32(get(RUNS), const32(1))), brIf(0, ltU32(get(PANELS), const32(1))),
      loop(
        set(panel, const32(0)), set(bPanel, get(B)), set(cp, get(cTile)),
        loop(
          range(mr * nv).map((i) => set(acc0 + i, zero128)),
          set(bq, get(bPanel)),
          runs,
          storeTile(t, cp, cOff),
          bump(bPanel, get(B_PANEL)), bump(cp, const32(nr * 4)), bump(panel, const32(1)),
          brIf(0, ltU32(get(panel), get(PANELS))),
        ),
        bump(aTile, get(A_TILE)), bump(cTile, mul32(const32(mr), get(C_ROW))), bump(tile, const32(1)),
        brIf(0, ltU32(get(tile), get(TILES))),
      ),
    ),
  ];
  return {
    name: `convTile${mr}`,
    params: new Array<typeof i32>(PARAMS).fill(i32),
    locals: [...new Array<typeof i32>(10 + 3 * mr).fill(i32), ...new Array<typeof v128>(mr * nv + nv + 1).fill(v128)],
    body,
  };
};

// parameters of the driver
const X = 0, IMAGE = 1, OUT_ROW = 2, HO = 3, WO = 4, D_A_ROW = 5, D_TABLE = 6, D_RUNS = 7, D_B = 8, D_B_PANEL = 9, D_PANELS = 10, PER = 11;
const D_C = 12, D_C_ROW = 13, PAD_TABLE = 14, PAD_RUNS = 15, RAW = 16, RAW_IMAGE = 17, FIRST = 18, COUNT = 19;
const D_PARAMS = 20;
/** the driver's arguments but the last two (first row, row count): a shared call's chunks differ only in those */
export const CONV_HEAD = FIRST;
/**
 * The driver's arguments, in order: (x, image, outRow, ho, wo, aRow, table, runs, b, bPanel,
 * panels, per, c, cRow, padTable, padRuns, raw, rawImage, first, count).
 */
export type ConvArgs = readonly [
  x: number, image: number, outRow: number, ho: number, wo: number, aRow: number, table: number, runs: number,
  b: number, bPanel: number, panels: number, per: number, c: number, cRow: number,
  padTable: number, padRuns: number, raw: number, rawImage: number, first: number, count: number,
];

/**
 * `conv(...ConvArgs)`: output rows first .. first + count - 1 of a batch of images (row i is
 * image i / ho, output row i % ho): its pixels start at x + image * (i / ho) + outRow * (i % ho)
 * and are aRow bytes apart; its wo outputs go to c + i * wo * cRow, cRow bytes apart. Each row
 * runs its full tiles, then one tile of the remaining pixels, for each block of `per` panels (a
 * block of B that stays in the L1 cache while the row's tiles sweep it). First, when padRuns is
 * not 0, the images these rows read are laid out from their raw copies (rawImage bytes each from
 * raw) by the copyRuns function (function `copier` of the module) with the run table at padTable:
 * each image is padded by the call (or the chunk) that uses it, while it goes to the cache. The
 * tile functions for r rows are functions base + r - 1 of the module.
 */
const driverFunc = (base: number, copier: number, nr: number): Func => {
  const i = D_PARAMS, end = i + 1, img = i + 2, a = i + 3, c = i + 4, p0 = i + 5, np = i + 6, full = i + 7, rest = i + 8, last = i + 9;
  const tileArgs = (at: Code, cAt: Code, tiles: Code): Code[] => [
    at, get(D_A_ROW), mul32(const32(CONV_MR), get(D_A_ROW)), get(D_TABLE), get(D_RUNS),
    add32(get(D_B), mul32(get(p0), get(D_B_PANEL))), get(D_B_PANEL), cAt, get(D_C_ROW), tiles, get(np),
  ];
  const body: Code = [
    set(full, divU32(get(WO), const32(CONV_MR))), set(rest, sub32(get(WO), mul32(get(full), const32(CONV_MR)))),
    set(i, get(FIRST)), set(end, add32(get(FIRST), get(COUNT))),
    block(
      brIf(0, ltU32(get(COUNT), const32(1))), brIf(0, ltU32(get(D_PANELS), const32(1))),
      when(get(PAD_RUNS),
        set(img, divU32(get(FIRST), get(HO))), set(last, divU32(sub32(get(end), const32(1)), get(HO))),
        call(copier, get(PAD_TABLE), get(PAD_RUNS), add32(get(X), mul32(get(img), get(IMAGE))), add32(get(RAW), mul32(get(img), get(RAW_IMAGE))),
          add32(sub32(get(last), get(img)), const32(1)), get(RAW_IMAGE), get(IMAGE), const32(0))),
      loop(
        set(img, divU32(get(i), get(HO))),
        set(a, add32(add32(get(X), mul32(get(img), get(IMAGE))), mul32(sub32(get(i), mul32(get(img), get(HO))), get(OUT_ROW)))),
        set(c, add32(get(D_C), mul32(mul32(get(i), get(WO)), get(D_C_ROW)))),
        set(p0, const32(0)),
        loop(
          set(np, sub32(get(D_PANELS), get(p0))), set(np, select32(get(PER), get(np), gtU32(get(np), get(PER)))),
          when(get(full), call(base + CONV_MR - 1, ...tileArgs(get(a), add32(get(c), mul32(get(p0), const32(nr * 4))), get(full)))),
          range(CONV_MR - 1).map((r) => when(eq32(get(rest), const32(r + 1)), call(base + r, ...tileArgs(
            add32(get(a), mul32(mul32(get(full), const32(CONV_MR)), get(D_A_ROW))),
            add32(add32(get(c), mul32(get(p0), const32(nr * 4))), mul32(mul32(get(full), const32(CONV_MR)), get(D_C_ROW))),
            const32(1),
          )))),
          bump(p0, get(PER)), brIf(0, ltU32(get(p0), get(D_PANELS))),
        ),
        bump(i, const32(1)), brIf(0, ltU32(get(i), get(end))),
      ),
    ),
  ];
  return { name: 'conv', params: new Array<typeof i32>(D_PARAMS).fill(i32), locals: new Array<typeof i32>(10).fill(i32), body };
};

/** the convolution functions, to be placed at index `base` of a module whose function `copier` is copyRuns: the tile functions for 1..CONV_MR rows, then the driver `conv` */
export const convFuncs = (base: number, copier: number, fused: boolean): Func[] =>
  [...range(CONV_MR).map((r) => tileFunc(r + 1, fused, CONV_NR)), driverFunc(base, copier, CONV_NR)];

/** the driver, as exported */
export type ConvKernel = (...args: ConvArgs) => void;
