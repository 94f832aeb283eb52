/** @file A tiny WebAssembly assembler: the few opcodes the SIMD kernels use, and a module with one imported memory. */

/** a piece of code: a byte, or pieces of pieces (flattened when a function body is assembled) */
export type Code = number | readonly Code[];

/** value types */
export const i32 = 0x7f;
export const f32 = 0x7d;
export const v128 = 0x7b;
type ValType = typeof i32 | typeof f32 | typeof v128;

/** unsigned LEB128 */
const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};
/** signed LEB128 (32-bit) */
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
/** a name: its UTF-8 length, then its bytes */
const name = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};
const vec = (items: readonly (readonly number[])[]): number[] => [...uleb(items.length), ...items.flat()];
/** flattens nested code into bytes */
const flat = (c: Code): number[] => (typeof c === 'number' ? [c] : c.flatMap(flat));

// Control flow: blocks and loops take no values (block type 0x40); `br 0` in a loop continues it.
/** `block ... end`: `br` to it jumps past the end */
export const block = (...body: Code[]): Code => [0x02, 0x40, body, 0x0b];
/** `loop ... end`: `br` to it jumps back to the start */
export const loop = (...body: Code[]): Code => [0x03, 0x40, body, 0x0b];
/** `if cond then ... end` (a label level, like a block) */
export const when = (cond: Code, ...then: Code[]): Code => [cond, 0x04, 0x40, then, 0x0b];
/** `if cond then ... else ... end` (a label level, like a block) */
export const ifElse = (cond: Code, then: Code, otherwise: Code): Code => [cond, 0x04, 0x40, then, 0x05, otherwise, 0x0b];
/** branch to the label `depth` levels out if `cond` (an i32) is nonzero */
export const brIf = (depth: number, cond: Code): Code => [cond, 0x0d, uleb(depth)];

/** local.get / local.set */
export const get = (i: number): Code => [0x20, uleb(i)];
export const set = (i: number, value: Code): Code => [value, 0x21, uleb(i)];

/** i32 constants and arithmetic on popped operands */
export const const32 = (v: number): Code => [0x41, sleb(v)];
export const add32 = (a: Code, b: Code): Code => [a, b, 0x6a];
export const sub32 = (a: Code, b: Code): Code => [a, b, 0x6b];
export const mul32 = (a: Code, b: Code): Code => [a, b, 0x6c];
export const ltU32 = (a: Code, b: Code): Code => [a, b, 0x49];
export const eqz32 = (a: Code): Code => [a, 0x45];
export const eq32 = (a: Code, b: Code): Code => [a, b, 0x46];
export const gtU32 = (a: Code, b: Code): Code => [a, b, 0x4b];
export const divU32 = (a: Code, b: Code): Code => [a, b, 0x6e];
export const ltS32 = (a: Code, b: Code): Code => [a, b, 0x48];
export const geU32 = (a: Code, b: Code): Code => [a, b, 0x4f];
/** `cond ? a : b` on i32 values (both evaluated) */
export const select32 = (a: Code, b: Code, cond: Code): Code => [a, b, cond, 0x1b];
/** calls function `index` with `args` */
export const call = (index: number, ...args: Code[]): Code => [args, 0x10, uleb(index)];
/** `local += by` */
export const bump = (i: number, by: Code): Code => set(i, add32(get(i), by));

