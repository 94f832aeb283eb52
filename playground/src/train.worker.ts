/** @file The training worker: generates the digits, trains the CNN step by step (yielding to its message queue between steps), and reports progress, filters, feature maps and predictions to the page. */
import * as E from 'fp-ts/lib/Either.js';
import {
  accuracy, fromArray, io, item, kernelInfo, key, nn, optim, random, softmaxCrossEntropy, take, tensor, toArray, trainStep, type Tensor,
} from '../../src/index.js';
import { digits } from '../../examples/data/digits.js';
import { firstFilters, look, model, planesOf, type ModelState, type Params } from './model.js';
import { LEARNING_RATES, SIZE, transferables, type ToMain, type ToWorker } from './protocol.js';

type X = Tensor<[number, typeof SIZE, typeof SIZE, 1]>;
type Y = Tensor<[number], 'int32'>;
type Image = Tensor<[1, typeof SIZE, typeof SIZE, 1]>;

/**
 * The worker's side of postMessage and onmessage. This file is type-checked with the library under
 * the Node declarations (lib.webworker and lib.dom clash with how src/backend reads WebAssembly), so
 * the dedicated-worker globals it uses are stated here.
 */
interface Scope {
  postMessage(message: ToMain, transfer: ArrayBuffer[]): void;
  onmessage: ((event: { readonly data: ToWorker }) => void) | null;
}
const scope = globalThis as unknown as Scope;
const send = (m: ToMain): void => scope.postMessage(m, transferables(m));

/** the data set's sizes, the batch size, and every how many epochs training stops by itself (about 2,800 steps) */
const TRAIN = 3000, TEST = 500, BATCH = 32, MAX_EPOCHS = 30;
/** how often the slower read-outs run: held-out accuracy (steps), pictures and the drawn digit's prediction (ms) */
const EVAL_EVERY = 20, PICTURES_MS = 400, REPREDICT_MS = 1000;

const t0 = performance.now();
const train = digits(key(1), TRAIN), test = digits(key(2), TEST);
const testLabels = toArray(test.y);
const dataMs = performance.now() - t0;

// the learning rate is read by the schedule at every step, so the page can change it while training runs
let learningRate: number = LEARNING_RATES[1];
const optimizer = optim.chain(optim.clipByGlobalNorm(1), optim.adam(() => learningRate));
const step = trainStep<Params, optim.StateFnOf<typeof optimizer>, X, Y, 'acc'>(
  model, optimizer,
  (logits, labels) => softmaxCrossEntropy(logits as Tensor<[number, 10]>, labels),
  { metrics: { acc: (logits, labels) => accuracy(logits as Tensor<[number, 10]>, labels) } },
);

/** everything training changes, replaced whole on reset and load */
interface Run {
  seed: number;
  params: Params;
  optState: ReturnType<typeof optimizer.init<Params>>;
  modelState: ModelState;
  step: number;
  order: Int32Array;
}
const fresh = (seed: number): Run => {
  const params = model.init(key(seed));
  return { seed, params, optState: optimizer.init(params), modelState: model.initState(), step: 0, order: new Int32Array(0) };
};
let run = fresh(0);
let running = false, looping = false;
let sampleIndex = 0;
let drawn: Image | undefined;
let lastPictures = -Infinity, lastPredict = -Infinity, rateStart = { at: performance.now(), step: 0 };

const imageAt = (set: { readonly x: Tensor<[number, number, number, 1]> }, i: number): Image =>
  take(set.x, tensor([i], 'int32')) as Tensor<[number, number, number, 1]> as Image;

const testAccuracy = (): number => {
  const [logits] = model.applyWithState(run.params, run.modelState, test.x as X, nn.evalMode);
  return item(accuracy(logits as Tensor<[number, 10]>, test.y));
};

const showSample = (): void => {
  const image = imageAt(test, sampleIndex), seen = look(run.params, run.modelState, image);
  send({ type: 'featureMaps', which: 'sample', label: testLabels[sampleIndex]!, input: planesOf(image), conv1: seen.conv1, conv2: seen.conv2 });
};
const predictDrawn = (): void => {
  if (drawn === undefined) return;
  const seen = look(run.params, run.modelState, drawn);
  send({ type: 'prediction', probs: seen.probs });
  send({ type: 'featureMaps', which: 'drawn', input: planesOf(drawn), conv1: seen.conv1, conv2: seen.conv2 });
  lastPredict = performance.now();
};
const showPictures = (): void => {
  send({ type: 'filters', step: run.step, filters: firstFilters(run.params) });
  showSample();
  lastPictures = performance.now();
};

