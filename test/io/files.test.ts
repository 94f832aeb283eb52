/** @file Checkpoint files: save/load round trips, the bytes on disk, no temporary file left, io errors, metadata from the header. */
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { key, nn, tensor, toArray, zeros } from '../../src/index.js';
import { load, loadTensors, readMetadata, save, serialize, type LoadError } from '../../src/io/index.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shapegrad-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const right = <A>(e: E.Either<LoadError, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left.message);
  return e.right;
};
const errorOf = (e: E.Either<LoadError, unknown>): LoadError => {
  if (E.isRight(e)) throw new Error('expected an error');
  return e.left;
};

const model = nn.serial(nn.dense(3, 4), nn.relu(), nn.dense(4, 2));
const params = model.init(key(0));

describe('save and load', () => {
  it('writes exactly the serialized bytes, and loads them back into the template', async () => {
    const path = join(dir, 'model.safetensors');
    await save(path, params, { step: '10' });
    expect(new Uint8Array(await readFile(path))).toEqual(serialize(params, { step: '10' }));
    const loaded = right(await load(path, model.init(key(1))));
    expect(Array.from(toArray(loaded[2].kernel))).toEqual(Array.from(toArray(params[2].kernel)));
    expect(right(await readMetadata(path))).toEqual({ step: '10' });
    expect(Object.keys(right(await loadTensors(path))).sort()).toEqual(['0.bias', '0.kernel', '2.bias', '2.kernel']);
  });

  it('leaves no temporary file, and replaces an existing file', async () => {
    const sub = join(dir, 'replace');
    await mkdir(sub);
    const path = join(sub, 'ckpt.safetensors');
    await save(path, { a: tensor([1, 2]) });
    await save(path, { a: tensor([3, 4]) });
    expect(await readdir(sub)).toEqual(['ckpt.safetensors']);
    expect(Array.from(toArray(right(await load(path, { a: zeros([2]) })).a))).toEqual([3, 4]);
  });

  it('a record that cannot be saved writes nothing and keeps the old file', async () => {
    const sub = join(dir, 'bad-record');
    await mkdir(sub);
    const path = join(sub, 'ckpt.safetensors');
    await save(path, { a: tensor([1]) });
    await expect(save(path, { a: 5 })).rejects.toThrow(/a is number/);
    expect(await readdir(sub)).toEqual(['ckpt.safetensors']);
    expect(new Uint8Array(await readFile(path))).toEqual(serialize({ a: tensor([1]) }));
  });

  it('saves running concurrently to one path each leave a whole file', async () => {
    const sub = join(dir, 'concurrent');
    await mkdir(sub);
    const path = join(sub, 'ckpt.safetensors');
    const records = [1, 2, 3, 4].map((v) => ({ a: tensor([v, v, v]) }));
    await Promise.all(records.map((r) => save(path, r)));
    expect(await readdir(sub)).toEqual(['ckpt.safetensors']);
    const a = Array.from(toArray(right(await load(path, { a: zeros([3]) })).a));
    expect([1, 2, 3, 4].map((v) => [v, v, v])).toContainEqual(a);
  });

  it('a save into a missing folder rejects with the file system error', async () => {
    await expect(save(join(dir, 'no', 'such', 'x.safetensors'), params)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('load errors', () => {
  it('a missing file or a folder is an io error with the code', async () => {
    const missing = errorOf(await load(join(dir, 'nope.safetensors'), params));
    expect(missing).toMatchObject({ kind: 'io', code: 'ENOENT', path: join(dir, 'nope.safetensors') });
    expect(errorOf(await load(dir, params))).toMatchObject({ kind: 'io', code: 'EISDIR' });
    expect(errorOf(await readMetadata(join(dir, 'nope.safetensors')))).toMatchObject({ kind: 'io', code: 'ENOENT' });
    expect(errorOf(await loadTensors(join(dir, 'nope.safetensors')))).toMatchObject({ kind: 'io', code: 'ENOENT' });
  });

  it('a truncated file is a format error naming the file', async () => {
    const path = join(dir, 'cut.safetensors');
    const bytes = serialize(params);
    await writeFile(path, bytes.subarray(0, bytes.length - 4));
    const e = errorOf(await load(path, params));
    expect(e.kind).toBe('format');
    expect(e.message.startsWith(`${path}: not a valid safetensors file`)).toBe(true);
    await writeFile(path, bytes.subarray(0, 30));
    expect(errorOf(await readMetadata(path))).toMatchObject({ kind: 'format', problems: [{ kind: 'truncated', size: 30 }] });
    await writeFile(path, bytes.subarray(0, 5));
    expect(errorOf(await readMetadata(path))).toMatchObject({ kind: 'format', problems: [{ kind: 'truncated', needed: 8, size: 5 }] });
  });

  it('a file of another model is a mismatch listing every difference', async () => {
    const path = join(dir, 'other.safetensors');
    await save(path, nn.serial(nn.dense(3, 5), nn.relu(), nn.dense(5, 2)).init(key(0)));
    const e = errorOf(await load(path, params));
    expect(e.kind === 'mismatch' && e.problems.map((p) => `${p.kind} ${p.name}`)).toEqual(['shape 0.bias', 'shape 0.kernel', 'shape 2.kernel']);
  });
});
