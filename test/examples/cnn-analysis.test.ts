/** @file The analysis example (quick mode) trains the CNN and produces every picture and the report. */
import { describe, expect, it } from 'vitest';
import { toArray } from '../../src/index.js';
import { main } from '../../examples/cnn-analysis.js';

const pngSize = (bytes: Uint8Array): [number, number] => {
  // PNG signature, then the IHDR chunk: width and height as big-endian u32 at bytes 16 and 20
  expect(Array.from(bytes.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
};

describe('examples/cnn-analysis --quick', () => {
  const { outputs, ablation, cka } = main({ quick: true });
  it('writes the filter grids, feature maps, CKA heatmap, curves, activation maximization and saliency as PNGs', () => {
    for (const name of ['filters-conv1.png', 'filters-conv2.png', 'feature-maps-conv1.png', 'cka.png', 'training-curves.png', 'activation-maximization.png', 'saliency.png', 'input.png']) {
      const [w, h] = pngSize(outputs.get(name)!);
      expect(w).toBeGreaterThan(10);
      expect(h).toBeGreaterThan(10);
    }
    // the input picture is the 16x16 digit scaled 12 times
    expect(pngSize(outputs.get('input.png')!)).toEqual([192, 192]);
    // the CKA heatmap has one 24-pixel cell per captured layer
    expect(pngSize(outputs.get('cka.png')!)).toEqual([24 * cka.rows.length, 24 * cka.rows.length]);
  });
  it('reports an ablation row per layer and a CKA matrix with ones on the diagonal', () => {
    const report = new TextDecoder().decode(outputs.get('report.md'));
    expect(report).toContain('| path | layer | baseline | ablated | change |');
    expect(ablation.length).toBeGreaterThanOrEqual(5);
    const n = cka.rows.length, values = toArray(cka.values);
    expect(n).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < n; i++) expect(values[i * n + i]).toBeCloseTo(1, 4);
  });
});
