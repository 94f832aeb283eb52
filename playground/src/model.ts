/** @file The digits CNN of examples/cnn-digits.ts (conv → batchNorm → relu → maxPool, twice, global pooling, dense) and what the page reads out of it. */
import { model } from '../../examples/cnn-digits.js';
import { analysis, nn, reshape, softmax, toArray, type AnyTensor, type Tensor } from '../../src/index.js';
import { SIZE, type Planes } from './protocol.js';

/** the model of examples/cnn-digits.ts (every junction's shape checked by the compiler: [B, 16, 16, 1] -> [B, 10]) */
export { model };
export type Params = ReturnType<typeof model.init>;
export type ModelState = ReturnType<typeof model.initState>;

/** a channels-last map [1, H, W, C] (or a kernel [H, W, 1, C]) as C planes of H × W, copied into a fresh buffer that can be transferred */
export const planesOf = (t: AnyTensor): Planes => {
  const [, height, width, count] = t.shape as readonly number[] as [number, number, number, number];
  const v = toArray(t) as Float32Array, data = new Float32Array(count * height * width);
  for (let p = 0; p < height * width; p++) for (let c = 0; c < count; c++) data[c * height * width + p] = v[p * count + c]!;
  return { height, width, count, data };
};

/** the first conv layer's kernels [3, 3, 1, 16] as 16 planes of 3 × 3 */
export const firstFilters = (params: Params): Planes => {
  const [kh, kw, , out] = params[1].kernel.shape;
  return planesOf(reshape(params[1].kernel, [1, kh, kw, out])); // one input channel: HWIO is already H, W, O
};

/** the class probabilities and both conv blocks' feature maps (after batch norm and relu) for one image, in eval mode */
export const look = (params: Params, state: ModelState, image: Tensor<[1, typeof SIZE, typeof SIZE, 1]>) => {
  const { output, activations } = analysis.capture(model)(params, image, nn.evalMode, state);
  return {
    probs: Float32Array.from(toArray(softmax(output, -1)) as Float32Array),
    conv1: planesOf(activations['3']),
    conv2: planesOf(activations['7']),
  };
};
