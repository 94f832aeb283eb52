/** @file Convolution and pooling types: output sizes of the ops and layers, errors at the offending argument or layer. */
import { expectError, expectType } from 'tsd';
import {
  adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool1d, avgPool2d, conv1d, conv2d, conv2dTranspose, depthwiseConv2d,
  globalAvgPool, globalMaxPool, key, maxPool1d, maxPool2d, nn, zeros, type ShapeError, type Tensor,
} from '../src/index.js';

// ---- conv2d: out = floor((in + before + after - d(k - 1) - 1) / s) + 1; 'same': ceil(in / s) ----------
// valid: 10 - 3 + 1 = 8
expectType<Tensor<[2, 8, 8, 16]>>(conv2d(zeros([2, 10, 10, 3]), zeros([3, 3, 3, 16])));
// stride 2 'same': ceil(28 / 2) = 14 (the @example of conv2d)
expectType<Tensor<[8, 14, 14, 16]>>(conv2d(zeros([8, 28, 28, 1]), zeros([3, 3, 1, 16]), { strides: 2, padding: 'same' }));
// stride 2 'same' on an odd size: ceil(7 / 2) = 4
expectType<Tensor<[1, 4, 4, 8]>>(conv2d(zeros([1, 7, 7, 2]), zeros([3, 3, 2, 8]), { strides: 2, padding: 'same' }));
// strides as a pair [2, 1], valid: H floor((10 - 3) / 2) + 1 = 4, W 9 - 3 + 1 = 7
expectType<Tensor<[2, 4, 7, 5]>>(conv2d(zeros([2, 10, 9, 3]), zeros([3, 3, 3, 5]), { strides: [2, 1] }));
// a [kh, kw] = [1, 3] kernel, valid: H 6, W 5 - 3 + 1 = 3
expectType<Tensor<[1, 6, 3, 4]>>(conv2d(zeros([1, 6, 5, 2]), zeros([1, 3, 2, 4])));
// dilation 2, valid: span 2 (3 - 1) + 1 = 5, 7 - 5 + 1 = 3
expectType<Tensor<[1, 3, 3, 2]>>(conv2d(zeros([1, 7, 7, 2]), zeros([3, 3, 2, 2]), { dilations: 2 }));
// dilations [2, 1] with 'same' keep the size (stride 1)
expectType<Tensor<[2, 7, 6, 2]>>(conv2d(zeros([2, 7, 6, 2]), zeros([3, 3, 2, 2]), { dilations: [2, 1], padding: 'same' }));
// explicit asymmetric pads: H 5 + 1 + 2 - 3 + 1 = 6, W 6 + 0 + 3 - 3 + 1 = 7
expectType<Tensor<[1, 6, 7, 3]>>(conv2d(zeros([1, 5, 6, 2]), zeros([3, 3, 2, 3]), { padding: [[1, 2], [0, 3]] }));
// explicit pads with stride 2: H floor((5 + 2 - 3) / 2) + 1 = 3, W floor((6 + 1 - 3) / 2) + 1 = 3
expectType<Tensor<[1, 3, 3, 3]>>(conv2d(zeros([1, 5, 6, 2]), zeros([3, 3, 2, 3]), { padding: [[1, 1], [0, 1]], strides: 2 }));
// groups 2: kernel [3, 3, 4 / 2, 6] on 4 input channels, valid 8 - 3 + 1 = 6
expectType<Tensor<[2, 6, 6, 6]>>(conv2d(zeros([2, 8, 8, 4]), zeros([3, 3, 2, 6]), { groups: 2 }));
// a 1x1 kernel keeps the spatial size
expectType<Tensor<[2, 4, 5, 5]>>(conv2d(zeros([2, 4, 5, 3]), zeros([1, 1, 3, 5])));
// ResNet stem: 224 with k 7, stride 2, pad 3: floor((224 + 6 - 7) / 2) + 1 = 112; 'same' gives ceil(224 / 2) = 112 too
expectType<Tensor<[1, 112, 112, 64]>>(conv2d(zeros([1, 224, 224, 3]), zeros([7, 7, 3, 64]), { strides: 2, padding: [[3, 3], [3, 3]] }));
expectType<Tensor<[1, 112, 112, 64]>>(conv2d(zeros([1, 224, 224, 3]), zeros([7, 7, 3, 64]), { strides: 2, padding: 'same' }));
// valid k 7 stride 2 on 224: floor(217 / 2) + 1 = 109
expectType<Tensor<[1, 109, 109, 64]>>(conv2d(zeros([1, 224, 224, 3]), zeros([7, 7, 3, 64]), { strides: 2 }));

