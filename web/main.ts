// The browser page: pick an image and a model, run a synthesis with live progress, stop/resume, download.
// Optimized syntheses run in chunks of a few iterations (synthesize() resumes exactly), yielding to the page
// between chunks so the canvas and the loss curve repaint.
import { tf } from '../runtime/tf.js';
import { AbortError } from '../runtime/errors.js';
import type { Model } from '../runtime/model.js';
import { builtinImage, builtinImages } from '../images/procedural.js';
import { tensorToNpy } from '../images/npy.js';
import { builtinModels, createModel } from '../models/registry.js';
import { builtinMetrics, type BuiltinMetricName } from '../models/metrics/index.js';
import { Metamer } from '../synth/metamer.js';
import { MADCompetition } from '../synth/mad-competition.js';
import { Eigendistortion } from '../synth/eigendistortion.js';
import { Adam } from '../synth/optimizers/adam.js';
import { lossCurveSvg } from '../display/line-plot.js';
import { prepareWasmRowKernel } from '../models/fourier/wasm-row-fft.js';
import { prepareScaleBlocksModule } from '../models/portilla-simoncelli/wasm-scale-blocks.js';
import { selectBrowserBackend } from './browser-backend.js';
import { download, drawTensor, fileToGrayTensor } from './image-io.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  image: $<HTMLSelectElement>('image'),
  size: $<HTMLSelectElement>('size'),
  imageFile: $<HTMLInputElement>('image-file'),
  drop: $<HTMLDivElement>('drop'),
  method: $<HTMLSelectElement>('method'),
  model: $<HTMLSelectElement>('model'),
  options: $<HTMLInputElement>('options'),
  onnxFile: $<HTMLInputElement>('onnx-file'),
  layer: $<HTMLSelectElement>('layer'),
  madOptimized: $<HTMLSelectElement>('mad-optimized'),
  madReference: $<HTMLSelectElement>('mad-reference'),
  madMinmax: $<HTMLSelectElement>('mad-minmax'),
  iterations: $<HTMLInputElement>('iterations'),
  lr: $<HTMLInputElement>('lr'),
  backend: $<HTMLSelectElement>('backend'),
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  resume: $<HTMLButtonElement>('resume'),
  png: $<HTMLButtonElement>('download-png'),
  npy: $<HTMLButtonElement>('download-npy'),
  saved: $<HTMLButtonElement>('download-synthesis'),
  status: $<HTMLDivElement>('status'),
  target: $<HTMLCanvasElement>('target'),
  synthesized: $<HTMLCanvasElement>('synthesized'),
  synthesizedTitle: $<HTMLSpanElement>('synthesized-title'),
  loss: $<HTMLDivElement>('loss'),
};

/** What the page exposes for scripted use and the end-to-end test. */
interface AppState {
  state: 'loading' | 'idle' | 'running' | 'stopped' | 'done' | 'error';
  backend: string;
  backendReason: string;
  losses: number[];
  iterations: number;
  /** Wall-clock seconds spent in synthesize() calls (rendering included) since Run. */
  seconds: number;
  /** How an ONNX model runs (onnxruntime-web's provider, or the tfjs interpreter); '' for built-in models. */
  onnxExecution: string;
  error: string | null;
}
const app: AppState = { state: 'loading', backend: '', backendReason: '', losses: [], iterations: 0, seconds: 0, onnxExecution: '', error: null };
(window as unknown as { plenopticApp: AppState }).plenopticApp = app;

let droppedImage: Blob | null = null;
let onnxBytes: Uint8Array | null = null;
/** The ONNX network of the current job, if it uses one: its provider is known once a session has run. */
let onnxModel: { executorInfo: string } | null = null;
let job: { synth: Metamer | MADCompetition | Eigendistortion; total: number; done: number; first: boolean } | null = null;
let stopRequested = false;
let controller: AbortController | null = null;

function setStatus(text: string): void {
  const onnx = app.onnxExecution ? `\nONNX model: ${app.onnxExecution}` : '';
  ui.status.textContent = `backend: ${app.backend} (${app.backendReason})${onnx}\n${text}`;
}

function fill(select: HTMLSelectElement, values: string[], selected?: string): void {
  select.replaceChildren(...values.map((v) => new Option(v, v, false, v === selected)));
}

function syncControls(): void {
  const method = ui.method.value;
  const onnx = ui.model.value === 'onnx';
  $('model-label').classList.toggle('hidden', method === 'mad');
  $('options-label').classList.toggle('hidden', method === 'mad' || onnx);
  $('onnx-label').classList.toggle('hidden', method === 'mad' || !onnx);
  $('layer-label').classList.toggle('hidden', method === 'mad' || !onnx);
  $('mad-label').classList.toggle('hidden', method !== 'mad');
  const running = app.state === 'running';
  ui.run.disabled = running;
  ui.stop.disabled = !running;
  ui.resume.disabled = running || !job || app.state !== 'stopped';
  for (const b of [ui.png, ui.npy, ui.saved]) b.disabled = running || !job;
}

