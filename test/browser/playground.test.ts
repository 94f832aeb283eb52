/** @file The playground in a real, headless browser (Debian's chromium driven by playwright-core): it loads without errors, trains, classifies a drawn digit, saves and reloads its weights, and leaves a screenshot in test-artifacts/. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, createServer, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, key } from '../../src/index.js';
import { model } from '../../playground/src/model.js';

const CHROMIUM = '/usr/bin/chromium';
const CONFIG = fileURLToPath(new URL('../../playground/vite.config.ts', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
/**
 * The held-out accuracy the page must reach, and the time it has. Measured on a 2-core machine: 93-96%
 * after 4-5 s of training alone, above 80% within 20 s while the rest of `npm test` runs beside it.
 */
const TARGET = 0.8, TRAIN_MS = 90_000;
/** headless on a closed network: no GPU, no sandbox (root in CI), and none of chromium's background connections */
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

const skip = !existsSync(CHROMIUM) && process.env['SHAPEGRAD_SKIP_BROWSER'] === '1';
if (skip) {
  console.warn(`\n${'*'.repeat(78)}\n* SKIPPED: the playground browser test (no ${CHROMIUM}; SHAPEGRAD_SKIP_BROWSER=1).\n* Install Debian's chromium to run it: apt-get install chromium\n${'*'.repeat(78)}\n`);
}