// named batch dims are kept; wide `number` spatial dims give number, literal ones stay computed
declare const xB: Tensor<['B', 28, 28, 1]>;
expectType<Tensor<['B', 14, 14, 16]>>(conv2d(xB, zeros([3, 3, 1, 16]), { strides: 2, padding: 'same' }));
declare const xWide: Tensor<[number, number, number, 3]>;
expectType<Tensor<[number, number, number, 8]>>(conv2d(xWide, zeros([3, 3, 3, 8])));
declare const xHalf: Tensor<[2, 28, number, 1]>;
expectType<Tensor<[2, 14, number, 16]>>(conv2d(xHalf, zeros([3, 3, 1, 16]), { strides: 2, padding: 'same' }));
// a wide stride makes the size unknown
declare const s: number;
expectType<Tensor<[2, number, number, 16]>>(conv2d(zeros([2, 28, 28, 1]), zeros([3, 3, 1, 16]), { strides: s }));

// ---- conv2d errors ---------------------------------------------------------------------------------
// channel mismatch: the kernel argument is the error, and its message names both counts
expectError(conv2d(zeros([2, 8, 8, 3]), zeros([3, 3, 4, 8])));
expectType<ShapeError<'conv2d: input has 3 channels, kernel expects 4', [2, 8, 8, 3], [3, 3]>>(
  null as unknown as Parameters<typeof conv2d<[2, 8, 8, 3], 3, 3, 4, 8, {}>>[1]);
// with groups the kernel expects (in / groups) · groups channels: 2 · 2 = 4, not 6
expectError(conv2d(zeros([2, 8, 8, 6]), zeros([3, 3, 2, 6]), { groups: 2 }));
// the kernel larger than the (padded) input
expectError(conv2d(zeros([1, 2, 2, 1]), zeros([3, 3, 1, 1])));
expectError(conv2d(zeros([1, 2, 5, 1]), zeros([3, 3, 1, 1]), { padding: [[0, 0], [1, 1]] }));
expectType<Tensor<[1, 1, 5, 1]>>(conv2d(zeros([1, 2, 5, 1]), zeros([3, 3, 1, 1]), { padding: [[1, 0], [1, 1]] }));
expectError(conv2d(zeros([1, 5, 5, 1]), zeros([3, 3, 1, 1]), { dilations: 3 })); // span 7 > 5
expectType<ShapeError<'conv2d: window larger than the padded input at spatial axis 1', [1, 5, 2, 1], [3, 3]>>(
  null as unknown as Parameters<typeof conv2d<[1, 5, 2, 1], 3, 3, 1, 1, {}>>[1]);
// wrong rank
expectError(conv2d(zeros([8, 8, 3]), zeros([3, 3, 3, 8])));
expectError(conv2d(zeros([2, 8, 8, 8, 3]), zeros([3, 3, 3, 8])));

