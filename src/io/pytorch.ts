/** @file Rules for PyTorch state_dicts (saved as safetensors): torch names and layouts to shapegrad's, one builder per module kind. */
import * as E from 'fp-ts/lib/Either.js';
import { add, concat, reshape, slice, transpose } from '../ops/index.js';
import { showShape, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import type { Mismatch } from './errors.js';
import { defineRule, type Rule } from './mapping.js';

// Each builder takes the torch module's prefix in the state_dict ('' for a bare module) and the path of
// the matching shapegrad params (`to`, '' for the params record itself). Shapes are checked only as far as
// the conversion needs; restore then checks every tensor against the template.

type T = AnyTensor;
type Out = E.Either<readonly Mismatch[], readonly (readonly [string, T])[]>;
const at = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}.${name}`);
const dims = (t: T): readonly number[] => t.shape as readonly number[];
const permute = (t: T, perm: readonly number[]): T => transpose(t as Tensor<Shape>, perm as number[]) as T;
/** rows [from, to) of a tensor (axis 0) */
const rows = (t: T, from: number, to: number): T => slice(t as Tensor<Shape>, [[from, to]]) as T;
const bad = (name: string, t: T, detail: string): Mismatch => ({ kind: 'rule', name, detail: `${detail}; it is ${showShape(dims(t))}` });
/** a problem unless t has the given rank (layout names the axes, for the message) */
const rankIs = (name: string, t: T, rank: number, layout: string): Mismatch[] =>
  dims(t).length === rank ? [] : [bad(name, t, `expected rank ${rank} (${layout})`)];
/** the tensor under `from` (if found) as `to`, through f */
const optional = (found: ReadonlyMap<string, T>, from: string, to: string, f: (t: T) => T = (t) => t): [string, T][] => {
  const t = found.get(from);
  return t === undefined ? [] : [[to, f(t)]];
};
const done = (problems: readonly Mismatch[], out: () => readonly (readonly [string, T])[]): Out =>
  problems.length > 0 ? E.left(problems) : E.right(out());

/** a kernel from a torch weight by an axis permutation, and the bias as it is */
const permuted = (kind: string, layout: string, perm: readonly number[]) => (prefix: string, to: string): Rule => {
  const [w, b] = [at(prefix, 'weight'), at(prefix, 'bias')];
  return defineRule(`${kind}(${prefix} -> ${to})`, [w], [b], (found) => {
    const weight = found.get(w)!;
    return done(rankIs(w, weight, perm.length, layout), () => [[at(to, 'kernel'), permute(weight, perm)], ...optional(found, b, at(to, 'bias'))]);
  });
};

/** nn.Linear → dense: `kernel = weightᵀ` ([out, in] → [in, out], since torch computes x Wᵀ + b and we x K + b); `bias` as is */
export const linear: (prefix: string, to: string) => Rule = permuted('linear', '[out, in]', [1, 0]);
/** nn.Conv1d → conv1d: `kernel[k, i, o] = weight[o, i, k]` (OIW → WIO, a transpose (2, 1, 0)); grouped convs alike; `bias` as is */
export const conv1d: (prefix: string, to: string) => Rule = permuted('conv1d', 'OIW [out, in/groups, k]', [2, 1, 0]);
/** nn.Conv2d → conv2d: `kernel[y, x, i, o] = weight[o, i, y, x]` (OIHW → HWIO, a transpose (2, 3, 1, 0)); grouped convs alike; `bias` as is */
export const conv2d: (prefix: string, to: string) => Rule = permuted('conv2d', 'OIHW [out, in/groups, kh, kw]', [2, 3, 1, 0]);
/**
 * nn.ConvTranspose2d → conv2dTranspose: `kernel[y, x, i, o] = weight[i, o, y, x]` (torch's [in, out/groups, kh, kw]
 * → [kh, kw, in, out/groups], a transpose (2, 3, 0, 1); no flip: both apply the kernel as the adjoint of a conv); `bias` as is
 */
export const conv2dTranspose: (prefix: string, to: string) => Rule = permuted('conv2dTranspose', 'IOHW [in, out/groups, kh, kw]', [2, 3, 0, 1]);

/**
 * nn.Conv2d(C, C·M, groups=C) → depthwiseConv2d(C, M): torch's output channel c·M + m is filter
 * `weight[c·M + m, 0]`, ours `kernel[:, :, c, m]`: `kernel = weight.reshape(C, M, kh, kw).transpose(2, 3, 0, 1)`.
 */
export const depthwiseConv2d = (prefix: string, to: string, multiplier = 1): Rule => {
  const [w, b] = [at(prefix, 'weight'), at(prefix, 'bias')];
  return defineRule(`depthwiseConv2d(${prefix} -> ${to})`, [w], [b], (found) => {
    const weight = found.get(w)!;
    const [o = 0, one, kh = 0, kw = 0] = dims(weight);
    const problems = rankIs(w, weight, 4, '[C·M, 1, kh, kw]');
    if (problems.length === 0 && (one !== 1 || o % multiplier !== 0)) problems.push(bad(w, weight, `expected [C·${multiplier}, 1, kh, kw] (multiplier ${multiplier})`));
    return done(problems, () => {
      const split = reshape(weight as Tensor<Shape>, [o / multiplier, multiplier, kh, kw] as number[]) as T;
      return [[at(to, 'kernel'), permute(split, [2, 3, 0, 1])], ...optional(found, b, at(to, 'bias'))];
    });
  });
};

/** nn.Embedding → embedding: `embedding = weight` ([vocab, dim] in both) */
export const embedding = (prefix: string, to: string): Rule => {
  const w = at(prefix, 'weight');
  return defineRule(`embedding(${prefix} -> ${to})`, [w], [], (found) => E.right([[at(to, 'embedding'), found.get(w)!]]));
};

// ---- recurrent ---------------------------------------------------------------------------------

/** which layer of a stacked torch RNN, and which direction of a bidirectional one */
export interface RecurrentRuleOptions {
  /** the torch layer index l in `weight_ih_l{l}` (default 0) */
  readonly layer?: number;
  /** the backward direction (`_reverse` names) of a bidirectional torch RNN (default false) */
  readonly reverse?: boolean;
}
/** the four torch tensors of one layer and direction, checked: W_ih [G·H, in], W_hh [G·H, H], biases [G·H] (both or neither) */
const recurrentRule = (
  kind: string, gates: number, prefix: string, to: string, options: RecurrentRuleOptions,
  build: (hidden: number, w: { ih: T; hh: T; bih?: T; bhh?: T }) => (readonly [string, T])[],
): Rule => {
  const suffix = `_l${options.layer ?? 0}${options.reverse ? '_reverse' : ''}`;
  const [wih, whh, bih, bhh] = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((n) => at(prefix, `${n}${suffix}`)) as [string, string, string, string];
  return defineRule(`${kind}(${at(prefix, suffix.slice(1))} -> ${to})`, [wih, whh], [bih, bhh], (found) => {
    const ih = found.get(wih)!, hh = found.get(whh)!, bi = found.get(bih), bh = found.get(bhh);
    const problems = rankIs(wih, ih, 2, `[${gates}·hidden, in]`);
    const g = dims(ih)[0] ?? 0, h = g / gates;
    if (problems.length === 0 && !Number.isInteger(h)) problems.push(bad(wih, ih, `${g} rows do not split into ${gates} gates`));
    if (problems.length === 0) {
      if (dims(hh).length !== 2 || dims(hh)[0] !== g || dims(hh)[1] !== h) problems.push(bad(whh, hh, `expected [${g}, ${h}]`));
      if ((bi === undefined) !== (bh === undefined)) problems.push({ kind: 'rule', name: bi === undefined ? bhh : bih, detail: `found without ${bi === undefined ? bih : bhh}` });
      for (const [name, b] of [[bih, bi], [bhh, bh]] as const) if (b !== undefined && (dims(b).length !== 1 || dims(b)[0] !== g)) problems.push(bad(name, b, `expected [${g}]`));
    }
    return done(problems, () => build(h, { ih, hh, ...(bi && bh ? { bih: bi, bhh: bh } : {}) }));
  });
};
const kernelsOf = (to: string, ih: T, hh: T): [string, T][] => [[at(to, 'kernel'), permute(ih, [1, 0])], [at(to, 'recurrentKernel'), permute(hh, [1, 0])]];
/** one bias from torch's two: the cell only ever uses b_ih + b_hh */
const summedBias = (to: string, w: { bih?: T; bhh?: T }): [string, T][] =>
  w.bih && w.bhh ? [[at(to, 'bias'), add(w.bih, w.bhh) as T]] : [];

/**
 * nn.RNN → simpleRnn: `kernel = W_ihᵀ` [in, H], `recurrentKernel = W_hhᵀ` [H, H], `bias = b_ih + b_hh`
 * (torch: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); ours: h' = tanh(x K + h R + b)).
 */
export const simpleRnn = (prefix: string, to: string, options: RecurrentRuleOptions = {}): Rule =>
  recurrentRule('simpleRnn', 1, prefix, to, options, (_h, w) => [...kernelsOf(to, w.ih, w.hh), ...summedBias(to, w)]);

/**
 * nn.LSTM → lstm: `kernel = W_ihᵀ` [in, 4H], `recurrentKernel = W_hhᵀ` [H, 4H], `bias = b_ih + b_hh` [4H].
 * The gate blocks are i, f, g, o in both, so no reordering: torch's rows [k·H, (k+1)·H) are our columns.
 * A torch LSTM without biases has none to give (our lstm has a bias: restore will report it missing).
 */
export const lstm = (prefix: string, to: string, options: RecurrentRuleOptions = {}): Rule =>
  recurrentRule('lstm', 4, prefix, to, options, (_h, w) => [...kernelsOf(to, w.ih, w.hh), ...summedBias(to, w)]);

/** torch's GRU gate blocks r, z, n (rows) in our order z, r, n */
const zrn = (t: T, h: number): T => concat([rows(t, h, 2 * h), rows(t, 0, h), rows(t, 2 * h, 3 * h)], 0) as T;
/**
 * nn.GRU → gru (resetAfter: true, the default, which is torch's placement of the reset gate):
 * with P the block permutation (r, z, n) → (z, r, n), `kernel = (P W_ih)ᵀ` [in, 3H], `recurrentKernel = (P W_hh)ᵀ`
 * [H, 3H], `bias = P b_ih` and `recurrentBias = P b_hh` [3H] (kept apart: n = tanh(x K_n + b_n + r ⊙ (h R_n + b'_n))).
 */
export const gru = (prefix: string, to: string, options: RecurrentRuleOptions = {}): Rule =>
  recurrentRule('gru', 3, prefix, to, options, (h, w) => [
    ...kernelsOf(to, zrn(w.ih, h), zrn(w.hh, h)),
    ...(w.bih && w.bhh ? [[at(to, 'bias'), zrn(w.bih, h)], [at(to, 'recurrentBias'), zrn(w.bhh, h)]] as [string, T][] : []),
  ]);

// ---- normalization and attention -----------------------------------------------------------------

/** where a norm rule puts the running statistics */
export interface NormRuleOptions {
  /** the path of the layer's state record (batchNorm keeps runningMean/runningVar as state, not params; default: `to`) */
  readonly state?: string;
}
/**
 * nn.LayerNorm / nn.BatchNorm*d / nn.GroupNorm → layerNorm / batchNorm / groupNorm: `scale = weight`, `bias = bias`,
 * and for batch norm `runningMean = running_mean`, `runningVar = running_var` (torch's is the unbiased estimate, as
 * ours) under `options.state`; `num_batches_tracked` is dropped (momentum is a number in both; cumulative averaging is not supported).
 */
export const norm = (prefix: string, to: string, options: NormRuleOptions = {}): Rule => {
  const [w, b, mean, variance, count] = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'].map((n) => at(prefix, n)) as
    [string, string, string, string, string];
  const state = options.state ?? to;
  return defineRule(`norm(${prefix} -> ${to})`, [], [w, b, mean, variance, count], (found) => {
    const problems: Mismatch[] = [];
    if (![w, b, mean, variance].some((n) => found.has(n))) problems.push({ kind: 'missing', name: w, expected: null });
    for (const [x, y] of [[w, b], [mean, variance]] as const) {
      if (found.has(x) !== found.has(y)) problems.push({ kind: 'rule', name: found.has(x) ? x : y, detail: `found without ${found.has(x) ? y : x}` });
    }
    return done(problems, () => [
      ...optional(found, w, at(to, 'scale')), ...optional(found, b, at(to, 'bias')),
      ...optional(found, mean, at(state, 'runningMean')), ...optional(found, variance, at(state, 'runningVar')),
    ]);
  });
};

/**
 * nn.MultiheadAttention (embed dim E, same kdim/vdim) → multiHeadAttention: torch projects q = x W_qᵀ + b_q with
 * W_q, W_k, W_v the row blocks of `in_proj_weight` [3E, E]; ours q = x wq + bq, so `wq = in_proj_weight[0:E]ᵀ`,
 * `wk = in_proj_weight[E:2E]ᵀ`, `wv = in_proj_weight[2E:3E]ᵀ`, `bq, bk, bv` the blocks of `in_proj_bias`,
 * `wo = out_proj.weightᵀ`, `bo = out_proj.bias`. Heads split the columns the same way in both.
 */
export const attention = (prefix: string, to: string): Rule => {
  const [w, b, wo, bo] = ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'].map((n) => at(prefix, n)) as [string, string, string, string];
  return defineRule(`attention(${prefix} -> ${to})`, [w, wo], [b, bo], (found) => {
    const inProj = found.get(w)!, bias = found.get(b);
    const [e3 = 0, e = 0] = dims(inProj);
    const problems = rankIs(w, inProj, 2, '[3E, E]');
    if (problems.length === 0 && e3 !== 3 * e) problems.push(bad(w, inProj, 'expected [3E, E]'));
    if (problems.length === 0 && bias !== undefined && (dims(bias).length !== 1 || dims(bias)[0] !== e3)) problems.push(bad(b, bias, `expected [${e3}]`));
    return done(problems, () => [
      ...['wq', 'wk', 'wv'].map((n, k): [string, T] => [at(to, n), permute(rows(inProj, k * e, (k + 1) * e), [1, 0])]),
      ...(bias === undefined ? [] : ['bq', 'bk', 'bv'].map((n, k): [string, T] => [at(to, n), rows(bias, k * e, (k + 1) * e)])),
      ...optional(found, wo, at(to, 'wo'), (t) => permute(t, [1, 0])), ...optional(found, bo, at(to, 'bo')),
    ]);
  });
};
