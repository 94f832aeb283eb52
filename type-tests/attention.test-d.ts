/** @file Attention types: attention shapes, heads that must divide embed, shapes kept through MHA and transformer blocks (also inside serial), positions. */
import { expectError, expectType } from 'tsd';
import { key, named, nn, zeros, type Dim, type Tensor } from '../src/index.js';
import { causalMask, rotary, scaledDotProductAttention, sinusoidalPositions } from '../src/ops/attention.js';
import { multiHeadAttention, type AttentionParams } from '../src/layers/attention.js';
import {
  addSinusoidalPositions, learnedPositions, transformerDecoderBlock, transformerEncoderBlock, type DecoderBlockParams, type EncoderBlockParams,
} from '../src/layers/transformer.js';

const { serial, input, dense, embedding, relu } = nn;

// ---- scaledDotProductAttention: [..., Tq, d] x [..., Tk, d] x [..., Tk, dv] -> [..., Tq, dv] ------------
const q = zeros([2, 4, 8]), k = zeros([2, 6, 8]), v = zeros([2, 6, 5]);
expectType<Tensor<[2, 4, 5]>>(scaledDotProductAttention(q, k, v).output);
expectError(scaledDotProductAttention(q, k, v).weights);                        // no weights unless asked for
const both = scaledDotProductAttention(q, k, v, { causal: true, returnWeights: true });
expectType<Tensor<[2, 4, 5]>>(both.output);
expectType<Tensor<[2, 4, 6]>>(both.weights);
expectError(scaledDotProductAttention(q, zeros([2, 6, 7]), v));                 // attention: query and key feature dims differ (8 vs 7)
expectError(scaledDotProductAttention(q, k, zeros([2, 5, 5])));                 // attention: 6 keys but 5 values
expectError(scaledDotProductAttention(q, zeros([3, 6, 8]), v));                 // batch dims 2 and 3 do not broadcast
expectError(scaledDotProductAttention(zeros([8]), k, v));                       // query needs rank 2
// batch dims broadcast; named dims flow through
expectType<Tensor<[2, 3, 4, 5]>>(scaledDotProductAttention(zeros([2, 3, 4, 8]), zeros([3, 6, 8]), zeros([3, 6, 5])).output);
const qn = named(zeros([2, 4, 8]), ['B', 'T', 8]);
expectType<Tensor<['B', 'T', 8]>>(scaledDotProductAttention(qn, qn, qn).output);
expectType<Tensor<[3, 4], 'bool'>>(causalMask(3, 4));

// ---- positions ---------------------------------------------------------------------------------
expectType<Tensor<[10, 16]>>(sinusoidalPositions(10, 16));
expectType<Tensor<[2, 5, 8]>>(rotary(zeros([2, 5, 8])));
expectType<Tensor<['B', 'T', 8]>>(rotary(qn));
expectError(rotary(zeros([2, 5, 7])));                                           // rotary: feature dim 7 is odd
expectError(rotary(zeros([8])));                                                 // rotary: rank 2 or more
const lp = learnedPositions(5, 8);
expectType<{ readonly positions: Tensor<[5, 8]> }>(lp.init(key(0)));
expectType<Tensor<[2, 5, 8]>>(lp.apply(lp.init(key(0)), zeros([2, 5, 8])));
expectType<Tensor<[2, 3, 8]>>(lp.apply(lp.init(key(0)), zeros([2, 3, 8])));
expectError(lp.apply(lp.init(key(0)), zeros([2, 6, 8])));                        // learnedPositions(5, 8): 6 positions, at most 5
expectError(lp.apply(lp.init(key(0)), zeros([2, 5, 7])));                        // 7 features, expected 8
expectType<Tensor<[2, 5, 8]>>(addSinusoidalPositions().apply(null, zeros([2, 5, 8])));
expectError(addSinusoidalPositions().apply(null, zeros([8])));

