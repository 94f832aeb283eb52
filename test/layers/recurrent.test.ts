/** @file Recurrent cells and layers: the PyTorch reference vectors, hand-unrolled steps, gradient checks, bidirectional alignment, errors. */
import { describe, expect, it } from 'vitest';
import {
  checkGrad, key, mul, nn, random, ShapeMismatchError, slice, stack, sum, toArray, transpose, ValueError, vjp,
  type AnyTensor, type Tensor,
} from '../../src/index.js';
import {
  bidirectional, gru, lstm, rnn, runRecurrent, scan, simpleRnn, type AnyRecurrent,
} from '../../src/layers/recurrent.js';
import { gruCell, lstmCell, simpleRnnCell, type LstmState, type HiddenState } from '../../src/layers/recurrent-cells.js';
import { casesStartingWith, expectMatches, loadCase, toTensor } from '../helpers/reference.js';

type T = AnyTensor;
type Rec = Readonly<Record<string, T>>;
const vals = (t: T): number[] => Array.from(toArray(t) as ArrayLike<number>);
const expectClose = (actual: T, expected: T | readonly number[], atol = 1e-5): void => {
  const e = Array.isArray(expected) ? expected as readonly number[] : vals(expected as T);
  if (!Array.isArray(expected)) expect(actual.shape).toEqual((expected as T).shape);
  const a = vals(actual);
  expect(a.length).toBe(e.length);
  const bad = a.findIndex((v, i) => !(Math.abs(v - e[i]!) <= atol + 1e-5 * Math.abs(e[i]!)));
  expect(bad, bad < 0 ? '' : `index ${bad}: ${a[bad]} vs ${e[bad]}`).toBe(-1);
};
const normal = (seed: number, shape: readonly number[], std = 0.5): T => random.normal(key(seed), shape, { std });
const row = (t: T, i: number): T => slice(t as Tensor<number[]>, [i]) as T;
/** x[:, ::-1]: the time axis of [B, T, F] reversed */
const reverseTime = (x: T): T => slice(x as Tensor<number[]>, [null, [null, null, -1]]) as T;
const eval_: nn.Context = { mode: 'eval' };
const loose = (l: unknown): AnyRecurrent => l as AnyRecurrent;

// ---- the reference vectors -----------------------------------------------------------------------

// each case reads its params by the library-layout (Keras) names; `run` maps them onto our params
const rnnParams = (p: Rec, s: string) => ({ kernel: p[`kernel${s}`]!, recurrentKernel: p[`recurrent_kernel${s}`]!, bias: p[`bias${s}`]! });
const lstmParams = (p: Rec, s: string) => ({ kernel: p[`kernel_ifgo${s}`]!, recurrentKernel: p[`recurrent_kernel_ifgo${s}`]!, bias: p[`bias_ifgo${s}`]! });
// bias_zrn [2, 3H] = (input bias, recurrent bias): the rows are read by slices, so their gradients stack back
const gruParams = (p: Rec, s: string) => ({
  kernel: p[`kernel_zrn${s}`]!, recurrentKernel: p[`recurrent_kernel_zrn${s}`]!, bias: row(p[`bias_zrn${s}`]!, 0), recurrentBias: row(p[`bias_zrn${s}`]!, 1),
});
const names = (kind: 'rnn' | 'ifgo' | 'zrn' | 'zrh', ...suffixes: string[]): string[] => suffixes.flatMap((s) => {
  const tag = kind === 'rnn' ? '' : `_${kind}`;
  return [`kernel${tag}${s}`, `recurrent_kernel${tag}${s}`, `bias${tag}${s}`];
});
/** the stored [layers·directions, B, H] final states from ours */
const layerAxis = (...hs: T[]): T => stack(hs, 0) as T;
const initial = (inp: Rec, i: number, withC: boolean): LstmState | HiddenState | undefined =>
  inp['h0'] === undefined ? undefined : withC ? { h: row(inp['h0'], i), c: row(inp['c0']!, i) } : { h: row(inp['h0'], i) };