// ---- conv1d ----------------------------------------------------------------------------------------
// valid: 10 - 4 + 1 = 7; stride 2 'same': ceil(10 / 2) = 5
expectType<Tensor<[3, 7, 5]>>(conv1d(zeros([3, 10, 2]), zeros([4, 2, 5])));
expectType<Tensor<[1, 5, 5]>>(conv1d(zeros([1, 10, 2]), zeros([4, 2, 5]), { strides: 2, padding: 'same' }));
// 'causal' keeps the length, also with dilation; causal with stride 2: ceil(9 / 2) = 5
expectType<Tensor<[1, 9, 4]>>(conv1d(zeros([1, 9, 2]), zeros([3, 2, 4]), { padding: 'causal', dilations: 2 }));
expectType<Tensor<[1, 5, 4]>>(conv1d(zeros([1, 9, 2]), zeros([3, 2, 4]), { padding: 'causal', strides: 2 }));
// dilation 2 valid: 9 - 5 + 1 = 5; explicit [2, 0] = causal for k 3
expectType<Tensor<[1, 5, 4]>>(conv1d(zeros([1, 9, 2]), zeros([3, 2, 4]), { dilations: 2 }));
expectType<Tensor<[1, 9, 4]>>(conv1d(zeros([1, 9, 2]), zeros([3, 2, 4]), { padding: [[2, 0]] }));
// groups 3 (depthwise 1-D with multiplier 2): kernel [3, 1, 6] on 3 channels
expectType<Tensor<[2, 7, 6]>>(conv1d(zeros([2, 7, 3]), zeros([3, 1, 6]), { groups: 3, padding: 'same' }));
declare const seqB: Tensor<['B', 'T', 2]>;
expectType<Tensor<['B', number, 4]>>(conv1d(seqB, zeros([3, 2, 4])));
expectError(conv1d(zeros([1, 9, 3]), zeros([3, 2, 4])));            // 3 channels, kernel expects 2
expectError(conv1d(zeros([1, 2, 2]), zeros([3, 2, 4])));            // kernel 3 > length 2
expectError(conv1d(zeros([1, 8, 8, 2]), zeros([3, 2, 4])));         // rank 4 for a 1-D conv

// ---- depthwise: kernel [kh, kw, C, M] -> C · M channels ----------------------------------------------
expectType<Tensor<[1, 4, 4, 8]>>(depthwiseConv2d(zeros([1, 7, 7, 4]), zeros([3, 3, 4, 2]), { strides: 2, padding: 'same' }));
expectType<Tensor<[2, 5, 4, 3]>>(depthwiseConv2d(zeros([2, 7, 6, 3]), zeros([3, 3, 3, 1])));
expectError(depthwiseConv2d(zeros([1, 7, 7, 3]), zeros([3, 3, 4, 2])));
expectType<ShapeError<'depthwiseConv2d: input has 3 channels, kernel expects 4', [1, 7, 7, 3], [3, 3]>>(
  null as unknown as Parameters<typeof depthwiseConv2d<[1, 7, 7, 3], 3, 3, 4, 2, {}>>[1]);

// ---- conv2dTranspose: full = (in - 1) s + d (k - 1) + 1; 'same': in · s; pads crop; + outputPadding -------
// 'same' stride 2: 3 -> 6, 4 -> 8
expectType<Tensor<[2, 6, 8, 3]>>(conv2dTranspose(zeros([2, 3, 4, 2]), zeros([3, 3, 2, 3]), { strides: 2, padding: 'same' }));
// 'valid' k 4 s 2: (3 - 1) 2 + 3 + 1 = 8
expectType<Tensor<[1, 8, 8, 2]>>(conv2dTranspose(zeros([1, 3, 3, 2]), zeros([4, 4, 2, 2]), { strides: 2 }));
// default (valid, stride 1): 4 + 2 = 6, 3 + 2 = 5; dilation 2: 4 + 4 = 8, 3 + 4 = 7
expectType<Tensor<[1, 6, 5, 2]>>(conv2dTranspose(zeros([1, 4, 3, 2]), zeros([3, 3, 2, 2])));
expectType<Tensor<[1, 8, 7, 2]>>(conv2dTranspose(zeros([1, 4, 3, 2]), zeros([3, 3, 2, 2]), { dilations: 2 }));
// torch padding 1, output_padding 1, k 3 s 2 (= in · 2): full H 7, W 9; minus 2, plus 1
expectType<Tensor<[2, 6, 8, 3]>>(conv2dTranspose(zeros([2, 3, 4, 2]), zeros([3, 3, 2, 3]), { strides: 2, padding: [[1, 1], [1, 1]], outputPadding: 1 }));
// asymmetric crops and per-axis output padding: H 7 - 1 - 0 + 0 = 6, W 9 - 0 - 2 + 1 = 8
expectType<Tensor<[2, 6, 8, 3]>>(conv2dTranspose(zeros([2, 3, 4, 2]), zeros([3, 3, 2, 3]), { strides: 2, padding: [[1, 0], [0, 2]], outputPadding: [0, 1] }));
// strides [2, 3] 'same': 3 · 2, 4 · 3
expectType<Tensor<[2, 6, 12, 3]>>(conv2dTranspose(zeros([2, 3, 4, 2]), zeros([3, 3, 2, 3]), { strides: [2, 3], padding: 'same' }));
// groups 2: kernel [k, k, in, out / groups] gives out = 2 · 3
expectType<Tensor<[1, 5, 5, 6]>>(conv2dTranspose(zeros([1, 3, 3, 4]), zeros([3, 3, 4, 3]), { groups: 2 }));
expectType<Tensor<['B', 56, 56, 32]>>(conv2dTranspose(null as unknown as Tensor<['B', 28, 28, 64]>, zeros([4, 4, 64, 32]), { strides: 2, padding: 'same' }));
expectError(conv2dTranspose(zeros([1, 3, 3, 3]), zeros([3, 3, 2, 3])));
expectType<ShapeError<'conv2dTranspose: input has 3 channels, kernel expects 2', [1, 3, 3, 3], [3, 3]>>(
  null as unknown as Parameters<typeof conv2dTranspose<[1, 3, 3, 3], 3, 3, 2, 3, {}>>[1]);
