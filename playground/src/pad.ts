/** @file The drawing pad: strokes drawn with mouse, pen or finger, kept as polylines and turned into a model input the way the data set draws its glyphs. */
import { renderStrokes, type Point } from '../../examples/data/strokes.js';

/** the pad's ink: thick and round, white on black like the training digits */
const INK = { width: 20, colour: '#ffffff' } as const;
/** the generated glyphs are 0.68-0.88 of the square tall and at most ~0.65 wide after their jitter, centred: drawings are fitted the same way */
const GLYPH_HEIGHT = 0.75, MAX_WIDTH = 0.65;

/**
 * The model's view of a drawing: the strokes (unit square, x right, y down) moved so their bounding
 * box is centred and scaled to a glyph's height (or to MAX_WIDTH when wide), then rasterized by the
 * data set's own renderer, so the input has the training digits' stroke width and anti-aliasing.
 */
export const toModelInput = (strokes: readonly (readonly Point[])[], size: number): Float32Array | undefined => {
  const points = strokes.flat();
  if (points.length === 0) return undefined;
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // a dot or a short dash is not blown up to the whole square
  const scale = Math.min(GLYPH_HEIGHT / Math.max(y1 - y0, 0.25), MAX_WIDTH / Math.max(x1 - x0, 1e-6));
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return renderStrokes(strokes.map((line) => line.map(([x, y]): Point => [0.5 + (x - cx) * scale, 0.5 + (y - cy) * scale])), size);
};

/** a drawing pad on a canvas: `onChange` hears the strokes while a stroke is drawn (at most every `throttleMs`) and when it ends */
export const drawingPad = (canvas: HTMLCanvasElement, onChange: (strokes: readonly (readonly Point[])[]) => void, throttleMs = 120) => {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('the drawing pad needs a 2d canvas');
  const css = canvas.width, dpr = globalThis.devicePixelRatio || 1;
  canvas.width = canvas.height = Math.round(css * dpr);
  ctx.scale(dpr, dpr);
  const strokes: Point[][] = [];
  let current: Point[] | undefined, lastSent = 0;

  const clearInk = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, css, css);
  };
  const at = (e: PointerEvent): Point => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  };
  const segment = (a: Point, b: Point) => {
    ctx.strokeStyle = INK.colour; ctx.fillStyle = INK.colour;
    ctx.lineWidth = INK.width; ctx.lineCap = 'round'; ctx.lineJoin = 'round';
    ctx.beginPath(); ctx.moveTo(a[0] * css, a[1] * css); ctx.lineTo(b[0] * css, b[1] * css); ctx.stroke();
  };
  const tell = (force: boolean) => {
    const now = performance.now();
    if (force || now - lastSent > throttleMs) { lastSent = now; onChange(strokes); }
  };

  canvas.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    const p = at(e);
    current = [p];
    strokes.push(current);
    segment(p, p);
    tell(false);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (current === undefined) return;
    const p = at(e), last = current[current.length - 1]!;
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) < 0.004) return;
    current.push(p);
    segment(last, p);
    tell(false);
  });
  const end = () => {
    if (current === undefined) return;
    current = undefined;
    tell(true);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clearInk();

  return {
    clear: () => { strokes.length = 0; current = undefined; clearInk(); onChange(strokes); },
    strokes: (): readonly (readonly Point[])[] => strokes,
  };
};
