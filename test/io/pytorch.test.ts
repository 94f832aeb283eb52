/** @file PyTorch name mapping: each conversion on hand-built torch layouts, the PyTorch reference vectors run through converted params, and mapping errors. */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  arange, key, nn, reshape, slice, stack, tensor, toArray, toNested, zeros, type AnyTensor, type Tensor,
} from '../../src/index.js';
import {
  deserializeTensors, fromPytorch, ignore, mapCheckpoint, rename, restore, serialize, type LoadError, type Mismatch, type Rule,
} from '../../src/io/index.js';
import { expectMatches, loadCase, toTensor, type RefCase } from '../helpers/reference.js';

type T = AnyTensor;
type Rec = Readonly<Record<string, T>>;
const right = <A>(e: E.Either<LoadError, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left.message);
  return e.right;
};
const mismatches = (e: E.Either<LoadError, unknown>): readonly Mismatch[] => {
  if (E.isRight(e) || e.left.kind !== 'mismatch') throw new Error(`expected a mismatch, got ${E.isRight(e) ? 'a value' : e.left.message}`);
  return e.left.problems;
};
const vals = (t: T): number[] => Array.from(toArray(t) as ArrayLike<number>);
/** a torch-layout tensor whose element at index (a, b, c, ...) is the number "abc..." (each index one decimal digit, plus 1) */
const coded = (shape: readonly number[]): T => {
  const n = shape.reduce((a, b) => a * b, 1);
  const code = (flat: number): number => {
    let rest = flat, out = 0, scale = 1;
    for (let k = shape.length - 1; k >= 0; k--) {
      out += ((rest % shape[k]!) + 1) * scale;
      rest = Math.floor(rest / shape[k]!);
      scale *= 10;
    }
    return out;
  };
  return fromCodes(Array.from({ length: n }, (_, i) => code(i)), shape);
};
const fromCodes = (values: number[], shape: readonly number[]): T => reshape(tensor(values) as Tensor<[number]>, shape as number[]) as T;
/** the element of t at an index */
const at = (t: T, ...idx: number[]): number => {
  const s = t.shape as readonly number[];
  const flat = idx.reduce((off, i, k) => off * s[k]! + i, 0);
  return vals(t)[flat]!;
};
const digits = (...idx: number[]): number => idx.reduce((acc, i) => acc * 10 + i + 1, 0);
/** every index of a shape */
const indices = (shape: readonly number[]): number[][] =>
  shape.reduce<number[][]>((acc, d) => acc.flatMap((p) => Array.from({ length: d }, (_, i) => [...p, i])), [[]]);
const convert = (tensors: Rec, ...rules: Rule[]): Rec => right(mapCheckpoint(tensors, rules));

// ---- each conversion, on torch layouts built by hand ----

