/** @file The README's end-to-end example (a test checks that README shows exactly this file's code). */
import { grad, key, nn, optim, random, softmaxCrossEntropy, type Tensor } from '../src/index.js';

const model = nn.serial(nn.input(['B', 4]), nn.dense(4, 16), nn.relu(), nn.dense(16, 3));
type Params = ReturnType<typeof model.init>;
const loss = (p: Params, x: Tensor<[8, 4]>, y: Tensor<[8], 'int32'>) => softmaxCrossEntropy(model.apply(p, x), y);

const [kx, ky] = random.split(key(42));
const x = random.normal(kx, [8, 4]);
const y = random.randint(ky, [8], 0, 3);
const optimizer = optim.adam(1e-2);
let params = model.init(key(0));
let state = optimizer.init(params);
for (let i = 0; i < 100; i++) {
  const [updates, next] = optimizer.update(grad(loss)(params, x, y), state, params);
  [params, state] = [optim.applyUpdates(params, updates), next];
}
export const finalLoss = loss(params, x, y);
