/** @file The feature-visualization example (quick mode) on a checkpoint: class and channel images, saliency maps, and the ascent's effect on each class. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveCnn, trainDigitsCnn } from '../../examples/data/cnn-checkpoint.js';
import { bounds, main } from '../../examples/feature-vis.js';
import { pngSize } from './png.js';

describe('examples/feature-vis --quick', () => {
  let result: Awaited<ReturnType<typeof main>>, checkpoint: string;
  beforeAll(async () => {
    checkpoint = `${await mkdtemp(`${tmpdir()}/sg-fv-`)}/model.safetensors`;
    await saveCnn(checkpoint, trainDigitsCnn({ quick: true }).trained, { accuracy: 'quick' });
    result = await main({ quick: true, checkpoint });
  }, 60_000);

  it('reads the CNN from the checkpoint when there is one', () => {
    expect(result.source).toBe(`loaded from ${checkpoint} (quick held-out accuracy)`);
  });
  it('raises every class logit by gradient ascent, and the CNN assigns enough of the images to their class', () => {
    expect(result.results.map((r) => r.digit)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of result.results) expect(r.after, `digit ${r.digit}`).toBeGreaterThan(r.before + 1);
    expect(result.results.filter((r) => r.predicted === r.digit).length).toBeGreaterThanOrEqual(bounds.quick);
  });
  it('writes one row of 16 x 16 images at scale 8 per grid, and saliency as inputs over two rows of heatmaps', () => {
    // n tiles of 128 pixels in one row with 2-pixel gaps: 2 + n (128 + 2) wide, 132 high
    expect(pngSize(result.outputs.get('classes.png')!)).toEqual([2 + 10 * 130, 132]);
    expect(pngSize(result.outputs.get('conv1-channels.png')!)).toEqual([2 + 4 * 130, 132]);
    expect(pngSize(result.outputs.get('conv2-channels.png')!)).toEqual([2 + 4 * 130, 132]);
    expect(pngSize(result.outputs.get('saliency.png')!)).toEqual([2 + 8 * 130, 2 + 3 * 130]);
  });
});
