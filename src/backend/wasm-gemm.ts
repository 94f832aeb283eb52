/** @file The WebAssembly SIMD GEMM micro-kernels, emitted at load time: MR x NR register tiles of f32x4 accumulators. */
import {
  add32, assemble, block, brIf, bump, call, const32, divU32, eq32, eqz32, geU32, get, gtU32, i32, ifElse, load128, load32, loadF32,
  loop, ltU32, mul32, select32, set, store128, storeF32, sub32, v128, wasmApi, when, zero128, type Code, type Func,
  type MemoryType, type WasmMemory
} from './wasm-emit.js';
import { convFuncs, type ConvKernel } from './wasm-conv-kernels.js';
import { filterFuncs, type FilterKernel } from './wasm-conv-filter.js';
import { copyRunsFunc } from './wasm-copy.js';
import { loadTile, range, storeTile, tileStep, type TileLocals } from './wasm-tile.js';
import { elementwiseExports, elementwiseFuncs, type ElementwiseKernels } from './wasm-elementwise.js';

/** tile shape: MR rows of A by NR columns of B (NR / 4 vectors); 4 x 8 keeps 8 accumulators, 2 B vectors and 1 A splat in x64's 16 vector registers */
export const MR = 4;
export const NR = 8;

// parameters of every tile function (byte addresses and byte steps into the imported memory)
const A = 0, A_ROW = 1, A_COL = 2, A_TILE = 3, B = 4, B_K = 5, B_PANEL = 6, C = 7, C_ROW = 8, TILES = 9, K = 10, PANELS = 11, ACC = 12;
const PARAMS = 13;

/**
 * The tile function for `mr` rows (mr <= MR): for each of `tiles` groups of mr rows of A and each
 * of `panels` NR-wide column panels of B, c[i][j] = sum over q of a[i][q] * b[q][j], summed in
 * float32 lanes (f32x4 accumulators) in q order, mul then add, or one relaxed fused madd when
 * `fused`. A is read as a(i, q) at A + t * A_TILE + r * A_ROW + q * A_COL for row i = t * mr + r
 * (any strides: A_TILE = mr * A_ROW for a strided matrix, or MR-row panels); B as NR floats at B + panel * B_PANEL + q * B_K (packed panels, or a row-major
 * matrix whose width is a multiple of NR); C is written at C + i * C_ROW + j * 4, after adding
 * what C held when ACC is nonzero (so a long K runs as slabs, each summed on top of the last,
 * which keeps the q order). K must be >= 1.
 */
const tileFunc = (mr: number, fused: boolean): Func => {
  const nv = NR / 4;
  // i32 locals, then v128 accumulators [r][v], B vectors [v] and the A splat
  const tile = PARAMS, panel = PARAMS + 1, q = PARAMS + 2, ap = PARAMS + 3, bq = PARAMS + 4, aTile = PARAMS + 5;
  const cTile = PARAMS + 6, cp = PARAMS + 7, bPanel = PARAMS + 8;
  const aOff = PARAMS + 9, cOff = aOff + mr; // r * A_ROW and r * C_ROW for r < mr
  const acc0 = cOff + mr, b0 = acc0 + mr * nv, av = b0 + nv;
  const t: TileLocals = { mr, nv, acc0, b0, av };
  const step = tileStep(t, get(bq), (r) => (r === 0 ? get(ap) : add32(get(ap), get(aOff + r))), fused);
  const body: Code = [
    range(mr).map((r) => [set(aOff + r, mul32(const32(r), get(A_ROW))), set(cOff + r, mul32(const32(r), get(C_ROW)))]),
    set(aTile, get(A)), set(cTile, get(C)), set(tile, const32(0)),
    block(
      brIf(0, eqz32(get(TILES))),
      loop(
        set(panel, const32(0)), set(bPanel, get(B)), set(cp, get(cTile)),
        loop(
          ifElse(get(ACC),
            loadTile(t, cp, cOff),
            range(mr * nv).map((i) => set(acc0 + i, zero128))),
          set(ap, get(aTile)), set(bq, get(bPanel)), set(q, const32(0)),
          loop(step, bump(ap, get(A_COL)), bump(bq, get(B_K)), bump(q, const32(1)), brIf(0, ltU32(get(q), get(K)))),
          storeTile(t, cp, cOff),
          bump(bPanel, get(B_PANEL)), bump(cp, const32(NR * 4)), bump(panel, const32(1)),
          brIf(0, ltU32(get(panel), get(PANELS))),
        ),
        bump(aTile, get(A_TILE)), bump(cTile, mul32(const32(mr), get(C_ROW))), bump(tile, const32(1)),
        brIf(0, ltU32(get(tile), get(TILES))),
      ),
    ),
  ];
  return {
    name: `tile${mr}`,
    params: new Array<typeof i32>(PARAMS).fill(i32),
    locals: [...new Array<typeof i32>(9 + 2 * mr).fill(i32), ...new Array<typeof v128>(mr * nv + nv + 1).fill(v128)],
    body,
  };
};

