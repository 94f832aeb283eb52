/** @file Recurrent layers over [B, T, F] sequences: scan, simpleRnn, lstm, gru, rnn(cell), bidirectional, and runRecurrent for states. */
import type { Add, AnyShapeError, Check, ShapeError } from '../../types/index.js';
import type { DType } from '../dtype/index.js';
import { add, concat, mul, slice, stack } from '../ops/index.js';
import { split } from '../random/index.js';
import { sameShape, ShapeMismatchError, ValueError, showShape, type DimEq, type Dim, type IsDynRank, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { leavesWithPath } from '../tree/index.js';
import { defineLayer, requireDType, type Apply, type Layer, type OutShape, type ShapeFn } from './layer.js';
import {
  gruCell, lstmCell, simpleRnnCell, type Cell, type GruOptions, type GruParams, type LstmState, type HiddenState, type LstmOptions,
  type LstmParams, type SimpleRnnOptions, type SimpleRnnParams, type ShapedState,
} from './recurrent-cells.js';

type T = AnyTensor;
const dimsOf = (x: T): readonly number[] => x.shape as readonly number[];

// ---- scan --------------------------------------------------------------------------------------

/** how a sequence is read and what comes back */
export interface ScanOptions<Seq extends boolean = boolean, TM extends boolean = boolean> {
  /** every step's output, [B, T, H] (default true), or only the last step read, [B, H] */
  readonly returnSequences?: Seq;
  /** the time axis first: [T, B, F] -> [T, B, H] (default false: [B, T, F] -> [B, T, H]) */
  readonly timeMajor?: TM;
  /** read t = T−1 … 0; the outputs stay aligned with the input's time steps (default false) */
  readonly reverse?: boolean;
}
/** the batch dim of a [B, T, F] (or, time-major, [T, B, F]) shape */
export type BatchOf<X, TM extends boolean> = X extends readonly [infer A extends Dim, infer B extends Dim, Dim] ? (TM extends true ? B : A) : Dim;
/** the outputs of a recurrent run with H features on X */
export type SequenceOut<X, H extends Dim, Seq extends boolean, TM extends boolean> =
  X extends readonly [infer A extends Dim, infer B extends Dim, Dim] ? (Seq extends false ? [TM extends true ? B : A, H] : [A, B, H])
  : Seq extends false ? [Dim, H] : [Dim, Dim, H];

/**
 * The steps of x along `axis` (0 or 1), as views: first cut into about √T blocks, then each block
 * into its steps. A first-order backward pass writes every step's cotangent straight into its
 * block's and every block's into x's (O(N) in all); where that pass is itself traced (grad of
 * grad), a slice's cotangent is padded to the size of what was sliced, and the two levels keep
 * that at O(N·√T) rather than the O(N·T) of one slice of the whole per step.
 */
const unstack = (x: T, axis: number): T[] => {
  const n = dimsOf(x)[axis]!;
  const at = (v: T, spec: number | readonly [number, number]): T => slice(v as Tensor<Shape>, axis === 0 ? [spec] : [null, spec]) as T;
  const per = Math.ceil(Math.sqrt(n));
  if (n <= 2 * per) return Array.from({ length: n }, (_, t) => at(x, t));
  const out: T[] = [];
  for (let s = 0; s < n; s += per) {
    const block = at(x, [s, Math.min(n, s + per)]);
    for (let t = s; t < Math.min(n, s + per); t++) out.push(at(block, t - s));
  }
  return out;
};

/** the untyped loop: one matmul for x @ kernel over all steps, then the recurrent update per step */
const scanCore = <P, C>(
  cell: Pick<Cell<number, number, P, C>, 'name' | 'input' | 'recur'>, params: P, carry: C, xs: T, o: ScanOptions,
): readonly [C, T] => {
  const axis = o.timeMajor ? 0 : 1;
  const steps = dimsOf(xs)[axis] ?? 0;
  if (steps === 0) throw new ValueError(cell.name, `the sequence ${showShape(dimsOf(xs))} has no time steps`);
  const xp = unstack(cell.input(params, xs), axis);
  const recur = cell.recur(params);
  const ys: T[] = [];
  let c = carry;
  for (let k = 0; k < steps; k++) {
    const t = o.reverse ? steps - 1 - k : k;
    const [next, y] = recur(c, xp[t]!);
    c = next;
    ys[t] = y;
  }
  if (o.returnSequences === false) return [c, ys[o.reverse ? 0 : steps - 1]!];
  return [c, stack(ys, axis) as T];
};

/**
 * Runs a cell over the time axis: `scan(cell, options)(params, carry, xs) -> [finalCarry, outputs]`.
 * Differentiable (backprop through time is the traced loop); x @ kernel is computed for all
 * steps in one matmul and cut into per-step views, so a step costs little more than its recurrent update.
 * @example scan(cell)(cell.init(key(0)), cell.initCarry([2]), zeros([2, 7, 3])) // cell = lstmCell(3, 4): [{ h, c }, Tensor<[2, 7, 4]>]
 */
export const scan = <const I extends number, const H extends number, P, C, const Seq extends boolean = true, const TM extends boolean = false>(
  cell: Cell<I, H, P, C>, options: ScanOptions<Seq, TM> = {},
) => <const X extends readonly [Dim, Dim, I]>(
  params: P, carry: NoInfer<ShapedState<C, [BatchOf<X, TM>, H]>>, xs: Tensor<X>,
): readonly [ShapedState<C, [BatchOf<X, TM>, H]>, Tensor<SequenceOut<X, H, Seq, TM>>] =>
  scanCore(cell, params, carry as C, xs, options) as readonly [ShapedState<C, [BatchOf<X, TM>, H]>, Tensor<SequenceOut<X, H, Seq, TM>>];

// ---- recurrent layers --------------------------------------------------------------------------

/**
 * The shape function of a recurrent layer named Name with I inputs and H units: [B, T, I] -> [B, T, H]
 * (or [B, H] without returnSequences; time-major [T, B, I] -> [T, B, H] or [B, H]). `state` is the
 * shape of each final-state tensor, [B, H].
 */
export interface RecurrentFn<Name extends string, I extends number, H extends number, Seq extends boolean, TM extends boolean> extends ShapeFn {
  readonly canonical: [Dim, Dim, I];
  readonly out: RecurrentOut<this['in'], Name, I, H, Seq, TM>;
  readonly state: [BatchOf<this['in'], TM>, H];
}
type RecurrentOut<X, Name extends string, I extends number, H extends number, Seq extends boolean, TM extends boolean> =
  X extends readonly [Dim, Dim, infer F extends Dim]
    ? DimEq<F, I> extends true ? SequenceOut<X, H, Seq, TM> : ShapeError<`${Name}: input has ${F} features, expected ${I}`, X>
    : X extends Shape
      ? IsDynRank<X> extends true ? SequenceOut<X, H, Seq, TM> : ShapeError<`${Name}: input has rank ${X['length']}, expected 3 ([batch, time, features])`, X>
      : never;
/** the shape of each final-state tensor of a recurrent layer on input X: [B, H] */
export type RecurrentStateShape<F extends ShapeFn, X> = (F & { readonly in: X }) extends { readonly state: infer S extends Shape } ? S : Dim[];

/** what runSequence takes besides the params and the input */
export interface SequenceOptions<St> {
  /** the state before the first step read (zeros when omitted) */
  readonly initialState?: St | undefined;
  /** read the sequence backwards (outputs stay aligned with the input's time steps) */
  readonly reverse?: boolean;
}
/** the outputs of a recurrent run (what apply returns) and the final state */
export interface RecurrentResult<Out, St> { readonly outputs: Out; readonly state: St }
/**
 * A recurrent layer: a Layer (so it composes with serial) whose apply returns the outputs, with
 * `runSequence`, which also takes an initial state and gives the final one. runRecurrent is its typed face.
 */
export interface Recurrent<F extends ShapeFn, P, St> extends Layer<F, P> {
  /** the untyped run with states */
  runSequence(params: P, x: AnyTensor, options?: SequenceOptions<St>): RecurrentResult<AnyTensor, St>;
}
/** any recurrent layer */
export type AnyRecurrent = Recurrent<ShapeFn, unknown, unknown>;
/** options of the recurrent layers */
export type RecurrentOptions<Seq extends boolean, TM extends boolean> = Omit<ScanOptions<Seq, TM>, 'reverse'>;

const recurrentLayer = <F extends ShapeFn, P, C>(
  name: string, cell: Cell<number, number, P, C>, options: RecurrentOptions<boolean, boolean>,
): Recurrent<F, P, C> => {
  const { returnSequences = true, timeMajor = false } = options;
  const runSequence = (params: P, x: T, o: SequenceOptions<C> = {}): RecurrentResult<T, C> => {
    requireDType(name, x, ['float32']);
    const s = dimsOf(x);
    if (s.length !== 3) throw new ShapeMismatchError(name, `input has rank ${s.length}, expected 3 ([batch, time, features])`, [s]);
    if (s[2] !== cell.inFeatures) throw new ShapeMismatchError(name, `input has ${s[2]} features, expected ${cell.inFeatures}`, [s]);
    const zero = cell.initCarry([s[timeMajor ? 1 : 0]!]) as C;
    if (o.initialState !== undefined) {
      const want = leavesWithPath(zero, name), got = leavesWithPath(o.initialState, name);
      const paths = (ls: typeof want) => ls.map(([p]) => p).join(', ');
      if (paths(got) !== paths(want)) throw new ValueError(name, `the initial state has ${paths(got) || 'no tensors'}, expected ${paths(want)}`);
      got.forEach(([p, t], i) => {
        const [g, w] = [dimsOf(t), dimsOf(want[i]![1])];
        if (!sameShape(g, w)) throw new ShapeMismatchError(name, `initial state ${p} is ${showShape(g)}, expected ${showShape(w)}`, [g, w]);
      });
    }
    const [state, outputs] = scanCore({ ...cell, name }, params, o.initialState ?? zero, x, { returnSequences, timeMajor, reverse: o.reverse ?? false });
    return { outputs, state };
  };
  const base = defineLayer<F, P>(name, (key) => cell.init(key), (p, s, x) => [runSequence(p, x).outputs, s]);
  return Object.freeze({ ...base, runSequence });
};

/** a recurrent layer kind's shape function */
type RnnFn<K extends string, I extends number, H extends number, Seq extends boolean, TM extends boolean> = RecurrentFn<`${K}(${I}, ${H})`, I, H, Seq, TM>;

/**
 * A recurrent layer from any cell (Keras' RNN(cell)); simpleRnn, lstm and gru are this with their cell.
 * @example rnn(lstmCell(3, 4), { returnSequences: false }) // [B, T, 3] -> [B, 4]
 */
export const rnn = <const I extends number, const H extends number, P, C, const Seq extends boolean = true, const TM extends boolean = false>(
  cell: Cell<I, H, P, C>, options: RecurrentOptions<Seq, TM> = {},
): Recurrent<RnnFn<'rnn', I, H, Seq, TM>, P, C> => recurrentLayer(`rnn(${cell.name})`, cell, options);

/**
 * The Elman RNN over a sequence, h = act(x W + h W_r + b) (tanh or relu); see simpleRnnCell.
 * @example simpleRnn(3, 8) // [B, T, 3] -> [B, T, 8]
 */
export const simpleRnn = <const I extends number, const H extends number, const Seq extends boolean = true, const TM extends boolean = false>(
  inFeatures: I, hidden: H, options: SimpleRnnOptions & RecurrentOptions<Seq, TM> = {},
): Recurrent<RnnFn<'simpleRnn', I, H, Seq, TM>, SimpleRnnParams<I, H>, HiddenState> => {
  const cell = simpleRnnCell(inFeatures, hidden, options);
  return recurrentLayer(cell.name, cell, options);
};

/**
 * An LSTM over a sequence (gate blocks i, f, g, o; forget bias 1 at init); see lstmCell.
 * The final { h, c } and initial states go through runRecurrent.
 * @example serial(lstm(3, 4), lstm(4, 4, { returnSequences: false })) // [B, T, 3] -> [B, 4]
 */
export const lstm = <const I extends number, const H extends number, const Seq extends boolean = true, const TM extends boolean = false>(
  inFeatures: I, hidden: H, options: LstmOptions & RecurrentOptions<Seq, TM> = {},
): Recurrent<RnnFn<'lstm', I, H, Seq, TM>, LstmParams<I, H>, LstmState> => {
  const cell = lstmCell(inFeatures, hidden, options);
  return recurrentLayer(cell.name, cell, options);
};

/**
 * A GRU over a sequence (gate blocks z, r, n; reset gate after the recurrent matmul unless
 * resetAfter: false); see gruCell.
 * @example gru(10, 20, { timeMajor: true }) // [T, B, 10] -> [T, B, 20]
 */
export const gru = <const I extends number, const H extends number, const RA extends boolean = true, const Seq extends boolean = true, const TM extends boolean = false>(
  inFeatures: I, hidden: H, options: GruOptions<RA> & RecurrentOptions<Seq, TM> = {},
): Recurrent<RnnFn<'gru', I, H, Seq, TM>, GruParams<I, H, RA>, HiddenState> => {
  const cell = gruCell(inFeatures, hidden, options);
  return recurrentLayer(cell.name, cell, options);
};

// ---- bidirectional -----------------------------------------------------------------------------

/** how bidirectional joins the two directions: concat (forward features first), sum or mean */
export type BidirectionalMerge = 'concat' | 'sum' | 'mean';
type CanonOf<F> = F extends { readonly canonical: infer C extends Shape } ? C : Dim[];
type DoubleLast<O> = O extends readonly [...infer L extends Dim[], infer H extends number] ? [...L, Add<H, H>] : O;
/** the shape function of bidirectional(layer, { merge }): the layer's, with the features doubled by concat */
export interface BidirectionalFn<F extends ShapeFn, M extends BidirectionalMerge> extends ShapeFn {
  readonly canonical: CanonOf<F>;
  readonly out: Apply<F, this['in']> extends infer O ? O extends AnyShapeError ? O : M extends 'concat' ? DoubleLast<O> : O : never;
  readonly state: RecurrentStateShape<F, this['in']>;
}
/** the params of a bidirectional layer: one record per direction */
export interface BidirectionalParams<P> { readonly forward: P; readonly backward: P }
/** the state of a bidirectional layer: one per direction (backward's is the one after reading t = 0) */
export interface BidirectionalState<St> { readonly forward: St; readonly backward: St }

/**
 * Runs a recurrent layer both ways with separate params: the backward copy reads t = T−1 … 0 and
 * its outputs are re-aligned with the input's time steps (without returnSequences, its output is
 * the one after reading t = 0, as Keras). The two are joined by `merge` (default concat).
 * @example bidirectional(lstm(3, 4)) // [B, T, 3] -> [B, T, 8]
 */
export const bidirectional = <F extends ShapeFn, P, St, const M extends BidirectionalMerge = 'concat'>(
  layer: Recurrent<F, P, St>, options: { readonly merge?: M } = {},
): Recurrent<BidirectionalFn<F, M>, BidirectionalParams<P>, BidirectionalState<St>> => {
  const merge: BidirectionalMerge = options.merge ?? 'concat';
  if (!['concat', 'sum', 'mean'].includes(merge)) throw new ValueError('bidirectional', `merge ${String(merge)} is not concat, sum or mean`);
  const join = (f: T, b: T): T =>
    merge === 'concat' ? concat([f, b], -1) as T : merge === 'sum' ? add(f, b) as T : mul(add(f, b), 0.5) as T;
  const runSequence = (params: BidirectionalParams<P>, x: T, o: SequenceOptions<BidirectionalState<St>> = {}) => {
    const reverse = o.reverse ?? false;
    const f = layer.runSequence(params.forward, x, { initialState: o.initialState?.forward, reverse });
    const b = layer.runSequence(params.backward, x, { initialState: o.initialState?.backward, reverse: !reverse });
    return { outputs: join(f.outputs, b.outputs), state: { forward: f.state, backward: b.state } };
  };
  const base = defineLayer<BidirectionalFn<F, M>, BidirectionalParams<P>>(`bidirectional(${layer.name})`, (key) => {
    const [k1, k2] = split(key);
    return { forward: layer.init(k1), backward: layer.init(k2) };
  }, (p, s, x) => [runSequence(p, x).outputs, s]);
  return Object.freeze({ ...base, runSequence });
};

// ---- states ------------------------------------------------------------------------------------

/**
 * Runs a recurrent layer from an initial state (zeros when omitted) and returns the outputs (what
 * apply gives) and the final state: { h } for simpleRnn and gru, { h, c } for lstm, and
 * { forward, backward } of those for bidirectional; each tensor [B, H].
 * @example runRecurrent(lstm(3, 4), params, x, { initialState: { h: h0, c: c0 } }).state.c // Tensor<[B, 4]>
 */
export const runRecurrent = <F extends ShapeFn, P, St, const X extends Shape, D extends DType = 'float32'>(
  layer: Recurrent<F, P, St>, params: NoInfer<P>, x: Check<Apply<F, X>, Tensor<X, D>>,
  options: { readonly initialState?: ShapedState<NoInfer<St>, RecurrentStateShape<F, X>> } = {},
): RecurrentResult<Tensor<OutShape<F, X>>, ShapedState<St, RecurrentStateShape<F, X>>> =>
  layer.runSequence(params, x as T, { initialState: options.initialState as St | undefined }) as RecurrentResult<Tensor<OutShape<F, X>>, ShapedState<St, RecurrentStateShape<F, X>>>;
