/** @file The second core: one worker thread running the wasm gemm over the same shared memory, sharing a product's chunks with the caller through Atomics. */
import { MR, NR, type GemmArgs, type GemmKernels } from './wasm-gemm.js';

/** how one gemm call is cut: `count` chunks of `size` rows (a multiple of MR) or of `size` panels */
export interface Split {
  readonly byRows: boolean;
  readonly size: number;
  readonly count: number;
}

/**
 * A helper thread: `ready` once it has booted (until then, and for good if it never boots, the
 * caller works alone: nothing ever waits on a worker that failed to start). `share` runs one
 * gemm call cut into chunks: the caller and the helper each take the next unclaimed chunk until
 * none is left, so a helper that wakes late (a busy machine) costs nothing but its share, and
 * the caller only waits for chunks the helper has actually started.
 */
export interface Helper {
  readonly ready: () => boolean;
  readonly share: (gemm: (...args: GemmArgs) => void, args: GemmArgs, split: Split) => void;
}

// the control words: [0] the job number posted, [1] 1 once the helper has booted, [2] its status
// (0 ok, 1 threw), [3] the claim word (job tag << 16 | next chunk), [4] chunks finished, then the
// gemm arguments and the split
const POSTED = 0, READY = 1, STATUS = 2, CLAIM = 3, FINISHED = 4, ARGS = 5;
const WORDS = ARGS + 12 + 3;
/**
 * How long either thread spins before sleeping: the helper after a job (the next one often comes
 * within this), the caller for the helper's last chunk. Waking a sleeping thread costs tens of
 * microseconds, more than a small product's chunk.
 */
const SPIN_MS = 0.1;
/** how long the caller waits for the helper's last chunk before giving up (a stuck worker must not hang the process silently) */
const TIMEOUT_MS = 60_000;

// Plain JavaScript for `new Worker(..., { eval: true })` (no require or import: it runs whether
// eval'd code is CommonJS or a module): it instantiates the module over the shared memory, says
// it is ready, and on each posted job claims chunks while the job's claim tag is still current.
const WORKER_SOURCE = `
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, control } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
Atomics.store(ctl, ${READY}, 1);
for (let seen = 0; ; ) {
  // a product often follows another within microseconds (a recurrent step): stay awake a moment before sleeping
  for (const until = performance.now() + ${SPIN_MS}; Atomics.load(ctl, ${POSTED}) === seen && performance.now() < until; );
  Atomics.wait(ctl, ${POSTED}, seen);
  seen = Atomics.load(ctl, ${POSTED});
  const [a, aRow, aCol, aTile, b, bK, bPanel, c, cRow, m, k, panels, byRows, size, count] = ctl.slice(${ARGS}, ${WORDS});
  const tag = (seen & 0x7fff) << 16;
  for (;;) {
    const v = Atomics.load(ctl, ${CLAIM});
    if ((v & ~0xffff) !== tag || (v & 0xffff) >= count || Atomics.load(ctl, ${POSTED}) !== seen) break;
    if (Atomics.compareExchange(ctl, ${CLAIM}, v, v + 1) !== v) continue;
    const s = (v & 0xffff) * size;
    try {
      if (byRows) gemm(a + (s / ${MR}) * aTile, aRow, aCol, aTile, b, bK, bPanel, c + s * cRow, cRow, Math.min(size, m - s), k, panels);
      else gemm(a, aRow, aCol, aTile, b + s * bPanel, bK, bPanel, c + s * ${NR * 4}, cRow, m, k, Math.min(size, panels - s));
    } catch {
      Atomics.store(ctl, ${STATUS}, 1);
    }
    if (Atomics.add(ctl, ${FINISHED}, 1) + 1 === count) Atomics.notify(ctl, ${FINISHED});
  }
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

/** chunk `i` of a split gemm call */
const chunk = (gemm: (...args: GemmArgs) => void, args: GemmArgs, { byRows, size }: Split, i: number): void => {
  const [a, aRow, aCol, aTile, b, bK, bPanel, c, cRow, m, k, panels] = args, s = i * size;
  if (byRows) gemm(a + (s / MR) * aTile, aRow, aCol, aTile, b, bK, bPanel, c + s * cRow, cRow, Math.min(size, m - s), k, panels);
  else gemm(a, aRow, aCol, aTile, b + s * bPanel, bK, bPanel, c + s * NR * 4, cRow, m, k, Math.min(size, panels - s));
};

/**
 * A helper thread over the kernels' memory, or undefined when it is not shared (no
 * SharedArrayBuffer) or there are no worker threads. The worker is unref'd: it never keeps the
 * process alive, and it idles in Atomics.wait between jobs.
 */
export const startHelper = (kern: GemmKernels): Helper | undefined => {
  const threads = workerThreads();
  if (threads === undefined || typeof SharedArrayBuffer === 'undefined' || !(kern.memory.buffer instanceof SharedArrayBuffer)) return undefined;
  const control = new SharedArrayBuffer(4 * WORDS);
  const ctl = new Int32Array(control);
  // no inherited loader flags (--import, --input-type): the source is plain JavaScript
  const worker = new threads.Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module: kern.module, memory: kern.memory, control } });
  worker.unref();
  let posted = 0;
  return {
    ready: () => Atomics.load(ctl, READY) === 1,
    share: (gemm, args, split) => {
      const { count } = split;
      posted++;
      const tag = (posted & 0x7fff) << 16;
      // the new tag first: a helper still holding the last job's arguments can no longer claim
      Atomics.store(ctl, CLAIM, tag);
      Atomics.store(ctl, FINISHED, 0);
      Atomics.store(ctl, STATUS, 0);
      args.forEach((v, i) => { ctl[ARGS + i] = v; });
      ctl[ARGS + 12] = split.byRows ? 1 : 0;
      ctl[ARGS + 13] = split.size;
      ctl[ARGS + 14] = count;
      Atomics.store(ctl, POSTED, posted);
      Atomics.notify(ctl, POSTED);
      for (;;) {
        const v = Atomics.add(ctl, CLAIM, 1) & 0xffff;
        if (v >= count) break;
        chunk(gemm, args, split, v);
        Atomics.add(ctl, FINISHED, 1);
      }
      // only chunks the helper claimed are left (each short): spin a moment, then sleep until they are done
      for (const until = performance.now() + SPIN_MS; Atomics.load(ctl, FINISHED) < count && performance.now() < until;);
      for (let done = Atomics.load(ctl, FINISHED); done < count; done = Atomics.load(ctl, FINISHED)) {
        if (Atomics.wait(ctl, FINISHED, done, TIMEOUT_MS) === 'timed-out') throw new Error('matmul: the wasm helper thread did not answer (a shapegrad bug)');
      }
      if (ctl[STATUS] !== 0) throw new Error('matmul: the wasm helper thread failed (a shapegrad bug)');
    },
  };
};
