/** @file Feature visualization: activation maximization of a channel or neuron by gradient ascent on the input, with jitter, L2 and total-variation penalties. */
import { valueAndGradAt } from '../autodiff/index.js';
import { evalMode, type AnyLayer, type ParamsOf } from '../layers/index.js';
import { add, concat, div, mean, mul, slice, square, sub, sum } from '../ops/index.js';
import { foldIn, normal, randint, split, type Key } from '../random/index.js';
import { ValueError, type Shape, type SliceSpec } from '../shape/index.js';
import { item, tensor, toArray, type AnyTensor, type Tensor } from '../tensor/index.js';
import { observing } from './capture.js';
import { layerAt } from './structure.js';

type T = AnyTensor;

/** what to maximize and how */
export interface MaximizeOptions<X extends readonly number[]> {
  /** the layer whose output is maximized (a path as capture names it) */
  readonly path: string;
  /** the index on the output's last axis: a channel of [B, H, W, C], a neuron of [B, F] */
  readonly channel: number;
  /** the input's shape, e.g. [1, 16, 16, 1] */
  readonly shape: X;
  /** the start image (normal, std 0.1) and the jitter are drawn from it */
  readonly key: Key;
  /** gradient steps (default 64) */
  readonly steps?: number;
  /** the size of each (normalized) step (default 0.05) */
  readonly learningRate?: number;
  /** random shifts of up to this many pixels along each spatial axis at each step (default 1; inputs of rank >= 3 only) */
  readonly jitter?: number;
  /** weight of the L2 penalty mean(x²) (default 1e-3) */
  readonly l2?: number;
  /** weight of the total-variation penalty: the mean squared difference of neighbours along each spatial axis (default 1e-2) */
  readonly tv?: number;
  /** the model's state (default initState()) */
  readonly state?: unknown;
}
/** the image and the channel's mean activation before each step (the last entry is after the last step) */
export interface Maximized<X extends readonly number[]> { readonly image: Tensor<[...X]>; readonly history: readonly number[] }

/** x[..., start:stop, ...] along one axis */
const sliceAxis = (x: T, axis: number, range: readonly [number, number | null]): T =>
  slice(x as Tensor<Shape>, (x.shape as readonly number[]).map((_, i): SliceSpec => (i === axis ? range : null))) as T;
/** x shifted cyclically by `shift` along `axis` (differentiable: two slices and a concat) */
const roll = (x: T, shift: number, axis: number): T => {
  const n = (x.shape as readonly number[])[axis]!, s = ((shift % n) + n) % n;
  return s === 0 ? x : concat([sliceAxis(x, axis, [n - s, null]), sliceAxis(x, axis, [0, n - s])], axis) as T;
};
/** the spatial axes of an input: all but the batch (first) and channel (last) axes */
const spatialAxes = (rank: number): number[] => Array.from({ length: Math.max(rank - 2, 0) }, (_, i) => i + 1);
/** the mean squared difference of neighbours along each spatial axis, summed over the axes */
const totalVariation = (x: T): T => spatialAxes(x.rank).reduce((acc: T, axis) => {
  const n = (x.shape as readonly number[])[axis]!;
  if (n < 2) return acc;
  return add(acc, mean(square(sub(sliceAxis(x, axis, [1, null]), sliceAxis(x, axis, [0, n - 1])))) as T) as T;
}, tensor(0) as T);

/**
 * Activation maximization: starting from small noise, gradient ascent on the input of
 * J(x) = mean of the channel's activation − l2·mean(x²) − tv·TV(x), evaluated on a randomly
 * shifted copy of x (jitter). Each step moves x by learningRate · g / rms(g) (normalized ascent,
 * so the step size does not depend on the gradient's scale). Pure: the same key gives the same image.
 * @example maximizeActivation(model, params, { path: '1', channel: 3, shape: [1, 16, 16, 1], key: key(0) })
 */
export const maximizeActivation = <M extends AnyLayer, const X extends readonly number[]>(
  model: M, params: ParamsOf<M>, options: MaximizeOptions<X>,
): Maximized<X> => {
  const { path, channel, shape } = options;
  const steps = options.steps ?? 64, lr = options.learningRate ?? 0.05, jitter = options.jitter ?? 1;
  const l2 = options.l2 ?? 1e-3, tvWeight = options.tv ?? 1e-2, state = options.state ?? model.initState();
  layerAt(model, path, 'maximizeActivation');
  const [start, jitterKey] = split(options.key);
  const activationOf = (x: T): T => {
    const [, seen] = observing(evalMode, (c) => model.run(params, state, x, c));
    const act = [...seen].reverse().find((o) => o.path === path)?.output;
    if (act === undefined) throw new ValueError('maximizeActivation', `layer '${path}' reported no output`);
    const c = (act.shape as readonly number[]).at(-1) ?? 1;
    if (!Number.isInteger(channel) || channel < 0 || channel >= c) throw new ValueError('maximizeActivation', `channel ${channel} is out of range for ${c} channels at '${path}'`);
    const mask = tensor(Array.from({ length: c }, (_, i) => (i === channel ? 1 : 0)));
    return div(sum(mul(act as Tensor<Shape>, mask)), act.size / c) as T;
  };
  const objective = (k: Key) => (x: T): readonly [Tensor<[]>, T] => {
    const shifts = jitter > 0 && x.rank >= 3 ? Array.from(toArray(randint(k, [x.rank - 2], -jitter, jitter + 1))) : [];
    const moved = shifts.reduce((h: T, s, i) => roll(h, s, i + 1), x);
    const act = activationOf(moved);
    const penalty = add(mul(mean(square(x as Tensor<Shape>)), l2), mul(totalVariation(x), tvWeight));
    return [sub(act, penalty) as Tensor<[]>, act];
  };
  let x: T = normal(start, [...shape], { std: 0.1 });
  const history: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [[, act], g] = valueAndGradAt(objective(foldIn(jitterKey, i)), x);
    history.push(item(act as Tensor<[]>));
    const rms = Math.sqrt(item(mean(square(g as Tensor<Shape>)) as Tensor<[]>));
    x = add(x, mul(g, lr / (rms + 1e-12))) as T;
  }
  history.push(item(activationOf(x) as Tensor<[]>));
  return { image: x as Tensor<[...X]>, history };
};
