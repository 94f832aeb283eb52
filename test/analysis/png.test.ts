/** @file PNG files decoded with node:zlib (an independent inflater) and checked pixel by pixel: encoder, filter grids, feature maps, heatmaps, line plots. */
import { crc32 as nodeCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { key, nn, random, reshape, slice, tensor, toArray } from '../../src/index.js';
import {
  adler32, crc32, encodePng, featureMaps, filterGrid, heatmap, imageOf, linePlot, PALETTE, pixel, trainingCurves, viridis, zlibStream,
  type Raster,
} from '../../src/analysis/index.js';

/** a PNG file's size and pixels, read with node:zlib; every chunk's CRC is checked, every row must use filter 0 */
const decode = (png: Uint8Array): Raster => {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8, width = 0, height = 0, channels: 1 | 3 = 1;
  const idat: Uint8Array[] = [], types: string[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset), type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const body = png.subarray(offset + 8, offset + 8 + length);
    expect(view.getUint32(offset + 8 + length), `${type} CRC`).toBe(nodeCrc32(png.subarray(offset + 4, offset + 8 + length)));
    types.push(type);
    if (type === 'IHDR') {
      const h = new DataView(body.buffer, body.byteOffset, body.byteLength);
      [width, height] = [h.getUint32(0), h.getUint32(4)];
      expect(body[8]).toBe(8); // bit depth
      expect([0, 2]).toContain(body[9]);
      channels = body[9] === 0 ? 1 : 3;
    }
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const raw = inflateSync(Buffer.concat(idat)), row = width * channels;
  expect(raw.length).toBe(height * (row + 1));
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (row + 1)]).toBe(0);
    data.set(raw.subarray(y * (row + 1) + 1, (y + 1) * (row + 1)), y * row);
  }
  return { width, height, channels, data };
};
const bytes = (t: { data: Uint8Array }): number[] => Array.from(t.data);

describe('checksums and the zlib stream', () => {
  it('computes the standard check values', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
  });
  it('writes streams node:zlib inflates back: stored blocks, and fixed-Huffman blocks with matches', () => {
    const noise = Uint8Array.from(toArray(random.randint(key(0), [70000], 0, 256)));
    const runs = Uint8Array.from({ length: 100000 }, (_, i) => Math.floor(i / 1000) % 7);
    for (const data of [new Uint8Array(0), Uint8Array.of(7), noise, runs]) {
      for (const compression of ['stored', 'fixed'] as const) {
        expect(Array.from(inflateSync(zlibStream(data, compression)))).toEqual(Array.from(data));
      }
    }
    // stored: 65535 bytes, then the rest in a final block (header byte 1, LEN, NLEN little-endian)
    const stored = zlibStream(noise, 'stored');
    expect(Array.from(stored.subarray(0, 7))).toEqual([0x78, 0x01, 0, 0xff, 0xff, 0, 0]);
    expect(Array.from(stored.subarray(7 + 65535, 7 + 65535 + 5))).toEqual([1, 4465 & 0xff, 4465 >> 8, ~4465 & 0xff, (~4465 >> 8) & 0xff]);
    expect(zlibStream(runs).length).toBeLessThan(runs.length / 50);
  });
});

describe('encodePng', () => {
  it('round-trips grayscale and RGB pixels through a PNG file', () => {
    const gray: Raster = { width: 3, height: 2, channels: 1, data: Uint8Array.of(0, 128, 255, 1, 2, 3) };
    const rgb: Raster = { width: 2, height: 1, channels: 3, data: Uint8Array.of(255, 0, 0, 10, 20, 30) };
    for (const compression of ['stored', 'fixed'] as const) {
      expect(decode(encodePng(gray, { compression }))).toEqual(gray);
      expect(decode(encodePng(rgb, { compression }))).toEqual(rgb);
    }
  });
});

