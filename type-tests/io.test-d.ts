/** @file Types of checkpoints: load and deserialize give the template's type; errors narrow by kind; rules and metadata. */
import { expectAssignable, expectError, expectType } from 'tsd';
import type { Either } from 'fp-ts/lib/Either.js';
import { key, nn, optim, type AnyTensor, type Tensor } from '../src/index.js';
import {
  deserialize, deserializeTensors, fromPytorch, ignore, load, loadTensors, mapCheckpoint, readMetadata, rename, restore, save, serialize,
  type FormatProblem, type LoadError, type Metadata, type Mismatch, type Rule,
} from '../src/io/index.js';

const model = nn.serial(nn.dense(3, 4), nn.relu(), nn.dense(4, 2));
const params = model.init(key(0));
type P = [nn.DenseParams<3, 4>, null, nn.DenseParams<4, 2>];
const opt = optim.adam(1e-3);
const state = opt.init(params);
declare const bytes: Uint8Array;

// ---- the result has the template's type: structure, shapes and dtypes ----
expectType<Promise<Either<LoadError, P>>>(load('model.safetensors', params));
expectType<Either<LoadError, P>>(deserialize(bytes, params));
expectType<Either<LoadError, { params: P; optState: typeof state }>>(deserialize(bytes, { params, optState: state }));
declare const scalars: { readonly step: Tensor<[], 'int32'>; readonly mask: Tensor<[2, 3], 'bool'> };
expectType<Either<LoadError, typeof scalars>>(deserialize(bytes, scalars));
expectType<Either<LoadError, P>>(restore({}, params));
expectType<Uint8Array>(serialize(params));
expectType<Promise<void>>(save('model.safetensors', params, { step: '3' }));
// metadata is string to string
expectError(serialize(params, { step: 3 }));
expectError(save('model.safetensors', params, { step: 3 }));
// a template is required
expectError(load('model.safetensors'));
expectError(deserialize(bytes));

// ---- metadata from bytes (synchronously) or from a file (a promise) ----
expectType<Either<LoadError, Metadata>>(readMetadata(bytes));
expectType<Promise<Either<LoadError, Metadata>>>(readMetadata('model.safetensors'));
expectAssignable<Readonly<Record<string, string>>>({} as Metadata);

// ---- template-free reads and name mapping ----
expectType<Either<LoadError, Readonly<Record<string, AnyTensor>>>>(deserializeTensors(bytes));
expectType<Promise<Either<LoadError, Readonly<Record<string, AnyTensor>>>>>(loadTensors('torch.safetensors'));
declare const torch: Readonly<Record<string, AnyTensor>>;
const rules: Rule[] = [
  fromPytorch.linear('fc1', '0'), fromPytorch.conv2d('conv', '1'), fromPytorch.conv1d('c1', '2'), fromPytorch.conv2dTranspose('up', '3'),
  fromPytorch.depthwiseConv2d('dw', '4', 2), fromPytorch.lstm('rnn', '5', { layer: 1 }), fromPytorch.gru('rnn', '6', { reverse: true }),
  fromPytorch.simpleRnn('', '7'), fromPytorch.norm('bn', 'params.8', { state: 'state.8' }), fromPytorch.attention('attn', '9'),
  fromPytorch.embedding('emb', '10'), rename('a', 'b'), ignore('head.weight', 'head.bias'),
];
expectType<Either<LoadError, Readonly<Record<string, AnyTensor>>>>(mapCheckpoint(torch, rules));
expectError(fromPytorch.lstm('rnn', '5', { layers: 1 }));
expectError(mapCheckpoint(torch, [fromPytorch.linear]));

// ---- errors narrow by kind, problems by kind ----
declare const e: LoadError;
if (e.kind === 'io') expectType<string>(e.code);
if (e.kind === 'format') expectType<readonly FormatProblem[]>(e.problems);
if (e.kind === 'mismatch') {
  expectType<readonly Mismatch[]>(e.problems);
  const p = e.problems[0]!;
  if (p.kind === 'shape') expectType<readonly number[]>(p.expected);
  if (p.kind === 'dtype') expectType<'float32' | 'int32' | 'bool'>(p.expected);
}
expectError(e.problems);
