/**
 * @file TensorFlow.js 4.22 (@tensorflow/tfjs with its cpu backend, or @tensorflow/tfjs-backend-wasm
 * with 1 or 2 threads) on the seven workloads. Both backends run each kernel synchronously inside the op
 * call, so a step is done when the op returns (results are not copied out, except a train
 * step's scalar loss). Train steps use optimizer.minimize (tf.train.sgd), fwd+bwd steps
 * tf.variableGrads; every step runs in tf.tidy so memory stays flat.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { Peer, Prepared } from '../harness.js';
import type { Arr, IntArr } from '../workloads.js';
import { W2, W3, W5, W6 } from '../workloads.js';
import { withNodeThreads } from './tfjs-node-threads.js';

const ten = (a: Arr): tf.Tensor => tf.tensor(a.data, [...a.shape], 'float32');
const variable = (a: Arr): tf.Variable => tf.variable(ten(a));
const oneHot = (l: IntArr, classes: number): tf.Tensor => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(l.data, 'int32'), classes), 'float32'));
const dense = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
const scalar = (t: tf.Tensor): number => { const v = t.dataSync()[0]!; t.dispose(); return v; };
const sums = (t: tf.Tensor): [number, number] => {
  let s = 0, q = 0;
  for (const v of t.dataSync()) { s += v; q += v * v; }
  return [s, q];
};

/** optimizer.minimize over the variables; check = [loss 1, loss 2] */
const trainStep = (loss: () => tf.Scalar, vars: tf.Variable[], lr: number): Prepared => {
  const opt = tf.train.sgd(lr);
  const step = (): number => scalar(opt.minimize(loss, true, vars)!);
  return { step, check: () => [step(), step()], dispose: () => { opt.dispose(); tf.dispose(vars); } };
};
/** tf.variableGrads (value and gradients, no update); check = [loss, sum of squared gradients] */
const fwdBwd = (loss: () => tf.Scalar, vars: tf.Variable[]): Prepared => {
  const run = (): { value: tf.Scalar; grads: tf.NamedTensorMap } => tf.variableGrads(loss, vars);
  return {
    step: () => { const { value, grads } = run(); tf.dispose(grads); return scalar(value); },
    check: () => {
      const { value, grads } = run();
      const sq = Object.values(grads).reduce((acc, g) => acc + sums(g)[1], 0);
      tf.dispose(grads);
      return [scalar(value), sq];
    },
    dispose: () => tf.dispose(vars),
  };
};
/** a forward op, in tidy; check = [sum, sum of squares] of the output */
const forward = (run: () => tf.Tensor, inputs: tf.Tensor[]): Prepared => ({
  step: () => tf.tidy(() => { run(); }),
  check: () => { const y = run(); const r = sums(y); y.dispose(); return r; },
  dispose: () => tf.dispose(inputs),
});

/** layer norm over the last axis of [N, E] */
const layerNorm = (x: tf.Tensor, scale: tf.Tensor, bias: tf.Tensor): tf.Tensor => {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, W6.eps))), scale), bias);
};

