/** @file Recurrent cells (simple RNN, LSTM, GRU): pure one-step functions of params, carry and input, in the Keras layout. */
import type { Mul } from '../../types/index.js';
import { add, concat, matmul, mul, relu, sigmoid, slice, split, sub, tanh } from '../ops/index.js';
import { split as splitKey, type Key } from '../random/index.js';
import { ShapeMismatchError, ValueError, type Dim, type Shape } from '../shape/index.js';
import { full, zeros, type AnyTensor, type Tensor } from '../tensor/index.js';
import type { TreeOf } from '../tree/index.js';
import * as init from './initializers.js';

type T = AnyTensor;

// ---- the cell record ---------------------------------------------------------------------------

/** the carry of a simple RNN or a GRU: the hidden state h */
export interface HiddenState { readonly h: AnyTensor }
/** the carry of an LSTM: the hidden state h and the cell state c */
export interface LstmState { readonly h: AnyTensor; readonly c: AnyTensor }
/** a carry record C with every tensor of shape S (TreeOf, so it also types nested states such as bidirectional's) */
export type ShapedState<C, S extends Shape> = TreeOf<C, Tensor<S>>;

/**
 * A recurrent cell: one time step as a pure function, `step(params, carry, xt) -> [carry, yt]`,
 * with xt `[...B, in]` and yt `[...B, hidden]`. The step is also given in two parts, which is what
 * `scan` uses: `input(params, x)` is the part that does not depend on the carry (x @ kernel + bias),
 * computed once for every time step, and `recur(params)` the per-step update from it.
 */
export interface Cell<I extends number, H extends number, P, C> {
  /** e.g. 'lstm(3, 4)' */
  readonly name: string;
  readonly inFeatures: I;
  readonly hidden: H;
  /** the parameter record, from a key */
  init(key: Key): P;
  /** the zero carry for a batch shape */
  initCarry<const B extends readonly number[]>(batchShape: B): ShapedState<C, [...B, H]>;
  /** one step: the next carry and the output */
  step<const B extends Shape>(
    params: P, carry: NoInfer<ShapedState<C, [...B, H]>>, xt: Tensor<[...B, I]>,
  ): readonly [ShapedState<C, [...B, H]>, Tensor<[...B, H]>];
  /** x @ kernel (+ the input bias) on the last axis of x, for any leading axes */
  input(params: P, x: AnyTensor): AnyTensor;
  /** the update from one step's projected input (params are read once, outside the time loop) */
  recur(params: P): (carry: C, xp: AnyTensor) => readonly [C, AnyTensor];
}

/** initializers of a cell's params (defaults: Glorot-uniform kernel, orthogonal recurrent kernel, zero biases) */
export interface CellInits {
  readonly kernelInit?: init.Initializer;
  readonly recurrentKernelInit?: init.Initializer;
  readonly biasInit?: init.Initializer;
}

const mm = (a: T, b: T): T => matmul(a as Tensor<Shape>, b as Tensor<Shape>) as T;
/** the last axis cut into parts of the given sizes */
const cut = (x: T, sizes: readonly number[]): T[] => split(x as Tensor<Shape>, sizes as number[], -1) as readonly T[] as T[];
const columns = (w: T, from: number, to: number): T => slice(w as Tensor<Shape>, [null, [from, to]]) as T;

const checkSizes = (name: string, inFeatures: number, hidden: number): void => {
  for (const [what, n] of [['input features', inFeatures], ['hidden size', hidden]] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(name, `${what} ${n} must be a positive integer`);
  }
};

const defineCell = <I extends number, H extends number, P, C>(
  name: string, inFeatures: I, hidden: H, initParams: (key: Key) => P, carryNames: readonly string[],
  input: (params: P, x: T) => T, recur: (params: P) => (carry: C, xp: T) => readonly [C, T],
): Cell<I, H, P, C> => {
  checkSizes(name, inFeatures, hidden);
  const initCarry = (batchShape: readonly number[]) =>
    Object.fromEntries(carryNames.map((k) => [k, zeros([...batchShape, hidden])])) as C;
  const step = <const B extends Shape>(
    params: P, carry: NoInfer<ShapedState<C, [...B, H]>>, xt: Tensor<[...B, I]>,
  ): readonly [ShapedState<C, [...B, H]>, Tensor<[...B, H]>] => {
    const last = (xt.shape as readonly number[]).at(-1);
    if (last !== inFeatures) throw new ShapeMismatchError(name, `input has ${last ?? 'no'} features, expected ${inFeatures}`, [xt.shape as readonly number[]]);
    const [next, y] = recur(params)(carry as C, input(params, xt));
    return [next as ShapedState<C, [...B, H]>, y as Tensor<Dim[]> as Tensor<[...B, H]>];
  };
  // the typed face: shapes were checked by the compiler and are checked again by the ops at run time
  return Object.freeze({
    name, inFeatures, hidden, init: initParams, input, recur,
    initCarry: initCarry as Cell<I, H, P, C>['initCarry'],
    step,
  });
};

