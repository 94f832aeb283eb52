/** @file Ablation (zero, identity, mean; nested layers; the study table) and gradient importance/saliency, against hand computations. */
import { describe, expect, it } from 'vitest';
import {
  grad, key, leaves, meanSquaredError, nn, ShapeMismatchError, sum, square, tensor, toArray, type AnyTensor, type Tensor,
} from '../../src/index.js';
import { ablate, ablationStudy, gradientImportance, layerEntries, saliency } from '../../src/analysis/index.js';

import { affine, close, relu, vals } from '../helpers/plain.js';

const model = nn.serial(nn.dense(2, 2), nn.relu(), nn.dense(2, 1));
const K1 = [[1, -1], [2, 1]], b1 = [0, -1], K2 = [[2], [-1]], b2 = [0.5];
// the kernels are held as plain arrays for the hand computations, so their static shapes are [number, number]
const params = [{ kernel: tensor(K1), bias: tensor(b1) }, null, { kernel: tensor(K2), bias: tensor(b2) }] as unknown as ReturnType<typeof model.init>;
const X = [[1, 1], [-1, 0], [0, 2]];
const x = tensor(X);

describe('ablate', () => {
  const h = affine(X, K1, b1);
  it("'zero' replaces a layer's output by zeros", () => {
    // relu zeroed: the last layer sees zeros and gives its bias
    close(vals(ablate(model, '1', 'zero').apply(params, x)), [0.5, 0.5, 0.5]);
  });
  it("'identity' passes the layer's input through", () => {
    close(vals(ablate(model, '1', 'identity').apply(params, x)), affine(h, K2, b2).flat());
  });
  it("'mean' replaces the output by its mean over the batch", () => {
    const m = [0, 1].map((j) => h.reduce((s, r) => s + r[j]!, 0) / h.length);
    const expected = affine(relu(X.map(() => m)), K2, b2).flat();
    close(vals(ablate(model, '0', 'mean').apply(params, x)), expected);
  });
  it('leaves the model itself unchanged and takes the same params', () => {
    const before = vals(model.apply(params, x));
    ablate(model, '0', 'zero');
    close(vals(model.apply(params, x)), affine(relu(h), K2, b2).flat());
    close(before, affine(relu(h), K2, b2).flat());
  });
  it("'identity' needs the layer to keep the shape", () => {
    const wide = nn.serial(nn.dense(2, 3), nn.relu(), nn.dense(3, 1));
    const ablated = ablate(wide, '0', 'identity');
    expect(() => ablated.apply(wide.init(key(0)), x)).toThrow(ShapeMismatchError);
    expect(() => ablated.apply(wide.init(key(0)), x)).toThrow(/layer '0' \(dense\(2, 3\)\) to keep the shape/);
  });
  it('reaches layers inside wrappers and keeps the combinators', () => {
    const res = nn.serial(nn.dense(2, 2), nn.residual(nn.serial(nn.dense(2, 2), nn.relu())));
    const p = res.init(key(1));
    // the residual branch zeroed: x + 0, so the output is the first layer's
    const first = vals(nn.dense(2, 2).apply(p[0], x));
    close(vals(ablate(res, '1.wraps', 'zero').apply(p, x)), first);
    // the relu inside the branch zeroed: the branch gives zeros too
    close(vals(ablate(res, '1.wraps.1', 'zero').apply(p, x)), first);
    const bn = nn.serial(nn.dense(2, 4), nn.bottleneck(nn.dense(4, 2), nn.relu(), nn.dense(2, 4)));
    const ab = ablate(bn, '1.wraps.1', 'identity');
    expect(layerEntries(ab).find((e) => e.path === '1')!.layer).toMatch(/^bottleneck\(/);
    expect(layerEntries(ab).find((e) => e.path === '1.wraps.1')!.layer).toBe('ablated(identity: relu)');
    // x + expand(reduce(x)) with the relu between them gone
    const pb = bn.init(key(2)), h = nn.dense(2, 4).apply(pb[0], x);
    const branch = nn.dense(2, 4).apply(pb[1][2], nn.dense(4, 2).apply(pb[1][0], h));
    close(vals(ab.apply(pb, x)), vals(h).map((v, i) => v + vals(branch)[i]!));
  });
  it('rebuilds concatenate and parallel around the ablated layer', () => {
    const cat = nn.serial(nn.dense(2, 3), nn.concatenate(nn.dense(3, 1)));
    const pc = cat.init(key(3)), h = vals(nn.dense(2, 3).apply(pc[0], x));
    // [h, 0] for each of the 3 examples
    close(vals(ablate(cat, '1.wraps', 'zero').apply(pc, x)), [0, 1, 2].flatMap((i) => [...h.slice(3 * i, 3 * i + 3), 0]));
    const par = nn.serial(nn.dense(2, 3), nn.parallel('add', nn.dense(3, 2), nn.dense(3, 2)));
    const pp = par.init(key(4));
    const second = nn.dense(3, 2).apply(pp[1][1], nn.dense(2, 3).apply(pp[0], x));
    close(vals(ablate(par, '1.0', 'zero').apply(pp, x)), vals(second));
  });
  it('names the known paths for an unknown one', () => {
    expect(() => ablate(model, '5', 'zero')).toThrow(/no layer at path '5'/);
  });
});

describe('ablationStudy', () => {
  const y = tensor([[1], [0], [2]]);
  const mse = (pred: AnyTensor, target: AnyTensor) => meanSquaredError(pred as Tensor<[number, 1]>, target as Tensor<[number, 1]>);
  const mseOf = (pred: number[][]): number => pred.reduce((s, [p], i) => s + (p! - [1, 0, 2][i]!) ** 2, 0) / 3;
  it('gives baseline, ablated and change per layer', () => {
    const rows = ablationStudy(model, params, { x, y }, mse);
    const h = affine(X, K1, b1), baseline = mseOf(affine(relu(h), K2, b2));
    expect(rows.map((r) => [r.path, r.layer])).toEqual([['0', 'dense(2, 2)'], ['1', 'relu'], ['2', 'dense(2, 1)']]);
    rows.forEach((r) => expect(r.baseline).toBeCloseTo(baseline, 5));
    // zeroing layer 0 or 1: the output is the last bias; zeroing layer 2: the output is 0
    expect(rows[0]!.ablated).toBeCloseTo(mseOf([[0.5], [0.5], [0.5]]), 5);
    expect(rows[2]!.ablated).toBeCloseTo(mseOf([[0], [0], [0]]), 5);
    rows.forEach((r) => expect(r.change).toBeCloseTo(r.ablated - r.baseline, 10));
  });
  it("leaves out layers that change the shape under 'identity'", () => {
    const wide = nn.serial(nn.dense(2, 3), nn.relu(), nn.dense(3, 1));
    const rows = ablationStudy(wide, wide.init(key(2)), { x, y }, mse, { mode: 'identity' });
    expect(rows.map((r) => r.path)).toEqual(['1']);
  });
});

describe('gradient importance', () => {
  it('per-layer gradient norms match the gradient computed on its own', () => {
    const y = tensor([[1], [0], [2]]);
    const loss = (pred: AnyTensor, t: AnyTensor) => meanSquaredError(pred as Tensor<[number, 1]>, t as Tensor<[number, 1]>);
    const rows = gradientImportance(model, params, { x, y }, loss);
    const g = grad((p: typeof params) => loss(model.apply(p, x), y))(params);
    const norm = (t: unknown) => Math.sqrt(leaves(t).flatMap(vals).reduce((s, v) => s + v * v, 0));
    expect(rows.map((r) => r.path)).toEqual(['0', '2']);
    expect(rows[0]!.gradNorm).toBeCloseTo(norm(g[0]), 6);
    expect(rows[1]!.gradNorm).toBeCloseTo(norm(g[2]), 6);
    expect(rows[1]!.relative).toBeCloseTo(norm(g[2]) / norm(params[2]), 6);
    expect(rows[1]!.meanAbsGrad).toBeCloseTo(leaves(g[2]).flatMap(vals).reduce((s, v) => s + Math.abs(v), 0) / 3, 6);
  });
  it('saliency of a linear layer is |K[:, class]| for every example', () => {
    const lin = nn.dense(3, 2);
    const K = [[1, -2], [0.5, 3], [-4, 0]];
    const p = { kernel: tensor(K) as Tensor<[3, 2]>, bias: tensor([1, 1]) };
    const xs = tensor([[1, 2, 3], [0, -1, 5]]);
    close(vals(saliency(lin, p, xs, 1)), [2, 3, 0, 2, 3, 0]);
    // one class per example: row 0 takes class 0, row 1 class 1
    close(vals(saliency(lin, p, xs, tensor([0, 1], 'int32'))), [1, 0.5, 4, 2, 3, 0]);
    // score = Σ y²: ∂/∂x = 2 Σ_c y_c K[:, c]
    const ys = affine([[1, 2, 3], [0, -1, 5]], K, [1, 1]);
    const expected = ys.flatMap((row) => K.map((kr) => Math.abs(2 * (row[0]! * kr[0]! + row[1]! * kr[1]!))));
    close(vals(saliency(lin, p, xs, (out) => sum(square(out as Tensor<[number, 2]>)))), expected, 1e-4);
    expect(saliency(lin, p, xs, 0).shape).toEqual([2, 3]);
  });
});

describe('composites rebuild themselves (withChildren)', () => {
  const xs = tensor([[1, -2], [0.5, 3]]);
  const k = key(3);
  const composites = {
    serial: nn.serial(nn.dense(2, 2), nn.tanh()),
    'parallel add': nn.parallel('add', nn.dense(2, 2), nn.dense(2, 2)),
    'parallel concat': nn.parallel('concat', nn.dense(2, 3), nn.dense(2, 1)),
    residual: nn.residual(nn.dense(2, 2)),
    concatenate: nn.concatenate(nn.dense(2, 3)),
    bottleneck: nn.bottleneck(nn.dense(2, 1), nn.relu(), nn.dense(1, 2)),
  };
  for (const [name, c] of Object.entries(composites)) {
    it(`${name}: same children give the same layer (name, output), by its own combinator`, () => {
      const kids = layerEntries(c).filter((e) => e.path !== '' && !e.path.includes('.')).map((e) => e.model);
      const again = c.withChildren(kids);
      expect(again.name).toBe(c.name);
      const p = c.init(k);
      close(vals(again.apply(p as never, xs)), vals(c.apply(p as never, xs)));
      expect(() => c.withChildren([...kids, nn.relu()])).toThrow(/withChildren: \d children expected, got \d/);
    });
  }
  it('ablating inside a bottleneck keeps the bottleneck (its name and its skip connection)', () => {
    const b = composites.bottleneck, p = b.init(k);
    const ablated = ablate(b, 'wraps.1', 'zero');
    expect(ablated.name).toMatch(/^bottleneck\(serial\(dense\(2, 1\), ablated\(zero: relu\), dense\(1, 2\)\)\)$/);
    // relu zeroed: the last dense sees zeros and gives its bias, added to the input by the skip
    const bias = vals(p[2].bias);
    close(vals(ablated.apply(p, xs)), vals(xs).map((v, i) => v + bias[i % 2]!));
  });
});
