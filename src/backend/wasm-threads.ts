/** @file The second core: one worker thread running the wasm gemm or convolution over the same shared memory, sharing a call's chunks with the caller through Atomics. */
import { canBlock, spawnWorker } from './wasm-spawn.js';
import { CONV_HEAD, type ConvArgs } from './wasm-conv-kernels.js';
import { FILTER_HEAD, type FilterArgs } from './wasm-conv-filter.js';
import { MR, NR, type GemmArgs, type GemmBatchArgs, type GemmKernels } from './wasm-gemm.js';

/** how one gemm call is cut: `count` chunks of `size` rows (a multiple of MR) or of `size` panels */
export interface Split {
  readonly byRows: boolean;
  readonly size: number;
  readonly count: number;
}
/** a batch of gemm calls alike but for their addresses (see gemmBatch): its arguments for entries [0, entries) */
export type BatchArgs = GemmBatchArgs;
/**
 * One kernel call to share: a gemm call cut by `split`; a convolution's (or its kernel
 * gradient's) output rows (args' first .. first + count - 1) cut into `chunks` runs of `size` rows;
 * or a batch's entries cut into `chunks` runs of `size` entries.
 */
export type Job =
  | { readonly kind: 'gemm'; readonly args: GemmArgs; readonly split: Split }
  | { readonly kind: 'conv'; readonly args: ConvArgs; readonly size: number; readonly chunks: number }
  | { readonly kind: 'filter'; readonly args: FilterArgs; readonly size: number; readonly chunks: number }
  | { readonly kind: 'batch'; readonly args: BatchArgs; readonly size: number; readonly chunks: number };
const KINDS = { gemm: 0, conv: 1, filter: 2, batch: 3 } as const;

/**
 * A helper thread: `ready` once it has booted (until then, and for good if it never boots, the
 * caller works alone: nothing ever waits on a worker that failed to start). `share` runs one
 * kernel call cut into chunks: the caller and the helper each take the next unclaimed chunk until
 * none is left, so a helper that wakes late (a busy machine) costs nothing but its share, and
 * the caller only waits for chunks the helper has actually started.
 */
export interface Helper {
  readonly ready: () => boolean;
  /**
   * runs `job`. `feed(i)`, when given, is called on this thread for each chunk in order once the
   * job is posted, before this thread takes any chunk: chunk i is not started before feed(i) has
   * returned (so the helper starts on the first chunks while this thread still writes the inputs
   * of later ones). `drain(i)`, when given, is called on this thread once chunk i is done
   * (whichever thread ran it), as soon as this thread sees it.
   */
  readonly share: (job: Job, drain?: (chunk: number) => void, feed?: (chunk: number) => void) => void;
}
/** chunks one shared call may be cut into, at most */
export const MAX_SHARED_CHUNKS = 64;

// the control words: [0] the job number posted, [1] 1 once the helper has booted, [2] its status
// (0 ok, 1 threw), [3] the claim word (job tag << 16 | next chunk), [4] chunks finished, [5] the
// kind (0 gemm, 1 conv, 2 filter, 3 batch), [6] chunks, [7] chunk size, [8] by rows (gemm), [9] chunks whose inputs are
// in (fed), then the arguments, then per chunk the number of the job in which the helper last finished it
const POSTED = 0, READY = 1, STATUS = 2, CLAIM = 3, FINISHED = 4, KIND = 5, COUNT = 6, SIZE = 7, BY_ROWS = 8, FED = 9, ARGS = 10;
const DONE = ARGS + Math.max(CONV_HEAD, FILTER_HEAD) + 2, WORDS = DONE + MAX_SHARED_CHUNKS;
/**
 * How long either thread spins before sleeping: the helper after a job (the next one often comes
 * within this), the caller for the helper's last chunk. Waking a sleeping thread costs tens of
 * microseconds, more than a small product's chunk.
 */
const SPIN_MS = 0.1;
/** how long the caller waits for the helper's last chunk before giving up (a stuck worker must not hang the process silently) */
const TIMEOUT_MS = 60_000;