describe('filterGrid', () => {
  // HWIO [2, 2, 1, 4]: output channel o has weights (o - 1.5) / 1.5 + [0, 0.01, 0.02, 0.03] by position; grid range [-1, 1.03]
  const w = Array.from({ length: 16 }, (_, i) => { const p = i >> 2, o = i & 3; return (o - 1.5) / 1.5 + 0.01 * p; });
  const kernel = tensor([[[w.slice(0, 4)], [w.slice(4, 8)]], [[w.slice(8, 12)], [w.slice(12, 16)]]]);
  const byte = (v: number) => Math.round((255 * (v + 1)) / 2.03);
  it('lays out one tile per output channel with gaps, normalized over the grid', () => {
    const img = decode(encodePng(filterGrid(kernel, { scale: 1 })));
    // 2 × 2 tiles of 2 × 2 pixels with 1-pixel gaps: 1 + 2·(2 + 1) = 7
    expect([img.width, img.height, img.channels]).toEqual([7, 7, 1]);
    for (let o = 0; o < 4; o++) {
      const x0 = 1 + (o % 2) * 3, y0 = 1 + Math.floor(o / 2) * 3;
      for (let p = 0; p < 4; p++) expect(pixel(img, x0 + (p % 2), y0 + (p >> 1)), `tile ${o} position ${p}`).toEqual([byte(w[p * 4 + o]!)]);
    }
    expect(pixel(img, 0, 0)).toEqual([0]);
    expect(pixel(img, 3, 2)).toEqual([0]);
    expect(pixel(img, 1, 1)).toEqual([0]); // the most negative weight is black
    expect(pixel(img, 5, 5)).toEqual([255]); // the most positive is white
  });
  it('upscales each weight into a block', () => {
    const img = decode(encodePng(filterGrid(kernel, { scale: 3, gap: 2 })));
    expect([img.width, img.height]).toEqual([2 + 2 * (6 + 2), 2 + 2 * (6 + 2)]);
    // tile 1's weight at (y 0, x 1) fills x 2 + 8 + 3 .. + 5, y 2 .. 4
    for (const [x, y] of [[13, 2], [15, 4], [14, 3]] as const) expect(pixel(img, x, y)).toEqual([byte(w[1 * 4 + 1]!)]);
  });
  it('shows 3 input channels as RGB', () => {
    const k = tensor([[[[1], [0], [-1]]]]); // [1, 1, 3, 1]: red 1, green 0, blue -1
    const img = decode(encodePng(filterGrid(k, { scale: 1, gap: 0 })));
    expect(img.channels).toBe(3);
    expect(pixel(img, 0, 0)).toEqual([255, 128, 0]);
  });
});

describe('featureMaps and imageOf', () => {
  it('draws each channel as a tile, each normalized on its own', () => {
    // [1, 2, 2, 2]: channel 0 = [0, 1, 2, 3], channel 1 = [10, 10, 10, 30]
    const act = tensor([[[[0, 10], [1, 10]], [[2, 10], [3, 30]]]]);
    const img = decode(encodePng(featureMaps(act, { scale: 1, columns: 2 })));
    expect([img.width, img.height]).toEqual([1 + 2 * 3, 1 + 1 * 3]);
    expect([pixel(img, 1, 1), pixel(img, 2, 1), pixel(img, 1, 2), pixel(img, 2, 2)]).toEqual([[0], [85], [170], [255]]);
    expect([pixel(img, 4, 1), pixel(img, 5, 2)]).toEqual([[0], [255]]);
  });
  it('shows an image tensor, min-max normalized', () => {
    const img = decode(encodePng(imageOf(tensor([[[[-1], [1]]]]), { scale: 2 })));
    expect([img.width, img.height]).toEqual([4, 2]);
    expect(bytes(img)).toEqual([0, 0, 255, 255, 0, 0, 255, 255]);
  });
});

describe('heatmap', () => {
  it('colours cells with viridis from the lowest to the highest value', () => {
    const img = decode(encodePng(heatmap(tensor([[0, 1], [0.5, 0.25]]), { cell: 2 })));
    expect([img.width, img.height, img.channels]).toEqual([4, 4, 3]);
    expect(pixel(img, 0, 0)).toEqual([68, 1, 84]); // matplotlib viridis(0)
    expect(pixel(img, 3, 1)).toEqual([253, 231, 37]); // viridis(1)
    expect(pixel(img, 1, 3)).toEqual([33, 144, 141]); // viridis(0.5)
    expect(pixel(img, 2, 2)).toEqual([59, 81, 139]); // viridis(0.25)
    expect(viridis(1 / 16)).toEqual([70, 23, 103]); // halfway between the first two anchors
  });
  it("draws one head's attention weights [T, S]", () => {
    const mha = nn.multiHeadAttention(4, 2);
    const q = random.normal(key(5), [1, 3, 4]);
    const { weights } = mha.attend(mha.init(key(6)), { query: q, returnWeights: true });
    const w = Array.from(toArray(weights) as ArrayLike<number>).slice(0, 9); // example 0, head 0: [3, 3]
    const img = heatmap(reshape(slice(weights, [0, 0, null, null]), [3, 3]), { cell: 4, range: [0, 1] });
    expect([img.width, img.height]).toEqual([12, 12]);
    w.forEach((v, k) => expect(pixel(img, 4 * (k % 3) + 1, 4 * Math.floor(k / 3) + 2), `weight ${k}`).toEqual([...viridis(v)]));
  });
  it('takes a fixed range and a gray colormap', () => {
    const img = heatmap(tensor([[0.5]]), { cell: 1, range: [0, 1], colormap: 'gray' });
    expect(pixel(img, 0, 0)).toEqual([128, 128, 128]);
  });
});