/** one minibatch step; a new epoch draws a new order of the training digits */
const trainOne = (): void => {
  const perEpoch = Math.ceil(TRAIN / BATCH), epoch = Math.floor(run.step / perEpoch), b = run.step % perEpoch;
  if (b === 0) run.order = Int32Array.from(toArray(random.permutation(random.foldIn(key(3), epoch), TRAIN)));
  const ids = tensor([...run.order.subarray(b * BATCH, (b + 1) * BATCH)], 'int32');
  const r = step(run.params, run.optState, { x: take(train.x, ids) as X, y: take(train.y, ids) as Y }, random.foldIn(key(4), run.step), run.modelState);
  run = { ...run, params: r.params, optState: r.optState, modelState: r.modelState as ModelState, step: run.step + 1 };
  const now = performance.now(), stepsPerSecond = (run.step - rateStart.step) / Math.max((now - rateStart.at) / 1000, 1e-3);
  if (now - rateStart.at > 3000) rateStart = { at: now, step: run.step };
  const evaluated = run.step % EVAL_EVERY === 0 ? { testAcc: testAccuracy() } : {};
  send({ type: 'progress', seed: run.seed, step: run.step, epoch: run.step / perEpoch, loss: r.loss, trainAcc: r.metrics.acc, stepsPerSecond, ...evaluated });
  if ((epoch + 1) % MAX_EPOCHS === 0 && b === perEpoch - 1) setRunning(false, true);
};

// a message posted to ourselves is a task: waiting for it lets the page's messages (predict, pause) in between two steps
const channel = new MessageChannel();
let wake: (() => void) | undefined;
channel.port1.addEventListener('message', () => wake?.());
channel.port1.start();
const yieldToQueue = (): Promise<void> => new Promise((resolve) => { wake = resolve; channel.port2.postMessage(null); });

const loop = async (): Promise<void> => {
  if (looping) return;
  looping = true;
  try {
    while (running) {
      trainOne();
      const now = performance.now();
      if (now - lastPictures > PICTURES_MS) showPictures();
      if (now - lastPredict > REPREDICT_MS) predictDrawn();
      await yieldToQueue();
    }
  } catch (e) {
    setRunning(false);
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  } finally {
    looping = false;
  }
};

const setRunning = (on: boolean, finished = false): void => {
  running = on;
  if (on) rateStart = { at: performance.now(), step: run.step };
  send({ type: 'running', running: on, ...(finished ? { finished } : {}) });
  if (on) void loop();
};

const handle = (m: ToWorker): void => {
  switch (m.type) {
    case 'start': return setRunning(true);
    case 'pause': return setRunning(false);
    case 'reset':
      run = fresh(m.seed);
      showPictures();
      return predictDrawn();
    case 'learningRate':
      learningRate = m.value;
      return;
    case 'predict': {
      const image = fromArray(m.pixels, [1, SIZE, SIZE, 1]); // from the page: validated, as all data at the boundary
      if (E.isLeft(image)) return send({ type: 'error', message: image.left.message });
      drawn = image.right;
      return predictDrawn();
    }
    case 'nextSample':
      sampleIndex = (sampleIndex + 1) % TEST;
      return showSample();
    case 'save': {
      const bytes = io.serialize({ params: run.params, modelState: run.modelState }, { step: String(run.step), model: 'shapegrad playground digits CNN' });
      return send({ type: 'checkpoint', bytes: bytes.slice().buffer, step: run.step });
    }
    case 'load': {
      const template = { params: model.init(key(0)), modelState: model.initState() };
      const loaded = io.deserialize(new Uint8Array(m.bytes), template);
      if (E.isLeft(loaded)) return send({ type: 'loaded', ok: false, message: loaded.left.message });
      run = { ...run, params: loaded.right.params, modelState: loaded.right.modelState, optState: optimizer.init(loaded.right.params) };
      send({ type: 'loaded', ok: true, message: `held-out accuracy ${(testAccuracy() * 100).toFixed(1)}%` });
      showPictures();
      return predictDrawn();
    }
  }
};

scope.onmessage = (event) => {
  try {
    handle(event.data);
  } catch (e) {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
const trainLabels = toArray(train.y), firstOf = (d: number) => trainLabels.indexOf(d);
const examples = Array.from({ length: 10 }, (_, d) => planesOf(imageAt(train, firstOf(d))).data);
send({ type: 'examples', images: { height: SIZE, width: SIZE, count: 10, data: Float32Array.from(examples.flatMap((e) => [...e])) } });
/**
 * Starts the kernels' helper thread (a second Web Worker over the shared wasm memory) and lets this
 * worker's event loop run until it has booted, 3 s at most: a nested Web Worker starts only when its
 * parent's loop turns, so waiting for it without yielding would never see it.
 */
const kernelsBooted = async () => {
  for (let waited = 0; kernelInfo().threads === 1 && kernelInfo().sharedMemory && waited < 3000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  const { wasmSimd, fusedMultiplyAdd, threads } = kernelInfo();
  return { wasmSimd, fusedMultiplyAdd, threads };
};
send({
  type: 'ready',
  env: {
    trainSize: TRAIN, testSize: TEST, sharedMemory: typeof SharedArrayBuffer !== 'undefined', webAssembly: 'WebAssembly' in globalThis, dataMs,
    kernels: await kernelsBooted(),
  },
});
showPictures();