// The worker's body, plain JavaScript (no require or import: it runs as an eval'd Node worker or
// a Web Worker; wasm-spawn.ts gives it `workerData`): it instantiates the module over the shared
// memory, says it is ready, and on each posted job claims chunks while the job's claim tag is current.
const WORKER_BODY = `
const { module, memory, control } = workerData;
const { gemm, gemmBatch, conv, convFilter } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
Atomics.store(ctl, ${READY}, 1);
for (let seen = 0; ; ) {
  // a product often follows another within microseconds (a recurrent step): stay awake a moment before sleeping
  for (const until = performance.now() + ${SPIN_MS}; Atomics.load(ctl, ${POSTED}) === seen && performance.now() < until; );
  Atomics.wait(ctl, ${POSTED}, seen);
  seen = Atomics.load(ctl, ${POSTED});
  const kind = ctl[${KIND}], count = ctl[${COUNT}], size = ctl[${SIZE}], byRows = ctl[${BY_ROWS}], args = ctl.slice(${ARGS}, ${DONE});
  const [a, aRow, aCol, aTile, b, bK, bPanel, c, cRow, m, k, panels] = args;
  const tag = (seen & 0x7fff) << 16;
  for (;;) {
    const v = Atomics.load(ctl, ${CLAIM});
    if ((v & ~0xffff) !== tag || (v & 0xffff) >= count || Atomics.load(ctl, ${POSTED}) !== seen) break;
    if (Atomics.compareExchange(ctl, ${CLAIM}, v, v + 1) !== v) continue;
    const i = v & 0xffff, s = i * size;
    // the caller is writing this chunk's inputs: wait for them (a moment's spin, then sleep)
    for (const until = performance.now() + ${SPIN_MS}; Atomics.load(ctl, ${FED}) <= i && performance.now() < until; );
    for (let fed = Atomics.load(ctl, ${FED}); fed <= i; fed = Atomics.load(ctl, ${FED})) Atomics.wait(ctl, ${FED}, fed);
    try {
      if (kind === 1) conv(...args.subarray(0, ${CONV_HEAD}), args[${CONV_HEAD}] + s, Math.min(size, args[${CONV_HEAD + 1}] - s));
      else if (kind === 3) gemmBatch(args[0], args[1] + s, Math.min(args[1] + s + size, args[2]), ...args.subarray(3, 12));
      else if (kind === 2) convFilter(...args.subarray(0, ${FILTER_HEAD}), args[${FILTER_HEAD}] + s, Math.min(size, args[${FILTER_HEAD + 1}] - s));
      else if (byRows) gemm(a + (s / ${MR}) * aTile, aRow, aCol, aTile, b, bK, bPanel, c + s * cRow, cRow, Math.min(size, m - s), k, panels);
      else gemm(a, aRow, aCol, aTile, b + s * bPanel, bK, bPanel, c + s * ${NR * 4}, cRow, m, k, Math.min(size, panels - s));
    } catch {
      Atomics.store(ctl, ${STATUS}, 1);
    }
    Atomics.store(ctl, ${DONE} + i, seen);
    // a convolution's caller copies each chunk out as it is done: it may be waiting for any of them
    if (Atomics.add(ctl, ${FINISHED}, 1) + 1 === count || kind !== 0) Atomics.notify(ctl, ${FINISHED});
  }
}
`;

/** chunk `i` of a shared call, on this thread's kernels */
const chunk = (kern: GemmKernels, job: Job, i: number): void => {
  if (job.kind === 'conv') {
    const [x, image, outRow, ho, wo, aRow, table, runs, b, bPanel, panels, per, c, cRow, padTable, padRuns, raw, rawImage, first, rows] = job.args;
    const s = i * job.size;
    kern.conv(x, image, outRow, ho, wo, aRow, table, runs, b, bPanel, panels, per, c, cRow, padTable, padRuns, raw, rawImage, first + s, Math.min(job.size, rows - s));
    return;
  }
  if (job.kind === 'batch') {
    const [table, from, to, ...rest] = job.args, s = from + i * job.size;
    kern.gemmBatch(table, s, Math.min(s + job.size, to), ...rest);
    return;
  }
  if (job.kind === 'filter') {
    const [x, image, outRow, ho, wo, xCol, offs, m, dy, dyImage, dyRow, dyCol, panels, dw, dwChunk, dwRow, size, padTable, padRuns, raw, rawImage, first, rows] = job.args;
    const s = i * job.size;
    kern.filter(x, image, outRow, ho, wo, xCol, offs, m, dy, dyImage, dyRow, dyCol, panels, dw, dwChunk, dwRow, size, padTable, padRuns, raw, rawImage, first + s, Math.min(job.size, rows - s));
    return;
  }
  const [a, aRow, aCol, aTile, b, bK, bPanel, c, cRow, m, k, panels] = job.args, { byRows, size } = job.split, s = i * size;
  if (byRows) kern.gemm(a + (s / MR) * aTile, aRow, aCol, aTile, b, bK, bPanel, c + s * cRow, cRow, Math.min(size, m - s), k, panels);
  else kern.gemm(a, aRow, aCol, aTile, b + s * bPanel, bK, bPanel, c + s * NR * 4, cRow, m, k, Math.min(size, panels - s));
};

