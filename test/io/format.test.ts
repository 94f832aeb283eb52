/** @file The safetensors bytes: our files read back by hand against the format, hand-built files read by us, dtype decoding, and every format error. */
import * as E from 'fp-ts/lib/Either.js';
import { match } from 'ts-pattern';
import { describe, expect, it } from 'vitest';
import { tensor, toArray, zeros, type AnyTensor, type Tensor } from '../../src/index.js';
import {
  deserialize, deserializeTensors, readMetadata, serialize, type FormatProblem, type LoadError, type Mismatch,
} from '../../src/io/index.js';
import { bfloat16ToNumber, halfToNumber } from '../../src/io/dtypes.js';

// ---- helpers: reading and building files by hand, following the format description only ----

interface RawEntry { readonly dtype: string; readonly shape: number[]; readonly data_offsets: [number, number] }
/** splits a file by hand: N (u64 little-endian), the JSON header, the data */
const split = (bytes: Uint8Array) => {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  return { n, text, header: JSON.parse(text) as Record<string, RawEntry | Record<string, string>>, data: bytes.subarray(8 + n) };
};
/** a file from a header (object or raw text) and data bytes */
const build = (header: unknown, data: ArrayLike<number> = [], padTo = 1): Uint8Array => {
  const json = typeof header === 'string' ? header : JSON.stringify(header);
  const raw = new TextEncoder().encode(json);
  const n = Math.ceil(raw.length / padTo) * padTo;
  const out = new Uint8Array(8 + n + data.length).fill(0x20, 8, 8 + n);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(raw, 8);
  out.set(Array.from(data), 8 + n);
  return out;
};
const le = (kind: 'f32' | 'i32' | 'u16' | 'f64' | 'i64', values: readonly (number | bigint)[]): number[] => {
  const size = { f32: 4, i32: 4, u16: 2, f64: 8, i64: 8 }[kind];
  const v = new DataView(new ArrayBuffer(size * values.length));
  values.forEach((x, i) => {
    if (kind === 'f32') v.setFloat32(i * size, Number(x), true);
    else if (kind === 'i32') v.setInt32(i * size, Number(x), true);
    else if (kind === 'u16') v.setUint16(i * size, Number(x), true);
    else if (kind === 'f64') v.setFloat64(i * size, Number(x), true);
    else v.setBigInt64(i * size, BigInt(x), true);
  });
  return Array.from(new Uint8Array(v.buffer));
};
const vals = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const right = <A>(e: E.Either<LoadError, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left.message);
  return e.right;
};
const formatProblems = (e: E.Either<LoadError, unknown>): readonly FormatProblem[] => {
  if (E.isRight(e) || e.left.kind !== 'format') throw new Error(`expected a format error, got ${E.isRight(e) ? 'a value' : e.left.message}`);
  return e.left.problems;
};
const mismatches = (e: E.Either<LoadError, unknown>): readonly Mismatch[] => {
  if (E.isRight(e) || e.left.kind !== 'mismatch') throw new Error(`expected a mismatch, got ${E.isRight(e) ? 'a value' : e.left.message}`);
  return e.left.problems;
};

// ---- writing: the bytes, read back by hand ----