expectError(conv2dTranspose(zeros([3, 3, 2]), zeros([3, 3, 2, 3])));

// ---- pooling: strides default to the window -----------------------------------------------------------
expectType<Tensor<[2, 2, 3, 3]>>(maxPool2d(zeros([2, 4, 6, 3]), 2));
// window [2, 3] with default strides [2, 3]: 4 / 2, 6 / 3
expectType<Tensor<[2, 2, 2, 3]>>(maxPool2d(zeros([2, 4, 6, 3]), [2, 3]));
// explicit stride 1: 4 - 2 + 1, 6 - 2 + 1; stride 2 on a window 3: floor((5 - 3) / 2) + 1 = 2
expectType<Tensor<[2, 3, 5, 3]>>(maxPool2d(zeros([2, 4, 6, 3]), 2, { strides: 1 }));
expectType<Tensor<[1, 2, 2, 1]>>(avgPool2d(zeros([1, 5, 5, 1]), 3, { strides: 2 }));
// 'same': ceil(5 / 2) = 3, ceil(7 / 2) = 4 (the tfsame reference cases)
expectType<Tensor<[1, 3, 4, 2]>>(avgPool2d(zeros([1, 5, 7, 2]), 2, { padding: 'same' }));
expectType<Tensor<[1, 3, 3, 3]>>(maxPool2d(zeros([1, 5, 5, 3]), 2, { padding: 'same' }));
// explicit pads: floor((7 + 2 - 3) / 2) + 1 = 4, floor((6 + 2 - 3) / 2) + 1 = 3
expectType<Tensor<[2, 4, 3, 2]>>(avgPool2d(zeros([2, 7, 6, 2]), 3, { strides: 2, padding: [[1, 1], [1, 1]], countIncludePad: true }));
// ResNet: 112 with window 3, stride 2, 'same' -> 56
expectType<Tensor<['B', 56, 56, 64]>>(maxPool2d(null as unknown as Tensor<['B', 112, 112, 64]>, 3, { strides: 2, padding: 'same' }));
// 1-D: 7 / 2 floor = 3; 'same' ceil(7 / 2) = 4; k 3 s 1 pad 1 keeps 7
expectType<Tensor<[1, 3, 2]>>(maxPool1d(zeros([1, 7, 2]), 2));
expectType<Tensor<[1, 4, 2]>>(maxPool1d(zeros([1, 7, 2]), 2, { padding: 'same' }));
expectType<Tensor<[1, 7, 2]>>(avgPool1d(zeros([1, 7, 2]), 3, { strides: 1, padding: [[1, 1]] }));
expectType<Tensor<[number, number, number, 3]>>(maxPool2d(xWide, 2));
expectError(maxPool2d(zeros([1, 1, 4, 3]), 2));                    // window 2 > height 1
expectError(maxPool2d(zeros([4, 4, 3]), 2));                       // rank 3 for a 2-D pool
expectError(avgPool1d(zeros([1, 4, 4, 3]), 2));                    // rank 4 for a 1-D pool