interface RefModel { readonly params: readonly string[]; readonly run: (p: Rec, inp: Rec) => Rec }
const models: Readonly<Record<string, RefModel>> = {
  simple_rnn_b1_t3_i2_h3_zero_state: {
    params: names('rnn', '_l0'),
    run: (p, inp) => {
      const r = loose(simpleRnn(2, 3, { activation: 'tanh' })).runSequence(rnnParams(p, '_l0'), inp['x']!);
      return { y: r.outputs, h_n: layerAxis((r.state as HiddenState).h) };
    },
  },
  gru_b1_t3_i2_h5_zero_state: {
    params: names('zrn', '_l0'),
    run: (p, inp) => {
      const r = loose(gru(2, 5)).runSequence(gruParams(p, '_l0'), inp['x']!);
      return { y: r.outputs, h_n: layerAxis((r.state as HiddenState).h) };
    },
  },
  medium_gru_b3_t12_i10_h20: {
    params: names('zrn', '_l0'),
    run: (p, inp) => {
      const r = loose(gru(10, 20)).runSequence(gruParams(p, '_l0'), inp['x']!, { initialState: initial(inp, 0, false) });
      return { y: r.outputs, h_n: layerAxis((r.state as HiddenState).h) };
    },
  },
  gru_reset_before_b1_t3_i2_h3_zero_state: {
    params: names('zrh', ''),
    run: (p, inp) => {
      const params = { kernel: p['kernel_zrh']!, recurrentKernel: p['recurrent_kernel_zrh']!, bias: p['bias_zrh']! };
      const r = loose(gru(2, 3, { resetAfter: false })).runSequence(params, inp['x']!);
      return { y: r.outputs, h_n: (r.state as HiddenState).h };
    },
  },
  lstm_timemajor_b3_t4_i2_h3: {
    params: names('ifgo', '_l0'),
    run: (p, inp) => {
      const r = loose(lstm(2, 3, { timeMajor: true })).runSequence(lstmParams(p, '_l0'), inp['x']!, { initialState: initial(inp, 0, true) });
      const s = r.state as LstmState;
      return { y: r.outputs, h_n: layerAxis(s.h), c_n: layerAxis(s.c) };
    },
  },
  lstm_2layer_b2_t4_i3_h4: {
    params: names('ifgo', '_l0', '_l1'),
    run: (p, inp) => {
      // layer 1 reads layer 0's sequence; each layer starts from its own row of h0 / c0
      const r0 = loose(lstm(3, 4)).runSequence(lstmParams(p, '_l0'), inp['x']!, { initialState: initial(inp, 0, true) });
      const r1 = loose(lstm(4, 4)).runSequence(lstmParams(p, '_l1'), r0.outputs, { initialState: initial(inp, 1, true) });
      const [s0, s1] = [r0.state as LstmState, r1.state as LstmState];
      return { y: r1.outputs, h_n: layerAxis(s0.h, s1.h), c_n: layerAxis(s0.c, s1.c) };
    },
  },
  bigru_b2_t4_i3_h3: {
    params: names('zrn', '_l0', '_l0_reverse'),
    run: (p, inp) => {
      const params = { forward: gruParams(p, '_l0'), backward: gruParams(p, '_l0_reverse') };
      const h0 = { forward: initial(inp, 0, false), backward: initial(inp, 1, false) };
      const r = loose(bidirectional(gru(3, 3))).runSequence(params, inp['x']!, { initialState: h0 });
      const s = r.state as { forward: HiddenState; backward: HiddenState };
      return { y: r.outputs, h_n: layerAxis(s.forward.h, s.backward.h) };
    },
  },
  bilstm_b1_t3_i2_h3_zero_state: {
    params: names('ifgo', '_l0', '_l0_reverse'),
    run: (p, inp) => {
      const params = { forward: lstmParams(p, '_l0'), backward: lstmParams(p, '_l0_reverse') };
      const r = loose(bidirectional(lstm(2, 3))).runSequence(params, inp['x']!);
      const s = r.state as { forward: LstmState; backward: LstmState };
      return { y: r.outputs, h_n: layerAxis(s.forward.h, s.backward.h), c_n: layerAxis(s.forward.c, s.backward.c) };
    },
  },
};

