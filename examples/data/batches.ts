/** @file What the examples' training loops share: an epoch's shuffled minibatches, and runs that save and resume a checkpoint. */
import * as E from 'fp-ts/lib/Either.js';
import { io, random, take, tensor, toArray, type AnyTensor, type Key } from '../../src/index.js';

/** a data set: inputs and targets with the examples on the first axis */
export interface Examples<X extends AnyTensor, Y extends AnyTensor> { readonly x: X; readonly y: Y }

/**
 * The batches of one epoch as a function of the epoch for fit: the examples in the order of
 * permutation(foldIn(k, epoch)), cut into batches of `batchSize` (the last one may be smaller).
 */
export const shuffledBatches = <X extends AnyTensor, Y extends AnyTensor>(set: Examples<X, Y>, batchSize: number, k: Key) =>
  (epoch: number): Examples<X, Y>[] => {
    const n = (set.x.shape as readonly number[])[0]!;
    const order = toArray(random.permutation(random.foldIn(k, epoch), n));
    return Array.from({ length: Math.ceil(n / batchSize) }, (_, b) => {
      const ids = tensor([...order.slice(b * batchSize, (b + 1) * batchSize)], 'int32');
      // take keeps every axis but the first, so the batch has the set's type with fewer examples
      // take keeps every axis but the first, so a batch has the set's types (TypeScript cannot see it for generic X, Y)
      return { x: take(set.x, ids) as AnyTensor as X, y: take(set.y, ids) as AnyTensor as Y };
    });
  };

/** the options of a run that can stop, save and continue: epochs, a progress bar, a checkpoint to resume from and one to save to */
export interface ResumableRun {
  /** the planned number of epochs (the learning-rate schedule spans them) */
  readonly epochs?: number;
  /** stop after this epoch (default: the last), e.g. to save and resume later */
  readonly until?: number;
  readonly log?: boolean;
  /** a safetensors checkpoint written by `save`, to continue from */
  readonly resume?: string;
  readonly save?: string;
}

/**
 * A checkpoint written with an `epoch` in its metadata, loaded into `template` (a record such as
 * { params, optState } whose structure and types it takes), and the epoch to continue from.
 */
export const resume = async <T>(path: string, template: T): Promise<{ readonly record: T; readonly nextEpoch: number }> => {
  const loaded = await io.load(path, template);
  if (E.isLeft(loaded)) throw new Error(`cannot resume from ${path}: ${loaded.left.message}`);
  const meta = await io.readMetadata(path);
  return { record: loaded.right, nextEpoch: E.isRight(meta) ? Number(meta.right['epoch'] ?? 0) + 1 : 1 };
};