// global and adaptive pools: [B, ...spatial, C] -> [B, C]; [B, H, W, C] -> [B, OH, OW, C]
expectType<Tensor<[2, 64]>>(globalAvgPool(zeros([2, 7, 7, 64])));
expectType<Tensor<['B', 64]>>(globalMaxPool(null as unknown as Tensor<['B', 7, 7, 64]>));
expectType<Tensor<[2, 5]>>(globalAvgPool(zeros([2, 9, 5])));
expectType<Tensor<[2, 3, 3, 4]>>(adaptiveAvgPool2d(zeros([2, 7, 7, 4]), [3, 3]));
expectType<Tensor<['B', 1, 1, 4]>>(adaptiveMaxPool2d(null as unknown as Tensor<['B', 7, 5, 4]>, [1, 1]));

// ---- layers ------------------------------------------------------------------------------------------
const { serial, input, relu, flatten, dense } = nn;
const c2 = nn.conv2d(3, 16, 3, { strides: 2, padding: 'same' });
const c2p = c2.init(key(0));
expectType<nn.ConvParams<[3, 3], 3, 16>>(c2p);
expectType<Tensor<[3, 3, 3, 16]>>(c2p.kernel);
expectType<Tensor<[16]>>(c2p.bias);
expectType<Tensor<[4, 16, 16, 16]>>(c2.apply(c2p, zeros([4, 32, 32, 3])));
expectType<Tensor<['B', 16, 16, 16]>>(c2.apply(c2p, null as unknown as Tensor<['B', 32, 32, 3]>));
expectError(c2.apply(c2p, zeros([4, 32, 32, 4])));                  // 4 channels, the layer expects 3
expectType<ShapeError<'conv2d: input has 4 channels, kernel expects 3', [4, 32, 32, 4], [3, 3]>>(
  null as unknown as nn.Apply<nn.FnOf<typeof c2>, [4, 32, 32, 4]>);