/**
 * A helper thread over the kernels' memory: a worker thread in Node, a Web Worker in browsers.
 * Undefined when the memory is not shared (no SharedArrayBuffer: a page that is not cross-origin
 * isolated), when this thread may not block in Atomics.wait (a browser's main thread: train in a
 * worker to get both cores), or when the runtime has no workers. A Node worker is unref'd: it
 * never keeps the process alive; the helper idles in Atomics.wait between jobs.
 */
export const startHelper = (kern: GemmKernels): Helper | undefined => {
  if (typeof SharedArrayBuffer === 'undefined' || !(kern.memory.buffer instanceof SharedArrayBuffer) || !canBlock()) return undefined;
  const control = new SharedArrayBuffer(4 * WORDS);
  const ctl = new Int32Array(control);
  if (!spawnWorker(WORKER_BODY, { module: kern.module, memory: kern.memory, control })) return undefined;
  let posted = 0;
  return {
    ready: () => Atomics.load(ctl, READY) === 1,
    share: (job, drain, feed) => {
      const count = job.kind === 'gemm' ? job.split.count : job.chunks;
      if (count > MAX_SHARED_CHUNKS) throw new Error(`${job.kind}: ${count} chunks, more than ${MAX_SHARED_CHUNKS} (a shapegrad bug)`);
      posted++;
      const tag = (posted & 0x7fff) << 16, job32 = posted | 0;
      // the new tag first: a helper still holding the last job's arguments can no longer claim
      Atomics.store(ctl, CLAIM, tag);
      Atomics.store(ctl, FINISHED, 0);
      Atomics.store(ctl, STATUS, 0);
      job.args.forEach((v, i) => { ctl[ARGS + i] = v; });
      ctl[KIND] = KINDS[job.kind];
      ctl[COUNT] = count;
      ctl[SIZE] = job.kind === 'gemm' ? job.split.size : job.size;
      ctl[BY_ROWS] = job.kind === 'gemm' && job.split.byRows ? 1 : 0;
      Atomics.store(ctl, FED, feed === undefined ? count : 0);
      Atomics.store(ctl, POSTED, posted);
      Atomics.notify(ctl, POSTED);
      // the inputs chunk by chunk; should feeding throw, the chunks still run (on whatever is there) before the error goes up, so that no thread waits forever
      let failed: { readonly error: unknown } | undefined;
      if (feed !== undefined) {
        for (let i = 0; i < count && failed === undefined; i++) {
          try {
            feed(i);
          } catch (error) {
            failed = { error };
          }
          Atomics.store(ctl, FED, failed === undefined ? i + 1 : count);
          Atomics.notify(ctl, FED);
        }
      }
      // chunks not yet drained (this thread's are drained as it finishes them, the helper's as it sees them done)
      const pending = new Uint8Array(count).fill(1);
      let left = drain === undefined ? 0 : count;
      const sweep = (): void => {
        for (let i = 0; i < count && left > 0; i++) {
          if (pending[i] === 1 && Atomics.load(ctl, DONE + i) === job32) { pending[i] = 0; left--; drain!(i); }
        }
      };
      for (;;) {
        const v = Atomics.add(ctl, CLAIM, 1) & 0xffff;
        if (v >= count) break;
        chunk(kern, job, v);
        Atomics.add(ctl, FINISHED, 1);
        if (drain !== undefined) { pending[v] = 0; left--; drain(v); sweep(); }
      }
      // only chunks the helper claimed are left (each short): spin a moment, then sleep until one is done
      for (let done = Atomics.load(ctl, FINISHED); done < count || left > 0; done = Atomics.load(ctl, FINISHED)) {
        sweep();
        if (done === count) continue;
        for (const until = performance.now() + SPIN_MS; Atomics.load(ctl, FINISHED) === done && performance.now() < until;);
        if (Atomics.load(ctl, FINISHED) === done && Atomics.wait(ctl, FINISHED, done, TIMEOUT_MS) === 'timed-out') {
          throw new Error(`${job.kind}: the wasm helper thread did not answer (a shapegrad bug)`);
        }
      }
      if (failed !== undefined) throw failed.error;
      if (ctl[STATUS] !== 0) throw new Error(`${job.kind}: the wasm helper thread failed (a shapegrad bug)`);
    },
  };
};
