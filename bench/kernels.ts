/** @file Kernel timings, reference against fast: 1024x1024 matmul, the small and transposed products of W5, W4 conv pieces, 1M-element add+relu (`npx tsx bench/kernels.ts [--quick]`). */
import { add, relu, tensor, type Tensor } from '../src/index.js';
import { fast } from '../src/backend/fast.js';
import { makeMatmul } from '../src/backend/fast-matmul.js';
import { reference } from '../src/backend/reference.js';
import { fromStorage, type View } from '../src/backend/view.js';
import { wasmKernels } from '../src/backend/wasm-matmul.js';

const quick = process.argv.includes('--quick');

/** wall and CPU milliseconds (medians over `reps` runs after one warm-up); CPU time shows what a busy machine hides */
const time = (f: () => unknown, reps: number): { wall: number; cpu: number } => {
  f();
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c = process.cpuUsage(), t = performance.now();
    f();
    wall.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { wall: median(wall), cpu: median(cpu) };
};

const random = (shape: readonly number[]): View => {
  const n = shape.reduce((a, b) => a * b, 1), data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.random() * 2 - 1;
  return fromStorage('float32', data, shape);
};

const rows: string[][] = [];
const report = (name: string, t: { wall: number; cpu: number }, flops = 0): void => {
  rows.push([name, t.wall.toFixed(2), t.cpu.toFixed(2), flops > 0 ? (flops / t.wall / 1e6).toFixed(1) : '']);
};

// W1: 1024 x 1024 @ 1024 x 1024 (the reference takes seconds, so it runs once, and not with --quick)
const n = 1024, a = random([n, n]), b = random([n, n]), flops = 2 * n ** 3;
if (!quick) report('matmul 1024^3 reference', time(() => reference.matmul(a, b, []), 1), flops);
report('matmul 1024^3 fast, JS kernel', time(() => makeMatmul({ wasm: false, threadsFrom: Infinity })(a, b, []), quick ? 1 : 3), flops);
const simd = `wasm SIMD${wasmKernels()?.fused ? ' (relaxed madd)' : ''}`;
report(`matmul 1024^3 fast, ${simd}, 1 thread`, time(() => makeMatmul({ wasm: true, threadsFrom: Infinity })(a, b, []), quick ? 5 : 15), flops);
report(`matmul 1024^3 fast, ${simd}, 2 threads`, time(() => fast.matmul(a, b, []), quick ? 5 : 15), flops);

// the small products of a recurrent step (W5: [32,128] @ [128,512]) and the transposed operands of a backward pass
const h = random([32, 128]), rk = random([128, 512]), dz = random([32, 512]);
const transposed = (v: View): View => ({ ...v, shape: [...v.shape].reverse(), strides: [...v.strides].reverse() });
const small = 2 * 32 * 128 * 512;
report('matmul 32x128 @ 128x512 (W5 step), 1 thread', time(() => makeMatmul({ wasm: true, threadsFrom: Infinity })(h, rk, []), quick ? 50 : 200), small);
report('matmul 32x512 @ (128x512)^T, 1 thread', time(() => makeMatmul({ wasm: true, threadsFrom: Infinity })(dz, transposed(rk), []), quick ? 50 : 200), small);
report('matmul (32x128)^T @ 32x512, 1 thread', time(() => makeMatmul({ wasm: true, threadsFrom: Infinity })(transposed(h), dz, []), quick ? 50 : 200), small);

// W4: conv2d forward as the ops run it: patches (wasm copy runs), then the product reading them in place
const cx = random([32, 28, 28, 16]), cw = random([144, 32]);
const window = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [[1, 1], [1, 1]] as [number, number][] };
const rowsOf = (p: View): View => ({ ...p, shape: [32 * 28 * 28, 144], strides: [144, 1] });
report('conv 3x3 [32,28,28,16] -> 32: patches', time(() => fast.patches(cx, window, 0), quick ? 5 : 15));
report('conv 3x3 [32,28,28,16] -> 32: patches + matmul', time(() => fast.matmul(rowsOf(fast.patches(cx, window, 0)), cw, []), quick ? 5 : 15), 2 * 32 * 28 * 28 * 144 * 32);

// W7: add then relu on 1M floats, as the ops run them (relu is one unary op)
const m = 1 << 20, x = random([m]), y = random([m]);
for (const [name, k] of [['reference', reference], ['fast', fast]] as const) {
  report(`add+relu 1M kernels, ${name}`, time(() => k.unary('relu', k.binary('add', x, y, [m], 'float32'), 'float32'), name === 'reference' ? 3 : 21));
}
const tx = tensor(Array.from(x.data)) as Tensor<[number]>, ty = tensor(Array.from(y.data)) as Tensor<[number]>;
report('add+relu 1M ops (the backend bind.ts uses)', time(() => relu(add(tx, ty)), 21));

const widths = [50, 10, 10, 8];
const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
console.log(`node ${process.version}, ${process.arch}; medians`);
console.log(line(['kernel', 'wall ms', 'cpu ms', 'GFLOPS']));
for (const r of rows) console.log(line(r));