expectError(c2.apply(c2p, zeros([32, 32, 3])));                     // rank 3
// kernel size as a pair, strides a pair, asymmetric pads: H (9 + 1 - 3) / 1 + 1 = 8, W floor((9 + 2 - 5) / 2) + 1 = 4
const rect = nn.conv2d(2, 4, [3, 5], { strides: [1, 2], padding: [[1, 0], [1, 1]] });
expectType<Tensor<[3, 5, 2, 4]>>(rect.init(key(1)).kernel);
expectType<Tensor<[1, 8, 4, 4]>>(rect.apply(rect.init(key(1)), zeros([1, 9, 9, 2])));
// groups: kernel [kh, kw, in / groups, out]
const grouped = nn.conv2d(4, 6, 3, { groups: 2, padding: 'same' });
expectType<Tensor<[3, 3, 2, 6]>>(grouped.init(key(2)).kernel);
expectType<Tensor<[2, 5, 6, 6]>>(grouped.apply(grouped.init(key(2)), zeros([2, 5, 6, 4])));
expectError(nn.conv2d(4, 6, 3, { groups: 4 }));                     // 4 does not divide 6
expectError(nn.conv2d(6, 4, 3, { groups: 4 }));                     // 4 does not divide 6
expectError(nn.conv1d(3, 6, 3, { groups: 2 }));                     // 2 does not divide 3
expectError(nn.conv2d(4, 6, 3, { groups: 0 }));
expectType<6 & ShapeError<'conv2d: groups 4 must divide 4 and 6'>>(null as unknown as Parameters<typeof nn.conv2d<4, 6, 3, { groups: 4 }>>[1]);
// big sizes and dilation
const stem = nn.conv2d(3, 64, 7, { strides: 2, padding: [[3, 3], [3, 3]] });
expectType<Tensor<['B', 112, 112, 64]>>(stem.apply(stem.init(key(3)), null as unknown as Tensor<['B', 224, 224, 3]>));
const dil = nn.conv2d(2, 2, 3, { dilations: 2 });
expectType<Tensor<[1, 3, 2, 2]>>(dil.apply(dil.init(key(4)), zeros([1, 7, 6, 2])));
declare const xWide2: Tensor<[number, number, number, 2]>;
expectType<Tensor<[number, number, number, 2]>>(dil.apply(dil.init(key(4)), xWide2));
// conv1d layer: 'causal', 'same', strides
const causal = nn.conv1d(2, 4, 3, { padding: 'causal', dilations: 2 });
expectType<Tensor<[3, 2, 4]>>(causal.init(key(5)).kernel);
expectType<Tensor<['B', 16, 4]>>(causal.apply(causal.init(key(5)), null as unknown as Tensor<['B', 16, 2]>));
const c1 = nn.conv1d(2, 5, 4, { strides: 2, padding: 'same' });
expectType<Tensor<[1, 5, 5]>>(c1.apply(c1.init(key(6)), zeros([1, 10, 2])));
expectError(c1.apply(c1.init(key(6)), zeros([1, 10, 3])));
// depthwise layer: kernel [kh, kw, C, M], output C · M channels
const dw = nn.depthwiseConv2d(4, 2, 3, { strides: 2, padding: 'same' });
expectType<Tensor<[3, 3, 4, 2]>>(dw.init(key(7)).kernel);
expectType<Tensor<[1, 4, 4, 8]>>(dw.apply(dw.init(key(7)), zeros([1, 7, 7, 4])));
expectError(dw.apply(dw.init(key(7)), zeros([1, 7, 7, 3])));
// transposed layer: kernel [kh, kw, in, out / groups]
const up = nn.conv2dTranspose(64, 32, 4, { strides: 2, padding: 'same' });
expectType<Tensor<[4, 4, 64, 32]>>(up.init(key(8)).kernel);
expectType<Tensor<[32]>>(up.init(key(8)).bias);
expectType<Tensor<['B', 56, 56, 32]>>(up.apply(up.init(key(8)), null as unknown as Tensor<['B', 28, 28, 64]>));
const upPad = nn.conv2dTranspose(2, 3, 3, { strides: 2, padding: [[1, 1], [1, 1]], outputPadding: 1 });
expectType<Tensor<[2, 6, 8, 3]>>(upPad.apply(upPad.init(key(9)), zeros([2, 3, 4, 2])));
const upG = nn.conv2dTranspose(4, 6, 3, { groups: 2 });
expectType<Tensor<[3, 3, 4, 3]>>(upG.init(key(10)).kernel);
expectType<Tensor<[1, 5, 5, 6]>>(upG.apply(upG.init(key(10)), zeros([1, 3, 3, 4])));
expectError(up.apply(up.init(key(8)), zeros([1, 28, 28, 32])));
// pooling layers (strides default to the window)
expectType<Tensor<['B', 5, 5, 8]>>(nn.maxPool2d(2).apply(null, null as unknown as Tensor<['B', 10, 11, 8]>));
expectType<Tensor<[2, 3, 3, 8]>>(nn.avgPool2d(2, { padding: 'same' }).apply(null, zeros([2, 5, 6, 8])));
expectType<Tensor<[2, 4, 3, 2]>>(nn.avgPool2d(3, { strides: 2, padding: [[1, 1], [1, 1]] }).apply(null, zeros([2, 7, 6, 2])));
expectType<Tensor<[1, 3, 2]>>(nn.maxPool1d(2).apply(null, zeros([1, 7, 2])));
expectType<Tensor<[1, 7, 2]>>(nn.avgPool1d(3, { strides: 1, padding: 'same' }).apply(null, zeros([1, 7, 2])));
expectType<Tensor<['B', 16]>>(nn.globalAvgPool().apply(null, null as unknown as Tensor<['B', 5, 5, 16]>));
expectType<Tensor<[2, 16]>>(nn.globalMaxPool().apply(null, zeros([2, 5, 5, 16])));
expectType<Tensor<[2, 3, 3, 4]>>(nn.adaptiveAvgPool2d([3, 3]).apply(null, zeros([2, 7, 7, 4])));
expectType<Tensor<[2, 3, 2, 4]>>(nn.adaptiveMaxPool2d([3, 2]).apply(null, zeros([2, 7, 5, 4])));
expectError(nn.maxPool2d(3).apply(null, zeros([1, 2, 8, 1])));     // window 3 > height 2
expectError(nn.maxPool2d(2).apply(null, zeros([8, 8, 1])));        // rank 3

