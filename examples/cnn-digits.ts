/** @file A small CNN (conv → batchNorm → relu → maxPool, twice, then global pooling and dense) on the generated digits. */
import {
  accuracy, fit, item, key, nn, optim, progressBar, random, softmaxCrossEntropy, take, tensor, toArray, trainStep,
  type Tensor,
} from '../src/index.js';
import { digits } from './data/digits.js';

type X = Tensor<[number, 16, 16, 1]>;
type Y = Tensor<[number], 'int32'>;

/** the model: every junction's shape is checked by the compiler ([B, 16, 16, 1] -> [B, 10]) */
export const model = nn.serial(
  nn.input(['B', 16, 16, 1]),
  nn.conv2d(1, 16, 3, { padding: 'same' }), nn.batchNorm(16), nn.relu(), nn.maxPool2d(2),
  nn.conv2d(16, 32, 3, { padding: 'same' }), nn.batchNorm(32), nn.relu(), nn.maxPool2d(2),
  nn.globalAvgPool(),
  nn.dense(32, 10),
);

/** trains on generated digits and returns the held-out accuracy */
export const main = (options: { readonly epochs?: number; readonly trainSize?: number; readonly log?: boolean } = {}) => {
  const epochs = options.epochs ?? 6, n = options.trainSize ?? 3000, batchSize = 50;
  const train = digits(key(1), n), test = digits(key(2), 500);
  const steps = epochs * Math.ceil(n / batchSize);
  const optimizer = optim.chain(
    optim.clipByGlobalNorm(1),
    optim.injectHyperparams((h: { lr: number }) => optim.adamw(h.lr, { weightDecay: 1e-4 }))({
      lr: optim.warmupCosine({ peak: 1e-2, warmupSteps: Math.round(steps / 20), decaySteps: steps, end: 1e-4 }),
    }),
  );
  const params = model.init(key(0));
  const step = trainStep<typeof params, optim.StateFnOf<typeof optimizer>, X, Y, 'acc'>(
    model, optimizer,
    (logits, labels) => softmaxCrossEntropy(logits as Tensor<[number, 10]>, labels),
    { metrics: { acc: (logits, labels) => accuracy(logits as Tensor<[number, 10]>, labels) } },
  );
  const batches = (epoch: number) => {
    const order = toArray(random.permutation(random.foldIn(key(3), epoch), n));
    return Array.from({ length: Math.ceil(n / batchSize) }, (_, b) => {
      const ids = tensor([...order.slice(b * batchSize, (b + 1) * batchSize)], 'int32');
      return { x: take(train.x, ids) as X, y: take(train.y, ids) as Y };
    });
  };
  const result = fit(step, { params, optState: optimizer.init(params), modelState: model.initState() }, {
    epochs, batches, key: key(4), ...(options.log ? { onProgress: progressBar(process.stderr) } : {}),
  });
  // eval mode: batch norm uses the running statistics the training accumulated
  const [logits] = model.applyWithState(result.params, result.modelState as ReturnType<typeof model.initState>, test.x as X, nn.evalMode);
  return { accuracy: item(accuracy(logits as Tensor<[number, 10]>, test.y)), params: result.params, modelState: result.modelState, history: result.history };
};

// run as a script (a browser has no process: the playground imports the model from here)
if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const { accuracy: acc } = main(quick ? { epochs: 3, trainSize: 1000, log: true } : { log: true });
  console.log(`held-out accuracy on generated digits: ${(acc * 100).toFixed(1)}% (stated: >= 95%; --quick >= 85%)`);
}
