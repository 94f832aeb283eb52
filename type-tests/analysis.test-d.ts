/** @file Types of the analysis tools: captured activations carry the shapes serial computes; ablated models, saliency and feature images keep theirs. */
import { expectError, expectType } from 'tsd';
import {
  fit, key, meanSquaredError, named, nn, optim, trainStep, zeros, type AnyTensor, type Tensor,
} from '../src/index.js';
import { ablate, capture, maximizeActivation, saliency, trainingMonitor } from '../src/analysis/index.js';

const mlp = nn.serial(nn.input(['B', 784]), nn.dense(784, 128), nn.relu(), nn.residual(nn.serial(nn.dense(128, 128), nn.relu())), nn.dense(128, 10));
const params = mlp.init(key(0));
const x = named(zeros([32, 784]), ['B', 784]);

// ---- capture: top-level children are typed from the layers and the input shape -----------------
const r = capture(mlp)(params, x);
expectType<Tensor<['B', 10]>>(r.output);
expectType<Tensor<['B', 784]>>(r.activations['0']);
expectType<Tensor<['B', 128]>>(r.activations['1']);
expectType<Tensor<['B', 128]>>(r.activations['3']);
expectType<Tensor<['B', 10]>>(r.activations['4']);
// paths inside composites are known at run time only
expectType<AnyTensor | undefined>(r.activations['3.wraps.0']);
// a top-level path the model does not have is not a key, and a wrong shape does not compile
type Keys = keyof typeof r.activations;
expectType<false>(false as '5' extends Keys ? true : false);
expectType<true>(true as '4' extends Keys ? true : false);
expectError<Tensor<['B', 64]>>(r.activations['1']);
// the input is checked like apply's
expectError(capture(mlp)(params, zeros([32, 785])));
// literal batch sizes flow through too
expectType<Tensor<[4, 128]>>(capture(mlp)(params, zeros([4, 784])).activations['2']);
// a model that is not serial: only nested paths, typed loosely
const single = nn.dense(3, 2);
expectType<Tensor<[5, 2]>>(capture(single)(single.init(key(1)), zeros([5, 3])).output);

// ---- ablate keeps the model's type (same params, same shapes) ----------------------------------
const ablated = ablate(mlp, '3', 'identity');
expectType<Tensor<[32, 10]>>(ablated.apply(params, zeros([32, 784])));
expectError(ablated.apply(params, zeros([32, 10])));

// ---- saliency has the input's shape; a feature image has the requested shape -------------------
expectType<Tensor<[32, 784]>>(saliency(mlp, params, zeros([32, 784]), 3));
const cnn = nn.serial(nn.input([1, 8, 8, 1]), nn.conv2d(1, 4, 3, { padding: 'same' }));
expectType<Tensor<[1, 8, 8, 1]>>(maximizeActivation(cnn, cnn.init(key(2)), { path: '1', channel: 0, shape: [1, 8, 8, 1], key: key(3) }).image);

// ---- the monitor wraps a step without changing its type, and plugs into fit --------------------
type X = Tensor<[number, 784]>;
type Y = Tensor<[number, 10]>;
const optimizer = optim.sgd(0.1);
const loss = (pred: AnyTensor, y: Y) => meanSquaredError(pred as Tensor<[number, 10]>, y);
const step = trainStep<typeof params, optim.StateFnOf<typeof optimizer>, X, Y>(mlp, optimizer, loss);
const monitor = trainingMonitor(mlp, loss, { every: 5 });
expectType<typeof step>(monitor.wrap(step));
fit(monitor.wrap(step), { params, optState: optimizer.init(params) }, {
  epochs: 1, batches: () => [], key: key(4), onProgress: monitor.onProgress,
});
