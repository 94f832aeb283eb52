/** @file An MLP on the Iris flowers (a real tabular data set from npm): standardized features, a stratified split, serial + AdamW, a safetensors checkpoint to resume from. */
import {
  accuracy, fit, io, item, key, nn, optim, progressBar, softmaxCrossEntropy, trainStep, type Tensor,
} from '../src/index.js';
import { resume, shuffledBatches, type ResumableRun } from './data/batches.js';
import { iris, type IrisX, type IrisY } from './data/iris.js';

/** 4 measurements -> 3 species, two hidden layers of 16 units */
export const model = nn.serial(nn.input(['B', 4]), nn.dense(4, 16), nn.relu(), nn.dense(16, 16), nn.relu(), nn.dense(16, 3));

/**
 * The stated results: test accuracy on the 30 held-out flowers (10 per species) of the key(0) split
 * at least these (measured: 1.000 full, 1.000 quick). One flower is 3.3 points: over split keys 0-9
 * the full run scores 0.90-1.00 (mean 0.963), so compare models on the same split.
 */
export const bounds = { full: 0.95, quick: 0.9 } as const;

/** trains for `epochs` epochs (continuing a checkpoint when asked) and returns the test accuracy and the loss history */
export const main = async (options: ResumableRun = {}) => {
  const epochs = options.epochs ?? 60, batchSize = 16;
  const data = iris(key(0));
  const n = data.train.x.shape[0], steps = epochs * Math.ceil(n / batchSize);
  const optimizer = optim.injectHyperparams((h: { lr: number }) => optim.adamw(h.lr, { weightDecay: 1e-3 }))({
    lr: optim.warmupCosine({ peak: 1e-2, warmupSteps: Math.round(steps / 20), decaySteps: steps, end: 1e-4 }),
  });
  let params = model.init(key(0));
  let optState = optimizer.init(params);
  let firstEpoch = 1;
  if (options.resume !== undefined) {
    // the checkpoint holds params, optimizer state (its step count drives the schedule) and the epoch reached
    const { record, nextEpoch } = await resume(options.resume, { params, optState });
    ({ params, optState } = record);
    firstEpoch = nextEpoch;
  }
  const step = trainStep<typeof params, optim.StateFnOf<typeof optimizer>, IrisX, IrisY, 'acc'>(
    model, optimizer,
    (logits, labels) => softmaxCrossEntropy(logits as Tensor<[number, 3]>, labels),
    { metrics: { acc: (logits, labels) => accuracy(logits as Tensor<[number, 3]>, labels) } },
  );
  const lastEpoch = Math.min(options.until ?? epochs, epochs);
  const result = fit(step, { params, optState }, {
    epochs: Math.max(lastEpoch - firstEpoch + 1, 0), startEpoch: firstEpoch, key: key(4),
    batches: shuffledBatches(data.train, batchSize, key(3)), // each epoch reshuffles with its own key
    ...(options.log ? { onProgress: progressBar(process.stderr) } : {}),
  });
  if (options.save !== undefined) {
    await io.save(options.save, { params: result.params, optState: result.optState }, { epoch: String(lastEpoch), example: 'mlp-iris' });
  }
  const acc = item(accuracy(model.apply(result.params, data.test.x) as Tensor<[number, 3]>, data.test.y));
  return { accuracy: acc, history: result.history, testSize: data.test.x.shape[0] };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const checkpoint = 'out/mlp-iris/model.safetensors';
  const { mkdir } = await import('node:fs/promises');
  await mkdir('out/mlp-iris', { recursive: true });
  const resume = process.argv.includes('--resume') ? checkpoint : undefined;
  const { accuracy: acc, testSize } = await main({ epochs: quick ? 10 : 60, log: true, save: checkpoint, ...(resume ? { resume } : {}) });
  console.log(`checkpoint: ${checkpoint} (continue with --resume)`);
  console.log(`test accuracy on ${testSize} held-out flowers: ${(acc * 100).toFixed(1)}% (stated: >= ${bounds.full * 100}%; --quick >= ${bounds.quick * 100}%)`);
}
