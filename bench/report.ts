/**
 * @file The results of one run: the JSON record (everything measured) and the Markdown table
 * (medians side by side, p10–p90, GFLOPS where exact, each peer's ratio to shapegrad, the issue's
 * target, and whether every library computed the same numbers).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Budget, CellResult } from './harness.js';
import { WORKLOADS, type WorkloadId } from './workloads.js';

export interface PeerRun {
  readonly id: string;
  readonly column: string;
  readonly description?: string;
  /** the child failed as a whole (crash, time-out, failed start) */
  readonly error?: string;
  readonly cells: Partial<Record<WorkloadId, CellResult>>;
  readonly wallSeconds: number;
}
export interface Machine {
  readonly cpu: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly loadStart: readonly number[];
  readonly loadEnd: readonly number[];
}
export interface RunRecord {
  readonly date: string;
  readonly mode: 'quick' | 'full';
  readonly budget: Budget;
  readonly machine: Machine;
  readonly workloads: readonly WorkloadId[];
  readonly peers: readonly PeerRun[];
  readonly wallSeconds: number;
}

/** issue 8's target per workload (ms, "at least as fast as the best JS/TS peer") */
export const TARGET_MS: Readonly<Record<WorkloadId, number>> = { W1: 31, W2: 5, W3: 90, W4: 4.6, W5: 80, W6: 70, W7: 0.9 };
/** the relative difference above which two libraries' check numbers are reported as disagreeing */
const CHECK_TOLERANCE = 2e-3;

const fmtMs = (ms: number): string =>
  ms >= 1000 ? ms.toFixed(0) : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
const fmtRatio = (r: number): string => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2));
const gflops = (w: WorkloadId, ms: number): string | undefined => {
  const f = WORKLOADS[w].flops;
  if (f === undefined) return undefined;
  const g = f / (ms * 1e6);
  return g >= 10 ? g.toFixed(0) : g.toFixed(1);
};
const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);
/** the check numbers of a cell disagree with the reference's */
const disagrees = (c: readonly number[], ref: readonly number[]): boolean =>
  c.length !== ref.length || c.some((v, i) => !(relDiff(v, ref[i]!) <= CHECK_TOLERANCE));
const oneLine = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

const cellText = (w: WorkloadId, c: CellResult | undefined, base: CellResult | undefined, isBase: boolean, ref: readonly number[] | undefined): string => {
  if (c === undefined) return 'not run';
  if (!c.ok) return `error: ${oneLine(c.error)}`;
  const g = gflops(w, c.ms.median);
  let s = `**${fmtMs(c.ms.median)}**${g === undefined ? '' : ` (${g})`} [${fmtMs(c.ms.p10)}–${fmtMs(c.ms.p90)}]`;
  if (!isBase && base?.ok) s += ` ×${fmtRatio(c.ms.median / base.ms.median)}`;
  if (ref !== undefined && disagrees(c.check, ref)) s += ' ⚠ different numbers';
  return s;
};

export const machineLine = (m: Machine): string =>
  `${m.cpu}, ${m.vcpus} vCPUs, ${m.memoryGiB.toFixed(0)} GiB, Node ${m.node} (${m.platform}); load average ${m.loadStart.map((l) => l.toFixed(2)).join('/')} at the start, ${m.loadEnd.map((l) => l.toFixed(2)).join('/')} at the end`;

