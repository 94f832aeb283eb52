/** @file Optimizers, schedules and clip_grad_norm against the PyTorch reference vectors (opt_*, lr_*, clip_grad_norm_*). */
import { describe, expect, it } from 'vitest';
import type { AnyTensor } from '../../src/index.js';
import * as optim from '../../src/optim/index.js';
import { casesStartingWith, expectMatches, loadCase, toTensor, type RefCase, type RefTensor } from '../helpers/reference.js';

type Params = Readonly<Record<string, AnyTensor>>;
type Trees = Readonly<Record<string, RefTensor>>;
const treeOf = (r: Trees): Params => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toTensor(v)]));
const num = (c: RefCase, k: string): number | undefined => (typeof c.config[k] === 'number' ? c.config[k] : undefined);
const flag = (c: RefCase, k: string): boolean | undefined => (typeof c.config[k] === 'boolean' ? c.config[k] : undefined);
/** only the options the case states (absent ones keep our defaults, which are torch's) */
const given = <T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };

/** an optimizer built from a case's torch config, and where each torch state name lives in our state */
interface Built {
  readonly opt: optim.AnyTransformation;
  readonly state: Readonly<Record<string, (s: unknown) => unknown>>;
}
const slot = (i: number, key: string) => (s: unknown): unknown => ((s as readonly Readonly<Record<string, unknown>>[])[i]!)[key];
const build = (c: RefCase): Built => {
  const lr = Number(c.config['lr']);
  const betas = c.config['betas'] as readonly [number, number] | undefined;
  const common = { eps: num(c, 'eps'), weightDecay: num(c, 'weight_decay') };
  switch (c.config['optimizer']) {
    case 'sgd':
      return {
        opt: optim.sgd(lr, given({ momentum: num(c, 'momentum'), nesterov: flag(c, 'nesterov'), dampening: num(c, 'dampening'), weightDecay: num(c, 'weight_decay') })),
        state: { momentum_buffer: slot(1, 'trace') },
      };
    case 'adam':
    case 'adamw': {
      const o = given({ b1: betas?.[0], b2: betas?.[1], amsgrad: flag(c, 'amsgrad'), ...common });
      const [opt, at] = c.config['optimizer'] === 'adam' ? [optim.adam(lr, o), 1] : [optim.adamw(lr, o), 0];
      return { opt, state: { exp_avg: slot(at, 'mu'), exp_avg_sq: slot(at, 'nu'), max_exp_avg_sq: slot(at, 'nuMax') } };
    }
    case 'rmsprop':
      return {
        opt: optim.rmsprop(lr, given({ decay: num(c, 'alpha'), momentum: num(c, 'momentum'), centered: flag(c, 'centered'), ...common })),
        state: { square_avg: slot(1, 'nu'), grad_avg: slot(1, 'mu'), momentum_buffer: slot(2, 'trace') },
      };
    case 'adagrad':
      return {
        opt: optim.adagrad(lr, given({ lrDecay: num(c, 'lr_decay'), initialAccumulatorValue: num(c, 'initial_accumulator_value'), ...common })),
        state: { sum: slot(1, 'sumOfSquares') },
      };
    default:
      throw new Error(`${c.name}: no optimizer for ${String(c.config['optimizer'])}`);
  }
};

interface Step { readonly t: number; readonly grads: Trees; readonly params_after: Trees }

describe.each(casesStartingWith('opt_'))('%s', (name) => {
  const c = loadCase(name);
  const steps = c['steps'] as readonly Step[];
  const finalState = c['final_state'] as Readonly<Record<string, Trees>>;
  it('follows the 5-step trajectory (params after each step) and ends in the same state', () => {
    const { opt, state: where } = build(c);
    let params = treeOf(c['initial_params'] as Trees);
    let state = opt.init(params);
    steps.forEach((step, i) => {
      expect(step.t).toBe(i + 1);
      const [updates, next] = opt.update(treeOf(step.grads), state, params);
      params = optim.applyUpdates(params, updates);
      state = next;
      for (const [k, expected] of Object.entries(step.params_after)) expectMatches(params[k]!, expected, `t=${step.t} ${k}`);
    });
    for (const [param, named] of Object.entries(finalState)) {
      for (const [torchName, expected] of Object.entries(named)) {
        const read = where[torchName];
        if (read === undefined) throw new Error(`${name}: no mapping for state ${torchName}`);
        expectMatches((read(state) as Params)[param]!, expected, `final ${torchName}.${param}`);
      }
    }
  });
});

/** our schedule for a torch/Keras/HuggingFace schedule case */
const scheduleFor = (c: RefCase): optim.Schedule => {
  const base = Number(c.config['base_lr']);
  const n = (k: string): number => {
    const v = c.config[k];
    if (typeof v !== 'number') throw new Error(`${c.name}: config.${k} is missing`);
    return v;
  };
  if (c.name.startsWith('lr_cosine_warmup')) {
    return optim.warmupCosine({ peak: base, warmupSteps: n('warmup_steps'), decaySteps: n('total_steps'), end: num(c, 'min_lr') ?? 0 });
  }
  if (c.name.startsWith('lr_cosine_annealing')) return optim.cosineAnnealing(base, n('T_max'), num(c, 'eta_min') ?? 0);
  if (c.name.startsWith('lr_step_decay')) return optim.stepDecay(base, n('gamma'), n('step_size'));
  if (c.name.startsWith('lr_exponential_decay_steps')) {
    return optim.exponentialDecay(base, num(c, 'decay_rate') ?? n('gamma'), { transitionSteps: n('decay_steps'), staircase: flag(c, 'staircase') ?? c.name.endsWith('staircase') });
  }
  if (c.name.startsWith('lr_exponential_decay')) return optim.exponentialDecay(base, n('gamma'));
  throw new Error(`${c.name}: no schedule for this case`);
};

describe.each(casesStartingWith('lr_'))('%s', (name) => {
  const c = loadCase(name);
  it('gives the learning rate of every step of the table (rtol 1e-6, atol 1e-12)', () => {
    const s = scheduleFor(c);
    const table = c['table'] as { readonly step: readonly number[]; readonly lr: readonly number[] };
    const tol = c['tol'] as { readonly rtol: number; readonly atol: number };
    table.step.forEach((t, i) => {
      const expected = table.lr[i]!;
      expect(Math.abs(s(t) - expected), `step ${t}: ${s(t)} vs ${expected}`).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(expected));
    });
  });
});

describe.each(casesStartingWith('clip_grad_norm'))('%s', (name) => {
  const c = loadCase(name);
  const normType = c.config['norm_type'] === 'inf' ? 'inf' : Number(c.config['norm_type']);
  const maxNorm = Number(c.config['max_norm']);
  const grads = treeOf(c.inputs);
  it('computes the total norm over all tensors', () => {
    const total = c.outputs['total_norm']!;
    const tol = total.tol ?? { rtol: 1e-4, atol: 1e-5 };
    expect(Math.abs(optim.globalNorm(grads, normType) - total.value!)).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(total.value!));
  });
  it('scales every gradient by min(1, max_norm / (total + 1e-6))', () => {
    const clip = optim.clipByGlobalNorm(maxNorm, { normType });
    const [clipped] = clip.update(grads, clip.init(grads));
    for (const k of Object.keys(grads)) expectMatches(clipped[k]!, c.outputs[k]!, k);
  });
});