describe('linePlot', () => {
  const W = 100, H = 60, m = 10, w = W - 1 - 2 * m, h = H - 1 - 2 * m;
  const white = [255, 255, 255], black = [0, 0, 0], blue = [...PALETTE[0]!], orange = [...PALETTE[1]!];
  it('draws axes with ticks and the line through the points', () => {
    const img = decode(encodePng(linePlot([{ y: [0, 1, 2, 3, 4] }], { width: W, height: H, margin: m })));
    expect([img.width, img.height, img.channels]).toEqual([W, H, 3]);
    // the first and last points: (x 1, y 0) at the bottom left of the plot area, (x 5, y 4) at the top right
    expect(pixel(img, m, H - 1 - m)).toEqual(blue);
    expect(pixel(img, m + w, H - 1 - m - h)).toEqual(blue);
    // a straight line: each column of the plot area has one blue pixel, within a pixel of the ideal row
    for (let c = m; c <= m + w; c++) {
      const rows = Array.from({ length: H }, (_, r) => r).filter((r) => pixel(img, c, r).join() === blue.join());
      const ideal = H - 1 - m - ((c - m) / w) * h;
      expect(rows.length, `column ${c}`).toBeGreaterThanOrEqual(1);
      rows.forEach((r) => expect(Math.abs(r - ideal), `column ${c} row ${r}`).toBeLessThanOrEqual(1));
    }
    // axes: the y axis at column m - 1, the x axis at row H - m; 5 ticks below the x axis and left of the y axis
    for (let r = m; r <= H - m; r++) expect(pixel(img, m - 1, r)).toEqual(black);
    for (let c = m - 1; c <= W - 1 - m; c++) expect(pixel(img, c, H - m)).toEqual(black);
    for (let k = 0; k < 5; k++) {
      const tx = m + Math.round((k * w) / 4), ty = H - 1 - m - Math.round((k * h) / 4);
      for (let d = 1; d <= 4; d++) expect(pixel(img, tx, H - m + d)).toEqual(black);
      for (let d = 2; d <= 5; d++) expect(pixel(img, m - d, ty)).toEqual(black);
    }
    expect(pixel(img, m + 5, m)).toEqual(white);
    expect(pixel(img, W - 1, 0)).toEqual(white);
  });
  it('colours series in palette order over a shared range, and breaks lines at NaN', () => {
    const img = linePlot([{ y: [0, 0, 0] }, { y: [2, NaN, 2], x: [1, 2, 3] }], { width: W, height: H, margin: m });
    expect(pixel(img, m, H - 1 - m)).toEqual(blue);
    expect(pixel(img, m + w, m)).toEqual(orange);
    expect(pixel(img, m + Math.round(w / 2), m)).toEqual(white); // no orange across the gap
    expect(pixel(img, m + Math.round(w / 2), H - 1 - m)).toEqual(blue);
  });
});

describe('trainingCurves', () => {
  it('stacks loss, metrics and learning-rate panels', () => {
    const points = [1, 2, 3, 4].map((step) => ({ step, loss: 1 / step, metrics: { acc: step / 4 }, learningRate: 0.1 / step }));
    const img = decode(encodePng(trainingCurves(points, { width: 120, height: 50, margin: 8 })));
    expect([img.width, img.height]).toEqual([120, 3 * 50 + 2 * 8]);
    const colours = (top: number) => {
      const seen = new Set<string>();
      for (let y = top; y < top + 50; y++) for (let x = 0; x < 120; x++) seen.add(pixel(img, x, y).join());
      return seen;
    };
    const [loss, metrics, lr] = [colours(0), colours(58), colours(116)];
    expect(loss.has(PALETTE[0]!.join()) && !loss.has(PALETTE[1]!.join())).toBe(true);
    expect(metrics.has(PALETTE[1]!.join()) && !metrics.has(PALETTE[0]!.join())).toBe(true);
    expect(lr.has(PALETTE[4]!.join())).toBe(true);
    // the loss 1/step falls: its first point is at the top left of the plot area, the last at the bottom right
    expect(pixel(img, 8, 8)).toEqual([...PALETTE[0]!]);
    expect(pixel(img, 120 - 1 - 8, 50 - 1 - 8)).toEqual([...PALETTE[0]!]);
  });
});
