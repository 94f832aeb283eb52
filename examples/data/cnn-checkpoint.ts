/** @file The digits CNN's checkpoint (params and batch-norm statistics in one safetensors file), written by the start example and read by feature-vis. */
import * as E from 'fp-ts/lib/Either.js';
import { io, key } from '../../src/index.js';
import { main as trainCnn, model } from '../cnn-digits.js';

/** where `npm start` leaves the trained CNN and its pictures */
export const CNN_DIR = 'out/cnn-digits';
export const CNN_CHECKPOINT = `${CNN_DIR}/model.safetensors`;

/** a trained digits CNN: its params and its batch-norm running statistics (what eval mode uses) */
export interface TrainedCnn {
  readonly params: ReturnType<typeof model.init>;
  readonly state: ReturnType<typeof model.initState>;
}

/** how to train one: quick is cnn-digits' quick mode (3 epochs on 1000 digits), else its full run */
export const trainDigitsCnn = (options: { readonly quick?: boolean; readonly log?: boolean } = {}) => {
  const r = trainCnn({ ...(options.quick ? { epochs: 3, trainSize: 1000 } : {}), log: options.log ?? false });
  return { trained: { params: r.params, state: r.modelState as TrainedCnn['state'] } satisfies TrainedCnn, accuracy: r.accuracy, history: r.history };
};

/** writes the CNN with string metadata (e.g. its held-out accuracy) */
export const saveCnn = (path: string, trained: TrainedCnn, metadata: Readonly<Record<string, string>>): Promise<void> =>
  io.save(path, trained, { example: 'cnn-digits', ...metadata });

/** the CNN in `path` and its metadata; undefined when there is no such file; any other problem is an error naming it */
export const loadCnn = async (path: string): Promise<{ readonly trained: TrainedCnn; readonly metadata: Readonly<Record<string, string>> } | undefined> => {
  const loaded = await io.load(path, { params: model.init(key(0)), state: model.initState() });
  if (E.isLeft(loaded)) {
    if (loaded.left.kind === 'io' && loaded.left.code === 'ENOENT') return undefined;
    throw new Error(`cannot load the CNN from ${path}: ${loaded.left.message}`);
  }
  const metadata = await io.readMetadata(path);
  return { trained: loaded.right, metadata: E.isRight(metadata) ? metadata.right : {} };
};
