/**
 * @file Lets jax-js use its Web Worker pool under Node.js 20, which has no global `Worker` (and no
 * `navigator`). jax-js spreads a wasm kernel over `navigator.hardwareConcurrency` workers when
 * `Worker` and SharedArrayBuffer exist; its workers are created as `new Worker(blobURL)` from a
 * script that talks through `self.onmessage` / `postMessage`. This installs a minimal Web-Worker
 * face over node:worker_threads: Blob is wrapped to remember the text of string blobs, so the
 * worker's source can be read back by its URL, and each shim worker evaluates that source after a
 * prelude mapping `self`/`postMessage`/`onmessage` onto the thread's parentPort.
 * Must run before jax-js's `init('wasm')`, which is when its memory and worker pool are created.
 */
import { Worker as NodeWorker } from 'node:worker_threads';

const PRELUDE = [
  "const { parentPort } = require('node:worker_threads');",
  'globalThis.self = globalThis;',
  'globalThis.postMessage = (m) => parentPort.postMessage(m);',
  "parentPort.on('message', (data) => { if (typeof self.onmessage === 'function') self.onmessage({ data }); });",
].join('\n');

interface MessageLike { readonly data: unknown }

export const installNodeWorkers = (workers: number): void => {
  const texts = new Map<string, string>();
  const blobText = new WeakMap<Blob, string>();
  const NativeBlob = globalThis.Blob, nativeCreate = URL.createObjectURL;
  type Parts = ConstructorParameters<typeof NativeBlob>[0];
  type Options = ConstructorParameters<typeof NativeBlob>[1];
  globalThis.Blob = class extends NativeBlob {
    constructor(parts?: Parts, options?: Options) {
      super(parts ?? [], options);
      if (parts !== undefined && parts.every((p) => typeof p === 'string')) blobText.set(this, parts.join(''));
    }
  };
  URL.createObjectURL = (blob: Blob): string => {
    const url = nativeCreate(blob), text = blobText.get(blob);
    if (text !== undefined) texts.set(url, text);
    return url;
  };
  class WebWorkerOnThreads {
    onmessage: ((e: MessageLike) => void) | null = null;
    onerror: ((e: { message: string }) => void) | null = null;
    private readonly thread: NodeWorker;
    constructor(url: string | URL) {
      const source = texts.get(String(url));
      if (source === undefined) throw new Error(`jax-node-workers: no script behind ${String(url)}`);
      this.thread = new NodeWorker(`${PRELUDE}\n${source}`, { eval: true });
      this.thread.on('message', (data: unknown) => this.onmessage?.({ data }));
      this.thread.on('error', (e: Error) => this.onerror?.({ message: e.message }));
    }
    postMessage(message: unknown): void { this.thread.postMessage(message); }
    terminate(): void { void this.thread.terminate(); }
  }
  Object.assign(globalThis, { Worker: WebWorkerOnThreads, navigator: { hardwareConcurrency: workers } });
};