describe('conversions of torch layouts', () => {
  it('linear: kernel[i, o] = weight[o, i]; bias as is', () => {
    const out = convert({ 'fc.weight': coded([2, 3]), 'fc.bias': tensor([5, 6]) }, fromPytorch.linear('fc', 'layers.0'));
    expect(Object.keys(out).sort()).toEqual(['layers.0.bias', 'layers.0.kernel']);
    const k = out['layers.0.kernel']!;
    expect(k.shape).toEqual([3, 2]);
    for (const [i, o] of indices([3, 2])) expect(at(k, i!, o!)).toBe(digits(o!, i!));
    expect(vals(out['layers.0.bias']!)).toEqual([5, 6]);
    expect(Object.keys(convert({ weight: coded([2, 3]) }, fromPytorch.linear('', '')))).toEqual(['kernel']);
  });

  it('conv2d: kernel[y, x, i, o] = weight[o, i, y, x] (OIHW -> HWIO)', () => {
    const k = convert({ 'c.weight': coded([4, 3, 2, 3]) }, fromPytorch.conv2d('c', 'conv'))['conv.kernel']!;
    expect(k.shape).toEqual([2, 3, 3, 4]);
    for (const [y, x, i, o] of indices([2, 3, 3, 4])) expect(at(k, y!, x!, i!, o!)).toBe(digits(o!, i!, y!, x!));
  });

  it('conv1d: kernel[k, i, o] = weight[o, i, k] (OIW -> WIO)', () => {
    const k = convert({ 'c.weight': coded([4, 2, 3]) }, fromPytorch.conv1d('c', ''))['kernel']!;
    expect(k.shape).toEqual([3, 2, 4]);
    for (const [w, i, o] of indices([3, 2, 4])) expect(at(k, w!, i!, o!)).toBe(digits(o!, i!, w!));
  });

  it('conv2dTranspose: kernel[y, x, i, o] = weight[i, o, y, x] (IOHW -> HWIO)', () => {
    const k = convert({ 'c.weight': coded([3, 2, 2, 4]) }, fromPytorch.conv2dTranspose('c', ''))['kernel']!;
    expect(k.shape).toEqual([2, 4, 3, 2]);
    for (const [y, x, i, o] of indices([2, 4, 3, 2])) expect(at(k, y!, x!, i!, o!)).toBe(digits(i!, o!, y!, x!));
  });

  it('depthwiseConv2d: kernel[y, x, c, m] = weight[c·M + m, 0, y, x]', () => {
    const [C, M] = [3, 2];
    const w = coded([C * M, 1, 2, 2]);
    const k = convert({ 'd.weight': w }, fromPytorch.depthwiseConv2d('d', '', M))['kernel']!;
    expect(k.shape).toEqual([2, 2, C, M]);
    for (const [y, x, c, m] of indices([2, 2, C, M])) expect(at(k, y!, x!, c!, m!)).toBe(at(w, c! * M + m!, 0, y!, x!));
  });

  it('lstm: kernel = W_ihᵀ, recurrentKernel = W_hhᵀ (gate order i, f, g, o kept), bias = b_ih + b_hh', () => {
    const H = 2;
    const out = convert({
      'rnn.weight_ih_l1': coded([4 * H, 3]), 'rnn.weight_hh_l1': coded([4 * H, H]),
      'rnn.bias_ih_l1': arange(8) as T, 'rnn.bias_hh_l1': tensor([10, 20, 30, 40, 50, 60, 70, 80]),
    }, fromPytorch.lstm('rnn', 'lstm2', { layer: 1 }));
    for (const [i, g] of indices([3, 4 * H])) expect(at(out['lstm2.kernel']!, i!, g!)).toBe(digits(g!, i!));
    for (const [h, g] of indices([H, 4 * H])) expect(at(out['lstm2.recurrentKernel']!, h!, g!)).toBe(digits(g!, h!));
    expect(vals(out['lstm2.bias']!)).toEqual([10, 21, 32, 43, 54, 65, 76, 87]);
  });

  it('gru: the gate blocks r, z, n become z, r, n in the kernels and both biases, kept apart', () => {
    const H = 2;
    // rows of block r hold 1x, z 2x, n 3x
    const blocks = (cols: number): T => fromCodes(Array.from({ length: 3 * H * cols }, (_, e) => 10 * (Math.floor(Math.floor(e / cols) / H) + 1) + (e % cols)), [3 * H, cols]);
    const out = convert({
      weight_ih_l0_reverse: blocks(3), weight_hh_l0_reverse: blocks(H),
      bias_ih_l0_reverse: tensor([1, 1, 2, 2, 3, 3]), bias_hh_l0_reverse: tensor([4, 4, 5, 5, 6, 6]),
    }, fromPytorch.gru('', 'backward', { reverse: true }));
    expect(toNested(out['backward.kernel']!)).toEqual([0, 1, 2].map((i) => [20 + i, 20 + i, 10 + i, 10 + i, 30 + i, 30 + i]));
    expect(toNested(out['backward.recurrentKernel']!)).toEqual([0, 1].map((i) => [20 + i, 20 + i, 10 + i, 10 + i, 30 + i, 30 + i]));
    expect(vals(out['backward.bias']!)).toEqual([2, 2, 1, 1, 3, 3]);
    expect(vals(out['backward.recurrentBias']!)).toEqual([5, 5, 4, 4, 6, 6]);
  });

  it('attention: wq, wk, wv the transposed row blocks of in_proj_weight, biases its blocks, wo = out_proj.weightᵀ', () => {
    const E_ = 2;
    const w = coded([3 * E_, E_]);
    const out = convert({
      'mha.in_proj_weight': w, 'mha.in_proj_bias': arange(6) as T, 'mha.out_proj.weight': coded([E_, E_]), 'mha.out_proj.bias': tensor([7, 8]),
    }, fromPytorch.attention('mha', 'att'));
    ['wq', 'wk', 'wv'].forEach((n, blk) => {
      for (const [i, o] of indices([E_, E_])) expect(at(out[`att.${n}`]!, i!, o!)).toBe(at(w, blk * E_ + o!, i!));
    });
    expect(['bq', 'bk', 'bv'].map((n) => vals(out[`att.${n}`]!))).toEqual([[0, 1], [2, 3], [4, 5]]);
    for (const [i, o] of indices([E_, E_])) expect(at(out['att.wo']!, i!, o!)).toBe(digits(o!, i!));
    expect(vals(out['att.bo']!)).toEqual([7, 8]);
  });

  it('norm: scale, bias, and running statistics into the state path; num_batches_tracked dropped', () => {
    const t = (v: number) => tensor([v, v]);
    const out = convert({
      'bn.weight': t(1), 'bn.bias': t(2), 'bn.running_mean': t(3), 'bn.running_var': t(4), 'bn.num_batches_tracked': tensor(7, 'int32'),
    }, fromPytorch.norm('bn', 'params.1', { state: 'state.1' }));
    expect(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, vals(v)[0]]))).toEqual({
      'params.1.scale': 1, 'params.1.bias': 2, 'state.1.runningMean': 3, 'state.1.runningVar': 4,
    });
  });

  it('embedding and rename keep the tensor; ignore drops tensors', () => {
    const w = coded([4, 2]);
    const out = convert({ 'emb.weight': w, 'pos': w, 'head.weight': w }, fromPytorch.embedding('emb', 'embed'), rename('pos', 'positions.positions'), ignore('head.weight', 'absent'));
    expect(Object.keys(out).sort()).toEqual(['embed.embedding', 'positions.positions']);
    expect(vals(out['embed.embedding']!)).toEqual(vals(w));
  });
});

