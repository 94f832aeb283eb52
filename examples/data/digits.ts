/** @file A deterministic digits dataset: stroke-drawn glyphs 0-9 with random affine jitter and noise (nothing downloaded); browser-safe (the playground trains on it). */
import { key as makeKey, random, tensor, toArray, type Key, type Tensor } from '../../src/index.js';
import { renderStrokes, type Point } from './strokes.js';

const arc = (cx: number, cy: number, rx: number, ry: number, from: number, to: number, n = 10): Point[] =>
  Array.from({ length: n + 1 }, (_, i) => {
    const t = ((from + ((to - from) * i) / n) * Math.PI) / 180;
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)];
  });
/** each digit as polylines in the unit square (x right, y down): the main glyph first, then the other ways people write it */
const GLYPHS: readonly (readonly (readonly Point[][])[])[] = [
  [[arc(0.5, 0.5, 0.28, 0.4, 0, 360, 16)]],
  [
    [[[0.35, 0.25], [0.55, 0.1], [0.55, 0.9]], [[0.38, 0.9], [0.72, 0.9]]], // flag and foot
    [[[0.52, 0.1], [0.5, 0.9]]], // one stroke
    [[[0.36, 0.27], [0.55, 0.1], [0.55, 0.9]]], // flag only
  ],
  [[[...arc(0.5, 0.32, 0.25, 0.22, 200, 360), [0.72, 0.45], [0.25, 0.9], [0.78, 0.9]]]],
  [[arc(0.48, 0.3, 0.24, 0.2, 200, 450, 10), arc(0.48, 0.7, 0.27, 0.2, 270, 520, 10)]],
  [[[[0.62, 0.9], [0.62, 0.1], [0.22, 0.65], [0.8, 0.65]]]],
  [[[[0.75, 0.1], [0.3, 0.1], [0.27, 0.45]], arc(0.48, 0.66, 0.27, 0.24, 230, 500, 12)]],
  [[[[0.68, 0.12], ...arc(0.5, 0.62, 0.26, 0.26, 200, 560, 16)]]],
  [[[[0.22, 0.1], [0.78, 0.1], [0.4, 0.9]]], [[[0.22, 0.1], [0.78, 0.1], [0.4, 0.9]], [[0.35, 0.5], [0.7, 0.5]]]], // plain, crossed
  [[arc(0.5, 0.3, 0.2, 0.19, 0, 360, 14), arc(0.5, 0.7, 0.25, 0.21, 0, 360, 14)]],
  [[[...arc(0.5, 0.36, 0.25, 0.25, 20, 380, 16), [0.72, 0.45], [0.36, 0.9]]]],
];

/** renders one glyph (`variant` in [0, 1) picks how the digit is written) at `size`² with an affine jitter (rotation, scale, shear, shift from `u` in [0, 1)^5) */
const render = (digit: number, variant: number, size: number, u: readonly number[]): Float32Array => {
  const angle = (u[0]! - 0.5) * 0.5, scale = 0.85 + 0.25 * u[1]!, shear = (u[2]! - 0.5) * 0.4;
  const sx = (u[3]! - 0.5) * 0.16, sy = (u[4]! - 0.5) * 0.16;
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const place = ([x, y]: Point): Point => {
    const cx = (x - 0.5 + shear * (y - 0.5)) * scale, cy = (y - 0.5) * scale;
    return [0.5 + cos * cx - sin * cy + sx, 0.5 + sin * cx + cos * cy + sy];
  };
  const ways = GLYPHS[digit]!;
  return renderStrokes(ways[Math.floor(variant * ways.length)]!.map((line) => line.map(place)), size);
};

/** n glyph images [n, size, size, 1] in [0, 1] plus noise, and their labels; a pure function of the key */
export const digits = (k: Key, n: number, size = 16): { readonly x: Tensor<[number, number, number, 1]>; readonly y: Tensor<[number], 'int32'> } => {
  // keys are counter-based: the first three are the same as split(k, 3)'s, so adding the variant key kept the other draws
  const [kj, kn, kp, kv] = random.split(k, 4);
  const jitter = toArray(random.uniform(kj, [n, 5]));
  const noise = toArray(random.normal(kn, [n, size * size], { std: 0.08 }));
  const order = toArray(random.permutation(kp, n));
  const variants = toArray(random.uniform(kv, [n]));
  const data = new Float32Array(n * size * size);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const digit = order[i]! % 10;
    labels.push(digit);
    const img = render(digit, variants[i]!, size, Array.from(jitter.subarray(i * 5, i * 5 + 5)));
    for (let p = 0; p < size * size; p++) data[i * size * size + p] = img[p]! + noise[i * size * size + p]!;
  }
  const x = tensor(Array.from({ length: n }, (_, i) => Array.from({ length: size }, (_, r) =>
    Array.from({ length: size }, (_, c) => [data[i * size * size + r * size + c]!])))) as Tensor<[number, number, number, 1]>;
  return { x, y: tensor(labels, 'int32') };
};

/** an ASCII picture of one image, for the terminal */
export const ascii = (pixels: ArrayLike<number>, size: number): string =>
  Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => ' .:-=+*#%@'[Math.max(0, Math.min(9, Math.floor(pixels[r * size + c]! * 10)))]).join('')).join('\n');

// run as a script: prints ten samples (a browser has no process: there this module is only the generator)
if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const { x, y } = digits(makeKey(0), 10);
  const all = toArray(x), labels = toArray(y);
  for (let i = 0; i < 10; i++) console.log(`label ${labels[i]}\n${ascii(all.subarray(i * 256, (i + 1) * 256), 16)}\n`);
}