/** the depth of one K slab: a tile's rows of A (MR x KC) and one B panel (KC x NR) stay in the L1 cache */
const KC = 256;
/** bytes of B one column block may take: the panels a row tile sweeps stay in the L2 cache */
const BLOCK_BYTES = 1 << 20;

// parameters of the gemm function
const G_A = 0, G_A_ROW = 1, G_A_COL = 2, G_A_TILE = 3, G_B = 4, G_B_K = 5, G_B_PANEL = 6, G_C = 7, G_C_ROW = 8, G_M = 9, G_K = 10, G_PANELS = 11;
const G_PARAMS = 12;

/**
 * The whole product of an m x k A and `panels` NR-wide panels of B (same layouts as the tiles):
 * for each K slab of at most KC (the second and later adding onto C), for each block of panels
 * that fits BLOCK_BYTES, the full MR-row tiles and then the remaining rows. Function `MR` of the
 * module; the tile functions for r rows are functions r - 1.
 */
const gemmFunc = (): Func => {
  const k0 = G_PARAMS, kk = k0 + 1, p0 = k0 + 2, np = k0 + 3, full = k0 + 4, rest = k0 + 5, per = k0 + 6;
  const aAt = k0 + 7, bAt = k0 + 8, cAt = k0 + 9;
  const tileArgs = (a: Code, c: Code, tiles: Code): Code[] =>
    [a, get(G_A_ROW), get(G_A_COL), get(G_A_TILE), get(bAt), get(G_B_K), get(G_B_PANEL), c, get(G_C_ROW), tiles, get(kk), get(np), get(k0)];
  const body: Code = [
    set(full, divU32(get(G_M), const32(MR))), set(rest, sub32(get(G_M), mul32(get(full), const32(MR)))),
    set(k0, const32(0)),
    block(
      brIf(0, eqz32(get(G_M))), brIf(0, eqz32(get(G_K))), brIf(0, eqz32(get(G_PANELS))), // nothing to do
      loop(
        set(kk, sub32(get(G_K), get(k0))), set(kk, select32(const32(KC), get(kk), gtU32(get(kk), const32(KC)))),
        set(per, divU32(const32(BLOCK_BYTES), mul32(const32(4 * NR), get(kk)))), set(per, select32(const32(1), get(per), eqz32(get(per)))),
        set(aAt, add32(get(G_A), mul32(get(k0), get(G_A_COL)))), set(p0, const32(0)),
        loop(
          set(np, sub32(get(G_PANELS), get(p0))), set(np, select32(get(per), get(np), gtU32(get(np), get(per)))),
          set(bAt, add32(add32(get(G_B), mul32(get(k0), get(G_B_K))), mul32(get(p0), get(G_B_PANEL)))),
          set(cAt, add32(get(G_C), mul32(get(p0), const32(NR * 4)))),
          when(get(full), call(MR - 1, ...tileArgs(get(aAt), get(cAt), get(full)))),
          Array.from({ length: MR - 1 }, (_, r) => when(eq32(get(rest), const32(r + 1)), call(r, ...tileArgs(
            add32(get(aAt), mul32(get(full), get(G_A_TILE))),
            add32(get(cAt), mul32(get(full), mul32(const32(MR), get(G_C_ROW)))),
            const32(1),
          )))),
          bump(p0, get(per)), brIf(0, ltU32(get(p0), get(G_PANELS))),
        ),
        bump(k0, const32(KC)), brIf(0, ltU32(get(k0), get(G_K))),
      ),
    ),
  ];
  return { name: 'gemm', params: new Array<typeof i32>(G_PARAMS).fill(i32), locals: new Array<typeof i32>(10).fill(i32), body };
};

