/** @file The second core: one worker thread running the wasm gemm over the same shared memory, woken through Atomics. */
import type { GemmArgs, GemmKernels } from './wasm-gemm.js';

/**
 * A helper thread: `ready` once it has booted (until then, and for good if it never boots, the
 * caller works alone: nothing ever waits on a worker that failed to start), `start` hands it a
 * gemm call, `finish` blocks until it is done (and throws if it failed).
 */
export interface Helper {
  readonly ready: () => boolean;
  readonly start: (args: GemmArgs) => void;
  readonly finish: () => void;
}

// the control words: [0] the job number the main thread posted, [1] the job number the worker
// finished, [2] its status (0 ok, 1 threw), [3] 1 once it has booted, then the gemm arguments
const POSTED = 0, DONE = 1, STATUS = 2, READY = 3, ARGS = 4;
/** how long the main thread waits for the helper before giving up (a stuck worker must not hang the process silently) */
const TIMEOUT_MS = 60_000;

// Plain JavaScript for `new Worker(..., { eval: true })` (no require or import: it runs whether
// eval'd code is CommonJS or a module): it instantiates the module over the shared memory, says
// it is ready, and runs one gemm per posted job number.
const WORKER_SOURCE = `
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, control } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
Atomics.store(ctl, ${READY}, 1);
for (let seen = 0; ; ) {
  Atomics.wait(ctl, ${POSTED}, seen);
  seen = Atomics.load(ctl, ${POSTED});
  let status = 0;
  try {
    gemm(${Array.from({ length: 11 }, (_, i) => `ctl[${ARGS + i}]`).join(', ')});
  } catch {
    status = 1;
  }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

/** the part of node:worker_threads used here */
interface WorkerThreads {
  readonly Worker: new (source: string, options: { readonly eval: true; readonly execArgv: readonly string[]; readonly workerData: unknown }) => { unref(): void };
}
/** node:worker_threads where the runtime has it (Node), looked up at run time so other runtimes load this file too */
const workerThreads = (): WorkerThreads | undefined => {
  const proc = (globalThis as { readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
};

/**
 * A helper thread over the kernels' memory, or undefined when it is not shared (no
 * SharedArrayBuffer) or there are no worker threads. The worker is unref'd: it never keeps the
 * process alive, and it idles in Atomics.wait between jobs.
 */
export const startHelper = (kern: GemmKernels): Helper | undefined => {
  const threads = workerThreads();
  if (threads === undefined || typeof SharedArrayBuffer === 'undefined' || !(kern.memory.buffer instanceof SharedArrayBuffer)) return undefined;
  const control = new SharedArrayBuffer(4 * (ARGS + 11));
  const ctl = new Int32Array(control);
  // no inherited loader flags (--import, --input-type): the source is plain JavaScript
  const worker = new threads.Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module: kern.module, memory: kern.memory, control } });
  worker.unref();
  let posted = 0;
  return {
    ready: () => Atomics.load(ctl, READY) === 1,
    start: (args) => {
      args.forEach((v, i) => { ctl[ARGS + i] = v; });
      posted++;
      Atomics.store(ctl, POSTED, posted);
      Atomics.notify(ctl, POSTED);
    },
    finish: () => {
      for (let done = Atomics.load(ctl, DONE); done !== posted; done = Atomics.load(ctl, DONE)) {
        if (Atomics.wait(ctl, DONE, done, TIMEOUT_MS) === 'timed-out') throw new Error('matmul: the wasm helper thread did not answer (a shapegrad bug)');
      }
      if (ctl[STATUS] !== 0) throw new Error('matmul: the wasm helper thread failed (a shapegrad bug)');
    },
  };
};