describe('serialize: the bytes follow the format', () => {
  const record = { dense: { kernel: tensor([[1, -2], [0.5, 3]]), bias: tensor([0.25, -0]) }, count: tensor(7, 'int32'), mask: tensor([true, false, true]) };
  const bytes = serialize(record, { epoch: '3', note: 'é ✓' });
  const { n, text, header, data } = split(bytes);

  it('starts with N as a little-endian u64, then N bytes of JSON padded with spaces to a multiple of 8', () => {
    expect(n % 8).toBe(0);
    expect(bytes.length).toBe(8 + n + data.length);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    expect(text.startsWith('{')).toBe(true);
  });

  it('names tensors by their dotted paths, with dtype, shape and offsets, and keeps the metadata', () => {
    expect(Object.keys(header).sort()).toEqual(['__metadata__', 'count', 'dense.bias', 'dense.kernel', 'mask']);
    expect(header['__metadata__']).toEqual({ epoch: '3', note: 'é ✓' });
    expect(header['dense.bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(header['dense.kernel']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [8, 24] });
    expect(header['count']).toEqual({ dtype: 'I32', shape: [], data_offsets: [24, 28] });
    expect(header['mask']).toEqual({ dtype: 'BOOL', shape: [3], data_offsets: [28, 31] });
    expect(data.length).toBe(31);
  });

  it('writes the raw elements row-major and little-endian', () => {
    expect(Array.from(data.subarray(0, 8))).toEqual(le('f32', [0.25, -0]));
    expect(Array.from(data.subarray(8, 24))).toEqual(le('f32', [1, -2, 0.5, 3]));
    expect(Array.from(data.subarray(24, 28))).toEqual([7, 0, 0, 0]);
    expect(Array.from(data.subarray(28))).toEqual([1, 0, 1]);
  });

  it('writes transposed (strided) tensors in row-major order of their shape', async () => {
    const { transpose } = await import('../../src/index.js');
    const t = transpose(tensor([[1, 2, 3], [4, 5, 6]]));
    const { data: d } = split(serialize({ t }));
    expect(Array.from(d)).toEqual(le('f32', [1, 4, 2, 5, 3, 6]));
  });

  // byte strings from the reference implementation's own tests (huggingface/safetensors, safetensors/src/tensor.rs)
  it('gives the bytes of the reference implementation', () => {
    const attn = { attn: [tensor([[[0, 1, 2], [3, 4, 5]]])] };
    expect(Array.from(serialize(attn))).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51,
      50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
      115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0,
      128, 64, 0, 0, 160, 64,
    ]);
    expect(Array.from(serialize({ attn0: tensor([[[[0, 1, 2], [3, 4, 5]]]]) })).slice(0, 8)).toEqual([72, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(serialize({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(serialize({}, { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97,
      109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it('lays the data out by alignment (F32, I32, BOOL), then by name, so every element is aligned to its size', () => {
    const { header: h } = split(serialize({ a: tensor([true]), b: tensor([1], 'int32'), c: tensor([1]), d: [tensor([2]), null, tensor([3])] }));
    expect(Object.keys(h)).toEqual(['c', 'd.0', 'd.2', 'b', 'a']);
    for (const e of Object.values(h) as RawEntry[]) expect(e.data_offsets[0] % (e.dtype === 'BOOL' ? 1 : 4)).toBe(0);
  });

  it('refuses what cannot be a checkpoint: a bare tensor, a non-tensor leaf, two tensors of one name, the reserved key', () => {
    expect(() => serialize(tensor([1]))).toThrow(/record of tensors/);
    expect(() => serialize({ a: 3 })).toThrow(/a is number/);
    expect(() => serialize({ 'a.b': tensor([1]), a: { b: tensor([2]) } })).toThrow(/two tensors have the name a\.b/);
    expect(() => serialize({ __metadata__: tensor([1]) })).toThrow(/reserved/);
    expect(() => serialize({ a: tensor([1]) }, { n: 3 as unknown as string })).toThrow(/metadata n is number/);
  });
});

// ---- reading hand-built files ----

describe('deserialize: hand-built files', () => {
  it('reads F32, I32 and BOOL, with a padded header and any entry order', () => {
    const header = {
      m: { dtype: 'BOOL', shape: [2], data_offsets: [12, 14] },
      w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      __metadata__: { a: 'b' },
      n: { dtype: 'I32', shape: [], data_offsets: [8, 12] },
    };
    const bytes = build(header, [...le('f32', [1.5, -2]), ...le('i32', [-7]), 1, 0], 8);
    const out = right(deserialize(bytes, { w: zeros([2]), n: zeros([], 'int32'), m: tensor([false, false]) }));
    expect(vals(out.w)).toEqual([1.5, -2]);
    expect(out.n.dtype).toBe('int32');
    expect(vals(out.n)).toEqual([-7]);
    expect(vals(out.m)).toEqual([1, 0]);
    expect(right(readMetadata(bytes))).toEqual({ a: 'b' });
  });

  it('reads empty and scalar tensors', () => {
    const bytes = build({ e: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] }, s: { dtype: 'F32', shape: [], data_offsets: [0, 4] } }, le('f32', [9]));
    const out = right(deserialize(bytes, { e: zeros([0, 3]), s: zeros([]) }));
    expect(out.e.shape).toEqual([0, 3]);
    expect(vals(out.s)).toEqual([9]);
  });

  it('reads bytes at any offset of a larger buffer, and copies them: the tensors do not alias the file', () => {
    const file = serialize({ a: tensor([1.5, -2, 3]), n: tensor([4], 'int32') });
    const pool = new Uint8Array(file.length + 5);
    pool.set(file, 3);
    const bytes = pool.subarray(3, 3 + file.length);
    const out = right(deserialize(bytes, { a: zeros([3]), n: zeros([1], 'int32') }));
    pool.fill(0);
    expect(vals(out.a)).toEqual([1.5, -2, 3]);
    expect(vals(out.n)).toEqual([4]);
  });

  it('a header naming a tensor twice leaves the first one\'s bytes to no tensor: an error', () => {
    const text = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expect(formatProblems(deserialize(build(text, le('f32', [1, 2])), { a: zeros([1]) }))).toEqual([
      { kind: 'offsets', name: 'a', detail: 'bytes [0, 4) before it belong to no tensor' },
    ]);
  });

  it('reads a file without metadata as {} metadata', () => {
    expect(right(readMetadata(serialize({ a: zeros([1]) })))).toEqual({});
  });
});

describe('float16 and bfloat16', () => {
  const half: readonly (readonly [number, number])[] = [
    [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x3e00, 1.5], [0x3555, 0.333251953125], [0x0400, 2 ** -14],
    [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x8001, -(2 ** -24)], [0x7c00, Infinity], [0xfc00, -Infinity], [0x0000, 0],
  ];
  const hex = (rows: readonly (readonly [number, number])[]) => rows.map(([bits, v]) => [bits.toString(16).padStart(4, '0'), v, bits] as const);
  it.each(hex(half))('binary16 0x%s is %s', (_, value, bits) => expect(halfToNumber(bits)).toBe(value));
  it('binary16 NaN and -0', () => {
    expect(halfToNumber(0x7e00)).toBeNaN();
    expect(halfToNumber(0x7c01)).toBeNaN();
    expect(Object.is(halfToNumber(0x8000), -0)).toBe(true);
  });
  const bf: readonly (readonly [number, number])[] = [
    [0x3f80, 1], [0xc000, -2], [0x4049, 3.140625], [0x7f7f, 3.3895313892515355e38], [0x0080, 2 ** -126], [0x0001, 2 ** -133],
    [0x7f80, Infinity], [0xff80, -Infinity],
  ];
  it.each(hex(bf))('bfloat16 0x%s is %s', (_, value, bits) => expect(bfloat16ToNumber(bits)).toBe(value));
  it('bfloat16 NaN and -0', () => {
    expect(bfloat16ToNumber(0x7fc0)).toBeNaN();
    expect(Object.is(bfloat16ToNumber(0x8000), -0)).toBe(true);
  });

  it('F16 and BF16 files load as float32', () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001];
    const bytes = build({
      h: { dtype: 'F16', shape: [2, 2], data_offsets: [0, 8] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] },
    }, [...le('u16', bits), ...le('u16', [0x3f80, 0xc0a0])]);
    const out = right(deserialize(bytes, { h: zeros([2, 2]), b: zeros([2]) }));
    expect(out.h.dtype).toBe('float32');
    expect(vals(out.h)).toEqual([1, -2, 65504, 2 ** -24]);
    expect(vals(out.b)).toEqual([1, -5]);
    expect(vals(right(deserializeTensors(bytes))['h']!)).toEqual([1, -2, 65504, 2 ** -24]);
  });
});

describe('F64, I64 and bytes of BOOL: converted when they fit, an error naming the element when not', () => {
  it('F64 rounds to float32; I64 converts within the int32 range', () => {
    const bytes = build({
      d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      l: { dtype: 'I64', shape: [3], data_offsets: [16, 40] },
    }, [...le('f64', [0.1, -1e30]), ...le('i64', [-(2n ** 31n), 2n ** 31n - 1n, 5n])]);
    const out = right(deserialize(bytes, { d: zeros([2]), l: zeros([3], 'int32') }));
    expect(vals(out.d)).toEqual([Math.fround(0.1), Math.fround(-1e30)]);
    expect(vals(out.l)).toEqual([-(2 ** 31), 2 ** 31 - 1, 5]);
  });
  it('reports values that do not fit, every one by name', () => {
    const bytes = build({
      d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      l: { dtype: 'I64', shape: [1], data_offsets: [16, 24] },
      m: { dtype: 'BOOL', shape: [2], data_offsets: [24, 26] },
    }, [...le('f64', [1, 1e300]), ...le('i64', [2n ** 31n]), 0, 2]);
    const problems = mismatches(deserialize(bytes, { d: zeros([2]), l: zeros([1], 'int32'), m: tensor([true, true]) }));
    expect(problems).toEqual([
      { kind: 'value', name: 'd', detail: 'element 1 (1e+300) overflows float32' },
      { kind: 'value', name: 'l', detail: 'element 0 (2147483648) is outside the int32 range' },
      { kind: 'value', name: 'm', detail: 'element 1 is the byte 2, not a boolean (0 or 1)' },
    ]);
  });
  it('a dtype of the format that shapegrad does not read is a dtype mismatch, or unsupported without a template', () => {
    const bytes = build({ u: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, [1, 2]);
    expect(mismatches(deserialize(bytes, { u: zeros([2]) }))).toEqual([{ kind: 'dtype', name: 'u', expected: 'float32', actual: 'U8' }]);
    expect(mismatches(deserializeTensors(bytes))).toEqual([{ kind: 'unsupported', name: 'u', dtype: 'U8' }]);
  });
});

// ---- bad files ----

describe('format errors: nothing loads from a bad file', () => {
  const good = serialize({ a: tensor([1, 2]), b: tensor([3]) });
  const template = { a: zeros([2]), b: zeros([1]) };
  const problemsOf = (bytes: Uint8Array) => formatProblems(deserialize(bytes, template));
  const entry = (dtype: string, shape: number[], offsets: [number, number]) => ({ dtype, shape, data_offsets: offsets });

  it('a file shorter than 8 bytes, or than its header', () => {
    expect(problemsOf(new Uint8Array(5))).toEqual([{ kind: 'truncated', needed: 8, size: 5 }]);
    expect(problemsOf(good.subarray(0, 20))).toEqual([{ kind: 'truncated', needed: 8 + split(good).n, size: 20 }]);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(problemsOf(huge)[0]).toMatchObject({ kind: 'truncated', size: 16 });
  });

  it('a file cut inside its data: the last tensor runs past the end', () => {
    expect(problemsOf(good.subarray(0, good.length - 2))).toEqual([
      { kind: 'offsets', name: 'b', detail: '[8, 12) runs past the 10 bytes of data' },
    ]);
  });

  it('a header that is not UTF-8, not JSON, or not an object', () => {
    expect(problemsOf(build('{"a":1', []))[0]).toMatchObject({ kind: 'header', detail: expect.stringMatching(/not JSON/) });
    expect(problemsOf(build('[1, 2]', []))).toEqual([{ kind: 'header', detail: 'the header is not a JSON object' }]);
    const bad = build('{"\u00e9": 1}');
    bad[10] = 0xff;
    expect(problemsOf(bad)).toEqual([{ kind: 'header', detail: 'the header is not valid UTF-8' }]);
    expect(problemsOf(build({ __metadata__: { a: 1 } }))).toEqual([{ kind: 'header', detail: '__metadata__ is not a map of strings to strings' }]);
  });

  it('entries without a dtype, shape or offsets, or with an unknown dtype, every one reported', () => {
    const problems = problemsOf(build({
      a: entry('F32', [2], [0, 8]), b: { shape: [1], data_offsets: [8, 12] }, c: entry('F32', [-1], [0, 4]),
      d: entry('F32', [1], [8, 4] as [number, number]), e: entry('F33', [1], [8, 12]), f: 'x',
    }, le('f32', [1, 2, 3])));
    expect(problems).toEqual([
      { kind: 'entry', name: 'b', detail: 'dtype is not a string' },
      { kind: 'entry', name: 'c', detail: 'shape is not a list of non-negative integers' },
      { kind: 'entry', name: 'd', detail: 'data_offsets is not [begin, end] with 0 <= begin <= end' },
      { kind: 'unknownDType', name: 'e', dtype: 'F33' },
      { kind: 'entry', name: 'f', detail: 'the entry is not an object' },
    ]);
  });

  it('a data size that does not match shape × dtype', () => {
    expect(problemsOf(build({ a: entry('F32', [2], [0, 6]), b: entry('F16', [3], [6, 8]) }, new Array(8).fill(0)))).toEqual([
      { kind: 'byteSize', name: 'a', expected: 8, actual: 6 },
      { kind: 'byteSize', name: 'b', expected: 6, actual: 2 },
    ]);
  });

  it('overlapping offsets, gaps, out-of-range offsets and bytes after the last tensor', () => {
    expect(problemsOf(build({ a: entry('F32', [2], [0, 8]), b: entry('F32', [1], [4, 8]) }, new Array(8).fill(0)))).toEqual([
      { kind: 'offsets', name: 'b', detail: '[4, 8) overlaps a, which ends at 8' },
    ]);
    expect(problemsOf(build({ a: entry('F32', [2], [4, 12]), b: entry('F32', [1], [12, 16]) }, new Array(16).fill(0)))).toEqual([
      { kind: 'offsets', name: 'a', detail: 'bytes [0, 4) before it belong to no tensor' },
    ]);
    expect(problemsOf(build({ a: entry('F32', [2], [0, 8]), b: entry('F32', [1], [8, 12]) }, new Array(14).fill(0)))).toEqual([
      { kind: 'offsets', name: 'b', detail: 'bytes [12, 14) after it belong to no tensor' },
    ]);
    expect(problemsOf(build({ a: entry('F32', [2], [0, 8]), b: entry('F32', [1], [8, 12]) }, new Array(8).fill(0)))).toEqual([
      { kind: 'offsets', name: 'b', detail: '[8, 12) runs past the 8 bytes of data' },
    ]);
  });

  it('readMetadata and deserializeTensors validate the same way', () => {
    expect(formatProblems(readMetadata(good.subarray(0, 20)))[0]!.kind).toBe('truncated');
    expect(formatProblems(deserializeTensors(good.subarray(0, good.length - 1)))[0]!.kind).toBe('offsets');
  });

  it('is a LoadError users can match on exhaustively', () => {
    const describe_ = (e: LoadError): string => match(e)
      .with({ kind: 'io' }, (x) => `io ${x.code}`)
      .with({ kind: 'format' }, (x) => `format: ${x.problems.map((p) => p.kind).join(',')}`)
      .with({ kind: 'mismatch' }, (x) => `mismatch: ${x.problems.map((p) => p.kind).join(',')}`)
      .exhaustive();
    const r = deserialize(new Uint8Array(3), template);
    expect(E.isLeft(r) && describe_(r.left)).toBe('format: truncated');
    expect(E.isLeft(r) && r.left.message).toBe('not a valid safetensors file: the file has 3 bytes, 8 needed');
  });
});

describe('mismatch against the template: every problem, by name, in one error', () => {
  const bytes = serialize({ layers: [{ kernel: zeros([3, 4]), bias: zeros([4]) }, null, { kernel: zeros([4, 2]) }], step: zeros([], 'int32'), extra: zeros([1]) });
  const template = {
    layers: [{ kernel: zeros([3, 4]), bias: zeros([5]) }, null, { kernel: zeros([4, 2]), bias: zeros([2]) }],
    step: zeros([]) as Tensor<[]>,
  };
  it('lists missing, extra, misshapen and mistyped tensors', () => {
    const r = deserialize(bytes, template);
    expect(mismatches(r)).toEqual([
      { kind: 'shape', name: 'layers.0.bias', expected: [5], actual: [4] },
      { kind: 'missing', name: 'layers.2.bias', expected: { shape: [2], dtype: 'float32' } },
      { kind: 'dtype', name: 'step', expected: 'float32', actual: 'I32' },
      { kind: 'unexpected', name: 'extra', actual: { shape: [1], dtype: 'F32' } },
    ]);
    expect(E.isLeft(r) && r.left.message).toBe('the tensors do not fit: layers.0.bias has shape [4], expected [5]; missing layers.2.bias ([2] float32); '
      + 'step has dtype I32, expected float32; unexpected extra ([1] F32)');
  });
  it('reports a tensor with both a wrong shape and a wrong dtype twice', () => {
    expect(mismatches(deserialize(serialize({ a: zeros([2], 'int32') }), { a: zeros([3]) }))).toEqual([
      { kind: 'shape', name: 'a', expected: [3], actual: [2] },
      { kind: 'dtype', name: 'a', expected: 'float32', actual: 'I32' },
    ]);
  });
});