/** the parameters of gemmBatch: the entry table's address, the entries [from, to), then gemm's steps and sizes */
export type GemmBatchArgs = readonly [
  table: number, from: number, to: number, aRow: number, aCol: number, aTile: number, bK: number, bPanel: number, cRow: number, m: number, k: number, panels: number,
];
/**
 * Entries [from, to) of a batch of gemm calls alike but for their addresses: entry p's a, b and c
 * are the three int32 at table + 12 p, the rest are the shared steps and sizes. The table is read
 * here, in wasm, so that a helper thread needs no JS view of a memory that may have grown.
 */
const gemmBatchFunc = (): Func => {
  const TABLE = 0, FROM = 1, TO = 2, steps = [3, 4, 5], bSteps = [6, 7], C_ROW_B = 8, sizes = [9, 10, 11], p = 12, at = 13;
  const body: Code = [
    set(p, get(FROM)), set(at, add32(get(TABLE), mul32(get(FROM), const32(12)))),
    block(
      brIf(0, geU32(get(p), get(TO))),
      loop(
        call(MR, load32(get(at)), ...steps.map(get), load32(get(at), 4), ...bSteps.map(get), load32(get(at), 8), get(C_ROW_B), ...sizes.map(get)),
        bump(at, const32(12)), bump(p, const32(1)), brIf(0, ltU32(get(p), get(TO))),
      ),
    ),
  ];
  return { name: 'gemmBatch', params: new Array<typeof i32>(12).fill(i32), locals: [i32, i32], body };
};

/**
 * Packs `panels` full `width`-wide column panels of a k x n matrix in memory (element (q, j) at
 * src + q * rowStep + j * colStep, byte steps): panel p, row q at dst + (p * k + q) * width * 4.
 * With width NR this is the B panels the tiles read; with width MR, rows of A (A read as its
 * transpose) in the MR-row panels the tiles read with A_ROW 4, A_COL 4 * MR, A_TILE 4 * MR * k.
 * Unit column steps copy whole vectors per row; any other steps load the elements one by one.
 */
const packFunc = (width: number): Func => {
  const SRC = 0, ROW = 1, COL = 2, DST = 3, KK = 4, PANELS = 5;
  const p = 6, q = 7, s = 8, out = 9, base = 10, off = 11; // off .. off + width - 1: j * colStep
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const scalarRow: Code = range(width).map((j) => storeF32(get(out), loadF32(j === 0 ? get(s) : add32(get(s), get(off + j))), 4 * j));
  const vectorRow: Code = range(width / 4).map((v) => store128(get(out), load128(get(s), 16 * v), 16 * v));
  const body: Code = [
    range(width).map((j) => set(off + j, mul32(const32(j), get(COL)))),
    set(out, get(DST)), set(base, get(SRC)), set(p, const32(0)),
    block(
      brIf(0, eqz32(get(PANELS))), brIf(0, eqz32(get(KK))),
      loop(
        set(s, get(base)), set(q, const32(0)),
        ifElse(eq32(get(COL), const32(4)),
          loop(vectorRow, bump(out, const32(width * 4)), bump(s, get(ROW)), bump(q, const32(1)), brIf(0, ltU32(get(q), get(KK)))),
          loop(scalarRow, bump(out, const32(width * 4)), bump(s, get(ROW)), bump(q, const32(1)), brIf(0, ltU32(get(q), get(KK))))),
        bump(base, get(off + width - 1)), bump(base, get(COL)), bump(p, const32(1)), brIf(0, ltU32(get(p), get(PANELS))),
      ),
    ),
  ];
  return { name: `pack${width}`, params: new Array<typeof i32>(6).fill(i32), locals: new Array<typeof i32>(6 + width).fill(i32), body };
};

