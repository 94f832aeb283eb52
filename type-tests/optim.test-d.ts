/** @file Types of optimizers: exact state types, updates with the params' type, chain tuples, checked masks and labels. */
import { expectAssignable, expectError, expectType } from 'tsd';
import type { Tensor, TreeOf } from '../src/index.js';
import {
  adagrad, adam, adamw, addDecayedWeights, chain, clipByGlobalNorm, constant, discriminative, injectHyperparams, masked,
  multiTransform, rmsprop, scale, scaleByAdam, scaleByLearningRate, scaleByMomentum, setToZero, sgd, warmupCosine,
  type AdamMoments, type AmsgradMoments, type CenteredRmsMoments, type Count, type GradientTransformation, type InjectedState,
  type MomentumTrace, type NoState, type RssSums, type Schedule,
} from '../src/optim/index.js';

interface P { readonly w: Tensor<[3, 4]>; readonly b: Tensor<[4]> }
declare const p: P;
declare const g: P;
type Counted = { readonly count: Count };

// ---- exact state types: the tuple of the chain's parts (null where a part keeps nothing) ----
const s = adam(1e-3).init(p);
expectType<[null, AdamMoments<P>, null]>(s);
expectType<[null, AdamMoments<P>, Counted]>(adam(constant(1e-3)).init(p));
expectType<[null, AmsgradMoments<P>, null]>(adam(1e-3, { amsgrad: true }).init(p));
expectType<[null, AdamMoments<P> | AmsgradMoments<P>, null]>(adam(1e-3, { amsgrad: Math.random() > 0.5 }).init(p));
expectType<[AdamMoments<P>, null, null]>(adamw(1e-3).init(p));
expectType<[null, null, null]>(sgd(0.1).init(p));
expectType<[null, MomentumTrace<P>, null]>(sgd(0.1, { momentum: 0.9, nesterov: true }).init(p));
expectType<[null, CenteredRmsMoments<P>, MomentumTrace<P>, null]>(rmsprop(1e-3, { centered: true, momentum: 0.9 }).init(p));
expectType<[null, RssSums<P>, null]>(adagrad(0.1).init(p));
expectType<[null, RssSums<P>, Counted]>(adagrad(0.1, { lrDecay: 1e-3 }).init(p));

// ---- update: the updates have the params' type, the state keeps its type ----
const [updates, next] = adam(1e-3).update(g, s, p);
expectType<P>(updates);
expectType<[null, AdamMoments<P>, null]>(next);
expectType<readonly [updates: P, state: null]>(scale(2).update(g, null));
// grads, state and params must all be about the same params type
declare const other: { readonly w: Tensor<[3, 5]>; readonly b: Tensor<[4]> };
expectError(adam(1e-3).update(other, s, p));
expectError(adam(1e-3).update(g, s, other));
expectError(adam(1e-3).update(g, sgd(0.1, { momentum: 0.9 }).init(p), p));
// lr is a number or a schedule
expectError(adam('1e-3'));
expectAssignable<Schedule>(warmupCosine({ peak: 1e-3, warmupSteps: 10, decaySteps: 100 }));

// ---- chain: the state is the tuple of its parts' states ----
expectType<[null, AdamMoments<P>, Counted, null]>(
  chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate((t: number) => 1 / (t + 1)), scale(-1)).init(p));
expectType<[MomentumTrace<P>, [null, AdamMoments<P>, null]]>(chain(scaleByMomentum({ momentum: 0.9 }), adam(1e-3)).init(p));

// ---- masked: the mask must cover the params with booleans; the inner state holds only the selected leaves ----
const m = masked(scaleByAdam(), { w: true, b: false });
expectType<AdamMoments<{ readonly w: Tensor<[3, 4]>; readonly b: null }>>(m.init(p));
expectType<P>(m.update(g, m.init(p), p)[0]);
expectError(masked(scaleByAdam(), { w: true }).init(p));
expectError(masked(scaleByAdam(), { w: 'yes', b: false }));
expectError(addDecayedWeights(1e-4, { w: true }).init(p));
expectType<null>(addDecayedWeights(1e-4, { w: true, b: false }).init(p));
expectError(adamw(1e-3, { mask: { b: false } }).init(p));
expectType<[AdamMoments<P>, null, null]>(adamw(1e-3, { mask: { w: true, b: false } }).init(p));

// ---- multiTransform: every parameter needs a label that is a key of the transforms ----
const freeze = multiTransform({ train: adam(1e-3), frozen: setToZero() }, { w: 'train', b: 'frozen' });
expectType<{ readonly train: [null, AdamMoments<{ readonly w: Tensor<[3, 4]>; readonly b: null }>, null]; readonly frozen: null }>(freeze.init(p));
expectType<P>(freeze.update(g, freeze.init(p), p)[0]);
expectError(multiTransform({ train: adam(1e-3), frozen: setToZero() }, { w: 'train', b: 'frozn' }));
expectError(multiTransform({ train: adam(1e-3), frozen: setToZero() }, { w: 'train' }).init(p));
// a label on a subtree covers all of its leaves
expectType<{ readonly train: [null, AdamMoments<P>, null] }>(multiTransform({ train: adam(1e-3) }, 'train').init(p));

// records typed with TreeOf against the params work too (leaves whose label the type does not fix may be null)
const mask: TreeOf<P, boolean> = { w: true, b: false };
expectType<AdamMoments<{ readonly w: Tensor<[3, 4]> | null; readonly b: Tensor<[4]> | null }>>(masked(scaleByAdam(), mask).init(p));
const labels: TreeOf<P, 'train' | 'frozen'> = { w: 'train', b: 'frozen' };
expectType<P>(multiTransform({ train: adam(1e-3), frozen: setToZero() }, labels).update(g, multiTransform({ train: adam(1e-3), frozen: setToZero() }, labels).init(p))[0]);
expectError(multiTransform({ train: adam(1e-3) }, labels));
const clipped = chain(clipByGlobalNorm(1), masked(scaleByAdam(), mask));
expectType<P>(clipped.update(g, clipped.init(p), p)[0]);

// ---- injectHyperparams: the hyperparameters are scalar tensors in the state ----
const injected = injectHyperparams((h: { lr: number }) => adam(h.lr))({ lr: warmupCosine({ peak: 1e-3, warmupSteps: 10, decaySteps: 100 }) });
const si = injected.init(p);
expectType<InjectedState<{ lr: number }, [null, AdamMoments<P>, null]>>(si);
expectType<Tensor<[], 'float32'>>(si.hyperparams.lr);
expectError(injectHyperparams((h: { lr: number }) => adam(h.lr))({ learningRate: 1e-3 }));
expectError(injectHyperparams((h: { lr: number }) => adam(h.lr))({ lr: 'high' }));

// ---- discriminative: per-layer optimizers over a params tuple, parameter-free layers skipped ----
type Layers = readonly [{ readonly k: Tensor<[2, 3]> }, null, { readonly k: Tensor<[3, 1]> }];
declare const layers: Layers;
const d = discriminative(layers, (lr) => sgd(lr, { momentum: 0.9 }), { lr: 1e-2, decay: 0.5 });
expectType<{
  readonly 0: [null, MomentumTrace<readonly [{ readonly k: Tensor<[2, 3]> }, null, { readonly k: null }]>, null];
  readonly 2: [null, MomentumTrace<readonly [{ readonly k: null }, null, { readonly k: Tensor<[3, 1]> }]>, null];
}>(d.init(layers));

// ---- any transformation is a GradientTransformation (what trainStep takes) ----
expectAssignable<GradientTransformation<NoState>>(setToZero());