describe.skipIf(skip)('the playground in a real browser', () => {
  const problems: string[] = [];
  let server: PreviewServer | undefined, context: BrowserContext | undefined, page: Page;
  let outDir = '', profile = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`the browser test needs Debian's chromium at ${CHROMIUM}: apt-get install chromium (or set SHAPEGRAD_SKIP_BROWSER=1 to skip it)`);
    }
    outDir = mkdtempSync(join(tmpdir(), 'shapegrad-playground-'));
    profile = mkdtempSync(join(tmpdir(), 'shapegrad-chromium-'));
    await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await preview({ configFile: CONFIG, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, open: false } });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1240, height: 1000 }, acceptDownloads: true,
    });
    page = context.pages()[0] ?? await context.newPage();
    const watch = (where: string) => (m: { type(): string; text(): string }) => {
      if (m.type() === 'error') problems.push(`${where} console error: ${m.text()}`);
    };
    page.on('console', watch('page'));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('worker', (w) => w.on('console', watch('worker')));
  }, 60_000);

  afterAll(async () => {
    if (context !== undefined && page !== undefined) await page.screenshot({ path: join(ARTIFACTS, 'playground-last.png'), fullPage: true }).catch(() => undefined);
    await context?.close();
    await server?.close();
    for (const dir of [outDir, profile]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('is served cross-origin isolated by `npm run playground` (the dev server) too', async () => {
    const dev = await createServer({ configFile: CONFIG, logLevel: 'warn', server: { host: '127.0.0.1', port: 0, strictPort: false } });
    try {
      await dev.listen();
      const base = dev.resolvedUrls?.local[0];
      expect(base).toBeDefined();
      for (const path of ['', 'src/main.ts', 'src/train.worker.ts?worker_file&type=module']) {
        const res = await fetch(new URL(path, base));
        expect(res.status, path).toBe(200);
        expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
        expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      }
    } finally {
      await dev.close();
    }
  });

  it('loads cross-origin isolated, with the data generated in the worker and the kernels on two threads', async () => {
    const url = server!.resolvedUrls?.local[0];
    expect(url).toBeDefined();
    await page.goto(url!);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(await page.evaluate('globalThis.crossOriginIsolated')).toBe(true);
    expect(await page.locator('#env').textContent()).toContain('cross-origin isolated (SharedArrayBuffer)');
    // the kernels' helper thread: a second Web Worker over the shared wasm memory (Chromium also has relaxed-SIMD FMA)
    expect(await page.locator('#env').getAttribute('data-threads')).toBe('2');
    expect(await page.locator('#env').textContent()).toContain('WebAssembly SIMD kernels with FMA');
    expect(Number(await page.getByTestId('filters').getAttribute('width'))).toBeGreaterThan(0); // drawn from the worker's first report
    expect(problems).toEqual([]);
  });

  it(`trains: held-out accuracy reaches ${TARGET * 100}% within ${TRAIN_MS / 1000} s`, async () => {
    const started = Date.now();
    await page.getByTestId('toggle').click();
    const accuracy = async () => Number(await page.getByTestId('test-acc').getAttribute('data-value') ?? 0);
    await expect.poll(accuracy, { timeout: TRAIN_MS, interval: 250 }).toBeGreaterThanOrEqual(TARGET);
    const acc = await accuracy();
    const steps = Number(await page.getByTestId('step').textContent());
    console.log(`playground: held-out accuracy ${(acc * 100).toFixed(1)}% after ${steps} steps, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(steps).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }, TRAIN_MS + 10_000);

  it('reads a 7 drawn with the mouse and shows 10 probabilities summing to 1', async () => {
    const pad = (await page.getByTestId('pad').boundingBox())!;
    const at = (x: number, y: number): [number, number] => [pad.x + x * pad.width, pad.y + y * pad.height];
    await page.mouse.move(...at(0.28, 0.22));
    await page.mouse.down();
    for (const [x, y] of [[0.5, 0.21], [0.72, 0.22], [0.6, 0.5], [0.46, 0.8]] as const) await page.mouse.move(...at(x, y), { steps: 10 });
    await page.mouse.up();
    // the worker re-reads the drawing every second while it trains: a half-trained model may need a moment more
    await expect.poll(() => page.getByTestId('prediction').getAttribute('data-digit'), { timeout: 30_000, interval: 250 }).toBe('7');
    const probs = JSON.parse((await page.getByTestId('bars').getAttribute('data-probs'))!) as number[];
    expect(probs).toHaveLength(10);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(probs.indexOf(Math.max(...probs))).toBe(7);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.waitForTimeout(600); // let the bars' transition and the next pictures land
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 45_000);

  it('reads a 1 written as one plain stroke (the data set has that way of writing it too)', async () => {
    await page.getByTestId('clear').click();
    const pad = (await page.getByTestId('pad').boundingBox())!;
    const at = (x: number, y: number): [number, number] => [pad.x + x * pad.width, pad.y + y * pad.height];
    await page.mouse.move(...at(0.52, 0.15));
    await page.mouse.down();
    await page.mouse.move(...at(0.49, 0.85), { steps: 12 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('prediction').getAttribute('data-digit'), { timeout: 30_000, interval: 250 }).toBe('1');
    // and with some confidence as training goes on (before the data set had this variant: about 44%)
    const p1 = async () => (JSON.parse((await page.getByTestId('bars').getAttribute('data-probs'))!) as number[])[1]!;
    await expect.poll(p1, { timeout: 30_000, interval: 250 }).toBeGreaterThan(0.7);
    console.log(`playground: a plain stroke reads as 1 with p = ${(await p1()).toFixed(3)}`);
    expect(problems).toEqual([]);
  }, 45_000);

  it('saves its weights as safetensors that Node reads back, and loads them again in the browser', async () => {
    await page.getByTestId('toggle').click(); // pause
    await page.locator('body[data-running="false"]').waitFor();
    const accuracy = Number(await page.getByTestId('test-acc').getAttribute('data-value'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save').click()]);
    const file = join(profile, 'weights.safetensors');
    await download.saveAs(file);
    const bytes = new Uint8Array(readFileSync(file));
    const loaded = io.deserialize(bytes, { params: model.init(key(0)), modelState: model.initState() });
    expect(E.isRight(loaded)).toBe(true);

    await page.getByTestId('reset').click();
    await page.getByTestId('load').setInputFiles(file);
    await page.getByText('Weights loaded').waitFor({ timeout: 20_000 });
    const reported = /held-out accuracy ([\d.]+)%/.exec((await page.getByTestId('status').textContent())!);
    expect(Number(reported?.[1]) / 100).toBeGreaterThanOrEqual(Math.min(accuracy, TARGET) - 0.02);
    expect(problems).toEqual([]);
  }, 40_000);
});
