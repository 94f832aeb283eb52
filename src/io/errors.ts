/** @file LoadError: why a checkpoint did not load, as data to match on (io, format or mismatch, each with its problems). */
import type { DType } from '../dtype/index.js';
import { showShape } from '../shape/index.js';

/** a tensor's shape and dtype as a file, a template or a rule states it (file dtypes as in the file: 'F32', 'BF16'...) */
export interface TensorInfo {
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** what is wrong with the bytes themselves, before any template is consulted */
export type FormatProblem =
  /** the file ends before `needed` bytes (it has `size`) */
  | { readonly kind: 'truncated'; readonly needed: number; readonly size: number }
  /** the header is not a UTF-8 JSON object, or its __metadata__ is not a string-to-string map */
  | { readonly kind: 'header'; readonly detail: string }
  /** a tensor entry lacks or garbles its dtype, shape or data_offsets */
  | { readonly kind: 'entry'; readonly name: string; readonly detail: string }
  /** a dtype the safetensors format does not define */
  | { readonly kind: 'unknownDType'; readonly name: string; readonly dtype: string }
  /** the offsets span `actual` bytes where shape × dtype needs `expected` */
  | { readonly kind: 'byteSize'; readonly name: string; readonly expected: number; readonly actual: number }
  /** offsets past the end of the data, overlapping another tensor, or leaving bytes no tensor covers */
  | { readonly kind: 'offsets'; readonly name: string; readonly detail: string };

/** how a set of well-formed tensors differs from what was expected of it (a template, or the rules of a name mapping) */
export type Mismatch =
  /** nothing by this name; `expected` says what the template wanted (null where a rule needed it) */
  | { readonly kind: 'missing'; readonly name: string; readonly expected: TensorInfo | null }
  /** a tensor nothing asked for */
  | { readonly kind: 'unexpected'; readonly name: string; readonly actual: TensorInfo }
  | { readonly kind: 'shape'; readonly name: string; readonly expected: readonly number[]; readonly actual: readonly number[] }
  /** the stored dtype cannot become the template's (F16, BF16 and F64 load as float32, I64 as int32) */
  | { readonly kind: 'dtype'; readonly name: string; readonly expected: DType; readonly actual: string }
  /** a dtype of the format that shapegrad does not read (U8, F8_E4M3, C64...) */
  | { readonly kind: 'unsupported'; readonly name: string; readonly dtype: string }
  /** a value that does not fit the dtype it converts to: an I64 beyond int32, an F64 beyond float32, a BOOL byte not 0 or 1 */
  | { readonly kind: 'value'; readonly name: string; readonly detail: string }
  /** a name-mapping rule cannot apply: a wrong rank, sizes that do not split into gates, two rules writing one name */
  | { readonly kind: 'rule'; readonly name: string; readonly detail: string };

/**
 * Why a checkpoint did not load. `io`: the file could not be read (`code` is Node's, e.g. 'ENOENT');
 * `format`: the bytes are not a valid safetensors file; `mismatch`: the file is valid but its tensors
 * do not fit the template or the rules. Every problem found is listed, by name; `message` says it all in one line.
 */
export type LoadError =
  | { readonly kind: 'io'; readonly path: string; readonly code: string; readonly message: string }
  | { readonly kind: 'format'; readonly problems: readonly FormatProblem[]; readonly message: string }
  | { readonly kind: 'mismatch'; readonly problems: readonly Mismatch[]; readonly message: string };

const info = (t: TensorInfo): string => `${showShape(t.shape)} ${t.dtype}`;

/** one format problem in words */
export const showFormatProblem = (p: FormatProblem): string => {
  switch (p.kind) {
    case 'truncated': return `the file has ${p.size} bytes, ${p.needed} needed`;
    case 'header': return p.detail;
    case 'entry': return `${p.name}: ${p.detail}`;
    case 'unknownDType': return `${p.name}: unknown dtype ${JSON.stringify(p.dtype)}`;
    case 'byteSize': return `${p.name}: ${p.actual} bytes of data where its shape and dtype need ${p.expected}`;
    case 'offsets': return `${p.name}: ${p.detail}`;
  }
};

/** one mismatch in words */
export const showMismatch = (p: Mismatch): string => {
  switch (p.kind) {
    case 'missing': return `missing ${p.name}${p.expected === null ? '' : ` (${info(p.expected)})`}`;
    case 'unexpected': return `unexpected ${p.name} (${info(p.actual)})`;
    case 'shape': return `${p.name} has shape ${showShape(p.actual)}, expected ${showShape(p.expected)}`;
    case 'dtype': return `${p.name} has dtype ${p.actual}, expected ${p.expected}`;
    case 'unsupported': return `${p.name} has dtype ${p.dtype}, which shapegrad does not read`;
    case 'value': return `${p.name}: ${p.detail}`;
    case 'rule': return `${p.name}: ${p.detail}`;
  }
};

/** a format error listing its problems */
export const formatError = (problems: readonly FormatProblem[]): LoadError =>
  Object.freeze({ kind: 'format', problems, message: `not a valid safetensors file: ${problems.map(showFormatProblem).join('; ')}` });

/** a mismatch error listing its problems */
export const mismatchError = (problems: readonly Mismatch[]): LoadError =>
  Object.freeze({ kind: 'mismatch', problems, message: `the tensors do not fit: ${problems.map(showMismatch).join('; ')}` });
