/** @file A training monitor: per-layer statistics every N steps, flags for exploding/vanishing gradients and NaN/Inf, and training curves. */
import { gradient } from '../autodiff/index.js';
import { trainMode, type AnyLayer, type Context } from '../layers/index.js';
import { sub } from '../ops/index.js';
import type { Key } from '../random/index.js';
import { ValueError } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { zipWith } from '../tree/index.js';
import { observing } from './capture.js';
import { describeNonFinite, firstNonFinite, type NonFiniteReport } from './nonfinite.js';
import { layerStats, type LayerStats } from './stats.js';

/** something the monitor noticed at a step, naming the layer by path */
export type Flag =
  | { readonly kind: 'nonFinite'; readonly step: number; readonly path: string; readonly layer: string;
      readonly where: 'loss' | 'input' | 'activation' | 'weight' | 'gradient' | 'update'; readonly report?: NonFiniteReport }
  | { readonly kind: 'exploding' | 'vanishing'; readonly step: number; readonly path: string; readonly layer: string; readonly gradNorm: number };
/** the statistics recorded at one step */
export interface MonitorRecord {
  readonly step: number;
  readonly loss: number;
  /** activations of the step's batch, params before the step, their gradients and the step's updates */
  readonly layers: readonly LayerStats[];
  readonly flags: readonly Flag[];
}
/** one point of the training curves */
export interface CurvePoint {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly learningRate: number | undefined;
}
/** the fields of fit's Progress the monitor reads */
export interface ProgressLike {
  readonly globalStep: number;
  readonly epoch: number;
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly learningRate: number | undefined;
}
/** a training step as trainStep builds it (structurally; train/ sits beside analysis/) */
export type StepLike<P, S, X, Y, R extends { readonly params: P; readonly loss: number }> =
  (params: P, optState: S, batch: { readonly x: X; readonly y: Y }, key: Key, modelState?: unknown) => R;

/** monitor options */
export interface MonitorOptions {
  /** record statistics every N steps (steps 1, 1 + N, 1 + 2N, ...); default 10 */
  readonly every?: number;
  /** a layer whose gradient norm exceeds this is flagged as exploding (default 1e3) */
  readonly explodingAbove?: number;
  /** a layer with parameters whose gradient norm is below this is flagged as vanishing (default 1e-7) */
  readonly vanishingBelow?: number;
  /** called with each record as it is made (e.g. to print flags) */
  readonly onRecord?: (r: MonitorRecord) => void;
}
/** what trainingMonitor returns */
export interface TrainingMonitor<Y> {
  /** the step, recording statistics every N steps; a non-finite loss is diagnosed, recorded and rethrown naming the first layer and op */
  wrap<P, S, X extends AnyTensor, R extends { readonly params: P; readonly loss: number }>(step: StepLike<P, S, X, Y, R>): StepLike<P, S, X, Y, R>;
  /** fit's onProgress: records the training curves (loss, metrics, learning rate) at every step */
  readonly onProgress: (p: ProgressLike) => void;
  records(): readonly MonitorRecord[];
  curves(): readonly CurvePoint[];
  /** every flag raised so far, in order */
  flags(): readonly Flag[];
}

/** flags from one record's layer statistics, in forward order (the first non-finite one names where it appeared) */
const flagsOf = (step: number, layers: readonly LayerStats[], explodingAbove: number, vanishingBelow: number): Flag[] =>
  layers.flatMap((l): Flag[] => {
    const at = { step, path: l.path, layer: l.layer };
    const ps = Object.values(l.params);
    const bad = (['activation', 'weight', 'gradient', 'update'] as const).find((w) =>
      w === 'activation' ? (l.activation?.nonFinite ?? 0) > 0
      : ps.some((p) => ((w === 'weight' ? p.weight : w === 'gradient' ? p.grad : p.update)?.nonFinite ?? 0) > 0));
    if (bad !== undefined) return [{ kind: 'nonFinite', ...at, where: bad }];
    if (l.gradNorm === undefined) return [];
    if (l.gradNorm > explodingAbove) return [{ kind: 'exploding', ...at, gradNorm: l.gradNorm }];
    return l.gradNorm < vanishingBelow ? [{ kind: 'vanishing', ...at, gradNorm: l.gradNorm }] : [];
  });

