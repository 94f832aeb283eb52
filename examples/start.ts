/** @file The headline demo (`npm start`): trains the digits CNN with a progress bar, prints its held-out accuracy, and writes its checkpoint and pictures of what it learned to out/cnn-digits/. */
import { analysis, key, nn, take, tensor, type Tensor } from '../src/index.js';
import { model } from './cnn-digits.js';
import { saveCnn, trainDigitsCnn, CNN_CHECKPOINT, CNN_DIR } from './data/cnn-checkpoint.js';
import { digits } from './data/digits.js';

type Image = Tensor<[1, 16, 16, 1]>;

/** trains (quick: 3 epochs on 1000 digits) and returns the accuracy, the trained CNN and its pictures as named PNG files */
export const main = (options: { readonly quick?: boolean; readonly log?: boolean } = {}) => {
  const quick = options.quick ?? false;
  const { trained, accuracy, history } = trainDigitsCnn({ quick, ...(options.log ? { log: true } : {}) });
  const { params, state } = trained;

  // eight new digits, and what each conv block (after batch norm and relu) computes on the first of them
  const sample = digits(key(11), 8).x;
  const first = take(sample, tensor([0], 'int32')) as Image;
  const { activations } = analysis.capture(model)(params, first, nn.evalMode, state);

  const png = analysis.encodePng;
  const outputs = new Map<string, Uint8Array>([
    ['digits.png', png(analysis.grid(Array.from({ length: 8 }, (_, i) =>
      analysis.imageOf(take(sample, tensor([i], 'int32')), { scale: 8 })), { columns: 8, gap: 2 }))],
    ['filters-conv1.png', png(analysis.filterGrid(params[1].kernel, { scale: 12 }))],
    ['filters-conv2.png', png(analysis.filterGrid(params[5].kernel, { scale: 6 }))],
    ['feature-maps-conv1.png', png(analysis.featureMaps(activations['3'], { scale: 6 }))],
    ['feature-maps-conv2.png', png(analysis.featureMaps(activations['7'], { scale: 12 }))],
    ['training-curves.png', png(analysis.trainingCurves(history.map((h) => ({ step: h.epoch, loss: h.loss, metrics: h.metrics }))))],
  ]);
  return { accuracy, trained, outputs, history };
};

/** the stated results: held-out accuracy on 500 generated digits at least these */
export const bounds = { full: 0.95, quick: 0.85 } as const;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const quick = process.argv.includes('--quick');
  console.log(`training a small CNN (conv -> batchNorm -> relu -> maxPool, twice; global pooling; dense) on generated digits${quick ? ' (--quick)' : ''}`);
  const { accuracy, trained, outputs } = main({ quick, log: true });
  await mkdir(CNN_DIR, { recursive: true });
  await saveCnn(CNN_CHECKPOINT, trained, { accuracy: accuracy.toFixed(3), quick: String(quick) });
  for (const [name, bytes] of outputs) await writeFile(`${CNN_DIR}/${name}`, bytes);
  console.log(`held-out accuracy on 500 generated digits: ${(accuracy * 100).toFixed(1)}% (stated: >= ${bounds.full * 100}%; --quick >= ${bounds.quick * 100}%)`);
  console.log(`wrote ${CNN_DIR}/: model.safetensors (params and batch-norm statistics), ${[...outputs.keys()].join(', ')}`);
  console.log('next: npx tsx examples/feature-vis.ts (reads this checkpoint), examples/cnn-analysis.ts, examples/mlp-iris.ts, examples/finetune.ts');
}
