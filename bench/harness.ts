/**
 * @file What a library adapter provides (one prepared step per workload), the timing loop
 * (check step, warm-up, timed steps within a budget), and the statistics (median, p10, p90).
 */
import type { WorkloadData, WorkloadId } from './workloads.js';

/** one workload made ready in one library: its inputs and parameters already live in the library */
export interface Prepared {
  /** one step; when it returns (or its promise resolves) the step's work is done */
  step(): unknown;
  /**
   * Numbers to compare across libraries, from one step on the initial parameters (the first call
   * also compiles/warms up): train steps give [loss of step 1, loss of step 2] (the second shows the
   * gradients and the update agree), fwd+bwd steps [loss, sum of squared gradients], forward ops
   * [sum of the output, sum of its squares].
   */
  check(): readonly number[] | Promise<readonly number[]>;
  /** frees what prepare allocated (optional) */
  dispose?(): void;
}
export type Prepare<K extends WorkloadId> = (data: WorkloadData[K]) => Prepared | Promise<Prepared>;
/** a library (or a configuration of one) as measured in one child process */
export interface Peer {
  /** e.g. 'shapegrad', 'tfjs-wasm-2' */
  readonly id: string;
  /** starts backends; returns a one-line description (versions, backend, threads, SIMD) */
  init(): Promise<string>;
  /** a workload this peer cannot express at all is missing here, or throws with the reason */
  readonly workloads: { readonly [K in WorkloadId]?: Prepare<K> };
}

export interface Budget {
  /** extra warm-up steps after the check step, at most */
  readonly warmup: number;
  /** warm-up stops early past this many ms (the check step counts) */
  readonly warmupMs: number;
  /** timed steps: at least minIters, at most maxIters, and no new one once budgetMs is spent */
  readonly minIters: number;
  readonly maxIters: number;
  readonly budgetMs: number;
  /** when the first timed step takes longer than slowMs, minSlow timed steps are enough */
  readonly slowMs: number;
  readonly minSlow: number;
}
export const FULL: Budget = { warmup: 3, warmupMs: 3000, minIters: 5, maxIters: 30, budgetMs: 15000, slowMs: 5000, minSlow: 3 };
export const QUICK: Budget = { warmup: 1, warmupMs: 400, minIters: 3, maxIters: 8, budgetMs: 1500, slowMs: 2000, minSlow: 1 };

export interface Stats { readonly median: number; readonly p10: number; readonly p90: number; readonly min: number; readonly n: number }
/** linear-interpolated quantile of sorted values */
const quantile = (sorted: readonly number[], q: number): number => {
  const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
};
export const stats = (samples: readonly number[]): Stats => {
  const s = [...samples].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9), min: s[0]!, n: s.length };
};

export type CellResult =
  | { readonly ok: true; readonly ms: Stats; readonly samples: readonly number[]; readonly check: readonly number[]; readonly firstMs: number; readonly warmups: number }
  | { readonly ok: false; readonly error: string };

const isPromise = (x: unknown): x is Promise<unknown> => typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
/** one step, timed in ms (awaiting only when the step is asynchronous, so sync steps pay no microtask) */
const timeStep = async (p: Prepared): Promise<number> => {
  const t0 = performance.now();
  const r = p.step();
  if (isPromise(r)) await r;
  return performance.now() - t0;
};

export const errorText = (e: unknown): string => {
  const msg = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return msg.split('\n')[0]!.slice(0, 200);
};

/** runs one workload of one peer: prepare, check (also the first warm-up), warm-up, timed steps */
export const measure = async <K extends WorkloadId>(prepare: Prepare<K>, data: WorkloadData[K], b: Budget): Promise<CellResult> => {
  let p: Prepared | undefined;
  try {
    p = await prepare(data);
    const t0 = performance.now();
    const check = [...await p.check()];
    const firstMs = performance.now() - t0;
    let warm = firstMs, warmups = 0;
    while (warmups < b.warmup && warm < b.warmupMs) {
      warm += await timeStep(p);
      warmups++;
    }
    const samples: number[] = [];
    let spent = 0;
    const least = (): number => (samples.length > 0 && samples[0]! > b.slowMs ? b.minSlow : b.minIters);
    while (samples.length < b.maxIters && (samples.length < least() || spent < b.budgetMs)) {
      const ms = await timeStep(p);
      samples.push(ms);
      spent += ms;
    }
    return { ok: true, ms: stats(samples), samples, check, firstMs, warmups };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  } finally {
    try { p?.dispose?.(); } catch { /* the measurement stands */ }
  }
};
