/** @file Resuming training from a checkpoint: N steps, save params and optimizer state, load, N more = 2N straight, bit for bit. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  item, key, leavesWithPath, meanSquaredError, nn, optim, random, toArray, valueAndGrad, type AnyTensor, type Tensor,
} from '../../src/index.js';
import { load, readMetadata, save } from '../../src/io/index.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shapegrad-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const model = nn.serial(nn.dense(3, 8), nn.tanh(), nn.dense(8, 1));
type Params = ReturnType<typeof model.init>;
const x = random.normal(key(1), [16, 3]) as Tensor<[16, 3]>;
const y = random.normal(key(2), [16, 1]) as Tensor<[16, 1]>;
const lossAndGrad = valueAndGrad((p: Params) => meanSquaredError(model.apply(p, x), y));

const bits = (t: AnyTensor): string[] => Array.from(toArray(t) as ArrayLike<number>, (v) => (Object.is(v, -0) ? '-0' : String(v)));
const expectBitEqual = (a: unknown, b: unknown): void => {
  const [la, lb] = [leavesWithPath(a), leavesWithPath(b)];
  expect(la.map(([p]) => p)).toEqual(lb.map(([p]) => p));
  la.forEach(([p, t], i) => expect(bits(t), p).toEqual(bits(lb[i]![1])));
};

interface Run<S> { readonly params: Params; readonly state: S; readonly losses: number[] }
const train = <S>(opt: optim.GradientTransformation<optim.StateFn>, start: Run<S>, steps: number): Run<S> => {
  let { params, state } = start;
  const losses = [...start.losses];
  for (let k = 0; k < steps; k++) {
    const [loss, grads] = lossAndGrad(params);
    const [updates, next] = opt.update(grads, state as never, params);
    params = optim.applyUpdates(params, updates);
    state = next as S;
    losses.push(item(loss));
  }
  return { params, state, losses };
};

const optimizers: readonly (readonly [string, () => optim.AnyTransformation])[] = [
  ['adam', () => optim.adam(0.05)],
  ['chain(clip, injectHyperparams(adam) with a warmup-cosine schedule)', () => optim.chain(
    optim.clipByGlobalNorm(1),
    optim.injectHyperparams((h: { lr: number }) => optim.adam(h.lr))({ lr: optim.warmupCosine({ peak: 0.05, warmupSteps: 3, decaySteps: 20 }) }),
  )],
];

describe('resume training from a checkpoint', () => {
  const N = 6;
  it.each(optimizers)('%s: N steps, save, load, N steps = 2N steps straight', async (name, make) => {
    const opt = make();
    const params = model.init(key(0));
    const start = { params, state: opt.init(params), losses: [] };
    const straight = train(opt, start, 2 * N);

    const half = train(opt, start, N);
    const path = join(dir, `${name.slice(0, 4)}.safetensors`);
    await save(path, { params: half.params, optState: half.state }, { step: String(N) });

    // a fresh process knows only the model and the optimizer: the template comes from them
    const fresh = model.init(key(42));
    const loaded = await load(path, { params: fresh, optState: opt.init(fresh) });
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    expect(await readMetadata(path)).toEqual(E.right({ step: String(N) }));
    const resumed = train(opt, { params: loaded.right.params, state: loaded.right.optState, losses: half.losses }, N);

    expectBitEqual(resumed.params, straight.params);
    expectBitEqual(resumed.state, straight.state);
    expect(resumed.losses).toEqual(straight.losses);
    expect(straight.losses.at(-1)!).toBeLessThan(straight.losses[0]!);
  });
});
