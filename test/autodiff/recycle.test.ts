/** @file Storage recycling in the backward pass: dead cotangents come back to allocate, and nothing a user can still reach is ever reused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../helpers/mulberry32.js';
import { customVjp, grad, valueAndGrad } from '../../src/autodiff/index.js';
import { poisonRecycled, recyclerStats } from '../../src/dtype/index.js';
import {
  add, fromArray, key, leaves, mean, mul, nn, relu, softmaxCrossEntropy, square, sum, tanh, toArray, type AnyTensor, type Tensor,
} from '../../src/index.js';

const draw = mulberry32(0x7ec7c1e);
const rand = <const S extends readonly number[]>(shape: S, scale = 1): Tensor<[...S]> => {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = fromArray(Array.from({ length: n }, () => scale * (2 * draw() - 1)), shape);
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
const snapshot = (tree: unknown): number[][] => leaves(tree).map((t) => Array.from(toArray(t as AnyTensor) as ArrayLike<number>));
const allFinite = (xs: readonly number[][]): boolean => xs.every((a) => a.every(Number.isFinite));

// every array that comes back is filled with NaN at once: a value still reading one would show NaN
beforeAll(() => poisonRecycled(true));
afterAll(() => poisonRecycled(false));

// three models whose cotangents are well above the recycling size (1024 floats)
const mlp = nn.serial(nn.dense(64, 128), nn.relu(), nn.dense(128, 128), nn.relu(), nn.dense(128, 10));
const block = nn.transformerEncoderBlock(32, 4, 64, { norm: 'pre', activation: 'gelu' });
const cnn = nn.serial(nn.conv2d(3, 8, 3, { padding: 'same' }), nn.relu(), nn.maxPool2d(2), nn.flatten(), nn.dense(8 * 8 * 8, 10));
const xs = { mlp: rand([64, 64]), block: rand([4, 16, 32]), cnn: rand([8, 16, 16, 3]) };
const labels = fromArray([3, 1, 4, 1, 5, 9, 2, 6], [8], 'int32');
if (labels._tag === 'Left') throw labels.left;
const y8 = labels.right;

const cases = {
  mlp: { params: mlp.init(key(1)), loss: (p: unknown) => mean(square(mlp.apply(p as ReturnType<typeof mlp.init>, xs.mlp))) },
  block: { params: block.init(key(2)), loss: (p: unknown) => mean(square(block.apply(p as ReturnType<typeof block.init>, xs.block))) },
  cnn: { params: cnn.init(key(3)), loss: (p: unknown) => softmaxCrossEntropy(cnn.apply(p as ReturnType<typeof cnn.init>, xs.cnn), y8) },
};
// the loss over a generic record (grad's typed face checks concrete records)
const gradAny = grad as unknown as (f: (p: unknown) => Tensor<[]>) => (p: unknown) => unknown;
const gradOf = (name: keyof typeof cases): unknown => gradAny(cases[name].loss as (p: unknown) => Tensor<[]>)(cases[name].params);

describe('the backward pass recycles dead cotangents', () => {
  it('hands arrays back to allocate during a gradient', () => {
    const before = recyclerStats();
    gradOf('mlp');
    // the pool may also have given arrays out again; it must have seen some come back
    const after = recyclerStats();
    expect(after.arrays + 1).toBeGreaterThan(before.arrays);
    gradOf('block');
    expect(recyclerStats().bytes).toBeGreaterThan(0);
  });

  it('lets go of the arrays of a size no pass has handed back in two passes (a workload that changed)', () => {
    gradOf('block');
    expect(recyclerStats().bytes).toBeGreaterThan(0);
    // a model too small to recycle anything: three passes later nothing of the block's is kept
    const tiny = (p: { w: Tensor<[4, 4]> }) => sum(square(mul(p.w, 3)));
    for (let i = 0; i < 3; i++) grad(tiny)({ w: rand([4, 4]) });
    expect(recyclerStats()).toEqual({ arrays: 0, bytes: 0 });
  });

  it('gives the same gradients again and again, interleaved, with recycled arrays poisoned', () => {
    const first = { mlp: snapshot(gradOf('mlp')), block: snapshot(gradOf('block')), cnn: snapshot(gradOf('cnn')) };
    expect(allFinite(first.mlp) && allFinite(first.block) && allFinite(first.cnn)).toBe(true);
    for (let round = 0; round < 3; round++) {
      for (const name of ['cnn', 'mlp', 'block'] as const) expect(snapshot(gradOf(name))).toEqual(first[name]);
    }
  });

  it('never reuses what it returned: gradients kept from an earlier call stay as they were', () => {
    const kept = gradOf('block');
    const copy = snapshot(kept);
    for (let i = 0; i < 4; i++) { gradOf('mlp'); gradOf('block'); gradOf('cnn'); }
    expect(snapshot(kept)).toEqual(copy);
  });

  it('never reuses what a custom pullback saw or gave (user code may keep both)', () => {
    const seen: AnyTensor[] = [];
    const given: AnyTensor[] = [];
    const f = customVjp(
      (x: Tensor<[64, 128]>) => [tanh(x), x] as const,
      (_x, ct) => {
        seen.push(ct);
        const g = mul(ct, 2) as Tensor<[64, 128]>;
        given.push(g);
        return [g] as const;
      },
    );
    const w = rand([64, 128]);
    grad((p: { w: Tensor<[64, 128]> }) => sum(square(relu(f(mul(p.w, 3) as Tensor<[64, 128]>)))) as Tensor<[]>)({ w });
    const copies = [seen, given].map(snapshot);
    for (let i = 0; i < 4; i++) { gradOf('mlp'); gradOf('block'); }
    expect([seen, given].map(snapshot)).toEqual(copies);
    expect(allFinite(copies[0]!)).toBe(true);
  });

  it('leaves forward values the function handed out (aux) alone', () => {
    const x = rand([64, 128]);
    const [[, aux]] = [valueAndGrad((p: { x: Tensor<[64, 128]> }) => {
      const h = relu(add(p.x, 0.5));
      return [sum(square(h)), h] as const;
    }, { hasAux: true })({ x })];
    const copy = snapshot(aux);
    for (let i = 0; i < 3; i++) { gradOf('mlp'); gradOf('cnn'); }
    expect(snapshot(aux)).toEqual(copy);
  });

  it('gives the same second derivatives again (no recycling while an outer level records)', () => {
    const x = rand([40, 40]);
    const hv = () => snapshot(grad((p: { x: Tensor<[40, 40]> }) => sum(square(grad((q: { x: Tensor<[40, 40]> }) => sum(tanh(mul(q.x, q.x))))(p).x)))({ x }));
    const first = hv();
    expect(allFinite(first)).toBe(true);
    gradOf('mlp');
    expect(hv()).toEqual(first);
  });
});
