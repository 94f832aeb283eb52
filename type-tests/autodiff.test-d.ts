/** @file Types of grad, valueAndGrad, vjp, jvp, customVjp and checkpoint: gradients have the params' type. */
import { expectError, expectType } from 'tsd';
import {
  checkpoint, customVjp, grad, jvp, matmul, mean, mul, sum, tanh, valueAndGrad, vjp, zeros, type Tensor,
} from '../src/index.js';

interface Mlp {
  readonly layers: readonly { readonly w: Tensor<[4, 4]>; readonly b: Tensor<[4]> }[];
  readonly head: { readonly w: Tensor<[4, 1]> };
  readonly scale: readonly [Tensor<[]>, Tensor<[1]>];
}
declare const mlp: Mlp;
const x = zeros([8, 4]);
const loss = (p: Mlp, input: Tensor<[8, 4]>) => mean(matmul(tanh(matmul(input, p.layers[0]!.w)), p.head.w));

// the gradient has exactly the type of the params, whatever their nesting
expectType<Mlp>(grad(loss)(mlp, x));
expectType<readonly [Tensor<[]>, Mlp]>(valueAndGrad(loss)(mlp, x));
// argnums: the gradient w.r.t. the input (saliency), or a tuple of both
expectType<Tensor<[8, 4]>>(grad(loss, { argnums: 1 })(mlp, x));
expectType<[Mlp, Tensor<[8, 4]>]>(grad(loss, { argnums: [0, 1] })(mlp, x));
// hasAux: [[loss, aux], grads]
const withAux = (p: Mlp, input: Tensor<[8, 4]>) => [loss(p, input), { hidden: tanh(input) }] as const;
expectType<readonly [readonly [Tensor<[]>, { readonly hidden: Tensor<[8, 4], 'float32'> }], Mlp]>(
  valueAndGrad(withAux, { hasAux: true })(mlp, x));

// a non-tensor leaf is a compile error naming its path
expectError(grad((p: { w: Tensor<[2]>; lr: number }) => sum(p.w)));
expectError(grad((p: { nested: { fn: () => void } }) => sum(zeros([2]))));
// the loss must be a scalar
expectError(grad((p: { w: Tensor<[2]> }) => p.w));
// hasAux needs [loss, aux]
expectError(valueAndGrad((p: { w: Tensor<[2]> }) => sum(p.w), { hasAux: true }));
// grads fed back must have the params' type
declare const update: <P>(p: P, g: NoInfer<P>) => P;
expectError(update({ w: zeros([2]) }, { w: zeros([3]) }));

// vjp: the pullback maps an output cotangent to the primals' types
const [out, pullback] = vjp((a: Tensor<[2, 3]>, b: Tensor<[3]>) => mul(a, b), zeros([2, 3]), zeros([3]));
expectType<Tensor<[2, 3], 'float32'>>(out);
expectType<readonly [Tensor<[2, 3]>, Tensor<[3]>]>(pullback(out));
// jvp: output and tangent have the output's type
expectType<readonly [Tensor<[3], 'float32'>, Tensor<[3], 'float32'>]>(jvp((a: Tensor<[3]>) => tanh(a), [zeros([3])], [zeros([3])]));
expectError(jvp((a: Tensor<[3]>) => tanh(a), [zeros([3])], [zeros([4])]));

// customVjp and checkpoint keep the function's signature
const clipped = customVjp((a: Tensor<[3]>) => [tanh(a), a] as const, (_a, g) => [g] as const);
expectType<(a: Tensor<[3]>) => Tensor<[3], 'float32'>>(clipped);
expectError(customVjp((a: Tensor<[3]>) => [tanh(a), a] as const, (_a, g) => [g, g, 1] as const));
const block = checkpoint((a: Tensor<[8, 4]>, w: Tensor<[4, 4]>) => tanh(matmul(a, w)));
expectType<Tensor<[8, 4], 'float32'>>(block(x, zeros([4, 4])));
