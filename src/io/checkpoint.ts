/** @file Loading tensors into a template's structure: every missing, extra, misshapen or mistyped tensor reported at once. */
import * as E from 'fp-ts/lib/Either.js';
import type { DType } from '../dtype/index.js';
import { numel, sameShape } from '../shape/index.js';
import { fromArray, type AnyTensor } from '../tensor/index.js';
import { leavesWithPath, unflatten } from '../tree/index.js';
import { decode, loadsAs, type ReadableDType } from './dtypes.js';
import { mismatchError, type LoadError, type Mismatch, type TensorInfo } from './errors.js';
import { parseHeader, type Entry, type Header, type Metadata } from './format.js';

/** a tensor that can be loaded: what it claims to be, and how to get it (decoding happens only once everything fits) */
interface Source {
  readonly info: TensorInfo;
  /** the dtype it loads as (undefined: shapegrad cannot read it) */
  readonly loadsAs: DType | undefined;
  readonly read: () => E.Either<Mismatch, AnyTensor>;
}

const fromEntry = (e: Entry, bytes: Uint8Array, dataStart: number): Source => {
  const dtype = loadsAs(e.dtype);
  return {
    info: { shape: e.shape, dtype: e.dtype },
    loadsAs: dtype,
    // called only when dtype is defined: the entry's dtype is one decode reads
    read: () => {
      const decoded = decode(e.dtype as ReadableDType, bytes.subarray(dataStart + e.begin, dataStart + e.end), numel(e.shape));
      if (!decoded.ok) return E.left({ kind: 'value', name: e.name, detail: decoded.detail });
      const t = fromArray(decoded.data, e.shape, dtype);
      return E.mapLeft((err: Error): Mismatch => ({ kind: 'value', name: e.name, detail: err.message }))(t);
    },
  };
};
const fromTensor = (t: AnyTensor): Source => ({
  info: { shape: t.shape as readonly number[], dtype: t.dtype }, loadsAs: t.dtype, read: () => E.right(t),
});

/** the sources in the template's structure, or every way they differ from it */
const fit = <T>(sources: ReadonlyMap<string, Source>, template: T, op: string): E.Either<LoadError, T> => {
  const wanted = leavesWithPath(template, op);
  const problems: Mismatch[] = [];
  const values: AnyTensor[] = [];
  for (const [name, t] of wanted) {
    const expected: TensorInfo = { shape: t.shape as readonly number[], dtype: t.dtype };
    const s = sources.get(name);
    if (s === undefined) {
      problems.push({ kind: 'missing', name, expected });
      continue;
    }
    const shapeOk = sameShape(s.info.shape as number[], expected.shape as number[]);
    if (!shapeOk) problems.push({ kind: 'shape', name, expected: expected.shape, actual: s.info.shape });
    if (s.loadsAs !== t.dtype) problems.push({ kind: 'dtype', name, expected: t.dtype, actual: s.info.dtype });
    else if (shapeOk) {
      const r = s.read();
      if (E.isLeft(r)) problems.push(r.left);
      else values.push(r.right);
    }
  }
  const names = new Set(wanted.map(([name]) => name));
  for (const [name, s] of sources) if (!names.has(name)) problems.push({ kind: 'unexpected', name, actual: s.info });
  return problems.length > 0 ? E.left(mismatchError(problems)) : E.right(unflatten(template, values, op));
};

const entriesOf = (record: Readonly<Record<string, AnyTensor>>): [string, AnyTensor][] =>
  Object.keys(record).map((k) => [k, record[k]!]);

/**
 * Tensors by dotted name (as mapCheckpoint or deserializeTensors give them) in the structure and types of
 * `template`: every tensor of the template must be there with its shape and dtype, and nothing else.
 * @example restore({ kernel: k, bias: b }, dense(3, 4).init(key(0))) // Right({ kernel, bias })
 */
export const restore = <T>(tensorsByName: Readonly<Record<string, AnyTensor>>, template: T): E.Either<LoadError, T> =>
  fit(new Map(entriesOf(tensorsByName).map(([k, t]) => [k, fromTensor(t)])), template, 'restore');

/**
 * The record stored in safetensors bytes, rebuilt in the structure and with the types of `template` (a
 * record of the same kind: `model.init(key)`, `opt.init(params)`). F16, BF16 and F64 load as float32, I64
 * as int32. A bad file, or any tensor missing, extra, of another shape or of a dtype that cannot convert,
 * gives a LoadError listing every problem; nothing is half-loaded.
 * @example deserialize(serialize(params), params) // Right(a copy of params)
 */
export const deserialize = <T>(bytes: Uint8Array, template: T): E.Either<LoadError, T> =>
  E.flatMap(parseHeader(bytes), (h) => fit(new Map([...h.entries].map(([k, e]) => [k, fromEntry(e, bytes, h.dataStart)])), template, 'deserialize'));

/**
 * Every tensor stored in safetensors bytes, by name, with no template (e.g. a PyTorch state_dict, for
 * mapCheckpoint). A tensor of a dtype shapegrad does not read is an error.
 */
export const deserializeTensors = (bytes: Uint8Array): E.Either<LoadError, Readonly<Record<string, AnyTensor>>> =>
  E.flatMap(parseHeader(bytes), (h) => {
    const problems: Mismatch[] = [];
    const out: [string, AnyTensor][] = [];
    for (const [name, e] of h.entries) {
      const s = fromEntry(e, bytes, h.dataStart);
      if (s.loadsAs === undefined) {
        problems.push({ kind: 'unsupported', name, dtype: e.dtype });
        continue;
      }
      const r = s.read();
      if (E.isLeft(r)) problems.push(r.left);
      else out.push([name, r.right]);
    }
    return problems.length > 0 ? E.left(mismatchError(problems)) : E.right(Object.freeze(Object.fromEntries(out)));
  });

/** the string-to-string metadata in the header of safetensors bytes ({} when there is none) */
export const readMetadataBytes = (bytes: Uint8Array): E.Either<LoadError, Metadata> => E.map((h: Header) => h.metadata)(parseHeader(bytes));
