/** @file Trains the digits CNN, then writes what analysis shows: filters, feature maps, a CKA heatmap, an ablation table, training curves. */
import {
  accuracy, analysis, fit, item, key, nn, optim, random, reshape, softmaxCrossEntropy, take, tensor, toArray, trainStep,
  type AnyTensor, type Tensor,
} from '../src/index.js';
import { model } from './cnn-digits.js';
import { digits } from './data/digits.js';

type X = Tensor<[number, 16, 16, 1]>;
type Y = Tensor<[number], 'int32'>;

/** the files the example writes: name -> bytes (PNG or Markdown) */
export type Outputs = ReadonlyMap<string, Uint8Array>;

/** trains, analyses, and returns the pictures and the report as named files (the caller writes them) */
export const main = (options: { readonly quick?: boolean; readonly onProgress?: Parameters<typeof fit>[2]['onProgress'] } = {}) => {
  const quick = options.quick ?? false;
  const n = quick ? 300 : 3000, epochs = quick ? 1 : 6, batchSize = 50;
  const train = digits(key(1), n), test = digits(key(2), quick ? 100 : 500);
  const steps = epochs * Math.ceil(n / batchSize);
  const optimizer = optim.chain(optim.clipByGlobalNorm(1), optim.injectHyperparams((h: { lr: number }) => optim.adamw(h.lr, { weightDecay: 1e-4 }))({
    lr: optim.warmupCosine({ peak: 1e-2, warmupSteps: Math.max(1, Math.round(steps / 20)), decaySteps: steps, end: 1e-4 }),
  }));
  const params = model.init(key(0));
  const loss = (logits: AnyTensor, labels: Y) => softmaxCrossEntropy(logits as Tensor<[number, 10]>, labels);
  const step = trainStep<typeof params, optim.StateFnOf<typeof optimizer>, X, Y, 'acc'>(model, optimizer, loss,
    { metrics: { acc: (logits, labels) => accuracy(logits as Tensor<[number, 10]>, labels) } });
  // the monitor records per-layer statistics every few steps and the curves for the plot
  const monitor = analysis.trainingMonitor(model, loss, { every: quick ? 3 : 20 });
  const batches = (epoch: number) => {
    const order = toArray(random.permutation(random.foldIn(key(3), epoch), n));
    return Array.from({ length: Math.ceil(n / batchSize) }, (_, b) => {
      const ids = tensor([...order.slice(b * batchSize, (b + 1) * batchSize)], 'int32');
      return { x: take(train.x, ids) as X, y: take(train.y, ids) as Y };
    });
  };
  const result = fit(monitor.wrap(step), { params, optState: optimizer.init(params), modelState: model.initState() }, {
    epochs, batches, key: key(4),
    onProgress: (p) => { monitor.onProgress(p); options.onProgress?.(p); },
  });
  const trained = result.params, state = result.modelState as ReturnType<typeof model.initState>;
  const testAccuracy = item(accuracy(model.applyWithState(trained, state, test.x as X, nn.evalMode)[0] as Tensor<[number, 10]>, test.y));

  // what each layer computes on a probe batch
  const probe = take(test.x, tensor(Array.from({ length: 64 }, (_, i) => i), 'int32')) as X;
  const { activations } = analysis.capture(model)(trained, probe, nn.evalMode, state);
  const cka = analysis.ckaMatrix(Object.entries(activations).filter(([path]) => path !== '0'));
  const ablation = analysis.ablationStudy(model, trained, { x: test.x, y: test.y }, (p, y) => accuracy(p as Tensor<[number, 10]>, y), { state, mode: 'identity' });
  const first = take(probe, tensor([0], 'int32')) as X;
  const dreamed = analysis.maximizeActivation(model, trained, { path: '7', channel: 3, shape: [1, 16, 16, 1], key: key(9), state, steps: quick ? 4 : 32 });
  const saliency = analysis.saliency(model, trained, first, 3, { state });

  const png = analysis.encodePng;
  const text = (s: string) => new TextEncoder().encode(s);
  const outputs = new Map<string, Uint8Array>([
    ['filters-conv1.png', png(analysis.filterGrid(trained[1].kernel, { scale: 12 }))],
    ['filters-conv2.png', png(analysis.filterGrid(trained[5].kernel, { scale: 6 }))],
    ['input.png', png(analysis.imageOf(first, { scale: 12 }))],
    ['feature-maps-conv1.png', png(analysis.featureMaps(activations['3'], { scale: 6 }))],
    ['cka.png', png(analysis.heatmap(cka.values, { cell: 24 }))],
    ['training-curves.png', png(analysis.trainingCurves(monitor.curves()))],
    ['activation-maximization.png', png(analysis.imageOf(dreamed.image, { scale: 12 }))],
    ['saliency.png', png(analysis.heatmap(reshape(saliency, [16, 16]), { cell: 12 }))],
    ['report.md', text([
      `# CNN on generated digits\n\nheld-out accuracy: ${(testAccuracy * 100).toFixed(1)}%\n`,
      '## Ablation (each layer replaced by the identity where the shape allows)\n',
      '| path | layer | baseline | ablated | change |', '|---|---|---|---|---|',
      ...ablation.map((r) => `| ${r.path} | ${r.layer} | ${r.baseline.toFixed(3)} | ${r.ablated.toFixed(3)} | ${r.change.toFixed(3)} |`),
      '\n## Linear CKA between layers (cka.png, same order)\n',
      `| | ${cka.rows.join(' | ')} |`, `|---|${cka.rows.map(() => '---').join('|')}|`,
      ...cka.rows.map((r, i) => `| ${r} | ${cka.rows.map((_, j) => toArray(cka.values)[i * cka.rows.length + j]!.toFixed(2)).join(' | ')} |`),
      `\nflags raised by the training monitor: ${monitor.flags().length === 0 ? 'none' : monitor.flags().map((f) => `${f.kind} at step ${f.step} in layer ${f.path} (${f.layer})`).join('; ')}\n`,
    ].join('\n'))],
  ]);
  return { accuracy: testAccuracy, outputs, ablation, cka } as const;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { progressBar } = await import('../src/index.js');
  const quick = process.argv.includes('--quick');
  const dir = 'out/cnn-analysis';
  await mkdir(dir, { recursive: true });
  const { accuracy: acc, outputs } = main({ quick, onProgress: progressBar(process.stderr) });
  for (const [name, bytes] of outputs) await writeFile(`${dir}/${name}`, bytes);
  console.log(`held-out accuracy ${(acc * 100).toFixed(1)}%; wrote ${[...outputs.keys()].join(', ')} to ${dir}/`);
}
