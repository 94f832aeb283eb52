/** @file The messages between the page and the training worker: one discriminated union each way, with the pixel and weight arrays transferred, not copied. */

/** the model's input side: the digits are SIZE × SIZE gray images, white strokes (1) on black (0) */
export const SIZE = 16;
/** the classes: the digits 0-9 */
export const CLASSES = 10;

/** the learning rates the page offers (Adam) */
export const LEARNING_RATES = [0.001, 0.003, 0.01, 0.03] as const;

/** a stack of same-sized maps: `count` row-major height × width planes one after another */
export interface Planes {
  readonly height: number;
  readonly width: number;
  readonly count: number;
  readonly data: Float32Array;
}

/** page -> worker */
export type ToWorker =
  | { readonly type: 'start' }
  | { readonly type: 'pause' }
  /** new random initial weights (seed) and optimizer state; the data set stays */
  | { readonly type: 'reset'; readonly seed: number }
  | { readonly type: 'learningRate'; readonly value: number }
  /** classify a SIZE × SIZE image (row-major, white on black); answered by `prediction` and `featureMaps` */
  | { readonly type: 'predict'; readonly pixels: Float32Array }
  /** the next held-out digit becomes the sample whose feature maps are shown */
  | { readonly type: 'nextSample' }
  /** serialize the params and batch-norm statistics to safetensors; answered by `checkpoint` */
  | { readonly type: 'save' }
  /** load safetensors bytes written by `save`; answered by `loaded` */
  | { readonly type: 'load'; readonly bytes: ArrayBuffer };

/** what the worker tells about its surroundings once it has generated the data */
export interface Environment {
  readonly trainSize: number;
  readonly testSize: number;
  /** whether SharedArrayBuffer exists (the page is cross-origin isolated) */
  readonly sharedMemory: boolean;
  /** whether WebAssembly exists (the fast kernels need its SIMD) */
  readonly webAssembly: boolean;
  /** what the kernels run on (shapegrad's kernelInfo): SIMD, fused multiply-add, threads (2 with the Web Worker helper) */
  readonly kernels: { readonly wasmSimd: boolean; readonly fusedMultiplyAdd: boolean; readonly threads: 1 | 2 };
  /** how long generating the data took, ms */
  readonly dataMs: number;
}

/** worker -> page */
export type ToMain =
  | { readonly type: 'ready'; readonly env: Environment }
  /** training started or stopped; `finished` when it stopped by itself after its last epoch */
  | { readonly type: 'running'; readonly running: boolean; readonly finished?: boolean }
  /** one training digit of each class, 0 to 9: what the model learns from, so people can draw alike */
  | { readonly type: 'examples'; readonly images: Planes }
  | {
      readonly type: 'progress';
      /** the seed of the run this step belongs to: reports still in flight after a reset are told apart */
      readonly seed: number;
      readonly step: number;
      readonly epoch: number;
      /** this batch's loss and accuracy (train mode) */
      readonly loss: number;
      readonly trainAcc: number;
      /** accuracy on the held-out digits (eval mode), when it was measured at this step */
      readonly testAcc?: number;
      readonly stepsPerSecond: number;
    }
  /** the first conv layer's kernels: one 3 × 3 plane per output channel */
  | { readonly type: 'filters'; readonly step: number; readonly filters: Planes }
  /** an input and what the two conv blocks (after batch norm and relu) compute on it */
  | {
      readonly type: 'featureMaps';
      readonly which: 'sample' | 'drawn';
      readonly label?: number;
      readonly input: Planes;
      readonly conv1: Planes;
      readonly conv2: Planes;
    }
  /** the class probabilities (softmax, eval mode) for the last `predict` */
  | { readonly type: 'prediction'; readonly probs: Float32Array }
  | { readonly type: 'checkpoint'; readonly bytes: ArrayBuffer; readonly step: number }
  | { readonly type: 'loaded'; readonly ok: boolean; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

/** the buffers of a message to transfer with it */
export const transferables = (m: ToMain | ToWorker): ArrayBuffer[] => {
  const planes = (p: Planes) => p.data.buffer as ArrayBuffer;
  switch (m.type) {
    case 'filters': return [planes(m.filters)];
    case 'examples': return [planes(m.images)];
    case 'featureMaps': return [planes(m.input), planes(m.conv1), planes(m.conv2)];
    case 'prediction': return [m.probs.buffer as ArrayBuffer];
    case 'predict': return [m.pixels.buffer as ArrayBuffer];
    case 'checkpoint': case 'load': return [m.bytes];
    default: return [];
  }
};
