/** @file Convergence: each optimizer minimizes a quadratic (to 1e-4) and Rosenbrock from (-1.5, 2) (to 1e-3) within a step budget. */
import { describe, expect, it } from 'vitest';
import { add, grad, item, mul, square, sub, sum, tensor, toArray, type Tensor } from '../../src/index.js';
import * as optim from '../../src/optim/index.js';

interface V { readonly v: Tensor<[3]> }
interface XY { readonly x: Tensor<[]>; readonly y: Tensor<[]> }
const target = [1, -2, 0.5];
/** Σ a_i (v_i - c_i)², curvatures 2, 20 and 0.2 */
const quadratic = (p: V): Tensor<[]> => sum(mul(square(sub(p.v, tensor([1, -2, 0.5]))), tensor([1, 10, 0.1])));
/** (1 - x)² + 100 (y - x²)², minimum at (1, 1) */
const rosenbrock = (p: XY): Tensor<[]> => add(square(sub(1, p.x)), mul(square(sub(p.y, square(p.x))), 100));
const dQuadratic = grad(quadratic), dRosenbrock = grad(rosenbrock);

/** the number of updates until `done` (or `budget` if never), and where it stopped */
const minimize = <P, F extends optim.StateFn>(
  opt: optim.GradientTransformation<F>, gradient: (p: P) => P, start: P, budget: number, done: (p: P) => boolean,
): readonly [number, P] => {
  let p = start, s = opt.init(start);
  for (let k = 0; k < budget; k++) {
    if (done(p)) return [k, p];
    const [u, next] = opt.update(gradient(p), s, p);
    p = optim.applyUpdates(p, u);
    s = next;
  }
  return [budget, p];
};
const atTarget = (p: V): boolean => Array.from(toArray(p.v)).every((x, i) => Math.abs(x - target[i]!) < 1e-4);
const atOne = (p: XY): boolean => Math.abs(item(p.x) - 1) < 1e-3 && Math.abs(item(p.y) - 1) < 1e-3;

/** an optimizer and its step budget: the learning rates are tuned per problem; the budgets leave some slack */
interface Case { readonly name: string; readonly make: () => optim.AnyTransformation; readonly budget: number }
const cases = (rows: readonly (readonly [string, () => optim.AnyTransformation, number])[]): Case[] =>
  rows.map(([name, make, budget]) => ({ name, make, budget }));
const quadraticCases = cases([
  ['adam(0.05)', () => optim.adam(0.05), 300],
  ['adamw(0.05, weightDecay 1e-5)', () => optim.adamw(0.05, { weightDecay: 1e-5 }), 300],
  ['sgd(0.05, momentum 0.9)', () => optim.sgd(0.05, { momentum: 0.9 }), 300],
  ['rmsprop(0.01)', () => optim.rmsprop(0.01), 600],
  ['adagrad(1)', () => optim.adagrad(1), 100],
]);
const rosenbrockCases = cases([
  ['adam(0.05)', () => optim.adam(0.05), 2200],
  ['adamw(0.05, weightDecay 1e-5)', () => optim.adamw(0.05, { weightDecay: 1e-5 }), 2200],
  ['sgd(0.002, momentum 0.9)', () => optim.sgd(0.002, { momentum: 0.9 }), 1000],
  ['rmsprop(0.001, momentum 0.9)', () => optim.rmsprop(0.001, { momentum: 0.9 }), 1700],
  ['adagrad(1)', () => optim.adagrad(1), 19500],
]);

describe('convergence', () => {
  it.each(quadraticCases)('$name minimizes a quadratic to 1e-4 within $budget steps', ({ make, budget }) => {
    const [steps, p] = minimize(make(), dQuadratic, { v: tensor([0, 0, 0]) }, budget, atTarget);
    expect(atTarget(p), `stopped at ${Array.from(toArray(p.v)).join(', ')}`).toBe(true);
    expect(steps).toBeLessThan(budget);
  });
  it.each(rosenbrockCases)('$name minimizes Rosenbrock from (-1.5, 2) to 1e-3 within $budget steps', ({ make, budget }) => {
    const [steps, p] = minimize(make(), dRosenbrock, { x: tensor(-1.5), y: tensor(2) }, budget, atOne);
    expect(atOne(p), `stopped at (${item(p.x)}, ${item(p.y)})`).toBe(true);
    expect(steps).toBeLessThan(budget);
  }, 60_000);
});
