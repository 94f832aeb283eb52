import { key, nn, optim, trainStep } from '../../src/index.js';
import { batchesOf, maskedCrossEntropy, nameData } from './names.js';
const d = nameData(key(0), { length: 12 });
const V = d.vocab.size;
const which = process.argv[2] ?? 'lstm';
const model = which === 'lstm' ? nn.serial(nn.embedding(V, 32), nn.lstm(32, 64), nn.dense(64, V))
  : which === 'gru' ? nn.serial(nn.embedding(V, 32), nn.gru(32, 64), nn.dense(64, V))
  : nn.serial(nn.embedding(V, 32), nn.learnedPositions(12, 32), nn.transformerEncoderBlock(32, 4, 64, { causal: true }), nn.layerNorm(32), nn.dense(32, V));
const params = model.init(key(1));
const opt = optim.adamw(3e-3);
const step = trainStep<unknown, any, any, any>(model as any, opt as any, (l, y) => maskedCrossEntropy(l as any, y));
let p: unknown = params, s: unknown = (opt as any).init(params);
const bs = batchesOf(d.train, 32, key(2))(1);
let t0 = performance.now();
for (let i = 0; i < 40; i++) { const r = step(p, s, bs[i]!, key(i)); p = r.params; s = r.optState; if (i % 10 == 9) { console.log(which, i, r.loss, (performance.now() - t0) / 10); t0 = performance.now(); } }