describe('recurrent reference vectors', () => {
  const all = ['simple_rnn', 'lstm', 'gru', 'bigru', 'bilstm', 'medium_gru'].flatMap(casesStartingWith);
  it('covers every recurrent case', () => {
    expect(all.length).toBe(8);
    expect(all.filter((n) => !(n in models))).toEqual([]);
  });
  describe.each(all)('%s', (name) => {
    const c = loadCase(name);
    const model = models[name]!;
    it('matches every output and the gradients of the inputs and the library-layout params', () => {
      const params = Object.fromEntries(model.params.map((n) => [n, toTensor(c.params[n]!)]));
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([n, t]) => [n, toTensor(t)]));
      const [outs, pullback] = vjp((p: Rec, i: Rec) => model.run(p, i), params, inputs);
      expect(Object.keys(outs).sort()).toEqual(Object.keys(c.outputs).sort());
      for (const [k, ref] of Object.entries(c.outputs)) expectMatches(outs[k]!, ref, k);
      const [gp, gi] = pullback(Object.fromEntries(Object.keys(outs).map((k) => [k, toTensor(c.cotangents[k]!)])));
      for (const n of model.params) expectMatches(gp[n]!, c.grads[n]!, `dL/d${n}`);
      for (const n of Object.keys(c.inputs)) expectMatches(gi[n]!, c.grads[n]!, `dL/d${n}`);
    });
  });
});

// ---- the cells, unrolled by hand ---------------------------------------------------------------------

/** plain float64 maths on rows: an implementation independent of the library's ops */
const σ = (v: number): number => 1 / (1 + Math.exp(-v));
const matvec = (x: readonly number[], w: readonly number[], cols: number): number[] =>
  Array.from({ length: cols }, (_, j) => x.reduce((s, xi, i) => s + xi * w[i * cols + j]!, 0));
const plus = (...vs: (readonly number[])[]): number[] => vs[0]!.map((_, j) => vs.reduce((s, v) => s + v[j]!, 0));
const block = (v: readonly number[], h: number, k: number): number[] => v.slice(k * h, (k + 1) * h);
const rowsOf = (t: T, n: number): number[][] => { const v = vals(t); return Array.from({ length: v.length / n }, (_, i) => v.slice(i * n, (i + 1) * n)); };