async function targetImage(): Promise<tf.Tensor4D> {
  const size = Number(ui.size.value);
  if (droppedImage) return fileToGrayTensor(droppedImage, size);
  return builtinImage(ui.image.value, { size, seed: 0 });
}

async function chosenModel(imageShape: number[]): Promise<Model> {
  if (ui.model.value !== 'onnx') return createModel(ui.model.value, JSON.parse(ui.options.value || '{}'));
  if (!onnxBytes) throw new Error('Choose an .onnx file first.');
  const { loadOnnxModel } = await import('../adapters/onnx-model.js');
  const model = await loadOnnxModel(onnxBytes, { output: ui.layer.value || undefined, grayToRgb: imageShape[1] === 1 });
  onnxModel = model;
  return model;
}

function synthesizedImage(): tf.Tensor | null {
  const s = job?.synth;
  if (s instanceof Metamer) return s.metamer;
  if (s instanceof MADCompetition) return s.madImage;
  if (s instanceof Eigendistortion) return s.eigendistortions;
  return null;
}

async function render(): Promise<void> {
  const s = job?.synth;
  if (!s) return;
  app.onnxExecution = onnxModel?.executorInfo ?? '';
  app.losses = s instanceof Eigendistortion ? Array.from((await s.eigenvalues?.data()) ?? []) : s.losses;
  const image = synthesizedImage();
  if (image) await drawTensor(ui.synthesized, image);
  const label = s instanceof Eigendistortion ? 'eigenvalues' : 'loss';
  ui.loss.innerHTML = app.losses.length > 1 ? lossCurveSvg(app.losses, { width: 360, height: 256, title: label, logY: label === 'loss' }) : '';
  ui.synthesizedTitle.textContent = s instanceof Eigendistortion ? 'top eigendistortion' : `synthesized (${app.iterations} iterations)`;
}

async function start(): Promise<void> {
  job?.synth.dispose?.();
  job = null;
  app.error = null;
  app.iterations = 0;
  app.seconds = 0;
  app.onnxExecution = '';
  onnxModel = null;
  const image = await targetImage();
  await drawTensor(ui.target, image);
  const total = Number(ui.iterations.value);
  let synth: Metamer | MADCompetition | Eigendistortion;
  if (ui.method.value === 'mad') {
    const optimized = builtinMetrics[ui.madOptimized.value as BuiltinMetricName].asDistance();
    const reference = builtinMetrics[ui.madReference.value as BuiltinMetricName].asDistance();
    synth = new MADCompetition(image, optimized, reference, { minmax: ui.madMinmax.value as 'min' | 'max' });
  } else {
    const model = await chosenModel(image.shape);
    synth = ui.method.value === 'metamer' ? new Metamer(image, model) : new Eigendistortion(image, model);
  }
  job = { synth, total, done: 0, first: true };
  await proceed();
}

