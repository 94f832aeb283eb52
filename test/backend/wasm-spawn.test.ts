/** @file The helper thread's boot in either runtime (worker_threads' workerData, or a Web Worker's first message), the blocking test, and kernelInfo. */
import { describe, expect, it } from 'vitest';
import { kernelInfo } from '../../src/index.js';
import { bootSource, canBlock } from '../../src/backend/wasm-spawn.js';

/** runs a boot source with the given `process` and `self` bindings (undefined: that runtime lacks it) */
const runBoot = (body: string, proc: unknown, self: { onmessage: ((e: { data: unknown }) => void) | null }): void => {
  new Function('process', 'self', bootSource(body))(proc, self);
};

describe('the helper thread boots in either runtime', () => {
  const body = 'workerData.seen.push(workerData.tag);';
  it('in a Web Worker (no process): it waits for the first message, which carries the data, then stops listening', () => {
    const self: { onmessage: ((e: { data: unknown }) => void) | null } = { onmessage: null };
    const data = { tag: 'web', seen: [] as string[] };
    runBoot(body, undefined, self);
    expect(data.seen).toEqual([]); // nothing runs before the message
    self.onmessage!({ data });
    expect(data.seen).toEqual(['web']);
    expect(self.onmessage).toBeNull();
  });
  it("in a Node worker: it takes worker_threads' workerData at once and never listens for messages", () => {
    const self = { onmessage: null };
    const data = { tag: 'node', seen: [] as string[] };
    runBoot(body, { getBuiltinModule: (id: string) => (id === 'node:worker_threads' ? { isMainThread: false, workerData: data } : undefined) }, self);
    expect(data.seen).toEqual(['node']);
    expect(self.onmessage).toBeNull();
  });
  it('this thread may block in Atomics.wait (Node); a browser main thread may not, and gets no helper', () => {
    expect(canBlock()).toBe(true);
  });
});

describe('kernelInfo', () => {
  it('reports WebAssembly SIMD, shared memory and, once the helper has booted, two threads (Node 20: no FMA without its flag)', () => {
    const info = kernelInfo({ waitMs: 10_000 });
    expect(info).toEqual({ wasmSimd: true, fusedMultiplyAdd: info.fusedMultiplyAdd, sharedMemory: true, threads: 2 });
    expect(typeof info.fusedMultiplyAdd).toBe('boolean');
  });
});