// SIMD: the 0xfd prefix and a LEB128 opcode; memory operands carry log2(alignment) and an offset.
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const memarg = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)];
/** v128.load from address + offset */
export const load128 = (address: Code, offset = 0): Code => [address, simd(0x00), memarg(4, offset)];
/** v128.store of value at address + offset */
export const store128 = (address: Code, value: Code, offset = 0): Code => [address, value, simd(0x0b), memarg(4, offset)];
/** f32.load / f32.store at address + offset (4-byte aligned) */
export const loadF32 = (address: Code, offset = 0): Code => [address, 0x2a, memarg(2, offset)];
export const storeF32 = (address: Code, value: Code, offset = 0): Code => [address, value, 0x38, memarg(2, offset)];
/** i32.load at address + offset (4-byte aligned) */
export const load32 = (address: Code, offset = 0): Code => [address, 0x28, memarg(2, offset)];
/** i32.store of value at address + offset (4-byte aligned) */
export const store32 = (address: Code, value: Code, offset = 0): Code => [address, value, 0x36, memarg(2, offset)];
/** i32x4.splat: an i32 in all four lanes */
export const splat32x4 = (value: Code): Code => [value, simd(0x11)];
/** v128.load32_splat: one f32 from address + offset in all four lanes */
export const loadSplat32 = (address: Code, offset = 0): Code => [address, simd(0x09), memarg(2, offset)];
/** v128.const of zeros */
export const zero128: Code = [simd(0x0c), new Array<number>(16).fill(0)];
/** f32x4 lane-wise arithmetic */
export const addF32x4 = (a: Code, b: Code): Code => [a, b, simd(0xe4)];
export const mulF32x4 = (a: Code, b: Code): Code => [a, b, simd(0xe6)];
export const subF32x4 = (a: Code, b: Code): Code => [a, b, simd(0xe5)];
export const divF32x4 = (a: Code, b: Code): Code => [a, b, simd(0xe7)];
/** f32x4.min / max: IEEE minimum / maximum (NaN if either is, -0 below +0), as Math.min / Math.max */
export const minF32x4 = (a: Code, b: Code): Code => [a, b, simd(0xe8)];
export const maxF32x4 = (a: Code, b: Code): Code => [a, b, simd(0xe9)];
/** f32x4.splat of an f32 */
export const splatF32x4 = (value: Code): Code => [value, simd(0x13)];
/** scalar f32 arithmetic (f32.min / max: as the vector forms) */
export const addF32 = (a: Code, b: Code): Code => [a, b, 0x92];
export const subF32 = (a: Code, b: Code): Code => [a, b, 0x93];
export const mulF32 = (a: Code, b: Code): Code => [a, b, 0x94];
export const divF32 = (a: Code, b: Code): Code => [a, b, 0x95];
export const minF32 = (a: Code, b: Code): Code => [a, b, 0x96];
export const maxF32 = (a: Code, b: Code): Code => [a, b, 0x97];
/** relaxed-SIMD f32x4.relaxed_madd: a * b + c, fused where the hardware has FMA (the one relaxed opcode used) */
export const maddF32x4 = (a: Code, b: Code, c: Code): Code => [a, b, c, simd(0x105)];

/** a function: its export name, parameter and local types (locals are numbered after the parameters), and body */
export interface Func {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly locals: readonly ValType[];
  readonly body: Code;
}

/** memory limits in 64 KiB pages; `shared` memories need a maximum (and threads to use them) */
export interface MemoryType {
  readonly initial: number;
  readonly maximum: number;
  readonly shared: boolean;
}

const section = (id: number, body: readonly number[]): number[] => [id, ...uleb(body.length), ...body];

/**
 * The bytes of a module that imports `env.memory` and exports `funcs` (each with its own type,
 * returning nothing). Compile them inside a try: a runtime may validate an opcode it will not
 * compile (Node 20 and relaxed SIMD without its flag).
 */
export const assemble = (funcs: readonly Func[], memory: MemoryType): Uint8Array => {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]);
  const limits = memory.shared ? [0x03, ...uleb(memory.initial), ...uleb(memory.maximum)] : [0x01, ...uleb(memory.initial), ...uleb(memory.maximum)];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const exports = vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const bodies = funcs.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...flat(f.body), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, exports),
    ...section(10, vec(bodies)),
  ]);
};

/** WebAssembly.Memory as far as the kernels use it */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
/** the WebAssembly API as far as the kernels use it (Node's type declarations leave it out) */
export interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: { readonly env: { readonly memory: WasmMemory } }) => { readonly exports: Readonly<Record<string, unknown>> };
  readonly Memory: new (type: MemoryType) => WasmMemory;
}
/** the runtime's WebAssembly, or undefined where there is none */
export const wasmApi: WasmApi | undefined = (globalThis as { readonly WebAssembly?: WasmApi }).WebAssembly;

