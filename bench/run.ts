/**
 * @file `npm run bench` / `npm run bench:quick`: runs the seven workloads of issue 8 in one child
 * process per library (shapegrad, TensorFlow.js cpu, tfjs-wasm with 1 and 2 threads, jax-js on the
 * main thread and on 2 workers), one after the other so they never share the cores, then prints
 * the Markdown table and writes bench/results/latest.md and latest.json.
 *
 * Options: --quick (fewer steps; every library but tfjs-cpu unless --peers names it), --peers=shapegrad,tfjs-wasm-1 (a subset, in that order),
 * --workloads=W1,W7, --out=DIR (default bench/results), --timeout=SECONDS (per library).
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './child.js';
import { FULL, QUICK } from './harness.js';
import { PEERS, QUICK_PEERS, peerInfo } from './peers/index.js';
import { renderMarkdown, writeResults, type Machine, type PeerRun, type RunRecord } from './report.js';
import { WORKLOAD_IDS, WORKLOADS, type WorkloadId } from './workloads.js';

interface Options {
  readonly quick: boolean;
  readonly peers: readonly string[];
  readonly workloads: readonly WorkloadId[];
  readonly out: string;
  readonly timeoutSeconds: number;
}

const parse = (argv: readonly string[]): Options => {
  const value = (name: string): string | undefined => {
    const hit = argv.find((a) => a.startsWith(`--${name}=`));
    return hit?.slice(name.length + 3);
  };
  for (const a of argv) {
    if (!/^--(quick|full|help|(peers|workloads|out|timeout)=.+)$/.test(a)) throw new Error(`bench: unknown argument '${a}' (see bench/README.md)`);
  }
  if (argv.includes('--help')) {
    process.stdout.write(`usage: npm run bench [-- --quick] [--peers=${PEERS.map((p) => p.id).join(',')}] [--workloads=${WORKLOAD_IDS.join(',')}] [--out=DIR] [--timeout=SECONDS]\n`);
    process.exit(0);
  }
  const quick = argv.includes('--quick');
  const peers = value('peers')?.split(',') ?? (quick ? QUICK_PEERS : PEERS).map((p) => p.id);
  peers.forEach(peerInfo); // unknown names fail here
  const workloads = (value('workloads')?.split(',') ?? [...WORKLOAD_IDS]).map((w) => {
    if (!(WORKLOAD_IDS as readonly string[]).includes(w)) throw new Error(`bench: unknown workload '${w}' (known: ${WORKLOAD_IDS.join(', ')})`);
    return w as WorkloadId;
  });
  const out = value('out') ?? fileURLToPath(new URL('./results/', import.meta.url));
  const timeoutSeconds = Number(value('timeout') ?? (quick ? 300 : 3600));
  return { quick, peers, workloads, out, timeoutSeconds };
};

const machine = (loadStart: readonly number[]): Machine => ({
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
  vcpus: os.cpus().length,
  memoryGiB: os.totalmem() / 2 ** 30,
  node: process.versions.node,
  platform: `${os.platform()} ${os.arch()}`,
  loadStart,
  loadEnd: os.loadavg(),
});

const log = (s: string): void => { process.stderr.write(`${s}\n`); };

/** one library in its own process; resolves with whatever it reported, even if it died */
const runPeer = (id: string, o: Options): Promise<PeerRun> => new Promise((resolve) => {
  const info = peerInfo(id);
  const t0 = performance.now();
  const cells: PeerRun['cells'] = {};
  let description: string | undefined, error: string | undefined, done = false;
  const stderr: string[] = [];
  const child = fork(fileURLToPath(new URL('./child.ts', import.meta.url)), [id, o.quick ? 'quick' : 'full', o.workloads.join(',')], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    silent: true, // the libraries' own console chatter stays out of the table; kept for errors
  });
  child.stdout?.on('data', () => { /* drained */ });
  child.stderr?.on('data', (b: Buffer) => { stderr.push(b.toString()); });
  const timer = setTimeout(() => {
    error = `timed out after ${o.timeoutSeconds} s`;
    child.kill('SIGKILL');
  }, o.timeoutSeconds * 1000);
  child.on('message', (m: ChildMessage) => {
    if (m.type === 'init') { description = m.description; log(`[${id}] ${m.description}`); }
    else if (m.type === 'cell') {
      cells[m.workload] = m.result;
      log(`[${id}] ${m.workload}: ${m.result.ok ? `${m.result.ms.median.toFixed(2)} ms median of ${m.result.ms.n} (check ${m.result.check.map((v) => v.toPrecision(6)).join(', ')})` : `error: ${m.result.error}`}`);
    } else if (m.type === 'fatal') { error = m.error; log(`[${id}] failed: ${m.error}`); }
    else done = true;
  });
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    if (!done && error === undefined) {
      const tail = stderr.join('').trim().split('\n').slice(-3).join(' / ');
      error = `the process ended early (${signal ?? `exit ${code}`})${tail ? `: ${tail}` : ''}`;
    }
    // workloads the child never reached
    if (error !== undefined) for (const w of o.workloads) cells[w] ??= { ok: false, error };
    resolve({
      id, column: info.column, cells, wallSeconds: (performance.now() - t0) / 1000,
      ...(description !== undefined && { description }), ...(error !== undefined && { error }),
    });
  });
});

const main = async (): Promise<void> => {
  const o = parse(process.argv.slice(2));
  const loadStart = os.loadavg();
  if (loadStart[0]! > os.cpus().length * 0.5) log(`warning: load average ${loadStart[0]!.toFixed(2)} on ${os.cpus().length} vCPUs: other work is running, timings will be slower and noisier`);
  log(`bench (${o.quick ? 'quick' : 'full'}): ${o.workloads.map((w) => WORKLOADS[w].label).join('; ')}`);
  const t0 = performance.now();
  const peers: PeerRun[] = [];
  for (const id of o.peers) peers.push(await runPeer(id, o));
  const record: RunRecord = {
    date: new Date().toISOString(), mode: o.quick ? 'quick' : 'full', budget: o.quick ? QUICK : FULL,
    machine: machine(loadStart), workloads: o.workloads, peers, wallSeconds: (performance.now() - t0) / 1000,
  };
  const { md, json } = writeResults(record, o.out);
  process.stdout.write(`\n${renderMarkdown(record)}\n\n`);
  log(`written: ${md}, ${json}`);
};

main().catch((e: unknown) => {
  log(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