// ---- simple RNN --------------------------------------------------------------------------------

/** the params of simpleRnnCell(I, H): kernel [I, H], recurrentKernel [H, H], bias [H] */
export interface SimpleRnnParams<I extends Dim, H extends Dim> {
  readonly kernel: Tensor<[I, H]>;
  readonly recurrentKernel: Tensor<[H, H]>;
  readonly bias: Tensor<[H]>;
}
/** simple RNN options: the activation (tanh by default, or relu) and the initializers */
export interface SimpleRnnOptions extends CellInits { readonly activation?: 'tanh' | 'relu' }
/**
 * The Elman cell: h = act(x W + h W_r + b), output h; act is tanh (default) or relu.
 * @example cell.step(cell.init(key(0)), cell.initCarry([2]), zeros([2, 3])) // cell = simpleRnnCell(3, 8): [{ h }, h], h [2, 8]
 */
export const simpleRnnCell = <const I extends number, const H extends number>(
  inFeatures: I, hidden: H, options: SimpleRnnOptions = {},
): Cell<I, H, SimpleRnnParams<I, H>, HiddenState> => {
  const activation = options.activation ?? 'tanh';
  const name = `simpleRnn(${inFeatures}, ${hidden})`;
  if (activation !== 'tanh' && activation !== 'relu') throw new ValueError(name, `activation ${String(activation)} is not tanh or relu`);
  const act = activation === 'tanh' ? (x: T) => tanh(x) as T : (x: T) => relu(x) as T;
  return defineCell(name, inFeatures, hidden, (key) => {
    const [k1, k2, k3] = splitKey(key, 3);
    return {
      kernel: (options.kernelInit ?? init.glorotUniform)(k1, [inFeatures, hidden]),
      recurrentKernel: (options.recurrentKernelInit ?? init.orthogonal())(k2, [hidden, hidden]),
      bias: (options.biasInit ?? init.zeros)(k3, [hidden]),
    };
  }, ['h'], (p, x) => add(mm(x, p.kernel), p.bias) as T, (p) => (carry: HiddenState, xp) => {
    const h = act(add(xp, mm(carry.h, p.recurrentKernel)) as T);
    return [{ h }, h];
  });
};

// ---- LSTM --------------------------------------------------------------------------------------

/** the params of lstmCell(I, H): gate blocks i, f, g, o (torch's order, Keras' i, f, c, o) along the last axis */
export interface LstmParams<I extends Dim, H extends number> {
  readonly kernel: Tensor<[I, Mul<4, H>]>;
  readonly recurrentKernel: Tensor<[H, Mul<4, H>]>;
  readonly bias: Tensor<[Mul<4, H>]>;
}
/** LSTM options: the initializers, and whether the forget-gate bias starts at 1 */
export interface LstmOptions extends CellInits {
  /**
   * Keras' unit_forget_bias (default true): the forget-gate block of the bias starts at 1 (the rest
   * from biasInit), so the cell remembers by default early in training (Jozefowicz et al. 2015).
   * PyTorch starts it at 0 like the other blocks.
   */
  readonly unitForgetBias?: boolean;
}
/**
 * The LSTM cell: [i, f, g, o] = x K + h R + b; c' = σ(f) c + σ(i) tanh(g); h' = σ(o) tanh(c'); output h'.
 * Default init: Glorot-uniform kernel, orthogonal recurrent kernel, zero bias with the forget block at 1.
 * @example lstmCell(3, 4).init(key(0)).kernel // Tensor<[3, 16]>
 */
export const lstmCell = <const I extends number, const H extends number>(
  inFeatures: I, hidden: H, options: LstmOptions = {},
): Cell<I, H, LstmParams<I, H>, LstmState> => {
  const g = 4 * hidden;
  return defineCell(`lstm(${inFeatures}, ${hidden})`, inFeatures, hidden, (key) => {
    const [k1, k2, k3] = splitKey(key, 3);
    const b = (options.biasInit ?? init.zeros)(k3, [g]) as T;
    const bias = (options.unitForgetBias ?? true)
      ? concat([slice(b as Tensor<[number]>, [[0, hidden]]), full([hidden], 1), slice(b as Tensor<[number]>, [[2 * hidden, g]])] as T[]) as T
      : b;
    return {
      kernel: (options.kernelInit ?? init.glorotUniform)(k1, [inFeatures, g]),
      recurrentKernel: (options.recurrentKernelInit ?? init.orthogonal())(k2, [hidden, g]),
      bias,
    } as LstmParams<I, H>;
  }, ['h', 'c'], (p, x) => add(mm(x, p.kernel), p.bias) as T, (p) => (carry: LstmState, xp) => {
    const [i, f, gg, o] = cut(add(xp, mm(carry.h, p.recurrentKernel)) as T, [hidden, hidden, hidden, hidden]);
    const c = add(mul(sigmoid(f!), carry.c), mul(sigmoid(i!), tanh(gg!))) as T;
    const h = mul(sigmoid(o!), tanh(c)) as T;
    return [{ h, c }, h];
  });
};

