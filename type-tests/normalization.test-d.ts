/** @file Normalization layer types: shapes kept, channel/feature checks (also inside serial), groups that do not divide, params and state types. */
import { expectError, expectType } from 'tsd';
import { key, named, nn, zeros, type Dim, type Tensor, standardize, cast } from '../src/index.js';

const { serial, input, dense, relu, batchNorm, layerNorm, rmsNorm, groupNorm, instanceNorm } = nn;
const train = nn.trainMode(key(0));

// ---- batchNorm: shape kept, channels checked, state typed ------------------------------------
const bn = batchNorm(16);
const bnp = bn.init(key(1));
expectType<nn.AffineParams<[16]>>(bnp);
expectType<Tensor<[16]>>(bnp.scale);
expectType<nn.BatchNormState<16>>(bn.initState());
expectType<Tensor<[2, 5, 5, 16]>>(bn.apply(bnp, zeros([2, 5, 5, 16]), train));
expectType<Tensor<[8, 16]>>(bn.apply(bnp, zeros([8, 16])));
expectType<readonly [Tensor<[8, 16]>, nn.BatchNormState<16>]>(bn.applyWithState(bnp, bn.initState(), zeros([8, 16]), train));
expectType<Tensor<['B', 16]>>(bn.apply(bnp, named(zeros([4, 16]), ['B', 16])));
expectError(bn.apply(bnp, zeros([8, 15])));          // batchNorm(16): input has 15 channels, expected 16
expectError(bn.apply(bnp, zeros([])));               // a scalar has no channel axis
// a dynamic last dim is checked at run time only
expectType<Tensor<[8, number]>>(bn.apply(bnp, zeros([8, 16]) as Tensor<[8, number]>));

// inside serial: the state is the tuple of the children's, the error sits on the offending layer
const net = serial(dense(3, 16), batchNorm(16), relu(), dense(16, 2));
expectType<Tensor<[8, 2]>>(net.apply(net.init(key(2)), zeros([8, 3]), train));
expectType<[null, nn.BatchNormState<16>, null, null]>(net.initState());
expectType<readonly [Tensor<[8, 2]>, [null, nn.BatchNormState<16>, null, null]]>(
  net.applyWithState(net.init(key(2)), net.initState(), zeros([8, 3]), train));
expectError(serial(dense(3, 16), batchNorm(8), relu()));                 // batchNorm(8): input has 16 channels, expected 8
expectError(serial(input(['B', 4, 4, 3]), batchNorm(4)));

// ---- layerNorm: over the last k axes ---------------------------------------------------------
const ln = layerNorm(48);
expectType<nn.AffineParams<[48]>>(ln.init(key(3)));
expectType<Tensor<[4, 16, 48]>>(ln.apply(ln.init(key(3)), zeros([4, 16, 48])));
expectError(ln.apply(ln.init(key(3)), zeros([4, 16, 47])));              // layerNorm([48]): input has 47 features, expected 48
const ln2 = layerNorm([16, 48]);
expectType<{ readonly scale: Tensor<[16, 48]>; readonly bias: Tensor<[16, 48]> }>(ln2.init(key(4)));
expectType<Tensor<[4, 16, 48]>>(ln2.apply(ln2.init(key(4)), zeros([4, 16, 48])));
expectError(ln2.apply(ln2.init(key(4)), zeros([4, 15, 48])));            // layerNorm([16, 48]): input shape does not end in [16, 48]
expectError(ln2.apply(ln2.init(key(4)), zeros([48])));                   // rank 1 where 2 axes are normalized
expectType<null>(layerNorm(8, { affine: false }).init(key(5)));
const pre = serial(input(['B', 'T', 24]), layerNorm(24), dense(24, 48));
expectType<Tensor<['B', 'T', 48]>>(pre.apply(pre.init(key(6)), named(zeros([2, 12, 24]), ['B', 'T', 24])));
expectError(serial(input(['B', 'T', 24]), layerNorm(32), dense(32, 48)));

// ---- rmsNorm --------------------------------------------------------------------------------
const rms = rmsNorm(8);
expectType<{ readonly scale: Tensor<[8]> }>(rms.init(key(7)));
expectType<Tensor<[2, 3, 8]>>(rms.apply(rms.init(key(7)), zeros([2, 3, 8])));
expectError(rms.apply(rms.init(key(7)), zeros([2, 3, 9])));

// ---- groupNorm: groups must divide the channels ----------------------------------------------
const gn = groupNorm(2, 4);
expectType<nn.AffineParams<[4]>>(gn.init(key(8)));
expectType<Tensor<[1, 3, 5, 4]>>(gn.apply(gn.init(key(8)), zeros([1, 3, 5, 4])));
expectType<Tensor<[6, 4]>>(gn.apply(gn.init(key(8)), zeros([6, 4])));
expectError(gn.apply(gn.init(key(8)), zeros([1, 3, 5, 6])));             // groupNorm(2, 4): input has 6 channels, expected 4
expectError(gn.apply(gn.init(key(8)), zeros([4])));                      // rank 1: no batch axis
expectError(groupNorm(4, 6));                                            // groupNorm: 6 channels do not split into 4 groups
expectError(groupNorm(3, 32));
expectType<null>(groupNorm(3, 6, { affine: false }).init(key(9)));
const n: number = 6;
expectType<nn.AffineParams<[number]>>(groupNorm(4, n).init(key(9)));     // not literal: checked at run time

// ---- instanceNorm: at least one spatial axis ---------------------------------------------------
const inorm = instanceNorm(3);
expectType<Tensor<[2, 8, 8, 3]>>(inorm.apply(inorm.init(key(10)), zeros([2, 8, 8, 3])));
expectType<Tensor<[2, 7, 3]>>(inorm.apply(inorm.init(key(10)), zeros([2, 7, 3])));
expectError(inorm.apply(inorm.init(key(10)), zeros([2, 3])));            // instanceNorm(3): input has rank 2, expected at least 3
expectError(inorm.apply(inorm.init(key(10)), zeros([2, 8, 8, 4])));
const conv = serial(input(['B', 8, 8, 3]), instanceNorm(3), groupNorm(1, 3), batchNorm(3));
expectType<Tensor<['B', 8, 8, 3]>>(conv.apply(conv.init(key(11)), named(zeros([2, 8, 8, 3]), ['B', 8, 8, 3]), train));
expectError(serial(input(['B', 8, 8, 3]), instanceNorm(3), groupNorm(1, 4)));
expectType<Dim[]>([] as Dim[]);

// ---- standardize (the op inside layer/group/instance norm): same shape, float32 ------------------
expectType<Tensor<[2, 3, 4]>>(standardize(zeros([2, 3, 4]), -1));
expectType<Tensor<['B', 8]>>(standardize(named(zeros([5, 8]), ['B', 8]), [0, 1], { eps: 1e-3 }));
expectType<Tensor<[3]>>(standardize(cast(zeros([3]), 'int32'), 0));
expectError(standardize(zeros([2, 3]), -1, { eps: 'small' }));
