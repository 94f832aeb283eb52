/** @file The playground page: starts the training worker, wires the controls, and draws what the worker reports (curves, filters, feature maps, predictions). */
import { drawingPad, toModelInput } from './pad.js';
import { activationColour, drawPlanes, inputColour, weightColour } from './pictures.js';
import { addStep, drawCurves, emptyCurves } from './plot.js';
import { CLASSES, LEARNING_RATES, SIZE, transferables, type Planes, type ToMain, type ToWorker } from './protocol.js';

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
};
const ui = {
  toggle: byId<HTMLButtonElement>('toggle'), reset: byId<HTMLButtonElement>('reset'), lr: byId<HTMLSelectElement>('lr'),
  save: byId<HTMLButtonElement>('save'), load: byId<HTMLInputElement>('load'),
  step: byId('step'), epoch: byId('epoch'), loss: byId('loss'), testAcc: byId('test-acc'), speed: byId('speed'),
  status: byId('status'), env: byId('env'), plot: byId<HTMLCanvasElement>('plot'),
  pad: byId<HTMLCanvasElement>('pad'), clear: byId<HTMLButtonElement>('clear'), seen: byId<HTMLCanvasElement>('seen'),
  prediction: byId('prediction'), confidence: byId('confidence'), bars: byId<HTMLOListElement>('bars'),
  examples: byId<HTMLCanvasElement>('examples'), filters: byId<HTMLCanvasElement>('filters'), wmin: byId('wmin'), wmax: byId('wmax'),
  sampleLabel: byId('sample-label'), nextSample: byId<HTMLButtonElement>('next-sample'),
  maps: {
    sample: [byId<HTMLCanvasElement>('sample-input'), byId<HTMLCanvasElement>('sample-conv1'), byId<HTMLCanvasElement>('sample-conv2')],
    drawn: [byId<HTMLCanvasElement>('drawn-input'), byId<HTMLCanvasElement>('drawn-conv1'), byId<HTMLCanvasElement>('drawn-conv2')],
  },
} as const;

const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'shapegrad-trainer' });
const tell = (m: ToWorker): void => worker.postMessage(m, transferables(m));

let curves = emptyCurves(), running = false, seed = 0, plotQueued = false;
const setStatus = (text: string, error = false) => { ui.status.textContent = text; ui.status.classList.toggle('error', error); };
const percent = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;

// ---- controls
for (const lr of LEARNING_RATES) ui.lr.add(new Option(String(lr), String(lr), lr === LEARNING_RATES[1], lr === LEARNING_RATES[1]));
ui.lr.addEventListener('change', () => tell({ type: 'learningRate', value: Number(ui.lr.value) }));
ui.toggle.addEventListener('click', () => tell({ type: running ? 'pause' : 'start' }));
ui.reset.addEventListener('click', () => {
  seed++;
  curves = emptyCurves();
  queuePlot();
  for (const el of [ui.step, ui.epoch]) el.textContent = '0';
  for (const el of [ui.loss, ui.testAcc, ui.speed]) el.textContent = '–';
  delete ui.testAcc.dataset['value'];
  if (!running) ui.toggle.textContent = 'Train';
  tell({ type: 'reset', seed });
  setStatus(`New random weights (seed ${seed}).${running ? '' : ' Press Train to start.'}`);
});
ui.nextSample.addEventListener('click', () => tell({ type: 'nextSample' }));
ui.save.addEventListener('click', () => tell({ type: 'save' }));
ui.load.addEventListener('change', () => {
  const file = ui.load.files?.[0];
  if (file === undefined) return;
  void file.arrayBuffer().then((bytes) => tell({ type: 'load', bytes }));
  ui.load.value = '';
});

// ---- the drawing pad and the answer
const bars = Array.from({ length: CLASSES }, (_, d) => {
  const li = document.createElement('li');
  li.dataset['testid'] = `prob-${d}`;
  li.innerHTML = `<span class="digit">${d}</span><span class="track"><span class="fill"></span></span><span class="value">–</span>`;
  ui.bars.append(li);
  return { li, fill: li.querySelector<HTMLElement>('.fill')!, value: li.querySelector<HTMLElement>('.value')! };
});
const showProbabilities = (probs: Float32Array | undefined): void => {
  const top = probs === undefined ? -1 : probs.indexOf(Math.max(...probs));
  bars.forEach((b, d) => {
    const p = probs?.[d];
    b.fill.style.width = p === undefined ? '0' : percent(p);
    b.value.textContent = p === undefined ? '–' : percent(p);
    b.li.classList.toggle('top', d === top);
  });
  ui.prediction.textContent = probs === undefined ? '?' : String(top);
  // the exact numbers, for tests and the curious (the bars show them rounded)
  ui.prediction.dataset['digit'] = probs === undefined ? '' : String(top);
  ui.bars.dataset['probs'] = probs === undefined ? '' : JSON.stringify(Array.from(probs));
  ui.confidence.textContent = probs === undefined ? 'draw a digit in the black square' : `${percent(probs[top]!)} sure`;
};
showProbabilities(undefined);

