/** @file Checkpoint files: atomic save, load into a template, every tensor of a file, and the header's metadata. */
import * as E from 'fp-ts/lib/Either.js';
import type { AnyTensor } from '../tensor/index.js';
import { deserialize, deserializeTensors, readMetadataBytes } from './checkpoint.js';
import type { LoadError } from './errors.js';
import { headerLength, parseHeader, serialize, type Header, type Metadata } from './format.js';

// node:fs is imported when a file function runs, not when io is imported, and through a variable that bundlers
// leave alone (Vite, webpack): serialize and deserialize work in a browser, where a file function is an io error
const FS_MODULE = 'node:fs/promises';
const fs = (): Promise<typeof import('node:fs/promises')> => import(/* @vite-ignore */ /* webpackIgnore: true */ FS_MODULE);

const ioError = (path: string, e: unknown): LoadError => {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
  return Object.freeze({ kind: 'io', path, code, message: e instanceof Error ? e.message : String(e) });
};
/** names the file in a format or mismatch error's message */
const inFile = (path: string) => (e: LoadError): LoadError => (e.kind === 'io' ? e : Object.freeze({ ...e, message: `${path}: ${e.message}` }));

const readBytes = async (path: string): Promise<E.Either<LoadError, Uint8Array>> => {
  try {
    return E.right(await (await fs()).readFile(path));
  } catch (e) {
    return E.left(ioError(path, e));
  }
};

/**
 * Writes a record's tensors to a safetensors file (see serialize), atomically: the bytes go to a temporary
 * file beside `path`, which is flushed to disk and then renamed over it. A reader sees the old file or the
 * new one, never part of one; if anything fails the old file stays and the temporary file is removed.
 * @example await save('model.safetensors', { params, optState }, { step: '1000' })
 */
export const save = async (path: string, record: unknown, metadata?: Metadata): Promise<void> => {
  const bytes = serialize(record, metadata); // before touching the disk: a bad record writes nothing
  const { open, rename, rm } = await fs();
  const tmp = `${path}.${globalThis.crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
};

/**
 * Reads a safetensors file into the structure and types of `template` (see deserialize); a file that
 * cannot be read is an `io` LoadError.
 * @example await load('model.safetensors', { params: model.init(key(0)), optState }) // Either<LoadError, typeof template>
 */
export const load = async <T>(path: string, template: T): Promise<E.Either<LoadError, T>> =>
  E.mapLeft(inFile(path))(E.flatMap(await readBytes(path), (bytes) => deserialize(bytes, template)));

/** every tensor of a safetensors file by name, with no template (see deserializeTensors) */
export const loadTensors = async (path: string): Promise<E.Either<LoadError, Readonly<Record<string, AnyTensor>>>> =>
  E.mapLeft(inFile(path))(E.flatMap(await readBytes(path), deserializeTensors));

const metadataOf = E.map((h: Header): Metadata => h.metadata);
/** the header of a file, without reading its data: the first 8 bytes, then N more */
const readHeaderOf = async (path: string): Promise<E.Either<LoadError, Metadata>> => {
  let handle: Awaited<ReturnType<Awaited<ReturnType<typeof fs>>['open']>> | undefined;
  try {
    handle = await (await fs()).open(path, 'r');
    const { size } = await handle.stat();
    const head = new Uint8Array(8);
    await handle.read(head, 0, Math.min(8, size), 0);
    const n = size < 8 ? 0 : headerLength(head);
    if (size < 8 || n > size - 8) return metadataOf(parseHeader(head, size)); // reports the truncation
    const bytes = new Uint8Array(8 + n);
    bytes.set(head);
    await handle.read(bytes, 8, n, 8);
    return metadataOf(parseHeader(bytes, size));
  } catch (e) {
    return E.left(ioError(path, e));
  } finally {
    await handle?.close();
  }
};

/**
 * The string-to-string metadata of a checkpoint ({} when it has none), from its bytes or from a file
 * (reading only the header). The header is validated as by load.
 * @example await readMetadata('model.safetensors') // Right({ step: '1000' })
 */
export function readMetadata(bytes: Uint8Array): E.Either<LoadError, Metadata>;
export function readMetadata(path: string): Promise<E.Either<LoadError, Metadata>>;
export function readMetadata(source: Uint8Array | string): E.Either<LoadError, Metadata> | Promise<E.Either<LoadError, Metadata>> {
  if (typeof source !== 'string') return readMetadataBytes(source);
  return readHeaderOf(source).then(E.mapLeft(inFile(source)));
}
