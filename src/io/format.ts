/** @file The safetensors layout: writing a record's tensors, and reading and validating a file's header (no file system). */
import * as E from 'fp-ts/lib/Either.js';
import type { DType } from '../dtype/index.js';
import { numel, ValueError } from '../shape/index.js';
import { toArray, type AnyTensor } from '../tensor/index.js';
import { leavesWithPath } from '../tree/index.js';
import { byteLength, encode, isFileDType, WRITTEN_AS, type FileDType } from './dtypes.js';
import { formatError, type FormatProblem, type LoadError } from './errors.js';

/**
 * The file layout (https://github.com/huggingface/safetensors, "Format"): 8 bytes, N as a little-endian
 * u64; N bytes of UTF-8 JSON, `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { string: string } }`,
 * padded with spaces; then the data, each tensor row-major and little-endian at [begin, end) from the
 * start of the data, the tensors contiguous, not overlapping, covering the data exactly.
 */
const METADATA = '__metadata__';

/** string-to-string metadata stored in a checkpoint's header */
export type Metadata = Readonly<Record<string, string>>;

/** one tensor entry of a header: how to read its elements and where they are in the data */
export interface Entry {
  readonly name: string;
  readonly dtype: FileDType;
  readonly shape: readonly number[];
  /** [begin, end) from the start of the data */
  readonly begin: number;
  readonly end: number;
}
/** a validated header: the entries by name, the metadata, and where the data starts */
export interface Header {
  readonly entries: ReadonlyMap<string, Entry>;
  readonly metadata: Metadata;
  readonly dataStart: number;
}

// ---- writing -------------------------------------------------------------------------------------

const ALIGN = 8;
const rank: { readonly [K in DType]: number } = { float32: 0, int32: 1, bool: 2 };

/**
 * A record's tensors as the bytes of a safetensors file: names are their dotted paths (`layers.0.kernel`,
 * `1.bias` in a tuple; null subtrees have none), float32/int32/bool written as F32/I32/BOOL. As the
 * reference implementation, tensors are laid out by descending alignment (F32, I32, then BOOL), then by
 * name, and the header is padded with spaces so the data starts at a multiple of 8.
 * @example serialize({ kernel: zeros([2, 3]), bias: zeros([3]) }, { epoch: '3' }) // Uint8Array of a .safetensors file
 */
export const serialize = (record: unknown, metadata?: Metadata): Uint8Array => {
  const op = 'serialize';
  const leaves = leavesWithPath(record, op);
  const seen = new Set<string>();
  for (const [path] of leaves) {
    if (path === '') throw new ValueError(op, 'a checkpoint holds a record of tensors, not a bare tensor');
    if (path === METADATA) throw new ValueError(op, `${METADATA} is reserved for the metadata`);
    if (seen.has(path)) throw new ValueError(op, `two tensors have the name ${path} (a record key contains a dot)`);
    seen.add(path);
  }
  const meta = Object.entries(metadata ?? {});
  const badMeta = meta.find(([, v]) => typeof v !== 'string');
  if (badMeta) throw new ValueError(op, `metadata ${badMeta[0]} is ${typeof badMeta[1]}, not a string`);
  const order = [...leaves].sort(([a, x], [b, y]) => rank[x.dtype] - rank[y.dtype] || (a < b ? -1 : a > b ? 1 : 0));
  let offset = 0;
  const placed = order.map(([name, t]): readonly [string, AnyTensor, number, number] => {
    const begin = offset;
    offset += byteLength(WRITTEN_AS[t.dtype], t.size)!;
    return [name, t, begin, offset];
  });
  const fields = [
    ...(metadata === undefined ? [] : [`${JSON.stringify(METADATA)}:${JSON.stringify(Object.fromEntries(meta))}`]),
    ...placed.map(([name, t, begin, end]) =>
      `${JSON.stringify(name)}:${JSON.stringify({ dtype: WRITTEN_AS[t.dtype], shape: t.shape, data_offsets: [begin, end] })}`),
  ];
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const n = Math.ceil(json.length / ALIGN) * ALIGN;
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  for (const [, t, begin, end] of placed) encode(t.dtype, toArray(t) as ArrayLike<number>, out.subarray(8 + n + begin, 8 + n + end));
  return out;
};

// ---- reading -------------------------------------------------------------------------------------