// More SIMD, for the transcendental loops (wasm-transcendental): constants, bit operations, lane
// comparisons (all-ones / all-zeros lanes), the int -> float conversion and i32x4 arithmetic.
/** v128.const of four f32 lanes, each `v` rounded to float32 */
export const constF32x4 = (v: number): Code => [simd(0x0c), [...new Uint8Array(new Float32Array([v, v, v, v]).buffer)]];
/** v128.const of four i32 lanes, each `v` (taken modulo 2^32) */
export const constI32x4 = (v: number): Code => [simd(0x0c), [...new Uint8Array(new Int32Array([v, v, v, v]).buffer)]];
/** bitwise a & b, a | b */
export const and128 = (a: Code, b: Code): Code => [a, b, simd(0x4e)];
export const or128 = (a: Code, b: Code): Code => [a, b, simd(0x50)];
/** v128.bitselect: the bits of `a` where `mask` has ones, of `b` elsewhere */
export const bitselect128 = (a: Code, b: Code, mask: Code): Code => [a, b, mask, simd(0x52)];
/** f32x4 comparisons: all-ones lanes where true (every comparison with NaN is false but `ne`) */
export const eqF32x4 = (a: Code, b: Code): Code => [a, b, simd(0x41)];
export const ltF32x4 = (a: Code, b: Code): Code => [a, b, simd(0x43)];
export const geF32x4 = (a: Code, b: Code): Code => [a, b, simd(0x46)];
/** f32x4.abs: the sign bit cleared (NaN payloads kept) */
export const absF32x4 = (a: Code): Code => [a, simd(0xe0)];
/** f32x4.pmin / pmax: `b < a ? b : a` and `a < b ? b : a` (a NaN in `a` comes through, one in `b` does not) */
export const pminF32x4 = (a: Code, b: Code): Code => [a, b, simd(0xea)];
export const pmaxF32x4 = (a: Code, b: Code): Code => [a, b, simd(0xeb)];
/** f32x4.convert_i32x4_s: each i32 lane to the nearest float */
export const convertI32x4 = (a: Code): Code => [a, simd(0xfa)];
/** i32x4 lane-wise add, sub; shifts by an i32 count (shr: arithmetic `S`, logical `U`) */
export const addI32x4 = (a: Code, b: Code): Code => [a, b, simd(0xae)];
export const subI32x4 = (a: Code, b: Code): Code => [a, b, simd(0xb1)];
export const shlI32x4 = (a: Code, by: Code): Code => [a, by, simd(0xab)];
export const shrSI32x4 = (a: Code, by: Code): Code => [a, by, simd(0xac)];
export const shrUI32x4 = (a: Code, by: Code): Code => [a, by, simd(0xad)];
/** signed i32 a > b (scalar) */
export const gtS32 = (a: Code, b: Code): Code => [a, b, 0x4a];

// For the fused kernels (wasm-fused): the remaining lane comparisons, neg and sqrt, and float64
// lanes, to compute the ops the reference rounds once after several double operations.
/** f32x4 ne, gt, le (ne is true where either lane is NaN) */
export const neF32x4 = (a: Code, b: Code): Code => [a, b, simd(0x42)];
export const gtF32x4 = (a: Code, b: Code): Code => [a, b, simd(0x44)];
export const leF32x4 = (a: Code, b: Code): Code => [a, b, simd(0x45)];
/** f32x4.neg (the sign bit flipped) and f32x4.sqrt (correctly rounded) */
export const negF32x4 = (a: Code): Code => [a, simd(0xe1)];
export const sqrtF32x4 = (a: Code): Code => [a, simd(0xe3)];
/** i8x16.shuffle: byte k of the result is byte lanes[k] of a (0-15) or b (16-31) */
export const shuffle8x16 = (a: Code, b: Code, lanes: readonly number[]): Code => [a, b, simd(0x0d), [...lanes]];
/** f64x2.promote_low_f32x4 (lanes 0, 1 to doubles, exactly) and f32x4.demote_f64x2_zero (rounded to nearest into lanes 0, 1; lanes 2, 3 zero) */
export const promoteLowF64x2 = (a: Code): Code => [a, simd(0x5f)];
export const demoteF32x4 = (a: Code): Code => [a, simd(0x5e)];
/** f64x2 lane-wise sub, mul */
export const subF64x2 = (a: Code, b: Code): Code => [a, b, simd(0xf1)];
export const mulF64x2 = (a: Code, b: Code): Code => [a, b, simd(0xf2)];
/** v128.const of two f64 lanes, each `v` */
export const constF64x2 = (v: number): Code => [simd(0x0c), [...new Uint8Array(new Float64Array([v, v]).buffer)]];
