/** @file The safetensors element types: their sizes, which shapegrad dtype each loads as, and the little-endian decoders. */
import type { DType, StorageOf } from '../dtype/index.js';

/** bits per element of every dtype the safetensors format defines (sub-byte floats pack several per byte) */
const BITS = {
  BOOL: 8, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8, F8_E4M3FNUZ: 8, F8_E5M2FNUZ: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, F64: 64, I64: 64, U64: 64, C64: 64,
} as const;
/** a dtype name of the safetensors format */
export type FileDType = keyof typeof BITS;
/** the dtypes shapegrad reads: each loads as float32, int32 or bool */
export type ReadableDType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32' | 'I64' | 'BOOL';

/** true for a dtype name the format defines */
export const isFileDType = (d: string): d is FileDType => Object.hasOwn(BITS, d);
/** the number of bytes of n elements of d, or undefined when they do not fill whole bytes */
export const byteLength = (d: FileDType, n: number): number | undefined => {
  const bits = BITS[d] * n;
  return bits % 8 === 0 ? bits / 8 : undefined;
};

const LOADS_AS: { readonly [K in ReadableDType]: DType } = {
  F32: 'float32', F16: 'float32', BF16: 'float32', F64: 'float32', I32: 'int32', I64: 'int32', BOOL: 'bool',
};
/** the shapegrad dtype a file dtype loads as (undefined for the ones shapegrad does not read) */
export const loadsAs = (d: string): DType | undefined => (Object.hasOwn(LOADS_AS, d) ? LOADS_AS[d as ReadableDType] : undefined);
/** the file dtype each shapegrad dtype is written as */
export const WRITTEN_AS: { readonly [K in DType]: 'F32' | 'I32' | 'BOOL' } = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

// ---- half precision ------------------------------------------------------------------------------

/**
 * An IEEE 754 binary16 bit pattern as a number: sign s, 5-bit exponent e (bias 15), 10-bit fraction m.
 * e = 0: (−1)^s · m · 2^−24 (zero and subnormals); e = 31: ±Infinity (m = 0) or NaN; else (−1)^s · (1 + m/1024) · 2^(e−15).
 * Every binary16 value is exact in float32.
 */
export const halfToNumber = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
};

// bfloat16 is the top half of a float32: its bits shifted up 16 are the float32's bits (NaN payloads kept)
const bfBits = new Uint32Array(1);
const bfFloat = new Float32Array(bfBits.buffer);
/** a bfloat16 bit pattern as a number: the float32 whose upper 16 bits these are (exact) */
export const bfloat16ToNumber = (h: number): number => {
  bfBits[0] = (h & 0xffff) << 16;
  return bfFloat[0]!;
};

// ---- decoding ------------------------------------------------------------------------------------

/** the elements of one tensor as shapegrad stores them, or a sentence saying which value does not fit */
export type Decoded = { readonly ok: true; readonly data: StorageOf[DType] } | { readonly ok: false; readonly detail: string };

/** reads n little-endian elements of dtype d from `bytes` (exactly n × size bytes) into shapegrad's storage */
export const decode = (d: ReadableDType, bytes: Uint8Array, n: number): Decoded => {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fill = <A extends Float32Array | Int32Array | Uint8Array>(out: A, read: (i: number) => number): Decoded => {
    for (let i = 0; i < n; i++) out[i] = read(i);
    return { ok: true, data: out };
  };
  switch (d) {
    case 'F32': return fill(new Float32Array(n), (i) => v.getFloat32(4 * i, true));
    case 'F16': return fill(new Float32Array(n), (i) => halfToNumber(v.getUint16(2 * i, true)));
    case 'BF16': return fill(new Float32Array(n), (i) => bfloat16ToNumber(v.getUint16(2 * i, true)));
    case 'I32': return fill(new Int32Array(n), (i) => v.getInt32(4 * i, true));
    case 'F64': {
      for (let i = 0; i < n; i++) {
        const x = v.getFloat64(8 * i, true);
        if (Number.isFinite(x) && !Number.isFinite(Math.fround(x))) return { ok: false, detail: `element ${i} (${x}) overflows float32` };
      }
      return fill(new Float32Array(n), (i) => v.getFloat64(8 * i, true));
    }
    case 'I64': {
      for (let i = 0; i < n; i++) {
        const x = v.getBigInt64(8 * i, true);
        if (x < -(2n ** 31n) || x >= 2n ** 31n) return { ok: false, detail: `element ${i} (${x}) is outside the int32 range` };
      }
      return fill(new Int32Array(n), (i) => Number(v.getBigInt64(8 * i, true)));
    }
    case 'BOOL': {
      const bad = bytes.findIndex((b) => b > 1);
      if (bad >= 0) return { ok: false, detail: `element ${bad} is the byte ${bytes[bad]}, not a boolean (0 or 1)` };
      return fill(new Uint8Array(n), (i) => bytes[i]!);
    }
  }
};

/** writes a tensor's elements (row-major) as little-endian bytes of the file dtype its dtype is written as */
export const encode = (dtype: DType, data: ArrayLike<number>, out: Uint8Array): void => {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const n = data.length;
  if (dtype === 'float32') for (let i = 0; i < n; i++) v.setFloat32(4 * i, data[i]!, true);
  else if (dtype === 'int32') for (let i = 0; i < n; i++) v.setInt32(4 * i, data[i]!, true);
  else for (let i = 0; i < n; i++) out[i] = data[i]! === 0 ? 0 : 1;
};
