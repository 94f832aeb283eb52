/** @file An MLP classifier on three interleaved spirals: serial + adamw + warmup-cosine + global-norm clipping, with a progress bar. */
import * as E from 'fp-ts/lib/Either.js';
import {
  accuracy, fit, io, item, key, nn, optim, progressBar, random, softmaxCrossEntropy, take, tensor, toArray, trainStep,
  type Key, type Tensor,
} from '../src/index.js';

type X = Tensor<[number, 2]>;
type Y = Tensor<[number], 'int32'>;

/** n points per class on three spirals, deterministic from the key */
export const spirals = (k: Key, n: number): { readonly x: X; readonly y: Y } => {
  const noise = toArray(random.normal(k, [3 * n, 2], { std: 0.05 }));
  const xs: [number, number][] = [], ys: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      const r = i / n, t = c * 4 + 4 * r, j = c * n + i;
      xs.push([r * Math.sin(t) + noise[2 * j]!, r * Math.cos(t) + noise[2 * j + 1]!]);
      ys.push(c);
    }
  }
  return { x: tensor(xs) as X, y: tensor(ys, 'int32') };
};

/** the classifier: two hidden layers of 64 units */
export const model = nn.serial(nn.input(['B', 2]), nn.dense(2, 64), nn.relu(), nn.dense(64, 64), nn.relu(), nn.dense(64, 3));

/** options: epochs, a progress bar, a checkpoint to resume from and one to save to (safetensors) */
export interface MainOptions {
  /** the planned number of epochs (the learning-rate schedule spans them) */
  readonly epochs?: number;
  /** stop after this epoch (default: the last), e.g. to save and resume later */
  readonly until?: number;
  readonly log?: boolean;
  readonly resume?: string;
  readonly save?: string;
}
/** trains for `epochs` epochs (continuing a checkpoint when asked) and returns the held-out accuracy and the loss history */
export const main = async (options: MainOptions = {}) => {
  const epochs = options.epochs ?? 30, batchSize = 60;
  const train = spirals(key(1), 200), test = spirals(key(2), 100);
  const n = train.x.shape[0], steps = epochs * Math.ceil(n / batchSize);
  // clip the global norm, then AdamW whose learning rate warms up and decays (recorded in the state for the bar)
  const optimizer = optim.chain(
    optim.clipByGlobalNorm(1),
    optim.injectHyperparams((h: { lr: number }) => optim.adamw(h.lr, { weightDecay: 1e-4 }))({
      lr: optim.warmupCosine({ peak: 2e-2, warmupSteps: Math.round(steps / 20), decaySteps: steps, end: 1e-4 }),
    }),
  );
  let params = model.init(key(0));
  let optState = optimizer.init(params);
  let firstEpoch = 1;
  if (options.resume !== undefined) {
    // the checkpoint holds params, optimizer state (its step count drives the schedule) and the epoch reached
    const loaded = await io.load(options.resume, { params, optState });
    if (E.isLeft(loaded)) throw new Error(`cannot resume from ${options.resume}: ${loaded.left.message}`);
    ({ params, optState } = loaded.right);
    const meta = await io.readMetadata(options.resume);
    firstEpoch = E.isRight(meta) ? Number(meta.right['epoch'] ?? 0) + 1 : 1;
  }
  const step = trainStep<typeof params, optim.StateFnOf<typeof optimizer>, X, Y, 'acc'>(
    model, optimizer,
    (logits, labels) => softmaxCrossEntropy(logits as Tensor<[number, 3]>, labels),
    { metrics: { acc: (logits, labels) => accuracy(logits as Tensor<[number, 3]>, labels) } },
  );
  // each epoch reshuffles with its own key
  const batches = (epoch: number) => {
    const order = toArray(random.permutation(random.foldIn(key(3), epoch), n));
    return Array.from({ length: Math.ceil(n / batchSize) }, (_, b) => {
      const ids = tensor([...order.slice(b * batchSize, (b + 1) * batchSize)], 'int32');
      return { x: take(train.x, ids) as X, y: take(train.y, ids) as Y };
    });
  };
  const lastEpoch = Math.min(options.until ?? epochs, epochs);
  const result = fit(step, { params, optState }, {
    epochs: Math.max(lastEpoch - firstEpoch + 1, 0), startEpoch: firstEpoch, batches, key: key(4),
    ...(options.log ? { onProgress: progressBar(process.stderr) } : {}),
  });
  if (options.save !== undefined) {
    await io.save(options.save, { params: result.params, optState: result.optState }, { epoch: String(lastEpoch), example: 'mlp-classifier' });
  }
  const acc = item(accuracy(model.apply(result.params, test.x) as Tensor<[number, 3]>, test.y));
  return { accuracy: acc, history: result.history };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const checkpoint = 'out/mlp-classifier/model.safetensors';
  const { mkdir } = await import('node:fs/promises');
  await mkdir('out/mlp-classifier', { recursive: true });
  const resume = process.argv.includes('--resume') ? checkpoint : undefined;
  const { accuracy: acc } = await main({ epochs: quick ? 8 : 30, log: true, save: checkpoint, ...(resume ? { resume } : {}) });
  console.log(`checkpoint: ${checkpoint} (continue with --resume)`);
  console.log(`held-out accuracy on the spirals: ${(acc * 100).toFixed(1)}% (stated: >= 94%; --quick >= 90%)`);
}
