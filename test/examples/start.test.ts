/** @file The headline demo (`npm start --quick`): trains the digits CNN to its quick bound and draws its pictures; its checkpoint round-trips. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { toArray } from '../../src/index.js';
import { loadCnn, saveCnn } from '../../examples/data/cnn-checkpoint.js';
import { bounds, main } from '../../examples/start.js';
import { pngSize } from './png.js';

describe('examples/start --quick', () => {
  let result: ReturnType<typeof main>;
  beforeAll(() => { result = main({ quick: true }); }, 60_000);

  it('reaches its quick-mode held-out accuracy', () => {
    expect(result.accuracy).toBeGreaterThanOrEqual(bounds.quick);
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
  });
  it('draws the digits, both filter grids, feature maps and the training curves as PNGs', () => {
    expect([...result.outputs.keys()].sort()).toEqual(
      ['digits.png', 'feature-maps-conv1.png', 'feature-maps-conv2.png', 'filters-conv1.png', 'filters-conv2.png', 'training-curves.png']);
    // 16 first-layer filters of 3 x 3 at scale 12 in a 4 x 4 grid with 1-pixel gaps: 1 + 4 (36 + 1)
    expect(pngSize(result.outputs.get('filters-conv1.png')!)).toEqual([149, 149]);
    // 8 digits of 16 x 16 at scale 8 in one row with 2-pixel gaps: 2 + 8 (128 + 2) by 2 + 130
    expect(pngSize(result.outputs.get('digits.png')!)).toEqual([1042, 132]);
    for (const bytes of result.outputs.values()) expect(pngSize(bytes)[0]).toBeGreaterThan(10);
  });
  it('saves a checkpoint that loads back to the same params and batch-norm statistics', async () => {
    const path = `${await mkdtemp(`${tmpdir()}/sg-start-`)}/model.safetensors`;
    await saveCnn(path, result.trained, { accuracy: result.accuracy.toFixed(3) });
    const loaded = (await loadCnn(path))!;
    expect(loaded.metadata['accuracy']).toBe(result.accuracy.toFixed(3));
    expect(toArray(loaded.trained.params[10].kernel)).toEqual(toArray(result.trained.params[10].kernel));
    expect(toArray(loaded.trained.state[2].runningVar)).toEqual(toArray(result.trained.state[2].runningVar));
    expect(await loadCnn(`${path}.missing`)).toBeUndefined();
  });
});
