/**
 * @file shapegrad on the seven workloads, through its public API only (src/index.ts): ops, nn layers,
 * valueAndGrad, optim.sgd + applyUpdates, softmaxCrossEntropy. Ops are eager: when a call returns,
 * its result is computed, so a step needs no extra synchronisation.
 */
import {
  add, conv2d, fromArray, fuse, item, key, leaves, leavesWithPath, matmul, mean, nn, optim, relu, softmaxCrossEntropy, square, toArray,
  unflatten, valueAndGrad, type AnyTensor, type Tensor,
} from '../../src/index.js';
import type { Peer, Prepared } from '../harness.js';
import type { Arr, IntArr } from '../workloads.js';
import { W2, W3, W4, W5, W6 } from '../workloads.js';

const t = <const S extends readonly number[]>(a: Arr, shape: S): Tensor<[...S]> => {
  const r = fromArray(a.data, shape);
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
const labelsOf = <N extends number>(a: IntArr, n: N): Tensor<[N], 'int32'> => {
  const r = fromArray(a.data, [n], 'int32');
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
/** the leaves of a record of Arr (paths as shapegrad's: 'attention.wq', '0.kernel') */
const arrLeaves = (tree: unknown, path = '', out = new Map<string, Arr>()): Map<string, Arr> => {
  if (typeof tree === 'object' && tree !== null && 'data' in tree && 'shape' in tree) out.set(path, tree as Arr);
  else if (typeof tree === 'object' && tree !== null) for (const [k, v] of Object.entries(tree)) arrLeaves(v, path === '' ? k : `${path}.${k}`, out);
  return out;
};
/**
 * The layer's own parameter record (from init, so the types are the layer's) with every leaf
 * replaced by the shared initial values at the same path; a missing path or a shape that differs throws.
 */
const withValues = <P>(template: P, values: unknown): P => {
  const byPath = arrLeaves(values);
  const leavesOut = leavesWithPath(template).map(([path, leaf]) => {
    const a = byPath.get(path);
    if (a === undefined) throw new Error(`bench: no initial value for ${path}`);
    if (a.shape.join() !== (leaf.shape as readonly number[]).join()) throw new Error(`bench: ${path} is [${String(leaf.shape)}], data [${String(a.shape)}]`);
    return t(a, a.shape);
  });
  if (leavesOut.length !== byPath.size) throw new Error(`bench: ${byPath.size} initial values for ${leavesOut.length} params`);
  return unflatten(template, leavesOut);
};
/** valueAndGrad for a loss over a generic record (the typed face checks concrete records; here P is generic) */
const lossGrad = valueAndGrad as unknown as <P>(f: (p: P) => Tensor<[]>) => (p: P) => readonly [Tensor<[]>, P];

/** the sum and the sum of squares of a tensor's elements, in float64 */
const sums = (x: AnyTensor): [number, number] => {
  let s = 0, q = 0;
  for (const v of toArray(x) as Float32Array) { s += v; q += v * v; }
  return [s, q];
};
const sumSquares = (tree: unknown): number => leaves(tree).reduce((acc, g) => acc + sums(g)[1], 0);

/** a train step: valueAndGrad of the loss, SGD, applyUpdates; check = [loss 1, loss 2] */
const trainStep = <P>(lossOf: (p: P) => Tensor<[]>, params0: P, lr: number): Prepared => {
  const opt = optim.sgd(lr);
  const vg = lossGrad((p: P) => lossOf(p));
  let params = params0, state = opt.init(params0);
  const step = (): number => {
    const [loss, grads] = vg(params);
    const [updates, next] = opt.update(grads, state, params);
    params = optim.applyUpdates(params, updates);
    state = next;
    return item(loss);
  };
  return { step, check: () => [step(), step()] };
};
/** value and gradients, no update; check = [loss, sum of squared gradients] */
const fwdBwd = <P>(lossOf: (p: P) => Tensor<[]>, params: P): Prepared => {
  const vg = lossGrad((p: P) => lossOf(p));
  return {
    step: () => item(vg(params)[0]),
    check: () => { const [l, g] = vg(params); return [item(l), sumSquares(g)]; },
  };
};
/** a forward op; check = [sum, sum of squares] of its output */
const forward = (run: () => AnyTensor): Prepared => ({ step: run, check: () => sums(run()) });

export const shapegrad: Peer = {
  id: 'shapegrad',
  init: async () => 'shapegrad (this repo, src/), eager ops on its current CPU kernels',
  workloads: {
    W1: (d) => {
      const a = t(d.a, [1024, 1024]), b = t(d.b, [1024, 1024]);
      return forward(() => matmul(a, b));
    },
    W2: (d) => {
      const model = nn.serial(nn.dense(W2.in, W2.hidden), nn.relu(), nn.dense(W2.hidden, W2.out));
      const x = t(d.x, [W2.batch, W2.in]), y = labelsOf(d.labels, W2.batch);
      const params = withValues(model.init(key(0)), { 0: d.params[0], 2: d.params[1] });
      return trainStep((p: typeof params) => softmaxCrossEntropy(model.apply(p, x), y), params, W2.lr);
    },
    W3: (d) => {
      const model = nn.serial(
        nn.conv2d(1, W3.c1, 3, { padding: 'same' }), nn.relu(), nn.maxPool2d(2),
        nn.conv2d(W3.c1, W3.c2, 3, { padding: 'same' }), nn.relu(), nn.maxPool2d(2),
        nn.flatten(), nn.dense(1568, W3.classes),
      );
      const x = t(d.x, [W3.batch, W3.size, W3.size, 1]), y = labelsOf(d.labels, W3.batch);
      const params = withValues(model.init(key(0)), { 0: d.params.conv1, 3: d.params.conv2, 7: d.params.dense });
      return trainStep((q: typeof params) => softmaxCrossEntropy(model.apply(q, x), y), params, W3.lr);
    },
    W4: (d) => {
      const x = t(d.x, [W4.batch, W4.size, W4.size, W4.cin]), w = t(d.w, [W4.k, W4.k, W4.cin, W4.cout]);
      return forward(() => conv2d(x, w, { padding: 'same' }));
    },
    W5: (d) => {
      const layer = nn.lstm(W5.in, W5.hidden);
      const x = t(d.x, [W5.batch, W5.steps, W5.in]);
      const params = withValues(layer.init(key(0)), d.params);
      return fwdBwd((p: typeof params) => mean(square(layer.apply(p, x))), params);
    },
    W6: (d) => {
      const block = nn.transformerEncoderBlock(W6.embed, W6.heads, W6.ff, { norm: 'pre', activation: 'relu', eps: W6.eps });
      const x = t(d.x, [W6.batch, W6.steps, W6.embed]);
      const params = withValues(block.init(key(0)), d.params);
      return fwdBwd((p: typeof params) => mean(square(block.apply(p, x))), params);
    },
    W7: (d) => {
      const a = t(d.a, [d.a.shape[0]!]), b = t(d.b, [d.b.shape[0]!]);
      // one fused kernel, as jax-js runs its jitted add+relu
      const addRelu = fuse((x: typeof a, y: typeof b) => relu(add(x, y)));
      return forward(() => addRelu(a, b));
    },
  },
};

