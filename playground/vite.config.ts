/** @file Vite settings for the playground: served cross-origin isolated (COOP/COEP, so SharedArrayBuffer exists), ES-module workers, the library consumed as TypeScript source. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/** what makes the page cross-origin isolated: without both, browsers hide SharedArrayBuffer */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  root,
  // the page imports ../src and ../examples/data: the repository is the dev server's file boundary
  server: { headers: isolationHeaders, fs: { allow: [repo] } },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  // fp-ts is CommonJS: prebundle it up front, so the worker's first import does not trigger a re-optimization and reload
  optimizeDeps: { include: ['fp-ts/lib/Either.js'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  clearScreen: false,
});
