/** @file Name mapping: rules that turn another library's tensors (names and layouts) into shapegrad's, checked as a whole. */
import * as E from 'fp-ts/lib/Either.js';
import type { AnyTensor } from '../tensor/index.js';
import { mismatchError, type LoadError, type Mismatch } from './errors.js';

/**
 * One step of a name mapping: it reads some source tensors and gives tensors by shapegrad name
 * (dotted paths into a template, e.g. `layers.0.kernel`). The ready-made rules are `rename`, `ignore`
 * and the `fromPytorch` builders; a rule of your own is a record of this shape.
 */
export interface Rule {
  /** names the rule in messages, e.g. 'linear(fc1 -> layers.0)' */
  readonly name: string;
  /** the source tensors it needs: each missing one is a problem */
  readonly reads: readonly string[];
  /** source tensors it uses when they are there (a bias, num_batches_tracked) */
  readonly optional: readonly string[];
  /** the converted tensors, from the sources found (every `reads` and the `optional` ones present), or why they cannot convert */
  readonly convert: (found: ReadonlyMap<string, AnyTensor>) => E.Either<readonly Mismatch[], readonly (readonly [string, AnyTensor])[]>;
}

/** a rule from its parts */
export const defineRule = (name: string, reads: readonly string[], optional: readonly string[], convert: Rule['convert']): Rule =>
  Object.freeze({ name, reads: Object.freeze([...reads]), optional: Object.freeze([...optional]), convert });

/**
 * Applies name-mapping rules to tensors by name (e.g. a PyTorch state_dict read by loadTensors) and gives
 * shapegrad's tensors by dotted name, ready for `restore(result, template)`. Every problem is reported at
 * once: a tensor a rule needs and does not find, a tensor no rule reads (list it in `ignore` to drop it),
 * a rule that cannot convert what it found, two rules giving the same name.
 * @example mapCheckpoint(torchTensors, [fromPytorch.linear('fc1', '0'), fromPytorch.linear('fc2', '2')]) // then restore(_, params)
 */
export const mapCheckpoint = (
  tensorsByName: Readonly<Record<string, AnyTensor>>, rules: readonly Rule[],
): E.Either<LoadError, Readonly<Record<string, AnyTensor>>> => {
  const has = (name: string): boolean => Object.hasOwn(tensorsByName, name);
  const problems: Mismatch[] = [];
  const used = new Set<string>();
  const out = new Map<string, readonly [AnyTensor, string]>();
  for (const r of rules) {
    const present = r.optional.filter(has);
    [...r.reads, ...present].forEach((n) => used.add(n));
    const missing = r.reads.filter((n) => !has(n));
    if (missing.length > 0) {
      problems.push(...missing.map((name): Mismatch => ({ kind: 'missing', name, expected: null })));
      continue;
    }
    const converted = r.convert(new Map([...r.reads, ...present].map((n) => [n, tensorsByName[n]!])));
    if (E.isLeft(converted)) {
      problems.push(...converted.left);
      continue;
    }
    for (const [name, t] of converted.right) {
      const before = out.get(name);
      if (before !== undefined) problems.push({ kind: 'rule', name, detail: `given by both ${before[1]} and ${r.name}` });
      else out.set(name, [t, r.name]);
    }
  }
  for (const name of Object.keys(tensorsByName)) {
    if (used.has(name)) continue;
    const t = tensorsByName[name]!;
    problems.push({ kind: 'unexpected', name, actual: { shape: t.shape as readonly number[], dtype: t.dtype } });
  }
  if (problems.length > 0) return E.left(mismatchError(problems));
  return E.right(Object.freeze(Object.fromEntries([...out].map(([name, [t]]) => [name, t]))));
};

/** a tensor kept as it is, under another name: `rename('emb.weight', 'embed.embedding')` */
export const rename = (from: string, to: string): Rule =>
  defineRule(`rename(${from} -> ${to})`, [from], [], (found) => E.right([[to, found.get(from)!]]));

/** source tensors to drop (when present): buffers shapegrad has no use for, heads not loaded */
export const ignore = (...names: readonly string[]): Rule => defineRule(`ignore(${names.join(', ')})`, [], names, () => E.right([]));