describe('cells, two steps by hand', () => {
  const B = 2, I = 3, H = 2;
  const xs = [normal(1, [B, I], 1), normal(2, [B, I], 1)];
  const xRows = xs.map((x) => rowsOf(x, I));

  it('simpleRnnCell: h = tanh(x W + h W_r + b), and relu', () => {
    for (const activation of ['tanh', 'relu'] as const) {
      const cell = simpleRnnCell(I, H, { activation });
      const p = { ...cell.init(key(3)), bias: normal(4, [H]) as Tensor<[2]> };
      const [W, R, b] = [vals(p.kernel), vals(p.recurrentKernel), vals(p.bias)];
      const act = activation === 'tanh' ? Math.tanh : (v: number) => Math.max(v, 0);
      let carry = cell.initCarry([B]);
      let hs = [[0, 0], [0, 0]];
      for (let t = 0; t < 2; t++) {
        hs = hs.map((h, n) => plus(matvec(xRows[t]![n]!, W, H), matvec(h, R, H), b).map(act));
        const [next, y] = cell.step(p, carry, xs[t] as Tensor<[2, 3]>);
        carry = next;
        expectClose(y, hs.flat());
      }
      expectClose(carry.h, hs.flat());
    }
  });

  it('lstmCell: gate blocks i, f, g, o; c = σ(f)c + σ(i)tanh(g), h = σ(o)tanh(c)', () => {
    const cell = lstmCell(I, H);
    const p = { ...cell.init(key(5)), bias: normal(6, [4 * H]) as Tensor<[8]> };
    const [W, R, b] = [vals(p.kernel), vals(p.recurrentKernel), vals(p.bias)];
    let carry = { h: normal(7, [B, H]) as Tensor<[2, 2]>, c: normal(8, [B, H]) as Tensor<[2, 2]> };
    let hs = rowsOf(carry.h, H), cs = rowsOf(carry.c, H);
    for (let t = 0; t < 2; t++) {
      const zs = hs.map((h, n) => plus(matvec(xRows[t]![n]!, W, 4 * H), matvec(h, R, 4 * H), b));
      cs = zs.map((z, n) => block(z, H, 0).map((i, j) => σ(block(z, H, 1)[j]!) * cs[n]![j]! + σ(i) * Math.tanh(block(z, H, 2)[j]!)));
      hs = zs.map((z, n) => block(z, H, 3).map((o, j) => σ(o) * Math.tanh(cs[n]![j]!)));
      const [next, y] = cell.step(p, carry, xs[t] as Tensor<[2, 3]>);
      carry = next;
      expectClose(y, hs.flat());
      expectClose(carry.c, cs.flat());
    }
  });

  it('gruCell: z, r, n with the reset gate after (default) and before the recurrent matmul', () => {
    for (const resetAfter of [true, false]) {
      const cell = gruCell(I, H, { resetAfter });
      const p0 = cell.init(key(9));
      const p = { ...p0, bias: normal(10, [3 * H]), ...(resetAfter ? { recurrentBias: normal(11, [3 * H]) } : {}) } as typeof p0;
      const [W, R, b] = [vals(p.kernel), vals(p.recurrentKernel), vals(p.bias)];
      const rb = resetAfter ? vals((p as { recurrentBias?: T }).recurrentBias!) : Array<number>(3 * H).fill(0);
      let carry = { h: normal(12, [B, H]) as Tensor<[2, 2]> };
      let hs = rowsOf(carry.h, H);
      for (let t = 0; t < 2; t++) {
        hs = hs.map((h, n) => {
          const xp = plus(matvec(xRows[t]![n]!, W, 3 * H), b), hp = plus(matvec(h, R, 3 * H), rb);
          const z = block(xp, H, 0).map((v, j) => σ(v + block(hp, H, 0)[j]!));
          const r = block(xp, H, 1).map((v, j) => σ(v + block(hp, H, 1)[j]!));
          // before: (r ⊙ h) R_n, the last H columns of R
          const rn = resetAfter ? block(hp, H, 2).map((v, j) => r[j]! * v)
            : matvec(h.map((v, j) => r[j]! * v), Array.from({ length: H * H }, (_, k) => R[Math.floor(k / H) * 3 * H + 2 * H + (k % H)]!), H);
          const nn_ = block(xp, H, 2).map((v, j) => Math.tanh(v + rn[j]!));
          return h.map((v, j) => z[j]! * v + (1 - z[j]!) * nn_[j]!);
        });
        const [next, y] = cell.step(p, carry, xs[t] as Tensor<[2, 3]>);
        carry = next;
        expectClose(y, hs.flat());
      }
    }
  });

  it('scan reads the steps in order (or reversed, outputs re-aligned), as stepping by hand does', () => {
    const cell = lstmCell(I, H);
    const p = cell.init(key(13));
    const x = stack(xs, 1) as Tensor<[2, 2, 3]>;
    const [c1, y1] = cell.step(p, cell.initCarry([B]), xs[0] as Tensor<[2, 3]>);
    const [c2, y2] = cell.step(p, c1, xs[1] as Tensor<[2, 3]>);
    const [carry, ys] = scan(cell)(p, cell.initCarry([B]), x);
    expect(ys.shape).toEqual([2, 2, 2]);
    expectClose(ys, stack([y1, y2], 1) as T);
    expectClose(carry.c, c2.c);
    const [r1, z1] = cell.step(p, cell.initCarry([B]), xs[1] as Tensor<[2, 3]>);
    const [r2, z0] = cell.step(p, r1, xs[0] as Tensor<[2, 3]>);
    const [rc, rys] = scan(cell, { reverse: true })(p, cell.initCarry([B]), x);
    expectClose(rys, stack([z0, z1], 1) as T);
    expectClose(rc.h, r2.h);
    const [, last] = scan(cell, { returnSequences: false })(p, cell.initCarry([B]), x);
    expect(last.shape).toEqual([2, 2]);
    expectClose(last, y2);
    const [, tm] = scan(cell, { timeMajor: true })(p, cell.initCarry([B]), transpose(x, [1, 0, 2]));
    expectClose(tm, transpose(ys, [1, 0, 2]) as T);
  });
});

// ---- layers --------------------------------------------------------------------------------------

