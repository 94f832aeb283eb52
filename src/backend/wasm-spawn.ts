/** @file Starting the kernels' helper thread in whichever runtime this is: a node:worker_threads worker in Node, a Web Worker from a blob URL in browsers; the same plain-JavaScript body in both. */

/** the part of node:worker_threads used here */
interface WorkerThreads {
  readonly Worker: new (source: string, options: { readonly eval: true; readonly execArgv: readonly string[]; readonly workerData: unknown }) => { unref(): void };
}
/** the part of the web platform used here (looked up at run time: Node 20 has Blob and URL but no Worker) */
interface WebPlatform {
  readonly Worker?: new (url: string, options?: { readonly name?: string }) => { postMessage(data: unknown): void };
  readonly Blob?: new (parts: string[], options?: { readonly type?: string }) => unknown;
  readonly URL?: { createObjectURL?(blob: unknown): string };
}

/** node:worker_threads where the runtime has it (Node), looked up at run time so that other runtimes load this file too */
const workerThreads = (): WorkerThreads | undefined => {
  const proc = (globalThis as { readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
};

/**
 * A worker body (JavaScript that reads a `workerData` binding) wrapped so that it boots in either
 * runtime: in Node it takes worker_threads' workerData; in a Web Worker it waits for the first
 * message, which carries the same data (a WebAssembly.Module and shared memories are cloneable).
 */
export const bootSource = (body: string): string => `
const start = (workerData) => {
${body}
};
const threads = typeof process !== 'undefined' && process.getBuiltinModule ? process.getBuiltinModule('node:worker_threads') : undefined;
if (threads && !threads.isMainThread) start(threads.workerData);
else self.onmessage = (event) => { self.onmessage = null; start(event.data); };
`;

/**
 * Whether this thread may block in Atomics.wait: everywhere but a browser's main (window) thread,
 * where it throws; tested directly rather than guessed from globals.
 */
export const canBlock = (): boolean => {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts a worker running `body` (see bootSource) with `data`; false where this runtime has no
 * workers. A Node worker is unref'd (it never keeps the process alive). Whether it actually boots
 * is for the caller to watch (the body signals through shared memory): nothing may wait on it.
 */
export const spawnWorker = (body: string, data: unknown): boolean => {
  const source = bootSource(body);
  const threads = workerThreads();
  if (threads !== undefined) {
    // no inherited loader flags (--import, --input-type): the source is plain JavaScript
    new threads.Worker(source, { eval: true, execArgv: [], workerData: data }).unref();
    return true;
  }
  const web = globalThis as WebPlatform;
  if (web.Worker === undefined || web.Blob === undefined || web.URL?.createObjectURL === undefined) return false;
  try {
    const url = web.URL.createObjectURL(new web.Blob([source], { type: 'text/javascript' }));
    new web.Worker(url, { name: 'shapegrad kernels' }).postMessage(data);
    return true;
  } catch {
    return false; // e.g. a content security policy without blob: workers: the caller works alone
  }
};