// ---- the PyTorch reference vectors: torch tensors in, our layers out ----

/** the torch-native tensors of a case (not the library-layout aliases), as a torch state_dict would hold them */
const torchTensors = (c: RefCase, names?: Readonly<Record<string, string>>): Record<string, T> =>
  Object.fromEntries(Object.entries(c.params).filter(([, t]) => !('alias_of' in t)).map(([n, t]) => [names?.[n] ?? n, toTensor(t)]));
/** through a safetensors file, as a checkpoint exported from PyTorch would come */
const viaFile = (tensors: Rec): Rec => right(deserializeTensors(serialize(tensors)));
const row = (t: T, i: number): T => slice(t as Tensor<number[]>, [i]) as T;
const layersAxis = (...hs: T[]): T => stack(hs, 0) as T;
const inputsOf = (c: RefCase): Rec => Object.fromEntries(Object.entries(c.inputs).map(([n, t]) => [n, toTensor(t)]));
const expectOutputs = (c: RefCase, outs: Rec): void => {
  expect(Object.keys(outs).sort()).toEqual(Object.keys(c.outputs).sort());
  for (const [k, ref] of Object.entries(c.outputs)) expectMatches(outs[k]!, ref, k);
};
type HC = { readonly h: T; readonly c: T };

describe('reference vectors through converted params', () => {
  it('dense_b4_5x3: linear', () => {
    const c = loadCase('dense_b4_5x3');
    const layer = nn.dense(5, 3);
    const params = right(restore(convert(viaFile(torchTensors(c, { weight_oi: 'weight' })), fromPytorch.linear('', '')), layer.init(key(0))));
    expect(vals(params.kernel)).toEqual(vals(toTensor(c.params['weight_io']!)));
    expectOutputs(c, { y: layer.apply(params, inputsOf(c)['x'] as Tensor<[4, 5]>) });
  });

  it.each([
    ['conv2d_b1_6x5_c2o3_k3_same', 'weight_oihw', 'weight_hwio', fromPytorch.conv2d],
    ['conv2d_b2_5x6_c4o6_k3_groups2_same', 'weight_oihw', 'weight_hwio', fromPytorch.conv2d],
    ['conv1d_b1_l10_c2o5_k4_s2_same', 'weight_oiw', 'weight_wio', fromPytorch.conv1d],
    ['conv2d_transpose_b2_3x4_c2o3_k3_s2_tfsame', 'weight_iohw', 'weight_hwio', fromPytorch.conv2dTranspose],
    ['conv2d_b1_7x7_c4o4_k3_s2_depthwise_m1_same', 'weight_oihw', 'weight_depthwise_hwcm', (p: string, to: string) => fromPytorch.depthwiseConv2d(p, to, 1)],
  ] as const)('%s: the torch weight converts to the library-layout view, exactly', (name, torchName, ours, rule) => {
    const c = loadCase(name);
    const out = convert({ weight: toTensor(c.params[torchName]!) }, rule('', ''));
    const expected = toTensor(c.params[ours]!);
    expect(out['kernel']!.shape).toEqual(expected.shape);
    expect(vals(out['kernel']!)).toEqual(vals(expected));
  });

  it.each(['mha_self_causal_b2_t6_e8_h4', 'mha_self_nobias_b2_t3_e6_h2', 'medium_mha_self_causal_b2_t16_e32_h4'])('%s: attention gives the library-layout views, exactly', (name) => {
    const c = loadCase(name);
    const out = convert(torchTensors(c), fromPytorch.attention('', ''));
    const views = Object.keys(c.params).filter((n) => 'alias_of' in c.params[n]!);
    expect(Object.keys(out).sort()).toEqual(views.sort());
    for (const n of views) expect(vals(out[n]!), n).toEqual(vals(toTensor(c.params[n]!)));
  });

  it('transformer_prenorm_causal_b2_t4_e8_h4_f12_gelu: a TransformerEncoderLayer state_dict runs in transformerEncoderBlock', () => {
    const c = loadCase('transformer_prenorm_causal_b2_t4_e8_h4_f12_gelu');
    const block = nn.transformerEncoderBlock(8, 4, 12, { norm: 'pre', activation: 'gelu', causal: true });
    const flat = convert(viaFile(torchTensors(c)),
      fromPytorch.norm('norm1', 'norm1'), fromPytorch.attention('self_attn', 'attention'), fromPytorch.norm('norm2', 'norm2'),
      fromPytorch.linear('linear1', 'ff1'), fromPytorch.linear('linear2', 'ff2'));
    const params = right(restore(flat, block.init(key(0))));
    expectOutputs(c, { y: block.apply(params, inputsOf(c)['x'] as Tensor<[2, 4, 8]>) });
  });

  it('layernorm_b1_t1_d5 and batchnorm_eval_2d_b1_c6: norm', () => {
    const ln = loadCase('layernorm_b1_t1_d5');
    const lnLayer = nn.layerNorm(5);
    const lnParams = right(restore(convert(torchTensors(ln, { gamma: 'weight', beta: 'bias' }), fromPytorch.norm('', '')), lnLayer.init(key(0))));
    expectOutputs(ln, { y: lnLayer.apply(lnParams, inputsOf(ln)['x'] as Tensor<[1, 1, 5]>) });

    const bn = loadCase('batchnorm_eval_2d_b1_c6');
    const bnLayer = nn.batchNorm(6);
    const names = { gamma: 'bn.weight', beta: 'bn.bias', running_mean: 'bn.running_mean', running_var: 'bn.running_var' };
    const torch = { ...torchTensors(bn, names), 'bn.num_batches_tracked': tensor(12, 'int32') };
    const restored = right(restore(convert(viaFile(torch), fromPytorch.norm('bn', 'params', { state: 'state' })), { params: bnLayer.init(key(0)), state: bnLayer.initState() }));
    expectOutputs(bn, { y: bnLayer.applyWithState(restored.params, restored.state, inputsOf(bn)['x'] as Tensor<[1, 6]>)[0] });
  });

  // the recurrent cases: the torch tensors (weight_ih_l0 ...) converted, then run by our layers from the stored initial states
  const initial = (inp: Rec, i: number, withC: boolean) =>
    inp['h0'] === undefined ? undefined : withC ? { h: row(inp['h0'], i), c: row(inp['c0']!, i) } : { h: row(inp['h0'], i) };
  interface RecurrentCase { readonly rules: Rule[]; readonly run: (flat: Rec, inp: Rec) => Rec }
  const recurrentCases: Readonly<Record<string, RecurrentCase>> = {
    simple_rnn_b1_t3_i2_h3_zero_state: {
      rules: [fromPytorch.simpleRnn('', '')],
      run: (flat, inp) => {
        const layer = nn.simpleRnn(2, 3);
        const r = layer.runSequence(right(restore(flat, layer.init(key(0)))), inp['x']!);
        return { y: r.outputs, h_n: layersAxis(r.state.h) };
      },
    },
    lstm_timemajor_b3_t4_i2_h3: {
      rules: [fromPytorch.lstm('', '')],
      run: (flat, inp) => {
        const layer = nn.lstm(2, 3, { timeMajor: true });
        const r = layer.runSequence(right(restore(flat, layer.init(key(0)))), inp['x']!, { initialState: initial(inp, 0, true) as HC });
        return { y: r.outputs, h_n: layersAxis(r.state.h), c_n: layersAxis(r.state.c) };
      },
    },
    lstm_2layer_b2_t4_i3_h4: {
      rules: [fromPytorch.lstm('', '0', { layer: 0 }), fromPytorch.lstm('', '1', { layer: 1 })],
      run: (flat, inp) => {
        const [l0, l1] = [nn.lstm(3, 4), nn.lstm(4, 4)];
        const [p0, p1] = right(restore(flat, [l0.init(key(0)), l1.init(key(1))] as const));
        const r0 = l0.runSequence(p0, inp['x']!, { initialState: initial(inp, 0, true) as HC });
        const r1 = l1.runSequence(p1, r0.outputs, { initialState: initial(inp, 1, true) as HC });
        return { y: r1.outputs, h_n: layersAxis(r0.state.h, r1.state.h), c_n: layersAxis(r0.state.c, r1.state.c) };
      },
    },
    gru_b1_t3_i2_h5_zero_state: {
      rules: [fromPytorch.gru('', '')],
      run: (flat, inp) => {
        const layer = nn.gru(2, 5);
        const r = layer.runSequence(right(restore(flat, layer.init(key(0)))), inp['x']!);
        return { y: r.outputs, h_n: layersAxis(r.state.h) };
      },
    },
    medium_gru_b3_t12_i10_h20: {
      rules: [fromPytorch.gru('', '')],
      run: (flat, inp) => {
        const layer = nn.gru(10, 20);
        const r = layer.runSequence(right(restore(flat, layer.init(key(0)))), inp['x']!, { initialState: initial(inp, 0, false) as { h: T } });
        return { y: r.outputs, h_n: layersAxis(r.state.h) };
      },
    },
    bigru_b2_t4_i3_h3: {
      rules: [fromPytorch.gru('', 'forward'), fromPytorch.gru('', 'backward', { reverse: true })],
      run: (flat, inp) => {
        const layer = nn.bidirectional(nn.gru(3, 3));
        const h0 = { forward: initial(inp, 0, false) as { h: T }, backward: initial(inp, 1, false) as { h: T } };
        const r = layer.runSequence(right(restore(flat, layer.init(key(0)))), inp['x']!, { initialState: h0 });
        return { y: r.outputs, h_n: layersAxis(r.state.forward.h, r.state.backward.h) };
      },
    },
    bilstm_b1_t3_i2_h3_zero_state: {
      rules: [fromPytorch.lstm('', 'forward'), fromPytorch.lstm('', 'backward', { reverse: true })],
      run: (flat, inp) => {
        const layer = nn.bidirectional(nn.lstm(2, 3));
        const r = layer.runSequence(right(restore(flat, layer.init(key(0)))), inp['x']!);
        const s = r.state;
        return { y: r.outputs, h_n: layersAxis(s.forward.h, s.backward.h), c_n: layersAxis(s.forward.c, s.backward.c) };
      },
    },
  };
  it.each(Object.keys(recurrentCases))('%s: the torch weights reproduce the torch outputs', (name) => {
    const c = loadCase(name);
    const { rules, run } = recurrentCases[name]!;
    expectOutputs(c, run(convert(viaFile(torchTensors(c)), ...rules), inputsOf(c)));
  });
});

