/** @file Layer types: shape flow through serial and the combinators, errors on the offending layer, params types. */
import { expectError, expectType } from 'tsd';
import { grad, key, mean, named, nn, zeros, type Dim, type Tensor } from '../src/index.js';

const { serial, input, dense, relu, dropout, flatten, reshape, residual, concatenate, parallel, bottleneck, embedding } = nn;

// ---- shapes flow through serial; named dims bind at apply time --------------------------------
const mlp = serial(input(['B', 784]), dense(784, 128), relu(), dropout(0.1), dense(128, 10));
const params = mlp.init(key(0));
expectType<Tensor<['B', 10]>>(mlp.apply(params, named(zeros([32, 784]), ['B', 784])));
expectType<Tensor<[32, 10]>>(mlp.apply(params, zeros([32, 784])));
expectError(mlp.apply(params, zeros([32, 785])));   // input: dim 785 where 784 was declared
expectError(mlp.apply(params, zeros([784])));       // input: rank 1 where 2 was declared
// the params are the tuple of the children's (null for parameter-free layers)
expectType<readonly [null, { readonly kernel: Tensor<[784, 128]>; readonly bias: Tensor<[128]> }, null, null,
  { readonly kernel: Tensor<[128, 10]>; readonly bias: Tensor<[10]> }]>(params as readonly [null,
  nn.DenseParams<784, 128>, null, null, nn.DenseParams<128, 10>]);
expectType<[null, nn.DenseParams<784, 128>, null, null, nn.DenseParams<128, 10>]>(params);
expectType<{ readonly kernel: Tensor<[3, 4]> }>(dense(3, 4, { useBias: false }).init(key(0)));

// without input(), a chain is checked from the first layer's most general input ([...Dim[], 784])
const chain = serial(dense(784, 128), relu(), dense(128, 10));
expectType<Tensor<[2, 5, 10]>>(chain.apply(chain.init(key(1)), zeros([2, 5, 784])));
expectType<Tensor<[10]>>(chain.apply(chain.init(key(1)), zeros([784])));
// a mismatch is an error on the offending layer
expectError(serial(dense(784, 128), relu(), dense(100, 10)));
expectError(serial(input(['B', 28, 28]), flatten(), dense(700, 10)));
expectError(serial(input(['B', 12]), dense(12, 8), reshape([3, 3]), relu()));
// flatten and reshape compute their output shapes
const conv = serial(input(['B', 28, 28]), flatten(), dense(784, 10));
expectType<Tensor<['B', 10]>>(conv.apply(conv.init(key(2)), named(zeros([4, 28, 28]), ['B', 28, 28])));
const r = serial(input(['B', 12]), reshape([3, 4]), dense(4, 2));
expectType<Tensor<['B', 3, 2]>>(r.apply(r.init(key(3)), named(zeros([5, 12]), ['B', 12])));

// ---- branches ------------------------------------------------------------------------------
const res = serial(dense(5, 16), residual(serial(dense(16, 16), relu())), dense(16, 2));
expectType<Tensor<[7, 2]>>(res.apply(res.init(key(4)), zeros([7, 5])));
expectError(serial(dense(5, 16), residual(dense(16, 8))));          // residual: the branch must keep the shape
const dn = serial(dense(5, 10), concatenate(dense(10, 4)), dense(14, 1));
expectType<Tensor<[3, 1]>>(dn.apply(dn.init(key(5)), zeros([3, 5])));
expectError(serial(dense(5, 10), concatenate(dense(10, 4)), dense(10, 1)));
const pc = serial(dense(5, 10), parallel('concat', dense(10, 4), dense(10, 6)), dense(10, 1));
expectType<Tensor<[3, 1]>>(pc.apply(pc.init(key(6)), zeros([3, 5])));
const pa = serial(dense(5, 10), parallel('add', dense(10, 4), dense(10, 4)));
expectType<Tensor<[3, 4]>>(pa.apply(pa.init(key(7)), zeros([3, 5])));
expectError(serial(dense(5, 10), parallel('add', dense(10, 4), dense(10, 6))));
const bn = serial(dense(5, 16), bottleneck(dense(16, 4), relu(), dense(4, 16)));
expectType<Tensor<[2, 16]>>(bn.apply(bn.init(key(8)), zeros([2, 5])));
expectError(bottleneck(dense(16, 4), relu(), dense(5, 16)));

// ---- embedding: int indices of any shape -> [..., D] ------------------------------------------
const emb = embedding(100, 8);
expectType<Tensor<[4, 7, 8]>>(emb.apply(emb.init(key(9)), zeros([4, 7], 'int32')));

// ---- modes: train needs a key --------------------------------------------------------------
expectType<Tensor<[32, 10]>>(mlp.apply(params, zeros([32, 784]), nn.trainMode(key(10))));
expectType<Tensor<[32, 10]>>(mlp.apply(params, zeros([32, 784]), { mode: 'eval' }));
expectError(mlp.apply(params, zeros([32, 784]), { mode: 'train' }));

// ---- grad over a model's params has the params' type ------------------------------------------
type P = typeof params;
expectType<P>(grad((p: P, x: Tensor<[4, 784]>) => mean(mlp.apply(p, x)))(params, zeros([4, 784])));

// ---- a 60-layer chain still type-checks, with the error on the 60th layer ----------------------
const d = () => dense(32, 32);
const deep = serial(input(['B', 32]), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(),
  d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(),
  d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), dense(32, 10));
expectType<Tensor<['B', 10]>>(deep.apply(deep.init(key(11)), named(zeros([2, 32]), ['B', 32])));
expectError(serial(input(['B', 32]), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(),
  d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(),
  d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), d(), relu(), dense(30, 10)));
expectType<Dim[]>([] as Dim[]);