async function proceed(): Promise<void> {
  if (!job) return;
  stopRequested = false;
  controller = new AbortController();
  app.state = 'running';
  syncControls();
  const t0 = performance.now();
  const startIterations = app.iterations;
  try {
    if (job.synth instanceof Eigendistortion) {
      await job.synth.synthesize({
        method: 'power',
        k: 1,
        maxIter: job.total,
        signal: controller.signal,
        progressBar: false,
        onProgress: (p) => setStatus(`eigendistortion: iteration ${p.iteration}/${p.total}`),
      });
      job.done = job.total;
    } else {
      while (job.done < job.total && !stopRequested) {
        const chunk = Math.min(5, job.total - job.done);
        await job.synth.synthesize({
          maxIter: chunk,
          optimizer: job.first ? new Adam({ lr: Number(ui.lr.value) }) : undefined,
          signal: controller.signal,
          progressBar: false,
        });
        job.first = false;
        job.done += chunk;
        app.iterations = job.synth.losses.length;
        await render();
        const rate = (app.iterations - startIterations) / ((performance.now() - t0) / 1000);
        setStatus(`${ui.method.value}: ${app.iterations}/${job.total} iterations, loss ${app.losses.at(-1)?.toExponential(4)}, ${rate.toFixed(1)} it/s`);
        if (job.synth.stopReason === 'converged') break;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    await render();
    app.seconds += (performance.now() - t0) / 1000;
    app.state = stopRequested ? 'stopped' : 'done';
    if (app.state === 'done') setStatus(`${ui.method.value}: done after ${app.iterations || job.total} iterations`);
  } catch (e) {
    if (e instanceof AbortError) {
      app.state = 'stopped';
      setStatus('stopped: press Resume to continue where it left off');
    } else {
      app.state = 'error';
      app.error = (e as Error).message;
      setStatus(`error: ${(e as Error).message}`);
    }
  }
  syncControls();
}

async function init(): Promise<void> {
  fill(ui.image, Object.keys(builtinImages), 'dead-leaves');
  fill(ui.model, [...Object.keys(builtinModels), 'onnx'], 'gaussian');
  fill(ui.madOptimized, Object.keys(builtinMetrics), 'ssim');
  fill(ui.madReference, Object.keys(builtinMetrics), 'mse');
  const params = new URLSearchParams(location.search);
  for (const [key, el] of Object.entries({ backend: ui.backend, method: ui.method, model: ui.model, image: ui.image, size: ui.size })) {
    const v = params.get(key);
    if (v !== null) el.value = v;
  }
  if (params.get('iterations')) ui.iterations.value = params.get('iterations')!;
  if (params.get('options')) ui.options.value = params.get('options')!;
  // ?onnx=URL (served beside the page) preloads a network, ?layer=NAME taps it: for links and scripted runs.
  const onnxUrl = params.get('onnx');
  if (onnxUrl) {
    const response = await fetch(onnxUrl);
    if (!response.ok) throw new Error(`could not fetch ${onnxUrl}: HTTP ${response.status}`);
    await useOnnxFile(new Uint8Array(await response.arrayBuffer()), params.get('layer') ?? undefined);
    ui.model.value = 'onnx';
  }
  // The WebAssembly kernels (FFT rows, Portilla-Simoncelli's statistics) are over the 4 KB a main thread may
  // compile synchronously: compile them now.
  await Promise.all([prepareWasmRowKernel(), prepareScaleBlocksModule()]);
  const choice = await selectBrowserBackend(ui.backend.value || null);
  app.backend = choice.name;
  app.backendReason = choice.reason;
  app.state = 'idle';
  setStatus('ready');
  syncControls();
}

ui.method.addEventListener('change', syncControls);
ui.model.addEventListener('change', syncControls);
ui.backend.addEventListener('change', async () => {
  const choice = await selectBrowserBackend(ui.backend.value || null).catch((e: Error) => {
    setStatus(`error: ${e.message}`);
    return null;
  });
  if (choice) {
    app.backend = choice.name;
    app.backendReason = choice.reason;
    setStatus('backend changed');
  }
});
ui.run.addEventListener('click', () =>
  void start().catch((e: Error) => {
    app.state = 'error';
    app.error = e.message;
    setStatus(`error: ${e.message}`);
    syncControls();
  }),
);
ui.stop.addEventListener('click', () => {
  stopRequested = true;
  controller?.abort();
});
ui.resume.addEventListener('click', () => void proceed());
ui.imageFile.addEventListener('change', () => {
  droppedImage = ui.imageFile.files?.[0] ?? null;
});
ui.drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  droppedImage = e.dataTransfer?.files?.[0] ?? null;
  if (droppedImage) setStatus(`image: ${(droppedImage as File).name}`);
});
/** Keeps an .onnx file's bytes and lists its layers in the layer menu. */
async function useOnnxFile(bytes: Uint8Array, selectedLayer?: string): Promise<void> {
  onnxBytes = bytes;
  const { loadOnnxModel, listLayers } = await import('../adapters/onnx-model.js');
  // The interpreter suffices to list layers: no onnxruntime session is needed for that.
  const whole = await loadOnnxModel(bytes, { grayToRgb: true, executor: 'tfjs' });
  const layers = listLayers(whole, [1, 1, Number(ui.size.value), Number(ui.size.value)]);
  whole.dispose();
  fill(ui.layer, ['', ...layers.map((l) => l.name)], selectedLayer);
}

ui.onnxFile.addEventListener('change', async () => {
  const file = ui.onnxFile.files?.[0];
  if (!file) return;
  try {
    await useOnnxFile(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    setStatus(`error reading ${file.name}: ${(e as Error).message}`);
  }
});
ui.png.addEventListener('click', () => ui.synthesized.toBlob((b) => b && download(`${ui.method.value}.png`, b), 'image/png'));
ui.npy.addEventListener('click', async () => {
  const image = synthesizedImage();
  if (image) download(`${ui.method.value}.npy`, await tensorToNpy(image));
});
ui.saved.addEventListener('click', async () => {
  if (job) download(`${ui.method.value}.plnt`, await job.synth.serialize());
});

void init().catch((e: Error) => {
  app.state = 'error';
  app.error = e.message;
  ui.status.textContent = `could not start: ${e.message}`;
});