// ---- what goes wrong ----

describe('mapping errors: every problem, by name', () => {
  it('missing sources, unused sources, wrong layouts and a name given twice, all in one error', () => {
    const r = mapCheckpoint({
      'fc.weight': zeros([2, 3, 1]), 'rnn.weight_ih_l0': zeros([7, 3]), 'rnn.weight_hh_l0': zeros([7, 2]),
      'g.weight_ih_l0': zeros([6, 3]), 'g.weight_hh_l0': zeros([6, 3]), 'g.bias_ih_l0': zeros([6]),
      'a.weight': zeros([2, 2]), 'stray': zeros([1]), 'mha.in_proj_weight': zeros([5, 2]), 'mha.out_proj.weight': zeros([2, 2]),
    }, [
      fromPytorch.linear('fc', 'x'), fromPytorch.lstm('rnn', 'y'), fromPytorch.gru('g', 'z'), fromPytorch.conv2d('c', 'w'),
      rename('a.weight', 'dup'), rename('a.weight', 'dup'), fromPytorch.attention('mha', 'att'), fromPytorch.norm('bn', 'n'),
    ]);
    expect(mismatches(r)).toEqual([
      { kind: 'rule', name: 'fc.weight', detail: 'expected rank 2 ([out, in]); it is [2, 3, 1]' },
      { kind: 'rule', name: 'rnn.weight_ih_l0', detail: '7 rows do not split into 4 gates; it is [7, 3]' },
      { kind: 'rule', name: 'g.weight_hh_l0', detail: 'expected [6, 2]; it is [6, 3]' },
      { kind: 'rule', name: 'g.bias_ih_l0', detail: 'found without g.bias_hh_l0' },
      { kind: 'missing', name: 'c.weight', expected: null },
      { kind: 'rule', name: 'dup', detail: 'given by both rename(a.weight -> dup) and rename(a.weight -> dup)' },
      { kind: 'rule', name: 'mha.in_proj_weight', detail: 'expected [3E, E]; it is [5, 2]' },
      { kind: 'missing', name: 'bn.weight', expected: null },
      { kind: 'unexpected', name: 'stray', actual: { shape: [1], dtype: 'float32' } },
    ]);
  });

  it('a torch LSTM without biases converts, and restore then reports the bias our lstm needs', () => {
    const flat = convert({ weight_ih_l0: zeros([8, 3]), weight_hh_l0: zeros([8, 2]) }, fromPytorch.lstm('', ''));
    expect(Object.keys(flat).sort()).toEqual(['kernel', 'recurrentKernel']);
    expect(mismatches(restore(flat, nn.lstm(3, 2).init(key(0))))).toEqual([{ kind: 'missing', name: 'bias', expected: { shape: [8], dtype: 'float32' } }]);
  });
});