const isObject = (x: unknown): x is Readonly<Record<string, unknown>> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** the header length N and the JSON text (bytes holds at least the header; the file has fileSize bytes), or what is wrong */
const headerText = (bytes: Uint8Array, fileSize: number): E.Either<FormatProblem, readonly [string, number]> => {
  if (fileSize < 8) return E.left({ kind: 'truncated', needed: 8, size: fileSize });
  const n = headerLength(bytes);
  if (n > fileSize - 8) return E.left({ kind: 'truncated', needed: 8 + n, size: fileSize });
  try {
    return E.right([new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n)), n]);
  } catch {
    return E.left({ kind: 'header', detail: 'the header is not valid UTF-8' });
  }
};
/** N, the header length in the first 8 bytes (as a number: beyond 2^53 it is past any file anyway) */
export const headerLength = (bytes: Uint8Array): number => {
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(n);
};

/** checks one tensor entry of the JSON header against a data section of `size` bytes */
const readEntry = (name: string, raw: unknown, size: number): E.Either<FormatProblem, Entry> => {
  if (!isObject(raw)) return E.left({ kind: 'entry', name, detail: 'the entry is not an object' });
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string') return E.left({ kind: 'entry', name, detail: 'dtype is not a string' });
  if (!Array.isArray(shape) || !shape.every(isCount)) return E.left({ kind: 'entry', name, detail: 'shape is not a list of non-negative integers' });
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0]! > offsets[1]!) {
    return E.left({ kind: 'entry', name, detail: 'data_offsets is not [begin, end] with 0 <= begin <= end' });
  }
  if (!isFileDType(dtype)) return E.left({ kind: 'unknownDType', name, dtype });
  const [begin, end] = offsets as [number, number];
  const elements = numel(shape as number[]);
  const expected = Number.isSafeInteger(elements) ? byteLength(dtype, elements) : undefined;
  if (expected !== end - begin) return E.left({ kind: 'byteSize', name, expected: expected ?? NaN, actual: end - begin });
  if (end > size) return E.left({ kind: 'offsets', name, detail: `[${begin}, ${end}) runs past the ${size} bytes of data` });
  return E.right({ name, dtype, shape: Object.freeze([...shape as number[]]), begin, end });
};

/** the tensors must tile the data: sorted by offsets, each begins where the one before ended, and the last ends at the end */
const layoutProblems = (entries: Iterable<Entry>, size: number): FormatProblem[] => {
  const problems: FormatProblem[] = [];
  let cursor = 0, last = '(the start)';
  for (const { name, begin, end } of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (begin < cursor) problems.push({ kind: 'offsets', name, detail: `[${begin}, ${end}) overlaps ${last}, which ends at ${cursor}` });
    else if (begin > cursor) problems.push({ kind: 'offsets', name, detail: `bytes [${cursor}, ${begin}) before it belong to no tensor` });
    if (end >= cursor) [cursor, last] = [end, name];
  }
  if (cursor < size) problems.push({ kind: 'offsets', name: last, detail: `bytes [${cursor}, ${size}) after it belong to no tensor` });
  return problems;
};

/**
 * Reads and validates the header of a safetensors file of `fileSize` bytes (default: all of `bytes`;
 * `bytes` needs to hold only the first 8 + N): every problem found, or the entries and metadata.
 */
export const parseHeader = (bytes: Uint8Array, fileSize = bytes.length): E.Either<LoadError, Header> => {
  const text = headerText(bytes, fileSize);
  if (E.isLeft(text)) return E.left(formatError([text.left]));
  const [json, n] = text.right;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    return E.left(formatError([{ kind: 'header', detail: `the header is not JSON (${(e as Error).message})` }]));
  }
  if (!isObject(parsed)) return E.left(formatError([{ kind: 'header', detail: 'the header is not a JSON object' }]));
  const size = fileSize - 8 - n;
  const problems: FormatProblem[] = [];
  const entries = new Map<string, Entry>();
  let metadata: Metadata = Object.freeze({});
  for (const [name, raw] of Object.entries(parsed)) {
    if (name === METADATA) {
      if (isObject(raw) && Object.values(raw).every((v) => typeof v === 'string')) metadata = Object.freeze({ ...raw as Metadata });
      else problems.push({ kind: 'header', detail: `${METADATA} is not a map of strings to strings` });
      continue;
    }
    const entry = readEntry(name, raw, size);
    if (E.isLeft(entry)) problems.push(entry.left);
    else entries.set(name, entry.right);
  }
  // the layout is judged only when every entry reads well: a broken entry's offsets mean nothing
  if (problems.length === 0) problems.push(...layoutProblems(entries.values(), size));
  return problems.length > 0 ? E.left(formatError(problems)) : E.right({ entries, metadata, dataStart: 8 + n });
};
