/**
 * @file `npx tsx scripts/playground-screenshot.ts`: the README's picture of the playground
 * (docs/images/playground.png). Builds and serves the page, trains for 25 s in headless chromium,
 * draws a 3 on the pad and takes the screenshot. Needs /usr/bin/chromium, as the browser test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const config = fileURLToPath(new URL('../playground/vite.config.ts', import.meta.url));
const target = fileURLToPath(new URL('../docs/images/playground.png', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'shapegrad-shot-')), profile = mkdtempSync(join(tmpdir(), 'shapegrad-chromium-'));
await build({ configFile: config, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const server = await preview({ configFile: config, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, open: false } });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1240, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(server.resolvedUrls!.local[0]!);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  await page.getByTestId('toggle').click();
  await page.waitForTimeout(25_000);
  const pad = (await page.getByTestId('pad').boundingBox())!;
  const at = (x: number, y: number): [number, number] => [pad.x + x * pad.width, pad.y + y * pad.height];
  // a 3: two bowls open to the left
  await page.mouse.move(...at(0.3, 0.22));
  await page.mouse.down();
  for (const [x, y] of [[0.5, 0.14], [0.68, 0.24], [0.66, 0.4], [0.48, 0.48], [0.7, 0.58], [0.72, 0.76], [0.52, 0.86], [0.3, 0.78]] as const) {
    await page.mouse.move(...at(x, y), { steps: 8 });
  }
  await page.mouse.up();
  await page.waitForTimeout(2500); // the worker re-reads the drawing every second; the bars ease in
  await page.screenshot({ path: target, fullPage: true });
  console.log(`wrote ${target}: prediction ${await page.getByTestId('prediction').getAttribute('data-digit')}`);
} finally {
  await context.close();
  await server.close();
  for (const dir of [outDir, profile]) rmSync(dir, { recursive: true, force: true });
}
