/** @file Feature visualization of the digits CNN: the input each class and some conv channels respond to most (activation maximization), and saliency maps of a few digits. */
import {
  add, analysis, argmax, div, foldIn, key, nn, random, reshape, take, tensor, toArray, type Tensor,
} from '../src/index.js';
import { model } from './cnn-digits.js';
import { loadCnn, trainDigitsCnn, CNN_CHECKPOINT, type TrainedCnn } from './data/cnn-checkpoint.js';
import { digits } from './data/digits.js';

type Image = Tensor<[1, 16, 16, 1]>;
/** the capture paths of the layers visualized: the logits (dense), and the relu after each conv + batch norm */
const LOGITS = '10', CONV1 = '3', CONV2 = '7';

/** options: quick (a quickly trained CNN, fewer ascent steps), a checkpoint to load the CNN from when it exists, a progress bar */
export interface MainOptions { readonly quick?: boolean; readonly checkpoint?: string; readonly log?: boolean }

/** what one class's maximized image did: the logit before and after, and the class the CNN gives the image */
export interface ClassResult { readonly digit: number; readonly before: number; readonly after: number; readonly predicted: number }

/** loads (or trains) the CNN, then returns the pictures as named PNG files, the per-class results and where the CNN came from */
export const main = async (options: MainOptions = {}) => {
  const quick = options.quick ?? false, steps = quick ? 48 : 96;
  const loaded = options.checkpoint === undefined ? undefined : await loadCnn(options.checkpoint);
  const { params, state }: TrainedCnn = loaded?.trained ?? trainDigitsCnn({ quick, ...(options.log ? { log: true } : {}) }).trained;
  const source = loaded === undefined ? 'trained now' : `loaded from ${options.checkpoint} (${loaded.metadata['accuracy'] ?? '?'} held-out accuracy)`;
  const classify = (x: Image) => toArray(argmax(model.applyWithState(params, state, x, nn.evalMode)[0], -1))[0]!;
  const maximize = (path: string, channel: number, k: number) =>
    analysis.maximizeActivation(model, params, { path, channel, shape: [1, 16, 16, 1], key: foldIn(key(k), channel), state, steps });

  // each class: the image that maximizes its logit, and what the CNN makes of it
  const classes = Array.from({ length: 10 }, (_, digit) => maximize(LOGITS, digit, 9));
  const results: ClassResult[] = classes.map((m, digit) => ({ digit, before: m.history[0]!, after: m.history.at(-1)!, predicted: classify(m.image) }));
  // a few channels of each conv block: the pattern each one detects
  const channels = (path: string) => Array.from({ length: quick ? 4 : 8 }, (_, c) => maximize(path, c, 10).image);

  // saliency: |d logit(true class) / d pixel| for a few new digits; the plain gradient is noisy, so also
  // SmoothGrad: its mean over copies of the input with noise added (std 0.15), which keeps what they share
  const probe = digits(key(11), 8), labels = toArray(probe.y);
  const inputs = Array.from({ length: 8 }, (_, i) => take(probe.x, tensor([i], 'int32')) as Image);
  const saliencyOf = (x: Image, label: number) => analysis.saliency(model, params, x, label, { state });
  const plain = inputs.map((x, i) => saliencyOf(x, labels[i]!));
  const copies = quick ? 4 : 16;
  const noisy = (x: Image, i: number, k: number) => add(x, random.normal(foldIn(key(12), copies * i + k), [1, 16, 16, 1], { std: 0.15 }));
  const smooth = inputs.map((x, i) =>
    div(Array.from({ length: copies }, (_, k) => saliencyOf(noisy(x, i, k), labels[i]!)).reduce((a, b) => add(a, b)), copies));

  const tile = (x: Image) => analysis.imageOf(x, { scale: 8 });
  const heat = (x: Image) => analysis.heatmap(reshape(x, [16, 16]), { cell: 8 });
  const row = (images: readonly Image[]) => analysis.encodePng(analysis.grid(images.map(tile), { columns: images.length, gap: 2 }));
  const outputs = new Map<string, Uint8Array>([
    ['classes.png', row(classes.map((m) => m.image))],
    ['conv1-channels.png', row(channels(CONV1))],
    ['conv2-channels.png', row(channels(CONV2))],
    // three rows: the digits, their plain saliency, their SmoothGrad saliency
    ['saliency.png', analysis.encodePng(analysis.grid([...inputs.map(tile), ...plain.map(heat), ...smooth.map(heat)], { columns: 8, gap: 2 }))],
  ]);
  return { outputs, results, source };
};

/**
 * The stated results: of the 10 class-maximizing images, how many the CNN assigns to their own class
 * (measured: 10 with the CNN of `npm start`, 7 with the quick one, whose 2, 4 and 8 images also raise
 * another class more); every ascent raises its logit. A CNN ending in global average pooling sums its
 * evidence over positions, so what maximizes a class is a texture of that class's strokes, not one digit.
 */
export const bounds = { full: 10, quick: 5 } as const;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const quick = process.argv.includes('--quick'), dir = 'out/feature-vis';
  const { outputs, results, source } = await main({ quick, checkpoint: CNN_CHECKPOINT, log: true });
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of outputs) await writeFile(`${dir}/${name}`, bytes);
  console.log(`CNN: ${source}`);
  console.log('| digit | logit at the start | after ascent | CNN says |\n|---|---|---|---|');
  for (const r of results) console.log(`| ${r.digit} | ${r.before.toFixed(2)} | ${r.after.toFixed(2)} | ${r.predicted} |`);
  const hits = results.filter((r) => r.predicted === r.digit).length;
  console.log(`\nwrote ${[...outputs.keys()].join(', ')} to ${dir}/`);
  console.log(`class-maximizing images classified as their class: ${hits}/10 (stated: ${bounds.full}/10; --quick >= ${bounds.quick}/10)`);
}
