/**
 * @file One library in one process: `tsx bench/child.ts <peer> <quick|full> <W1,W2,...>`. Runs the
 * workloads in order and reports each result as soon as it has it (over the IPC channel when forked
 * by run.ts, else as JSON lines on stdout), so a crash or a time-out keeps what was measured.
 */
import { FULL, QUICK, errorText, measure, type CellResult } from './harness.js';
import { peerInfo } from './peers/index.js';
import { makeData, WORKLOAD_IDS, type WorkloadId } from './workloads.js';

export type ChildMessage =
  | { readonly type: 'init'; readonly description: string }
  | { readonly type: 'cell'; readonly workload: WorkloadId; readonly result: CellResult }
  | { readonly type: 'fatal'; readonly error: string }
  | { readonly type: 'done' };

const send = (m: ChildMessage): Promise<void> => new Promise((resolve) => {
  if (process.send) process.send(m, () => resolve());
  else { process.stdout.write(`${JSON.stringify(m)}\n`); resolve(); }
});
const gc = (globalThis as { gc?: () => void }).gc;

const main = async (): Promise<void> => {
  const [id = 'shapegrad', mode = 'quick', list = WORKLOAD_IDS.join(',')] = process.argv.slice(2);
  const budget = mode === 'full' ? FULL : QUICK;
  const ids = list.split(',').filter((w): w is WorkloadId => (WORKLOAD_IDS as readonly string[]).includes(w));
  try {
    const peer = await peerInfo(id).load();
    await send({ type: 'init', description: await peer.init() });
    for (const w of ids) {
      gc?.();
      const prepare = peer.workloads[w];
      const result: CellResult = prepare === undefined
        ? { ok: false, error: 'not expressible in this library' }
        : await measure(prepare as never, makeData(w), budget);
      await send({ type: 'cell', workload: w, result });
    }
  } catch (e) {
    await send({ type: 'fatal', error: errorText(e) });
  }
  await send({ type: 'done' });
  // worker threads (tfjs-wasm pthreads, jax-js workers) would keep the process alive
  process.exit(0);
};
void main();
