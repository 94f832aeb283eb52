/** @file Schedules on hand-computed tables (float64, step 0 = the first update), and their argument checks. */
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/index.js';
import * as optim from '../../src/optim/index.js';

const table = (s: optim.Schedule, steps: readonly number[]): number[] => steps.map((t) => s(t));
const expectTable = (s: optim.Schedule, expected: readonly (readonly [number, number])[]): void => {
  expected.forEach(([t, v]) => expect(Math.abs(s(t) - v), `step ${t}: ${s(t)} vs ${v}`).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(v)));
};
const halfCos = (p: number): number => 0.5 * (1 + Math.cos(Math.PI * p));

describe('schedules', () => {
  it('constant and linear (held at the end value after `steps`)', () => {
    expect(table(optim.constant(0.3), [0, 7])).toEqual([0.3, 0.3]);
    expectTable(optim.linear(1, 0, 4), [[0, 1], [1, 0.75], [2, 0.5], [4, 0], [9, 0]]);
  });
  it('exponentialDecay: init·rate^(t/transitionSteps), whole periods when staircase', () => {
    expectTable(optim.exponentialDecay(1, 0.5, { transitionSteps: 2 }), [[0, 1], [1, Math.SQRT1_2], [2, 0.5], [5, 0.5 ** 2.5]]);
    expectTable(optim.exponentialDecay(1, 0.5, { transitionSteps: 2, staircase: true }), [[1, 1], [2, 0.5], [3, 0.5], [4, 0.25]]);
  });
  it('stepDecay (torch StepLR) and piecewiseConstant (Optax: scale from each boundary on)', () => {
    expectTable(optim.stepDecay(1, 0.1, 3), [[0, 1], [2, 1], [3, 0.1], [5, 0.1], [6, 0.01]]);
    expectTable(optim.piecewiseConstant(1, { 4: 0.1, 2: 0.5 }), [[0, 1], [1, 1], [2, 0.5], [3, 0.5], [4, 0.05], [100, 0.05]]);
  });
  it('cosineDecay ends at alpha·init and stays; cosineAnnealing follows torch (periodic after T)', () => {
    expectTable(optim.cosineDecay(1, 4, { alpha: 0.1 }), [[0, 1], [2, 0.55], [4, 0.1], [10, 0.1]]);
    expectTable(optim.cosineAnnealing(1, 4, 0.2), [[0, 1], [2, 0.6], [4, 0.2], [6, 0.6], [8, 1]]);
  });
  it('warmupCosine: linear from 0 over W steps (lr(0) = 0), then a half cosine from peak to end at decaySteps', () => {
    const s = optim.warmupCosine({ peak: 1, warmupSteps: 4, decaySteps: 10, end: 0.1 });
    expectTable(s, [[0, 0], [1, 0.25], [3, 0.75], [4, 1], [7, 0.1 + 0.9 * 0.5], [5, 0.1 + 0.9 * halfCos(1 / 6)], [10, 0.1], [50, 0.1]]);
    expectTable(optim.warmupCosine({ peak: 2, warmupSteps: 0, decaySteps: 2 }), [[0, 2], [1, 1], [2, 0]]);
    expectTable(optim.warmupCosine({ peak: 1, warmupSteps: 2, decaySteps: 4, init: 0.5 }), [[0, 0.5], [1, 0.75], [2, 1]]);
  });
  it('oneCycle as torch OneCycleLR (cos): up from maxLr/25 to maxLr by step pct·total - 1, down to initial/1e4 at total - 1', () => {
    const s = optim.oneCycle({ maxLr: 1, totalSteps: 10 });
    const initial = 1 / 25, final = initial / 1e4;
    expectTable(s, [
      [0, initial], [1, 1 + (initial - 1) * halfCos(0.5)], [2, 1],
      [5, final + (1 - final) * halfCos(3 / 7)], [9, final], [12, final],
    ]);
    const three = optim.oneCycle({ maxLr: 1, totalSteps: 10, threePhase: true, divFactor: 10, finalDivFactor: 10 });
    // phases end at 2 (up), 4 (back to initial) and 9 (to final)
    expectTable(three, [[0, 0.1], [2, 1], [3, 0.1 + 0.9 * halfCos(0.5)], [4, 0.1], [9, 0.01]]);
  });
  it('joinSchedules: each later schedule starts from 0 at its boundary (Optax join_schedules)', () => {
    const s = optim.joinSchedules([optim.linear(0, 1, 2), optim.constant(1), optim.linear(1, 0, 2)], [2, 5]);
    expectTable(s, [[0, 0], [1, 0.5], [2, 1], [4, 1], [5, 1], [6, 0.5], [7, 0], [20, 0]]);
  });
  it('rejects arguments that make no schedule', () => {
    expect(() => optim.warmupCosine({ peak: 1, warmupSteps: 5, decaySteps: 5 })).toThrow(ValueError);
    expect(() => optim.joinSchedules([optim.constant(1)], [3])).toThrow(/joinSchedules: 1 schedules need 0 boundaries/);
    expect(() => optim.stepDecay(1, 0.5, 0)).toThrow(/stepDecay: stepSize/);
    expect(() => optim.oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 1 })).toThrow(/pctStart/);
    expect(() => optim.piecewiseConstant(1, { 1.5: 2 })).toThrow(/boundary 1.5/);
  });
});
