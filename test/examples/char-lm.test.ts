/** @file The character-level name models (char-lstm, char-transformer) reach their quick-mode bounds and sample deterministically. */
import { beforeAll, describe, expect, it } from 'vitest';
import { key, tensor, toArray } from '../../src/index.js';
import { bounds as lstmBounds, main as lstm } from '../../examples/char-lstm.js';
import { bounds as transformerBounds, main as transformer } from '../../examples/char-transformer.js';
import { decode, END, maskedCrossEntropy, nameData, unigramEntropy, type CharLmResult } from '../../examples/data/names.js';

describe('examples/data/names', () => {
  const data = nameData(key(0), { length: 12 });
  it('splits the names by the key, dropping only those too long to end within T', () => {
    expect(data.train.examples + data.validation.examples + data.dropped).toBe(4951);
    expect(data.validation.examples).toBe(Math.round((4951 - data.dropped) * 0.1));
    expect(nameData(key(0), { length: 12 }).validation.names).toEqual(data.validation.names);
    expect(nameData(key(1), { length: 12 }).validation.names).not.toEqual(data.validation.names);
    expect(data.vocab.chars[0]).toBe(END);
  });
  it('encodes a name as input .name, target name. and weight 1 up to its END', () => {
    const name = data.train.names[0]!, { x, y } = data.train.encoded, T = 12;
    const firstRow = (t: Parameters<typeof toArray>[0]) => Array.from(toArray(t)).slice(0, T);
    expect(firstRow(x)[0]).toBe(data.vocab.id(END));
    expect(decode(data.vocab, firstRow(x).slice(1))).toBe(name);
    expect(decode(data.vocab, firstRow(y.labels))).toBe(name);
    expect(firstRow(y.weights)).toEqual(Array.from({ length: T }, (_, t) => (t <= name.length ? 1 : 0)));
  });
  it('masks the padding out of the loss and has a baseline below log V', () => {
    // uniform logits where the weight is 1 (log V each); the padding position is confidently wrong and must not count
    const logits = tensor([[[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 20]]]);
    const loss = maskedCrossEntropy(logits, { labels: tensor([[1, 0, 0]], 'int32'), weights: tensor([[1, 1, 0]]) });
    expect(toArray(loss)[0]).toBeCloseTo(Math.log(4), 5);
    expect(unigramEntropy(data.train, data.vocab)).toBeLessThan(Math.log(data.vocab.size));
  });
});

describe.each([
  ['char-lstm', lstm, lstmBounds],
  ['char-transformer', transformer, transformerBounds],
] as const)('examples/%s', (_name, main, bounds) => {
  let result: CharLmResult;
  beforeAll(() => { result = main({ quick: true }); }, 60_000);
  const vocab = new Set(nameData(key(0), { length: 12 }).vocab.chars.filter((c) => c !== END));
  it('beats the unigram baseline within its quick-mode bound', () => {
    expect(result.valLoss).toBeLessThan(result.baseline);
    expect(result.valLoss).toBeLessThan(bounds.quick);
  });
  it('samples names of vocabulary characters, the same for the same key', () => {
    expect(result.samples).toHaveLength(10);
    for (const s of result.samples) expect([...s].every((c) => vocab.has(c))).toBe(true);
    expect(result.sample(key(3))).toEqual(result.samples);
    expect(result.sample(key(4))).not.toEqual(result.samples);
    expect(result.sample(key(5), 3)).toHaveLength(3);
  });
});