/** the gemm function's arguments, in order (byte addresses and steps, as the tiles'; m rows, k, panels; any of them 0 does nothing) */
export type GemmArgs = readonly [a: number, aRow: number, aCol: number, aTile: number, b: number, bK: number, bPanel: number, c: number, cRow: number, m: number, k: number, panels: number];
/** a panel packer: (src, rowStep, colStep, dst, k, panels), byte addresses and steps */
export type Packer = (src: number, rowStep: number, colStep: number, dst: number, k: number, panels: number) => void;
/** the compiled kernels over one memory */
export interface GemmKernels {
  readonly memory: WasmMemory;
  /** the module, for other threads to instantiate over the same (shared) memory */
  readonly module: object;
  readonly fused: boolean;
  readonly gemm: (...args: GemmArgs) => void;
  /** entries of a batch of gemm calls whose addresses sit in a table in memory (see gemmBatchFunc) */
  readonly gemmBatch: (...args: GemmBatchArgs) => void;
  /** packs full NR-wide B panels already in memory (see packFunc): (src, rowStep, colStep, dst, k, panels) */
  readonly packB: Packer;
  /** packs full MR-row A panels from A's transpose already in memory (see packFunc) */
  readonly packA: Packer;
  /** replays a run table per image (see wasm-copy): (table, runs, dst, src, images, inPer, outPer, value bits) */
  readonly copyRuns: (table: number, runs: number, dst: number, src: number, images: number, inPer: number, outPer: number, value: number) => void;
  /** float32 elementwise arithmetic and relu (see wasm-elementwise) */
  readonly ew: ElementwiseKernels;
  /** the direct convolution's row driver (see wasm-conv-kernels) */
  readonly conv: ConvKernel;
  /** the driver of its kernel gradient (see wasm-conv-filter) */
  readonly filter: FilterKernel;
}

/** the module bytes: one tile function per row count 1..MR, then the gemm driver, the B and A packers, the patches copier, the elementwise loops, the convolution kernels (forward, then kernel gradient) and the batched gemm driver */
export const gemmModule = (fused: boolean, memory: MemoryType): Uint8Array => {
  const funcs = [...Array.from({ length: MR }, (_, i) => tileFunc(i + 1, fused)), gemmFunc(), packFunc(NR), packFunc(MR), copyRunsFunc(), ...elementwiseFuncs()];
  const copier = funcs.findIndex((f) => f.name === 'copyRuns'), conv = convFuncs(funcs.length, copier, fused);
  return assemble([...funcs, ...conv, ...filterFuncs(funcs.length + conv.length, copier, fused), gemmBatchFunc()], memory);
};

/**
 * Compiles the kernels over `memory` (synchronously: the module is a few KiB), fused with
 * relaxed-SIMD madd when asked and the runtime compiles it; undefined when WebAssembly SIMD
 * itself is unavailable.
 */
export const compileGemm = (memory: WasmMemory, type: MemoryType, wantFused: boolean): GemmKernels | undefined => {
  const wasm = wasmApi;
  if (wasm === undefined) return undefined;
  for (const fused of wantFused ? [true, false] : [false]) {
    const bytes = gemmModule(fused, type);
    let module: object;
    try {
      module = new wasm.Module(bytes); // Node 20 validates relaxed SIMD but compiles it only behind a flag
    } catch {
      continue;
    }
    const { exports } = new wasm.Instance(module, { env: { memory } });
    return {
      memory, module, fused, gemm: exports['gemm'] as GemmKernels['gemm'], gemmBatch: exports['gemmBatch'] as GemmKernels['gemmBatch'], packB: exports[`pack${NR}`] as Packer, packA: exports[`pack${MR}`] as Packer,
      copyRuns: exports['copyRuns'] as GemmKernels['copyRuns'], ew: elementwiseExports(exports), conv: exports['conv'] as ConvKernel,
      filter: exports['convFilter'] as FilterKernel,
    };
  }
  return undefined;
};
