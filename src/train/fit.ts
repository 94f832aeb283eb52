/** @file fit: runs a step over epochs of batches with a progress callback; a terminal progress bar for examples. */
import { foldIn, type Key } from '../random/index.js';
import { ValueError } from '../shape/index.js';
import { isTensor, item, type Tensor } from '../tensor/index.js';
import type { Batch, Step } from './step.js';

/** what a progress callback sees after each step */
export interface Progress {
  readonly epoch: number;
  readonly epochs: number;
  /** step within the epoch (1-based) and the epoch's number of steps when known */
  readonly step: number;
  readonly stepsPerEpoch: number | undefined;
  /** steps since the start */
  readonly globalStep: number;
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** the learning rate when the optimizer state records it (injectHyperparams), else undefined */
  readonly learningRate: number | undefined;
  readonly stepsPerSecond: number;
}
/** fit options */
export interface FitOptions<X, Y> {
  /** the number of epochs to run now */
  readonly epochs: number;
  /** the number of the first one (default 1): a resumed run continues the numbering, batches and keys */
  readonly startEpoch?: number;
  /** the batches of one epoch (a function of the epoch number, so each epoch can reshuffle) */
  readonly batches: (epoch: number) => Iterable<Batch<X, Y>>;
  /** the root key: step k of epoch e uses foldIn(foldIn(key, e), k) */
  readonly key: Key;
  readonly onProgress?: (p: Progress) => void;
  /** clock for steps/s (performance.now by default) */
  readonly now?: () => number;
}
/** what fit returns: the final params and states, and the mean loss and metrics of every epoch */
export interface FitResult<P, S> {
  readonly params: P;
  readonly optState: S;
  readonly modelState: unknown;
  readonly history: readonly { readonly epoch: number; readonly loss: number; readonly metrics: Readonly<Record<string, number>> }[];
}

/** finds a recorded learning rate (a `hyperparams` record with lr or learningRate) in an optimizer state */
export const readLearningRate = (state: unknown): number | undefined => {
  if (typeof state !== 'object' || state === null) return undefined;
  if (Array.isArray(state)) {
    for (const s of state) { const lr = readLearningRate(s); if (lr !== undefined) return lr; }
    return undefined;
  }
  const rec = state as Readonly<Record<string, unknown>>;
  const h = rec['hyperparams'];
  if (typeof h === 'object' && h !== null) {
    const lr = (h as Readonly<Record<string, unknown>>)['lr'] ?? (h as Readonly<Record<string, unknown>>)['learningRate'];
    if (isTensor(lr)) return item(lr as Tensor<[]>) as number;
    if (typeof lr === 'number') return lr;
  }
  for (const v of Object.values(rec)) { const lr = readLearningRate(v); if (lr !== undefined) return lr; }
  return undefined;
};

/** runs `step` over `epochs` epochs of batches; pure apart from the progress callback */
export const fit = <P, S, X, Y, M extends string>(
  step: Step<P, S, X, Y, M>, init: { readonly params: P; readonly optState: S; readonly modelState?: unknown }, options: FitOptions<X, Y>,
): FitResult<P, S> => {
  if (!Number.isInteger(options.epochs) || options.epochs < 0) throw new ValueError('fit', `epochs ${options.epochs} must be a non-negative integer`);
  const now = options.now ?? (() => performance.now());
  let { params, optState } = init;
  let modelState = init.modelState;
  let globalStep = 0;
  const history: { epoch: number; loss: number; metrics: Record<string, number> }[] = [];
  const start = now();
  const first = options.startEpoch ?? 1, last = first + options.epochs - 1;
  for (let epoch = first; epoch <= last; epoch++) {
    const batches = [...options.batches(epoch)];
    const epochKey = foldIn(options.key, epoch);
    let lossSum = 0;
    const metricSums: Record<string, number> = {};
    batches.forEach((batch, i) => {
      const r = step(params, optState, batch, foldIn(epochKey, i), modelState);
      ({ params, optState, modelState } = r);
      globalStep++;
      lossSum += r.loss;
      for (const [k, v] of Object.entries(r.metrics) as [string, number][]) metricSums[k] = (metricSums[k] ?? 0) + v;
      options.onProgress?.({
        epoch, epochs: last, step: i + 1, stepsPerEpoch: batches.length, globalStep, loss: r.loss,
        metrics: r.metrics, learningRate: readLearningRate(optState), stepsPerSecond: globalStep / Math.max((now() - start) / 1000, 1e-9),
      });
    });
    const n = Math.max(batches.length, 1);
    history.push({ epoch, loss: lossSum / n, metrics: Object.fromEntries(Object.entries(metricSums).map(([k, v]) => [k, v / n])) });
  }
  return { params, optState, modelState, history };
};

/** where a progress bar writes: process.stderr in Node, or anything with write */
export interface TextSink { write(text: string): unknown; readonly isTTY?: boolean }
/**
 * A progress callback that draws `epoch 2/10 [=======>    ] 37/50 loss 0.4213 acc 0.912 lr 1.2e-3 85 step/s`
 * on one terminal line (redrawn in place on a TTY; one line per epoch otherwise).
 */
export const progressBar = (sink: TextSink, options: { readonly width?: number } = {}) => {
  const width = options.width ?? 24;
  return (p: Progress): void => {
    const total = p.stepsPerEpoch ?? p.step;
    const filled = Math.round((p.step / Math.max(total, 1)) * width);
    const bar = '='.repeat(Math.max(filled - 1, 0)) + (filled > 0 ? '>' : '') + ' '.repeat(width - filled);
    const metrics = Object.entries(p.metrics).map(([k, v]) => ` ${k} ${v.toFixed(3)}`).join('');
    const lr = p.learningRate === undefined ? '' : ` lr ${p.learningRate.toExponential(1)}`;
    const line = `epoch ${p.epoch}/${p.epochs} [${bar}] ${p.step}/${total} loss ${p.loss.toFixed(4)}${metrics}${lr} ${p.stepsPerSecond.toFixed(0)} step/s`;
    const last = p.step === total;
    if (sink.isTTY) sink.write(`\r${line}${last ? '\n' : ''}`);
    else if (last) sink.write(`${line}\n`);
  };
};
