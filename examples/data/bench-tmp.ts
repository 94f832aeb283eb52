import { key, nn, optim, trainStep, valueAndGrad, type Tensor } from '../../src/index.js';
import { batchesOf, maskedCrossEntropy, nameData, unigramEntropy, setLoss } from './names.js';
const d = nameData(key(0), { length: 12 });
console.log(d.vocab.chars.join(''), d.vocab.size, d.train.examples, d.validation.examples, d.dropped, unigramEntropy(d.train, d.vocab));
const V = d.vocab.size;
const models = {
  lstm: nn.serial(nn.embedding(V, 32), nn.lstm(32, 64), nn.dense(64, V)),
  tf: nn.serial(nn.embedding(V, 32), nn.learnedPositions(12, 32), nn.transformerEncoderBlock(32, 4, 64, { causal: true }), nn.layerNorm(32), nn.dense(32, V)),
  tf2: nn.serial(nn.embedding(V, 32), nn.learnedPositions(12, 32), nn.transformerEncoderBlock(32, 4, 64, { causal: true }), nn.transformerEncoderBlock(32, 4, 64, { causal: true }), nn.layerNorm(32), nn.dense(32, V)),
};
for (const [name, model] of Object.entries(models)) {
  const params = model.init(key(1));
  const opt = optim.adamw(3e-3);
  const step = trainStep<unknown, any, any, any>(model as any, opt as any, (l, y) => maskedCrossEntropy(l as any, y));
  let p: unknown = params, s: unknown = (opt as any).init(params);
  const bs = batchesOf(d.train, 32, key(2))(1);
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) { const r = step(p, s, bs[i]!, key(i)); p = r.params; s = r.optState; if (i % 3 == 0) console.log(name, i, r.loss); }
  const t1 = performance.now();
  const vl = setLoss((x) => model.apply(p as any, x as any) as any, d.validation);
  console.log(name, 'ms/step', (t1 - t0) / 10, 'val', vl, 'val ms', performance.now() - t1);
}