/**
 * A monitor for a training loop. `wrap(step)` returns the same step, which every N steps also
 * recomputes the batch's gradients (same key, so the same dropout masks as the step) while
 * capturing the activations, and records per-layer statistics of activations, weights,
 * gradients and updates (the change the step made to the params), with flags. `onProgress`
 * plugs into fit and records the training curves.
 * @example const mon = trainingMonitor(model, loss, { every: 50 }); fit(mon.wrap(step), init, { ..., onProgress: mon.onProgress })
 */
export const trainingMonitor = <Y>(
  model: AnyLayer, loss: (predictions: AnyTensor, targets: Y) => Tensor<[]>, options: MonitorOptions = {},
): TrainingMonitor<Y> => {
  const every = options.every ?? 10, explodingAbove = options.explodingAbove ?? 1e3, vanishingBelow = options.vanishingBelow ?? 1e-7;
  if (!Number.isInteger(every) || every < 1) throw new ValueError('trainingMonitor', `every ${every} must be a positive integer`);
  const records: MonitorRecord[] = [], curves: CurvePoint[] = [], flags: Flag[] = [];
  let count = 0;
  const keep = (r: MonitorRecord): void => {
    records.push(r);
    flags.push(...r.flags);
    options.onRecord?.(r);
  };
  const statistics = <P>(params: P, next: P | undefined, batch: { readonly x: AnyTensor; readonly y: Y }, ctx: Context, state: unknown) => {
    let activations: Record<string, AnyTensor> = {};
    const grads = gradient((p: P) => {
      const [[pred], seen] = observing(ctx, (c) => model.run(p, state, batch.x, c));
      activations = Object.fromEntries(seen.filter((o) => o.path !== '').map((o) => [o.path, o.output]));
      return loss(pred, batch.y);
    }, params);
    const updates = next === undefined ? undefined : zipWith<unknown>(next, params, (a, b) => sub(a, b) as AnyTensor);
    return layerStats(model, { params, grads, updates, activations });
  };
  const wrap: TrainingMonitor<Y>['wrap'] = (step) =>
    (params, optState, batch, key, modelState) => {
      const n = ++count, ctx = trainMode(key), state = modelState ?? model.initState();
      let r: ReturnType<typeof step>;
      try {
        r = step(params, optState, batch, key, modelState);
      } catch (e) {
        // trainStep refuses a non-finite loss: find where the NaN/Inf first appears, record it, and say so
        const report = e instanceof ValueError ? firstNonFinite(model, params, batch.x, ctx, state) : undefined;
        if (report === undefined && !(e instanceof ValueError && /loss is/.test(e.message))) throw e;
        const layers = statistics(params, undefined, batch, ctx, state);
        const found = flagsOf(n, layers, Infinity, 0);
        const first: Flag = report === undefined
          ? found[0] ?? { kind: 'nonFinite', step: n, path: '', layer: 'loss', where: 'loss' }
          : { kind: 'nonFinite', step: n, path: report.path, layer: report.layer, where: report.where, report };
        keep({ step: n, loss: NaN, layers, flags: [first, ...found.filter((f) => f.path !== first.path)] });
        const where = report === undefined ? `first flagged at '${first.path}' (${first.layer})` : describeNonFinite(report);
        throw new ValueError('trainingMonitor', `step ${n}: ${(e as Error).message}; ${where}`);
      }
      if ((n - 1) % every === 0) {
        const layers = statistics(params, r.params, batch, ctx, state);
        keep({ step: n, loss: r.loss, layers, flags: flagsOf(n, layers, explodingAbove, vanishingBelow) });
      }
      return r;
    };
  const onProgress = (p: ProgressLike): void => {
    curves.push({ step: p.globalStep, epoch: p.epoch, loss: p.loss, metrics: p.metrics, learningRate: p.learningRate });
    if (!Number.isFinite(p.loss)) flags.push({ kind: 'nonFinite', step: p.globalStep, path: '', layer: 'loss', where: 'loss' });
  };
  return { wrap, onProgress, records: () => [...records], curves: () => [...curves], flags: () => [...flags] };
};
