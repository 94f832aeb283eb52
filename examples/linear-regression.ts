/** @file Fits y = 3x - 2 (plus noise) with valueAndGrad and a plain gradient-descent step. */
import { add, item, matmul, mean, mul, square, sub, tensor, toNested, valueAndGrad, zeros, type Tensor } from '../src/index.js';

interface Linear { readonly w: Tensor<[1, 1]>; readonly b: Tensor<[1]> }
const predict = (p: Linear, x: Tensor<[number, 1]>) => add(matmul(x, p.w), p.b);
const loss = (p: Linear, x: Tensor<[number, 1]>, y: Tensor<[number, 1]>) => mean(square(sub(predict(p, x), y)));

/** trains for `steps` steps and returns the parameters and the loss history */
export const train = (steps = 200, lr = 0.1) => {
  const xs = Array.from({ length: 64 }, (_, i) => [i / 32 - 1]);
  const x = tensor(xs) as Tensor<[number, 1]>;
  const y = tensor(xs.map(([v], i) => [3 * v! - 2 + 0.01 * Math.sin(i * 7.1)])) as Tensor<[number, 1]>;
  let params: Linear = { w: zeros([1, 1]), b: zeros([1]) };
  const history: number[] = [];
  const step = valueAndGrad(loss);
  for (let i = 0; i < steps; i++) {
    const [l, g] = step(params, x, y);
    params = { w: sub(params.w, mul(g.w, lr)), b: sub(params.b, mul(g.b, lr)) };
    history.push(item(l));
  }
  return { params, history };
};
if (import.meta.url === `file://${process.argv[1]}`) {
  const { params, history } = train();
  console.log(`loss ${history[0]!.toFixed(3)} -> ${history.at(-1)!.toFixed(5)}; w = ${toNested(params.w)}, b = ${toNested(params.b)}`);
}