// ---- GRU ---------------------------------------------------------------------------------------

/**
 * The params of gruCell(I, H): gate blocks z, r, n along the last axis (Keras' z, r, h). With the
 * reset gate after the recurrent matmul (default) the recurrent part has its own bias,
 * `recurrentBias` (Keras keeps the two as the rows of one [2, 3H] bias); otherwise one bias.
 */
export type GruParams<I extends Dim, H extends number, RA extends boolean = true> = {
  readonly kernel: Tensor<[I, Mul<3, H>]>;
  readonly recurrentKernel: Tensor<[H, Mul<3, H>]>;
  readonly bias: Tensor<[Mul<3, H>]>;
} & (RA extends false ? unknown : { readonly recurrentBias: Tensor<[Mul<3, H>]> });
/** GRU options: where the reset gate goes, and the initializers (biasInit serves both biases) */
export interface GruOptions<RA extends boolean> extends CellInits {
  /**
   * true (default, PyTorch and Keras reset_after=True): n = tanh(x K_n + b_n + r ⊙ (h R_n + b'_n));
   * false (Cho et al. 2014, Keras reset_after=False): n = tanh(x K_n + (r ⊙ h) R_n + b_n)
   */
  readonly resetAfter?: RA;
}
/**
 * The GRU cell: [z, r] = σ(x K_zr + h R_zr + b_zr), n as `resetAfter` says, h' = z ⊙ h + (1 − z) ⊙ n; output h'.
 * @example gruCell(3, 5).init(key(0)).recurrentBias // Tensor<[15]>
 */
export const gruCell = <const I extends number, const H extends number, const RA extends boolean = true>(
  inFeatures: I, hidden: H, options: GruOptions<RA> = {},
): Cell<I, H, GruParams<I, H, RA>, HiddenState> => {
  const resetAfter = options.resetAfter ?? true;
  const g = 3 * hidden;
  type P = { readonly kernel: T; readonly recurrentKernel: T; readonly bias: T; readonly recurrentBias?: T };
  // h' = z h + (1 - z) n, written n + z (h - n): one op fewer per step
  const update = (z: T, h: T, n: T): T => add(n, mul(z, sub(h, n))) as T;
  const after = (p: P) => (carry: HiddenState, xp: T): readonly [HiddenState, T] => {
    const [xzr, xn] = cut(xp, [2 * hidden, hidden]);
    const [hzr, hn] = cut(add(mm(carry.h, p.recurrentKernel), p.recurrentBias!) as T, [2 * hidden, hidden]);
    const [z, r] = cut(sigmoid(add(xzr!, hzr!)) as T, [hidden, hidden]);
    const h = update(z!, carry.h, tanh(add(xn!, mul(r!, hn!))) as T);
    return [{ h }, h];
  };
  const before = (p: P) => {
    const rzr = columns(p.recurrentKernel, 0, 2 * hidden), rn = columns(p.recurrentKernel, 2 * hidden, g);
    return (carry: HiddenState, xp: T): readonly [HiddenState, T] => {
      const [xzr, xn] = cut(xp, [2 * hidden, hidden]);
      const [z, r] = cut(sigmoid(add(xzr!, mm(carry.h, rzr))) as T, [hidden, hidden]);
      const h = update(z!, carry.h, tanh(add(xn!, mm(mul(r!, carry.h) as T, rn))) as T);
      return [{ h }, h];
    };
  };
  return defineCell(`gru(${inFeatures}, ${hidden})`, inFeatures, hidden, (key) => {
    const [k1, k2, k3, k4] = splitKey(key, 4);
    const biasInit = options.biasInit ?? init.zeros;
    const common = {
      kernel: (options.kernelInit ?? init.glorotUniform)(k1, [inFeatures, g]),
      recurrentKernel: (options.recurrentKernelInit ?? init.orthogonal())(k2, [hidden, g]),
      bias: biasInit(k3, [g]),
    };
    return (resetAfter ? { ...common, recurrentBias: biasInit(k4, [g]) } : common) as GruParams<I, H, RA>;
  }, ['h'], (p, x) => add(mm(x, p.kernel), p.bias) as T, (p) => (resetAfter ? after : before)(p as P));
};
