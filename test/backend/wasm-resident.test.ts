/** @file The ring of kept copies in the kernels' memory: a reused input is read in place and stays right across recycling, wiping and the ring's wrap-around. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../helpers/mulberry32.js';
import { fast, fromStorage, reference, type FusedProgram, type View } from '../../src/backend/index.js';
import { fusedWasm } from '../../src/backend/wasm-fused.js';
import { forgetStorage, wasmKernels } from '../../src/backend/wasm-matmul.js';
import { residentAddress, wipeResident } from '../../src/backend/wasm-resident.js';

const hasShared = wasmKernels() !== undefined && typeof SharedArrayBuffer !== 'undefined';
const next = mulberry32(0x71e6);
const floats = (n: number): Float32Array => Float32Array.from({ length: n }, () => 4 * next() - 2);
// relu(a + b) - a·0.5: both inputs read as whole runs
const program: FusedProgram = {
  nodes: [
    { kind: 'input', index: 0 }, { kind: 'input', index: 1 }, { kind: 'binary', op: 'add', a: 0, b: 1 }, { kind: 'unary', op: 'relu', x: 2 },
    { kind: 'input', index: 2 }, { kind: 'binary', op: 'mul', a: 0, b: 4 }, { kind: 'binary', op: 'sub', a: 3, b: 5 },
  ],
  dtypes: ['float32', 'float32', 'float32', 'float32', 'float32', 'float32', 'float32'], outputs: [6], inputs: 3,
};
const half = fromStorage('float32', Float32Array.of(0.5), []);
const run = (a: View, b: View): Float32Array => fusedWasm(program, [a, b, half], a.shape)!.data as Float32Array;
const want = (a: View, b: View): Float32Array => reference.fused(program, [a, b, half], a.shape).data as Float32Array;
/** the first index where two arrays differ bit for bit (NaNs alike), or -1 */
const firstDifference = (x: Float32Array, y: Float32Array): number => {
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i]) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return i;
  return -1;
};

describe.runIf(hasShared)('kept copies of reused inputs (wasm-resident)', () => {
  it('keeps an array from its third read, in the ring, and reads it in place after', () => {
    const data = floats(1 << 17);
    expect(residentAddress(data, () => undefined)).toBeUndefined(); // first read: only counted
    const a = fromStorage('float32', data, [1 << 17]), b = fromStorage('float32', floats(1 << 17), [1 << 17]);
    for (let i = 0; i < 4; i++) expect(firstDifference(run(a, b), want(a, b))).toBe(-1);
    const at = residentAddress(data, () => undefined);
    expect(at).toBeGreaterThanOrEqual(512 * 2 ** 20);
    const h = new Float32Array(wasmKernels()!.memory.buffer);
    expect(firstDifference(h.subarray(at! >> 2, (at! >> 2) + data.length), data)).toBe(-1);
  });

  it('serves the eager elementwise loops too (an add whose operands are read again)', () => {
    const a = fromStorage('float32', floats(1 << 17), [256, 512]), b = fromStorage('float32', floats(512), [512]);
    for (let i = 0; i < 3; i++) {
      const got = fast.binary('add', a, b, [256, 512], 'float32').data as Float32Array;
      expect(firstDifference(got, reference.binary('add', a, b, [256, 512], 'float32').data as Float32Array)).toBe(-1);
    }
    expect(residentAddress(a.data as Float32Array, () => undefined)).toBeDefined();
  });

  it('reads a view with an offset (rows sliced off the front) at the right place', () => {
    const data = floats(3 << 16), rows = 1 << 16;
    const a = { ...fromStorage('float32', data, [2, rows]), offset: rows }, b = fromStorage('float32', floats(2 * rows), [2, rows]);
    for (let i = 0; i < 3; i++) expect(firstDifference(run(a, b), want(a, b))).toBe(-1);
  });

  it('drops a copy when its storage is recycled (new contents are read, not the kept ones)', () => {
    const data = floats(1 << 17), other = fromStorage('float32', floats(1 << 17), [1 << 17]);
    const a = fromStorage('float32', data, [1 << 17]);
    run(a, other);
    run(a, other);
    run(a, other); // kept now
    expect(residentAddress(data, () => undefined)).toBeDefined();
    forgetStorage(data); // what the backward pass does before it hands the array back
    data.set(floats(data.length)); // the array's next life
    expect(firstDifference(run(a, other), want(a, other))).toBe(-1);
    expect(firstDifference(run(a, other), want(a, other))).toBe(-1);
  });

  it('stays right when the ring is wiped and when it wraps around (many arrays bigger than it in all)', () => {
    // 16 MB each (the most the ring keeps of one array), 80 MB in all (the ring holds 64)
    const n = 1 << 22;
    const seeded = (k: number): Float32Array => {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = ((i * 2654435761 + k * 40503) % 4093) / 1023 - 2;
      return out;
    };
    const arrays = Array.from({ length: 5 }, (_, k) => fromStorage('float32', seeded(k), [n]));
    const b = fromStorage('float32', seeded(9), [n]);
    // the program's value node by node, each rounded to float32 as the reference rounds it
    const wanted = arrays.map((a) => {
      const x = a.data as Float32Array, y = b.data as Float32Array, out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = Math.fround(x[i]! + y[i]!);
        out[i] = Math.fround((v <= 0 ? 0 : v) - Math.fround(x[i]! * 0.5));
      }
      return out;
    });
    for (let round = 0; round < 4; round++) {
      arrays.forEach((a, i) => expect(firstDifference(run(a, b), wanted[i]!), `round ${round}, array ${i}`).toBe(-1));
      if (round === 2) wipeResident();
    }
  });
});
