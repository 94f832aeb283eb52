/**
 * @file Makes @tensorflow/tfjs-backend-wasm 4.22's multi-threaded build load under Node.js.
 *
 * tfjs turns threads off in Node on purpose (flag WASM_HAS_MULTITHREAD_SUPPORT is false when
 * IS_NODE; tensorflow/tfjs#3830). Forcing the flag on is not enough, for three reasons, each
 * worked around here:
 *  1. the Emscripten pthread worker is created from a `blob:` URL (locateFile returns
 *     URL.createObjectURL of the worker source), and Node's worker_threads only starts files:
 *     while the backend initialises, Blob and URL.createObjectURL are wrapped so that the two
 *     scripts tfjs makes (the pthread worker and the module factory it imports) are written to a
 *     temporary folder and their paths are returned instead;
 *  2. the factory source handed to the workers (`factory.toString()`) refers to names of the
 *     bundle's module scope (`require$$0`.. for fs/path/perf_hooks/os, `commonjsGlobal`,
 *     tslib's `__read`/`__values`/`__spreadArray`, `__dirname`, `_scriptDir`), which a worker does
 *     not have: the written factory file declares them first;
 *  3. the XNNPACK thread pool is capped at `emscripten_num_logical_cores() / 2`, which in Node is
 *     `os.cpus().length / 2` = 1 on a 2-vCPU machine: os.cpus is doubled while the backend starts,
 *     so setThreadsCount(2) is honoured (the pool counts the calling thread: 2 = main + 1 worker).
 * Everything is restored once the backend is ready. Nothing is downloaded; the .wasm files are
 * the ones inside the npm package.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const PRELUDE = [
  "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');",
  'var commonjsGlobal = globalThis;',
  'function __values(o) { return o[Symbol.iterator](); }',
  'function __read(o, n) { var a = Array.from(o); return n === undefined ? a : a.slice(0, n); }',
  'function __spreadArray(to, from) { return to.concat(Array.prototype.slice.call(from)); }',
].join('\n');

/**
 * Runs `start` (which must initialise the wasm backend) with the patches above in place; returns
 * what start returns. The temporary folder is removed at process exit.
 */
export const withNodeThreads = async <R>(start: () => Promise<R>): Promise<R> => {
  const bundle = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  const dir = mkdtempSync(join(tmpdir(), 'shapegrad-bench-tfjs-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const texts = new WeakMap<Blob, string>();
  let factoryPath: string | undefined;
  const NativeBlob = globalThis.Blob, nativeCreate = URL.createObjectURL, nativeCpus = os.cpus;
  type Parts = ConstructorParameters<typeof NativeBlob>[0];
  type Options = ConstructorParameters<typeof NativeBlob>[1];
  globalThis.Blob = class extends NativeBlob {
    constructor(parts?: Parts, options?: Options) {
      super(parts ?? [], options);
      if (parts !== undefined && parts.every((p) => typeof p === 'string')) {
        const text = parts.join('');
        texts.set(this, text);
        if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
          factoryPath = join(dir, 'factory.js');
          const scope = `var __dirname = ${JSON.stringify(dirname(bundle))}; var _scriptDir = ${JSON.stringify(bundle)};`;
          writeFileSync(factoryPath, `${PRELUDE}\n${scope}\n${text}`);
        }
      }
    }
  };
  URL.createObjectURL = (blob: Blob): string => {
    const text = texts.get(blob);
    if (text !== undefined && text.includes('WasmBackendModuleThreadedSimd(Module)')) {
      if (factoryPath === undefined) throw new Error('tfjs-node-threads: the worker came before the factory script');
      const path = join(dir, 'worker.js');
      // the worker imports the factory by URL.createObjectURL(blob): point it at the file instead
      writeFileSync(path, `URL.createObjectURL = () => ${JSON.stringify(factoryPath)}; URL.revokeObjectURL = () => {};\n${text}`);
      return path;
    }
    return nativeCreate(blob);
  };
  os.cpus = () => [...nativeCpus(), ...nativeCpus()];
  try {
    return await start();
  } finally {
    globalThis.Blob = NativeBlob;
    URL.createObjectURL = nativeCreate;
    os.cpus = nativeCpus;
  }
};
