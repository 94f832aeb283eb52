/**
 * @file `npm run bench:profile -- W6 [steps]`: where one of shapegrad's workload steps spends its
 * time. Compiles the repo with tsc into a temporary folder (tsx's on-the-fly output keeps no
 * function names in V8's profiles), runs the workload's step under `node --cpu-prof`, and prints
 * self time by function and by kind of work (wasm kernels, copies into and out of wasm memory,
 * fresh zeroed arrays, waiting for the helper thread, JS kernels, op/autodiff bookkeeping, GC).
 * The .cpuprofile stays in the temporary folder (its path is printed) for Chrome DevTools.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOAD_IDS, type WorkloadId } from './workloads.js';

const [id = 'W2', stepsArg] = process.argv.slice(2);
if (!(WORKLOAD_IDS as readonly string[]).includes(id)) throw new Error(`bench:profile: unknown workload '${id}' (known: ${WORKLOAD_IDS.join(', ')})`);
const steps = Number(stepsArg ?? 100);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shapegrad-profile-'));
const log = (s: string): void => { process.stderr.write(`${s}\n`); };

log(`compiling into ${out} ...`);
// type errors elsewhere in the tree (work in progress) do not stop the emit; they are shown
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--noEmit', 'false', '--outDir', out], { stdio: 'inherit' });
if (!fs.existsSync(path.join(out, 'bench/peers/shapegrad.js'))) throw new Error(`bench:profile: tsc emitted nothing (exit ${tsc.status})`);
fs.symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'), 'dir');
const entry = path.join(out, 'profile-entry.mjs');
fs.writeFileSync(entry, `
import { shapegrad } from './bench/peers/shapegrad.js';
import { makeData } from './bench/workloads.js';
const prep = await shapegrad.workloads[${JSON.stringify(id)}](makeData(${JSON.stringify(id)}));
for (let i = 0; i < 5; i++) await prep.step();
const ts = [];
for (let i = 0; i < ${steps}; i++) { const t = performance.now(); await prep.step(); ts.push(performance.now() - t); }
ts.sort((a, b) => a - b);
console.log(JSON.stringify({ median: ts[ts.length >> 1], steps: ts.length }));
`);
const profDir = path.join(out, 'prof');
const run = execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, entry], { encoding: 'utf8' });
const { median } = JSON.parse(run.trim().split('\n').pop()!) as { median: number };

interface ProfileNode { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number } }
interface Profile { readonly nodes: readonly ProfileNode[]; readonly samples: readonly number[]; readonly timeDeltas: readonly number[] }
const file = path.join(profDir, fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfByNode = new Map<number, number>();
profile.samples.forEach((s, i) => selfByNode.set(s, (selfByNode.get(s) ?? 0) + profile.timeDeltas[i]!));

/** the kind of work a function does, by its file and name */
const KINDS: readonly (readonly [string, (name: string, file: string) => boolean])[] = [
  ['wasm kernels (gemm tiles, elementwise loops, copies inside wasm)', (n) => n.startsWith('wasm-function')],
  ['copies into / out of wasm memory', (n, f) => f.includes('backend/wasm-') && /Wasm$|^place[AB]$/.test(n)],
  ['fresh zeroed arrays (first touch)', (n, f) => n === 'allocate' && f.includes('dtype/')],
  ['waiting for the helper thread', (n, f) => n === 'share' && f.includes('wasm-threads')],
  ['JS kernels', (_, f) => f.includes('/backend/')],
  ['garbage collector', (n) => n === '(garbage collector)'],
  ['ops, autodiff, layers (bookkeeping)', (_, f) => /\/src\/(core|autodiff|ops|tensor|shape|tree|layers|optim|train|dtype|random)\//.test(f)],
  ['idle / program / start-up', () => true],
];
const byFunction = new Map<string, number>(), byKind = new Map<string, number>();
let total = 0;
for (const [nodeId, us] of selfByNode) {
  const { functionName, url, lineNumber } = nodes.get(nodeId)!.callFrame;
  const name = functionName || '(anonymous)', rel = url.startsWith('file://') ? path.relative(out, fileURLToPath(url)) : url;
  const label = `${name}  ${rel}${rel ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(label, (byFunction.get(label) ?? 0) + us);
  const kind = KINDS.find(([, test]) => test(name, `/${rel}`))![0];
  byKind.set(kind, (byKind.get(kind) ?? 0) + us);
  total += us;
}
const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const lines = [
  `${id}: median ${median.toFixed(2)} ms per step over ${steps} steps (compiled JS, one process, --cpu-prof); the whole run sampled: ${(total / 1000).toFixed(0)} ms`,
  '', 'by kind of work:', ...[...byKind].sort((a, b) => b[1] - a[1]).map(([k, us]) => `  ${pct(us)}  ${k}`),
  '', 'top functions by self time:', ...[...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, us]) => `  ${pct(us)}  ${k}`),
  '', `profile: ${file}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