export const renderMarkdown = (r: RunRecord): string => {
  const base = r.peers.find((p) => p.id === 'shapegrad');
  const others = r.peers.filter((p) => p !== base);
  const cols = [...(base ? [base] : []), ...others];
  const lines: string[] = [];
  lines.push(`### shapegrad benchmarks (${r.mode}${r.mode === 'quick' ? ', fewer repetitions: indicative only' : ''})`, '');
  lines.push(`Machine: ${machineLine(r.machine)}. ${r.date}.`, '');
  // only the load before the run counts: the run itself raises the average (up to 2 busy threads)
  if ((r.machine.loadStart[0] ?? 0) > r.machine.vcpus * 0.5) {
    lines.push(`⚠ The machine was busy with other work when this run started (1-minute load average above half the vCPUs): the figures are slower and noisier than on an idle machine.`, '');
  }
  lines.push(`| workload | ${cols.map((p) => p.column).join(' | ')} | fastest peer in this run | target (issue 8) |`);
  lines.push(`|---|${cols.map(() => '---').join('|')}|---|---|`);
  for (const w of r.workloads) {
    const b = base?.cells[w];
    // the reference numbers: shapegrad's, else the first library that ran the workload
    const ref = (b?.ok ? b : cols.map((p) => p.cells[w]).find((c) => c?.ok)) as Extract<CellResult, { ok: true }> | undefined;
    const cells = cols.map((p) => (p.error !== undefined && p.cells[w] === undefined ? `error: ${oneLine(p.error)}` : cellText(w, p.cells[w], b, p === base, ref?.check)));
    const met = b?.ok ? (b.ms.median <= TARGET_MS[w] ? ' ✓' : ` ✗ (×${fmtRatio(b.ms.median / TARGET_MS[w])})`) : '';
    const best = others.flatMap((p) => { const c = p.cells[w]; return c?.ok ? [{ id: p.id, ms: c.ms.median }] : []; }).sort((x, y) => x.ms - y.ms)[0];
    const bestText = best === undefined ? '–' : `${fmtMs(best.ms)} (${best.id})${b?.ok ? (b.ms.median <= best.ms ? ' ✓' : ` ✗ (×${fmtRatio(b.ms.median / best.ms)})`) : ''}`;
    lines.push(`| ${WORKLOADS[w].label} | ${cells.join(' | ')} | ${bestText} | <= ${TARGET_MS[w]} ms${met} |`);
  }
  lines.push('');
  lines.push('Each cell: **median ms per step** (GFLOPS where the FLOP count is exact: W1, W4) [p10–p90 of the timed steps]; ×r = that library\'s median / shapegrad\'s median, so r > 1 means shapegrad is faster. ' +
    'Fastest peer: the lowest median among the other libraries in this run (✓ shapegrad is at least as fast; ✗ not, with shapegrad\'s median / that peer\'s). ' +
    'Target: issue 8\'s bar for shapegrad, from its development machine (✓ met, ✗ not, with shapegrad\'s median / target). ' +
    '"⚠ different numbers" would mark a library whose check values (first losses, gradient norms, output sums) differ from shapegrad\'s by more than ' +
    `${CHECK_TOLERANCE} relative; none is marked when all computed the same function.`);
  lines.push('');
  const b = r.budget;
  lines.push(`Steps per cell: the check step(s), up to ${b.warmup} warm-up step${b.warmup > 1 ? 's' : ''} (within ${b.warmupMs / 1000} s), then ${b.minIters}–${b.maxIters} timed steps within ~${b.budgetMs / 1000} s (${b.minSlow} when a step takes over ${b.slowMs / 1000} s); one child process per library, one after the other. Whole run: ${r.wallSeconds.toFixed(0)} s.`);
  lines.push('');
  lines.push('| library | what ran | steps timed per workload | wall time |');
  lines.push('|---|---|---|---|');
  for (const p of cols) {
    const ns = r.workloads.map((w) => { const c = p.cells[w]; return c?.ok ? `${w} ${c.ms.n}` : `${w} –`; }).join(', ');
    lines.push(`| ${p.column} | ${oneLine(p.description ?? p.error ?? '')} | ${ns} | ${p.wallSeconds.toFixed(0)} s |`);
  }
  return lines.join('\n');
};

export const writeResults = (r: RunRecord, dir: string): { md: string; json: string } => {
  mkdirSync(dir, { recursive: true });
  const md = join(dir, 'latest.md'), json = join(dir, 'latest.json');
  writeFileSync(md, `${renderMarkdown(r)}\n`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  return { md, json };
};