// ---- multiHeadAttention: shape kept, E checked, heads divide E ------------------------------------
const mha = multiHeadAttention(8, 2);
const p = mha.init(key(1));
expectType<AttentionParams<8>>(p);
expectType<Tensor<[8, 8]>>(p.wq);
expectType<Tensor<[8]>>(p.bo);
expectError(multiHeadAttention(8, 2, { useBias: false }).init(key(1)).bq);    // no biases
expectType<Tensor<[2, 5, 8]>>(mha.apply(p, zeros([2, 5, 8])));
expectType<Tensor<['B', 'T', 8]>>(mha.apply(p, qn));
expectType<Tensor<[5, 8]>>(mha.apply(p, zeros([5, 8])));                         // unbatched [T, E]
expectError(mha.apply(p, zeros([2, 5, 7])));                                     // multiHeadAttention(8): input has 7 features, expected 8
expectError(mha.apply(p, zeros([8])));                                           // rank 2 or more
expectError(multiHeadAttention(8, 3));                                           // multiHeadAttention: embed 8 does not split into 3 heads
expectError(multiHeadAttention(12, 5));
const e: number = 8;
expectType<AttentionParams<number>>(multiHeadAttention(e, 3).init(key(2)));     // not literal: checked at run time
// attend: cross-attention result shapes, weights [B, H, Tq, Tk]
const cross = mha.attend(p, { query: zeros([2, 4, 8]), key: zeros([2, 6, 8]), value: zeros([2, 6, 8]), returnWeights: true });
expectType<Tensor<[2, 4, 8]>>(cross.output);
expectType<Tensor<[2, 2, 4, 6]>>(cross.weights);
expectType<Tensor<[2, 4, 8]>>(mha.attend(p, { query: zeros([2, 4, 8]) }).output);
expectError(mha.attend(p, { query: zeros([2, 4, 8]) }).weights);
expectError(mha.attend(p, { query: zeros([2, 4, 8]), key: zeros([2, 6, 7]) }));                      // key has 7 features
expectError(mha.attend(p, { query: zeros([2, 4, 6]) }));                                              // query has 6 features
expectError(mha.attend(p, { query: zeros([2, 4, 8]), key: zeros([2, 6, 8]), value: zeros([2, 5, 8]) })); // 6 keys but 5 values

// ---- inside serial: the error sits on the layer whose E does not match ------------------------------
const enc = serial(input(['B', 'T', 4]), dense(4, 8), multiHeadAttention(8, 4), relu(), dense(8, 2));
expectType<Tensor<['B', 'T', 2]>>(enc.apply(enc.init(key(3)), named(zeros([2, 5, 4]), ['B', 'T', 4])));
expectError(serial(dense(4, 6), multiHeadAttention(8, 2)));                      // multiHeadAttention(8): input has 6 features, expected 8
expectError(serial(input(['B', 'T', 8]), multiHeadAttention(8, 2), dense(6, 2)));
expectError(serial(input(['B', 'T', 8]), transformerEncoderBlock(8, 2, 16), transformerEncoderBlock(16, 2, 16)));

// ---- transformer blocks ------------------------------------------------------------------------
const block = transformerEncoderBlock(8, 2, 32, { norm: 'post', activation: 'relu' });
const bp = block.init(key(4));
expectType<EncoderBlockParams<8, 32>>(bp);
expectType<Tensor<[8, 32]>>(bp.ff1.kernel);
expectType<Tensor<[8]>>(bp.norm1.scale);
expectType<Tensor<[2, 5, 8]>>(block.apply(bp, zeros([2, 5, 8])));
expectType<Tensor<['B', 'T', 8]>>(block.encode(bp, qn, { keyMask: zeros([2, 4], 'bool') }));
expectError(block.apply(bp, zeros([2, 5, 9])));                                  // transformerEncoderBlock(8): input has 9 features
expectError(block.encode(bp, zeros([2, 5, 9])));
expectError(transformerEncoderBlock(10, 4, 16));                                 // embed 10 does not split into 4 heads
const dec = transformerDecoderBlock(8, 4, 16);
const dp = dec.init(key(5));
expectType<DecoderBlockParams<8, 16>>(dp);
expectType<Tensor<[2, 5, 8]>>(dec.apply(dp, zeros([2, 5, 8])));
expectType<Tensor<[2, 5, 8]>>(dec.decode(dp, zeros([2, 5, 8]), zeros([2, 7, 8]), { memoryKeyMask: zeros([2, 7], 'bool') }));
expectError(dec.decode(dp, zeros([2, 5, 8]), zeros([2, 7, 6])));                  // memory has 6 features
expectError(transformerDecoderBlock(8, 3, 16));
const lm = serial(input(['B', 'T']), embedding(100, 16), addSinusoidalPositions(), transformerEncoderBlock(16, 4, 64, { causal: true }),
  transformerDecoderBlock(16, 2, 64), dense(16, 100));
expectType<Tensor<['B', 'T', 100]>>(lm.apply(lm.init(key(6)), named(zeros([2, 3], 'int32'), ['B', 'T'])));
expectType<Dim[]>([] as Dim[]);