// ---- a CNN in serial: shapes flow, mismatches are errors on the offending layer ----------------------------
// 12 -conv3-> 10 -pool2-> 5 -conv3-> 3; global pool -> [B, 16]
const cnn = serial(input(['B', 12, 12, 1]), nn.conv2d(1, 8, 3), relu(), nn.maxPool2d(2), nn.conv2d(8, 16, 3), relu(), nn.globalAvgPool(), dense(16, 10));
const cnnP = cnn.init(key(11));
expectType<Tensor<['B', 10]>>(cnn.apply(cnnP, null as unknown as Tensor<['B', 12, 12, 1]>));
expectType<Tensor<[3, 3, 8, 16]>>(cnnP[4].kernel);
expectError(cnn.apply(cnnP, zeros([2, 12, 12, 3])));
// flatten: 5 · 5 · 8 = 200 features
const flat = serial(input(['B', 12, 12, 1]), nn.conv2d(1, 8, 3), nn.maxPool2d(2), flatten(), dense(200, 10));
expectType<Tensor<['B', 10]>>(flat.apply(flat.init(key(12)), null as unknown as Tensor<['B', 12, 12, 1]>));
expectError(serial(input(['B', 12, 12, 1]), nn.conv2d(1, 8, 3), relu(), nn.conv2d(4, 16, 3)));
expectError(serial(input(['B', 12, 12, 1]), nn.conv2d(1, 8, 3), nn.maxPool2d(2), flatten(), dense(100, 10)));
// the error sits on the offending layer (an error on any other line would leave the directive unused or fail)
serial(
  input(['B', 12, 12, 1]),
  nn.conv2d(1, 8, 3),
  relu(),
  // @ts-expect-error conv2d: input has 8 channels, kernel expects 4
  nn.conv2d(4, 16, 3),
  relu(),
);
serial(
  input(['B', 12, 12, 1]),
  nn.conv2d(1, 8, 3),
  nn.maxPool2d(2),
  flatten(),
  // @ts-expect-error dense(100, 10): input has 200 features, expected 100
  dense(100, 10),
);
serial(
  input(['B', 6, 6, 1]),
  nn.conv2d(1, 4, 3),
  // @ts-expect-error maxPool2d: window larger than the padded input (4 -> pool 5)
  nn.maxPool2d(5),
);

// ---- what the static rules check beyond sizes (each of these also throws at run time) ----
expectType<{ readonly kernel: Tensor<[3, 3, 3, 4]> }>(nn.conv2d(3, 4, 3, { useBias: false }).init(key(0)));
expectType<Tensor<[4]>>(nn.conv2dTranspose(2, 4, 1, { groups: 2 }).init(key(0)).bias);
expectError(nn.conv2dTranspose(4, 6, 3, { groups: 4 }));
expectError(conv2d(zeros([2, 8, 8, 4]), zeros([3, 3, 2, 5]), { groups: 2 }));
// 'causal' on conv2d and a wrong count of padding pairs are compile errors under TypeScript 7 (checked with
// expect-error directives in test/layers/conv.test.ts); TypeScript 6, which tsd runs, infers the options more loosely
expectError(globalMaxPool(zeros([2, 7])));
expectError(nn.globalAvgPool().apply(null, zeros([2, 7])));
expectError(adaptiveMaxPool2d(zeros([2, 7, 4]), [3, 3]));
expectError(nn.adaptiveAvgPool2d([3, 3]).apply(null, zeros([2, 7, 4])));
expectType<Tensor<[8]>>(nn.depthwiseConv2d(4, 2, 3).init(key(13)).bias);