const pad = drawingPad(ui.pad, (strokes) => {
  const pixels = toModelInput(strokes, SIZE);
  if (pixels === undefined) {
    showProbabilities(undefined);
    for (const c of ui.maps.drawn) c.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    ui.seen.getContext('2d')?.clearRect(0, 0, SIZE, SIZE);
    return;
  }
  drawPlanes(ui.seen, { height: SIZE, width: SIZE, count: 1, data: pixels }, { columns: 1, scale: 1, colour: inputColour });
  tell({ type: 'predict', pixels });
});
ui.clear.addEventListener('click', () => pad.clear());

// ---- pictures
const showMaps = (which: 'sample' | 'drawn', input: Planes, conv1: Planes, conv2: Planes): void => {
  const [inputCanvas, c1, c2] = ui.maps[which];
  drawPlanes(inputCanvas, input, { columns: 1, scale: 5, colour: inputColour, range: [0, 1] });
  drawPlanes(c1, conv1, { columns: 4, scale: 3, colour: activationColour, range: 'each' });
  drawPlanes(c2, conv2, { columns: 4, scale: 3, colour: activationColour, range: 'each' });
};
const showFilters = (filters: Planes): void => {
  drawPlanes(ui.filters, filters, { columns: 4, scale: 19, gap: 6, colour: weightColour });
  const m = filters.data.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  ui.wmin.textContent = (-m).toFixed(2);
  ui.wmax.textContent = `+${m.toFixed(2)}`;
};

function queuePlot(): void {
  if (plotQueued) return;
  plotQueued = true;
  requestAnimationFrame(() => { plotQueued = false; drawCurves(ui.plot, curves); });
}
addEventListener('resize', queuePlot);

// ---- the worker's reports
const chip = (text: string, on: boolean) => {
  const li = document.createElement('li');
  li.textContent = text;
  li.className = on ? 'on' : 'off';
  ui.env.append(li);
};
const handle = (m: ToMain): void => {
  switch (m.type) {
    case 'ready':
      chip('training in a Web Worker', true);
      chip(m.env.kernels.wasmSimd ? `WebAssembly SIMD kernels${m.env.kernels.fusedMultiplyAdd ? ' with FMA' : ''}` : 'no WebAssembly SIMD: JS kernels', m.env.kernels.wasmSimd);
      chip(m.env.kernels.threads === 2 ? 'two threads (a helper Web Worker)' : 'one thread', m.env.kernels.threads === 2);
      ui.env.dataset['threads'] = String(m.env.kernels.threads);
      chip(m.env.sharedMemory ? 'cross-origin isolated (SharedArrayBuffer)' : 'not cross-origin isolated', m.env.sharedMemory);
      for (const b of [ui.toggle, ui.reset, ui.save]) b.disabled = false;
      document.body.dataset['ready'] = 'true';
      setStatus(`Ready: ${m.env.trainSize.toLocaleString('en')} training and ${m.env.testSize} held-out digits generated in ${(m.env.dataMs / 1000).toFixed(1)} s. Press Train, then draw a digit.`);
      return;
    case 'running':
      running = m.running;
      ui.toggle.textContent = running ? 'Pause' : curves.steps.length > 0 ? 'Resume' : 'Train';
      document.body.dataset['running'] = String(running);
      if (running) setStatus('Training: 32 digits per step, Adam, batch norm; the held-out accuracy is measured every 20 steps.');
      else if (m.finished === true) setStatus('Finished: 30 epochs. Keep drawing, save the weights, or press Resume for 30 more.');
      else if (curves.steps.length > 0) setStatus('Paused. Drawing still works: the worker answers with the weights it has now.');
      return;
    case 'progress':
      if (m.seed !== seed) return; // sent before the last reset
      addStep(curves, m.step, m.loss, m.trainAcc, m.testAcc);
      ui.step.textContent = String(m.step);
      ui.epoch.textContent = m.epoch.toFixed(1);
      ui.loss.textContent = curves.loss[curves.loss.length - 1]!.toFixed(3);
      ui.speed.textContent = `${m.stepsPerSecond.toFixed(0)} steps/s`;
      if (m.testAcc !== undefined) {
        ui.testAcc.textContent = percent(m.testAcc);
        ui.testAcc.dataset['value'] = String(m.testAcc);
      }
      queuePlot();
      return;
    case 'filters': return showFilters(m.filters);
    case 'examples': return drawPlanes(ui.examples, m.images, { columns: 10, scale: 2, gap: 3, colour: inputColour, range: [0, 1] });
    case 'featureMaps':
      if (m.which === 'sample') ui.sampleLabel.textContent = m.label === undefined ? '' : `(a ${m.label})`;
      return showMaps(m.which, m.input, m.conv1, m.conv2);
    case 'prediction':
      if (pad.strokes().length > 0) showProbabilities(m.probs);
      return;
    case 'checkpoint': {
      const url = URL.createObjectURL(new Blob([m.bytes], { type: 'application/octet-stream' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: `digits-cnn-step${m.step}.safetensors` });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setStatus(`Saved the weights at step ${m.step} (a safetensors file: shapegrad's io.load reads it back).`);
      return;
    }
    case 'loaded': return setStatus(m.ok ? `Weights loaded; ${m.message}.` : `Could not load that file: ${m.message}`, !m.ok);
    case 'error': return setStatus(`Error in the training worker: ${m.message}`, true);
  }
};
worker.addEventListener('message', (e: MessageEvent<ToMain>) => handle(e.data));
worker.addEventListener('error', (e) => setStatus(`The training worker failed: ${e.message}`, true));
queuePlot();
