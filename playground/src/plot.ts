/** @file The live training plot: smoothed batch loss (left axis) and training and held-out accuracy (right axis, 0-100%) against the step. */

/** what the plot shows, appended to as progress arrives */
export interface Curves {
  readonly steps: number[];
  /** exponential moving averages of the batch loss and accuracy, bias-corrected as Adam's moments */
  readonly loss: number[];
  readonly trainAcc: number[];
  readonly test: { step: number; acc: number }[];
  /** the uncorrected averages and how many batches they have seen */
  readonly running: { loss: number; acc: number; n: number };
}

export const emptyCurves = (): Curves => ({ steps: [], loss: [], trainAcc: [], test: [], running: { loss: 0, acc: 0, n: 0 } });

const SMOOTHING = 0.9;
/** appends one step, smoothing loss and accuracy over the last ~10 batches */
export const addStep = (c: Curves, step: number, loss: number, trainAcc: number, testAcc?: number): void => {
  const r = c.running;
  r.n++;
  r.loss = SMOOTHING * r.loss + (1 - SMOOTHING) * loss;
  r.acc = SMOOTHING * r.acc + (1 - SMOOTHING) * trainAcc;
  const debias = 1 - SMOOTHING ** r.n;
  c.steps.push(step);
  c.loss.push(r.loss / debias);
  c.trainAcc.push(r.acc / debias);
  if (testAcc !== undefined) c.test.push({ step, acc: testAcc });
};

const COLOURS = { loss: '#f97316', train: '#0ea5e9', test: '#16a34a', grid: '#e8ebf2', axis: '#6b7285' };

/** draws the curves onto the canvas at its CSS size and the screen's pixel ratio */
export const drawCurves = (canvas: HTMLCanvasElement, c: Curves): void => {
  const dpr = globalThis.devicePixelRatio || 1, cssW = canvas.clientWidth || 560, cssH = canvas.clientHeight || 300;
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  const left = 42, right = 46, top = 10, bottom = 26, w = cssW - left - right, h = cssH - top - bottom;
  const lastStep = Math.max(c.steps[c.steps.length - 1] ?? 0, 50);
  const maxLoss = Math.max(2.5, ...c.loss.slice(0, 5));
  const x = (s: number) => left + (s / lastStep) * w;
  const yLoss = (l: number) => top + h - (Math.min(l, maxLoss) / maxLoss) * h;
  const yAcc = (a: number) => top + h - a * h;

  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = Math.round(top + (h * i) / 4) + 0.5;
    ctx.strokeStyle = COLOURS.grid;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + w, y); ctx.stroke();
    ctx.fillStyle = COLOURS.axis;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.fillText((maxLoss * (1 - i / 4)).toFixed(1), left - 6, y);
    ctx.textAlign = 'left';
    ctx.fillText(`${100 - 25 * i}%`, left + w + 6, y);
  }
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  const tick = niceTick(lastStep / 6);
  for (let s = 0; s <= lastStep; s += tick) ctx.fillText(String(s), x(s), top + h + 6);
  ctx.save();
  ctx.translate(11, top + h / 2); ctx.rotate(-Math.PI / 2); ctx.textBaseline = 'middle';
  ctx.fillText('loss', 0, 0);
  ctx.restore();

  const line = (ys: readonly number[], y: (v: number) => number, colour: string) => {
    if (ys.length === 0) return;
    ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.lineJoin = 'round';
    ctx.beginPath();
    // at most one vertex per CSS pixel: thousands of steps stay cheap to draw
    const stride = Math.max(1, Math.floor(ys.length / w));
    for (let i = 0; i < ys.length; i += stride) (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, x(c.steps[i]!), y(ys[i]!));
    ctx.lineTo(x(c.steps[ys.length - 1]!), y(ys[ys.length - 1]!));
    ctx.stroke();
  };
  line(c.loss, yLoss, COLOURS.loss);
  line(c.trainAcc, yAcc, COLOURS.train);
  if (c.test.length > 0) {
    ctx.strokeStyle = COLOURS.test; ctx.fillStyle = COLOURS.test; ctx.lineWidth = 2;
    ctx.beginPath();
    c.test.forEach((p, i) => (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, x(p.step), yAcc(p.acc)));
    ctx.stroke();
    const stride = Math.max(1, Math.ceil(c.test.length / 60));
    c.test.forEach((p, i) => {
      if (i % stride !== 0 && i !== c.test.length - 1) return;
      ctx.beginPath(); ctx.arc(x(p.step), yAcc(p.acc), 3, 0, 2 * Math.PI); ctx.fill();
    });
  }
};

/** a round step between axis labels: 1, 2 or 5 times a power of ten */
const niceTick = (raw: number): number => {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  return [1, 2, 5, 10].map((m) => m * p).find((t) => t >= raw) ?? 10 * p;
};