export const tfjsPeer = (backend: 'cpu' | 'wasm', threads: number): Peer => ({
  id: backend === 'cpu' ? 'tfjs-cpu' : `tfjs-wasm-${threads}`,
  init: async () => {
    tf.enableProdMode();
    if (backend === 'wasm') {
      setThreadsCount(threads);
      const start = async (): Promise<void> => {
        if (!await tf.setBackend('wasm')) throw new Error('the wasm backend did not start');
        await tf.ready();
      };
      if (threads > 1) {
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
        await withNodeThreads(start);
      } else {
        await start();
      }
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const got = getThreadsCount();
      if (got !== threads) throw new Error(`asked for ${threads} threads, the wasm backend has ${got}`);
      return `@tensorflow/tfjs ${tf.version.tfjs}, tfjs-backend-wasm ${version_wasm}, ${simd ? 'SIMD' : 'no SIMD'}, ${got} thread${got > 1 ? 's' : ''} (XNNPACK)`;
    }
    if (!await tf.setBackend('cpu')) throw new Error('the cpu backend did not start');
    await tf.ready();
    return `@tensorflow/tfjs ${tf.version.tfjs}, backend cpu (plain JS kernels)`;
  },
  workloads: {
    W1: (d) => { const a = ten(d.a), b = ten(d.b); return forward(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), [a, b]); },
    W2: (d) => {
      const x = ten(d.x), y = oneHot(d.labels, W2.out);
      const [l1, l2] = d.params;
      const vars = [variable(l1.kernel), variable(l1.bias), variable(l2.kernel), variable(l2.bias)] as const;
      const loss = (): tf.Scalar => tf.losses.softmaxCrossEntropy(y, dense(tf.relu(dense(x, vars[0], vars[1])), vars[2], vars[3])) as tf.Scalar;
      const p = trainStep(loss, [...vars], W2.lr);
      return { ...p, dispose: () => { p.dispose?.(); tf.dispose([x, y]); } };
    },
    W3: (d) => {
      const x = ten(d.x), y = oneHot(d.labels, W3.classes);
      const { conv1, conv2, dense: fc } = d.params;
      const v = [conv1.kernel, conv1.bias, conv2.kernel, conv2.bias, fc.kernel, fc.bias].map(variable);
      const block = (h: tf.Tensor, k: tf.Variable, b: tf.Variable): tf.Tensor4D =>
        tf.maxPool(tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, k as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid');
      const loss = (): tf.Scalar => {
        const h = block(block(x, v[0]!, v[1]!), v[2]!, v[3]!);
        return tf.losses.softmaxCrossEntropy(y, dense(tf.reshape(h, [W3.batch, -1]), v[4]!, v[5]!)) as tf.Scalar;
      };
      const p = trainStep(loss, v, W3.lr);
      return { ...p, dispose: () => { p.dispose?.(); tf.dispose([x, y]); } };
    },
    W4: (d) => {
      const x = ten(d.x), w = ten(d.w);
      return forward(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), [x, w]);
    },
    W5: (d) => {
      const { batch: B, steps: T, in: I, hidden: H } = W5;
      const x = ten(d.x);
      const k = variable(d.params.kernel), r = variable(d.params.recurrentKernel), b = variable(d.params.bias);
      const loss = (): tf.Scalar => {
        // x @ K for every step in one matmul, then the recurrent update per step (as shapegrad's scan)
        const xp = tf.reshape(dense(tf.reshape(x, [B * T, I]), k, b), [B, T, 4 * H]);
        const xs = tf.unstack(xp, 1);
        let h: tf.Tensor = tf.zeros([B, H]), c: tf.Tensor = tf.zeros([B, H]);
        const hs: tf.Tensor[] = [];
        for (let t = 0; t < T; t++) {
          const [i, f, g, o] = tf.split(tf.add(xs[t]!, tf.matMul(h as tf.Tensor2D, r)), 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
          h = tf.mul(tf.sigmoid(o), tf.tanh(c));
          hs.push(h);
        }
        return tf.mean(tf.square(tf.stack(hs, 1)));
      };
      const p = fwdBwd(loss, [k, r, b]);
      return { ...p, dispose: () => { p.dispose?.(); x.dispose(); } };
    },
    W6: (d) => {
      const { batch: B, steps: T, embed: E, heads: NH } = W6, dh = E / NH;
      const x = tf.tidy(() => tf.reshape(ten(d.x), [B * T, E]));
      const pr = d.params, at = pr.attention;
      const v = {
        n1s: variable(pr.norm1.scale), n1b: variable(pr.norm1.bias), n2s: variable(pr.norm2.scale), n2b: variable(pr.norm2.bias),
        wq: variable(at.wq), wk: variable(at.wk), wv: variable(at.wv), wo: variable(at.wo),
        bq: variable(at.bq), bk: variable(at.bk), bv: variable(at.bv), bo: variable(at.bo),
        f1: variable(pr.ff1.kernel), c1: variable(pr.ff1.bias), f2: variable(pr.ff2.kernel), c2: variable(pr.ff2.bias),
      };
      /** [B·T, E] -> [B, heads, T, dh] */
      const split = (y: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(y, [B, T, NH, dh]), [0, 2, 1, 3]);
      const loss = (): tf.Scalar => {
        const a = layerNorm(x, v.n1s, v.n1b);
        const q = split(dense(a, v.wq, v.bq)), k = split(dense(a, v.wk, v.bk)), vv = split(dense(a, v.wv, v.bv));
        const w = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)));
        const o = tf.reshape(tf.transpose(tf.matMul(w, vv), [0, 2, 1, 3]), [B * T, E]);
        const h = tf.add(x, dense(o, v.wo, v.bo));
        const y = tf.add(h, dense(tf.relu(dense(layerNorm(h, v.n2s, v.n2b), v.f1, v.c1)), v.f2, v.c2));
        return tf.mean(tf.square(y));
      };
      const p = fwdBwd(loss, Object.values(v));
      return { ...p, dispose: () => { p.dispose?.(); x.dispose(); } };
    },
    W7: (d) => { const a = ten(d.a), b = ten(d.b); return forward(() => tf.relu(tf.add(a, b)), [a, b]); },
  },
});