describe('recurrent layers', () => {
  const x = normal(20, [2, 4, 3], 1) as Tensor<[2, 4, 3]>;
  const layers = { simpleRnn: simpleRnn(3, 5), lstm: lstm(3, 5), gru: gru(3, 5), gruBefore: gru(3, 5, { resetAfter: false }) };

  it.each(Object.keys(layers))('%s: [B, T, F] -> [B, T, H]; returnSequences false is the last step; timeMajor transposes', (name) => {
    const l = loose(layers[name as keyof typeof layers]);
    const p = l.init(key(21));
    const y = l.run(p, null, x, eval_)[0];
    expect(y.shape).toEqual([2, 4, 5]);
    const r = l.runSequence(p, x);
    expectClose((r.state as HiddenState).h, row(transpose(y as Tensor<number[]>, [1, 0, 2]) as T, 3));
    const make = { simpleRnn, lstm, gru: (i: number, h: number, o: object) => gru(i, h, o), gruBefore: (i: number, h: number, o: object) => gru(i, h, { ...o, resetAfter: false }) }[name]!;
    const last = loose(make(3, 5, { returnSequences: false })).run(p, null, x, eval_)[0];
    expect(last.shape).toEqual([2, 5]);
    expectClose(last, (r.state as HiddenState).h);
    const tm = loose(make(3, 5, { timeMajor: true })).run(p, null, transpose(x, [1, 0, 2]), eval_)[0];
    expectClose(tm, transpose(y as Tensor<number[]>, [1, 0, 2]) as T);
    const tmLast = loose(make(3, 5, { timeMajor: true, returnSequences: false })).run(p, null, transpose(x, [1, 0, 2]), eval_)[0];
    expectClose(tmLast, last);
  });

  it('initializes Keras-style: Glorot kernel, orthogonal recurrent kernel, zero biases, LSTM forget bias 1', () => {
    const p = lstm(3, 4).init(key(22));
    expect([p.kernel.shape, p.recurrentKernel.shape, p.bias.shape]).toEqual([[3, 16], [4, 16], [16]]);
    expect(vals(p.bias)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(vals(lstm(3, 4, { unitForgetBias: false }).init(key(22)).bias)).toEqual(Array(16).fill(0));
    // [H, 4H] has orthonormal rows: R Rᵀ = I
    const R = rowsOf(p.recurrentKernel, 16);
    R.forEach((a, i) => R.forEach((b, j) => expect(a.reduce((s, v, k) => s + v * b[k]!, 0)).toBeCloseTo(i === j ? 1 : 0, 5)));
    const limit = Math.sqrt(6 / (3 + 16));
    expect(vals(p.kernel).every((v) => Math.abs(v) <= limit)).toBe(true);
    const g = gru(3, 4).init(key(23));
    expect(Object.keys(g).sort()).toEqual(['bias', 'kernel', 'recurrentBias', 'recurrentKernel']);
    expect([g.kernel.shape, g.recurrentKernel.shape, g.recurrentBias.shape]).toEqual([[3, 12], [4, 12], [12]]);
    expect(Object.keys(gru(3, 4, { resetAfter: false }).init(key(23))).sort()).toEqual(['bias', 'kernel', 'recurrentKernel']);
    expect(vals(lstm(3, 4).init(key(24)).kernel)).toEqual(vals(lstm(3, 4).init(key(24)).kernel));
  });

  it('stacks in serial: layer 1 reads layer 0\'s sequence', () => {
    const l0 = lstm(3, 4), l1 = lstm(4, 4, { returnSequences: false });
    const model = nn.serial(l0, l1);
    const p = model.init(key(25));
    const y = model.apply(p, x);
    expect(y.shape).toEqual([2, 4]);
    expectClose(y, l1.apply(p[1], l0.apply(p[0], x)));
    const withDense = nn.serial(gru(3, 6), nn.dense(6, 2));
    expect(withDense.apply(withDense.init(key(26)), x).shape).toEqual([2, 4, 2]);
    const bi = bidirectional(gru(3, 6)), top = gru(12, 5, { returnSequences: false });
    const deep = nn.serial(bi, top);
    const q = deep.init(key(33));
    expectClose(deep.apply(q, x), top.apply(q[1], bi.apply(q[0], x)));
  });

  it('runRecurrent: initial states in, final states out; rnn(cell) is the layer of any cell', () => {
    const l = lstm(3, 4);
    const p = l.init(key(27));
    const h0 = normal(28, [2, 4]) as Tensor<[2, 4]>, c0 = normal(29, [2, 4]) as Tensor<[2, 4]>;
    const r = runRecurrent(l, p, x, { initialState: { h: h0, c: c0 } });
    expect(r.outputs.shape).toEqual([2, 4, 4]);
    const [carry, ys] = scan(lstmCell(3, 4))(p, { h: h0, c: c0 }, x);
    expectClose(r.outputs, ys);
    expectClose(r.state.h, carry.h);
    expectClose(r.state.c, carry.c);
    const zero = runRecurrent(l, p, x);
    expectClose(zero.outputs, l.apply(p, x));
    const viaCell = rnn(lstmCell(3, 4));
    expect(viaCell.name).toBe('rnn(lstm(3, 4))');
    expectClose(viaCell.apply(p, x), zero.outputs);
  });

  it('differentiates with respect to the initial state', () => {
    const l = gru(3, 4);
    const p = l.init(key(30));
    const h0 = normal(31, [2, 4]) as Tensor<[2, 4]>;
    const [, pullback] = vjp((h: T) => runRecurrent(l, p, x, { initialState: { h: h as Tensor<[2, 4]> } }).state.h, h0 as T);
    const [g] = pullback(normal(32, [2, 4]) as Tensor<[2, 4]>);
    expect(g.shape).toEqual([2, 4]);
    expect(vals(g).some((v) => v !== 0)).toBe(true);
  });
});

// ---- gradient checks -------------------------------------------------------------------------------

describe('checkGrad through time', () => {
  const specs = {
    simpleRnn: () => simpleRnn(2, 2),
    simpleRnnRelu: () => simpleRnn(2, 2, { activation: 'relu' }),
    lstm: () => lstm(2, 2),
    gru: () => gru(2, 2),
    gruBefore: () => gru(2, 2, { resetAfter: false }),
    lastOnly: () => lstm(2, 2, { returnSequences: false }),
    bidirectional: () => bidirectional(gru(2, 2), { merge: 'mean' }),
  };
  it.each(Object.keys(specs))('%s: params and input (order 1)', (name) => {
    const l = loose(specs[name as keyof typeof specs]());
    const params = { p: l.init(key(40)), x: normal(41, [2, 3, 2], 1) };
    const r = checkGrad((q: typeof params) => {
      const y = l.run(q.p, null, q.x, eval_)[0];
      return sum(mul(y, y)) as Tensor<[]>;
    }, params);
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
  it('lstm on a 2-step sequence, with initial states (order 2)', () => {
    const l = lstm(2, 2);
    const params = { p: l.init(key(43)), x: normal(44, [1, 2, 2], 1), h0: normal(45, [1, 2]), c0: normal(46, [1, 2]) };
    const w = normal(47, [1, 2, 2]);
    const f = (q: typeof params) => {
      const r = loose(l).runSequence(q.p, q.x, { initialState: { h: q.h0, c: q.c0 } });
      return sum(mul(mul(r.outputs, r.outputs), w)) as Tensor<[]>;
    };
    const r = checkGrad(f, params, { order: 2 });
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
});

// ---- bidirectional --------------------------------------------------------------------------------

describe('bidirectional', () => {
  const x = normal(50, [2, 5, 3], 1) as Tensor<[2, 5, 3]>;
  const fwd = lstm(3, 4);
  const bi = bidirectional(fwd);
  const p = bi.init(key(51));

  it('concat: forward features first; the backward half is the forward layer on the reversed input, re-reversed', () => {
    const y = bi.apply(p, x);
    expect(y.shape).toEqual([2, 5, 8]);
    expectClose(slice(y, [null, null, [0, 4]]) as T, fwd.apply(p.forward, x));
    expectClose(slice(y, [null, null, [4, 8]]) as T, reverseTime(fwd.apply(p.backward, reverseTime(x) as Tensor<[2, 5, 3]>)));
    expect(vals(p.forward.kernel)).not.toEqual(vals(p.backward.kernel));
  });

  it('sum and mean merges; final states of both directions (backward: after reading t = 0)', () => {
    const f = fwd.apply(p.forward, x), b = reverseTime(fwd.apply(p.backward, reverseTime(x) as Tensor<[2, 5, 3]>));
    expectClose(bidirectional(fwd, { merge: 'sum' }).apply(p, x), vals(f).map((v, i) => v + vals(b)[i]!));
    expectClose(bidirectional(fwd, { merge: 'mean' }).apply(p, x), vals(f).map((v, i) => (v + vals(b)[i]!) / 2));
    const r = runRecurrent(bi, p, x);
    const back = runRecurrent(fwd, p.backward, reverseTime(x) as Tensor<[2, 5, 3]>);
    expectClose(r.state.backward.c, back.state.c);
    expectClose(r.state.forward.h, runRecurrent(fwd, p.forward, x).state.h);
  });

  it('without returnSequences: [forward last, backward after reading t = 0]; time-major too', () => {
    const last = bidirectional(lstm(3, 4, { returnSequences: false }));
    const y = last.apply(p, x);
    expect(y.shape).toEqual([2, 8]);
    const r = runRecurrent(bi, p, x);
    expectClose(y, vals(stack([r.state.forward.h, r.state.backward.h], 1)));
    const tm = bidirectional(lstm(3, 4, { timeMajor: true }));
    expectClose(tm.apply(p, transpose(x, [1, 0, 2])), transpose(bi.apply(p, x), [1, 0, 2]) as T);
  });
});

// ---- errors ----------------------------------------------------------------------------------------

describe('recurrent errors', () => {
  it('a feature mismatch at run time names the layer and both numbers, also inside serial', () => {
    const l = loose(lstm(3, 4));
    const p = l.init(key(60));
    const bad = normal(61, [2, 4, 5]);
    expect(() => l.run(p, null, bad, eval_)).toThrow(ShapeMismatchError);
    expect(() => l.run(p, null, bad, eval_)).toThrow(/lstm\(3, 4\): input has 5 features, expected 3/);
    const chain = loose(nn.serial(gru(5, 4), gru(4, 2))) as nn.AnyLayer;
    expect(() => chain.run(chain.init(key(62)), [null, null], normal(63, [1, 2, 3]), eval_)).toThrow(/gru\(5, 4\): input has 3 features, expected 5/);
    const bi = loose(bidirectional(simpleRnn(3, 2)));
    expect(() => bi.run(bi.init(key(64)), null, bad, eval_)).toThrow(/simpleRnn\(3, 2\): input has 5 features/);
    const cell = gruCell(3, 4);
    expect(() => cell.step(cell.init(key(69)), cell.initCarry([2]), normal(70, [2, 5]) as Tensor<[2, 3]>)).toThrow(/gru\(3, 4\): input has 5 features, expected 3/);
  });
  it('rank, empty sequences, initial states of the wrong shape or structure, bad sizes', () => {
    const l = loose(gru(3, 4));
    const p = l.init(key(65));
    expect(() => l.run(p, null, normal(66, [4, 3]), eval_)).toThrow(/gru\(3, 4\): input has rank 2, expected 3/);
    expect(() => l.run(p, null, normal(66, [2, 0, 3]), eval_)).toThrow(/gru\(3, 4\): the sequence \[2, 0, 3\] has no time steps/);
    const x = normal(67, [2, 5, 3]);
    expect(() => l.runSequence(p, x, { initialState: { h: normal(68, [3, 4]) } })).toThrow(/gru\(3, 4\): initial state h is \[3, 4\], expected \[2, 4\]/);
    expect(() => l.runSequence(p, x, { initialState: { c: normal(68, [2, 4]) } })).toThrow(ValueError);
    expect(() => lstm(3, 0)).toThrow(/lstm\(3, 0\): hidden size 0 must be a positive integer/);
    expect(() => simpleRnn(3, 2, { activation: 'sigmoid' as 'tanh' })).toThrow(ValueError);
    expect(() => bidirectional(lstm(3, 2), { merge: 'max' as 'sum' })).toThrow(ValueError);
  });
});
