/** @file Atomic save under failures: a write or rename that fails, and a reader during a write, see only whole files. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tensor } from '../../src/index.js';
import { save, serialize } from '../../src/io/index.js';

// the file system as save sees it, with faults injected on demand (save imports node:fs/promises when it runs)
const faults = vi.hoisted(() => ({
  failWrite: false, failRename: false, renames: [] as [string, string][], paused: undefined as Promise<void> | undefined,
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (code: string) => Object.assign(new Error(`${code} (injected)`), { code });
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      return {
        writeFile: async (data: Uint8Array) => {
          if (faults.failWrite) {
            await handle.writeFile(data.subarray(0, data.length >> 1));
            throw fail('ENOSPC');
          }
          await faults.paused;
          return handle.writeFile(data);
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
    rename: async (from: string, to: string) => {
      faults.renames.push([from, to]);
      if (faults.failRename) throw fail('EXDEV');
      return real.rename(from, to);
    },
  };
});

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shapegrad-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  Object.assign(faults, { failWrite: false, failRename: false, renames: [], paused: undefined });
});

const before = { a: tensor([1, 2, 3]) };
const after = { a: tensor([4, 5, 6]) };
const fresh = async (name: string): Promise<string> => {
  const path = join(dir, name);
  await save(path, before);
  return path;
};

describe('atomic save', () => {
  it('writes a temporary file in the same folder, then renames it over the target', async () => {
    const path = await fresh('same-folder.safetensors');
    await save(path, after);
    const [from, to] = faults.renames.at(-1)!;
    expect(to).toBe(path);
    expect(dirname(from)).toBe(dirname(path));
    expect(from).not.toBe(path);
    expect(new Uint8Array(await readFile(path))).toEqual(serialize(after));
  });

  it('a write that fails half-way keeps the old file and removes the temporary one', async () => {
    const path = await fresh('write-fails.safetensors');
    faults.failWrite = true;
    await expect(save(path, after)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(new Uint8Array(await readFile(path))).toEqual(serialize(before));
    expect((await readdir(dir)).filter((f) => f.startsWith('write-fails'))).toEqual(['write-fails.safetensors']);
  });

  it('a rename that fails keeps the old file and removes the temporary one', async () => {
    const path = await fresh('rename-fails.safetensors');
    faults.failRename = true;
    await expect(save(path, after)).rejects.toMatchObject({ code: 'EXDEV' });
    expect(new Uint8Array(await readFile(path))).toEqual(serialize(before));
    expect((await readdir(dir)).filter((f) => f.startsWith('rename-fails'))).toEqual(['rename-fails.safetensors']);
  });

  it('a reader during the write sees the old file; after it, the new one', async () => {
    const path = await fresh('reader.safetensors');
    let resume = (): void => undefined;
    faults.paused = new Promise((r) => { resume = r; });
    const saving = save(path, after);
    await new Promise((r) => setTimeout(r, 20));
    expect(new Uint8Array(await readFile(path))).toEqual(serialize(before));
    resume();
    await saving;
    expect(new Uint8Array(await readFile(path))).toEqual(serialize(after));
  });
});
