/** @file A gallery of the compile errors shapegrad gives: each mistake, the error the editor shows on it, and what the same mistake does at run time. */
import {
  add, concat, einsum, grad, key, matmul, mean, named, nn, optim, reshape, softmaxCrossEntropy, sum, zeros, type Tensor,
} from '../src/index.js';

// How to read an entry: the line after `@ts-expect-error` is the mistake (the file compiles because each
// error is expected); the `~~~` line under it marks the squiggle and quotes the type the editor reports
// there (for a ShapeError: its message, then the shapes involved). type-tests/shape-errors.test-d.ts
// checks every quoted message; test/examples/shape-errors.test.ts checks that each one is quoted there.

const x = named(zeros([32, 784]), ['B', 784]);          // Tensor<['B', 784]>
const p = { w: zeros([3, 4]), b: zeros([4]) };          // a parameter record
/** builds a model and runs it once on zeros of the given shape (with the types erased, as plain JS would) */
const probe = (model: nn.AnyLayer, shape: readonly number[]) => model.run(model.init(key(0)), model.initState(), zeros(shape), nn.evalMode);

/** one mistake: its title, the code (run with the types erased), and whether only the types can see it */
export interface Entry {
  readonly title: string;
  readonly run: () => unknown;
  /** true when nothing can catch the mistake at run time (e.g. two named dims of the same size) */
  readonly typesOnly?: boolean;
}

/** the gallery, from tensor ops to layers, autodiff and optimizers */
export const entries: readonly Entry[] = [
  {
    title: 'matmul: the inner dims must agree',
    // @ts-expect-error
    run: () => matmul(x, zeros([100, 10])),
    //                   ~~~~~~~~~~~~~~~~ ShapeError<"matmul: inner dims differ (784 vs 100)", ["B", 784], [100, 10]>
  },
  {
    title: 'broadcasting: dims must be equal or 1, aligned from the right',
    // @ts-expect-error
    run: () => add(zeros([8, 2, 6]), zeros([7, 3, 6])),
    //                               ~~~~~~~~~~~~~~~~ ShapeError<"add: dims 2 and 3 do not broadcast (axis -2)", [8, 2, 6], [7, 3, 6]>
  },
  {
    title: 'named dims: a batch axis is not a time axis, even when both are 4',
    typesOnly: true,
    // @ts-expect-error
    run: () => add(named(zeros([4, 3]), ['B', 3]), named(zeros([4, 3]), ['T', 3])),
    //                                             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ShapeError<"add: dims B and T do not broadcast (axis -2)", ["B", 3], ["T", 3]>
  },
  {
    title: 'reshape: the element count must not change',
    // @ts-expect-error
    run: () => reshape(zeros([4, 6]), [5, 5]),
    //                                ~~~~~~ ShapeError<"reshape: 24 elements cannot become 25", [4, 6], [5, 5]>
  },
  {
    title: 'concat: the other axes must agree',
    // @ts-expect-error
    run: () => concat([zeros([2, 3]), zeros([3, 4])], 0),
    //                ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ShapeError<"concat: input 1 has dim 4 at axis 1, expected 3", [3, 4], 0>
  },
  {
    title: 'reductions: the axis must exist',
    // @ts-expect-error
    run: () => mean(x, 2),
    //                 ~ ShapeError<"mean: axis 2 out of range for rank 2", ["B", 784], [2]>
  },
  {
    title: 'einsum: a letter is one size in every operand',
    // @ts-expect-error
    run: () => einsum('ij,jk->ik', zeros([2, 3]), zeros([4, 5])),
    //                ~~~~~~~~~~~ ShapeError<"einsum: 'j' is 3 and 4 (operand 1)", [4, 5], "ij,jk->ik">
  },
  {
    title: 'conv2d: the input channels must be what the kernel expects',
    // @ts-expect-error
    run: () => probe(nn.serial(nn.input(['B', 28, 28, 3]), nn.conv2d(1, 8, 3)), [2, 28, 28, 3]),
    //                                                     ~~~~~~~~~~~~~~~~~~ ShapeError<"conv2d: input has 3 channels, kernel expects 1", ["B", 28, 28, 3], [3, 3]>
  },
  {
    title: 'serial: the error sits on the layer that does not fit what comes before it',
    // @ts-expect-error
    run: () => probe(nn.serial(nn.input(['B', 784]), nn.dense(784, 128), nn.relu(), nn.dense(100, 10)), [2, 784]),
    //                                                                              ~~~~~~~~~~~~~~~~~ ShapeError<"dense(100, 10): input has 128 features, expected 100", ["B", 128], unknown>
  },
  {
    title: 'residual: the branch must keep the shape (x + f(x))',
    // @ts-expect-error
    run: () => probe(nn.serial(nn.dense(5, 16), nn.residual(nn.dense(16, 8))), [2, 5]),
    //                                          ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ShapeError<"residual: the branch must keep the shape", [...Dim[], 16], [...Dim[], 8]>
  },
  {
    title: 'apply: a model takes the input it declared',
    // @ts-expect-error
    run: () => { const m = nn.serial(nn.input(['B', 784]), nn.dense(784, 10)); return m.apply(m.init(key(0)), zeros([32, 10])); },
    //                                                                                                        ~~~~~~~~~~~~~~~ ShapeError<"input: dim 10 where 784 was declared", [32, 10], [784]>
  },
  {
    title: 'train mode needs a key (for dropout masks)',
    // @ts-expect-error
    run: () => { const m = nn.serial(nn.input(['B', 784]), nn.dense(784, 10)); return m.apply(m.init(key(0)), zeros([32, 784]), { mode: 'train' }); },
    //                                                                                                                          ~~~~~~~~~~~~~~~~~ Property 'key' is missing in type '{ mode: "train"; }' but required in type '{ readonly mode: "train"; readonly key: Key; }'
  },
  {
    title: 'multiHeadAttention: the embedding splits evenly into heads',
    // @ts-expect-error
    run: () => nn.multiHeadAttention(10, 3),
    //                               ~~ ShapeError<"multiHeadAttention: embed 10 does not split into 3 heads", 10, 3>
  },
  {
    title: 'softmaxCrossEntropy: one class index per row of logits',
    // @ts-expect-error
    run: () => softmaxCrossEntropy(zeros([8, 10]), zeros([8, 10], 'int32')),
    //                                             ~~~~~~~~~~~~~~~~~~~~~~~ ShapeError<"softmaxCrossEntropy: labels have rank 2, expected 1", [8, 10], [8]>
  },
  {
    title: 'softmaxCrossEntropy: labels are int32 class indices',
    // @ts-expect-error
    run: () => softmaxCrossEntropy(zeros([8, 10]), zeros([8])),
    //                                             ~~~~~~~~~ Argument of type 'Tensor<[8], "float32">' is not assignable to parameter of type 'Tensor<[8], "int32">'
  },
  {
    title: 'grad: every leaf of the params is a tensor (the error names the path)',
    // @ts-expect-error
    run: () => grad((q: { w: Tensor<[2]>; lr: number }) => sum(q.w))({ w: zeros([2]), lr: 0.1 }),
    //              ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ShapeError<"grad: params must only contain tensors, not p.lr", { w: Tensor<[2], "float32">; lr: number; }, unknown>
  },
  {
    title: 'optimizers: grads, state and params are one type',
    // @ts-expect-error
    run: () => { const adam = optim.adam(1e-3); return adam.update({ w: zeros([3, 5]), b: zeros([4]) }, adam.init(p), p); },
    //                                                               ~~~~~~~~~~~~~~~~ Type 'Tensor<[3, 5], "float32">' is not assignable to type 'Tensor<[3, 4], "float32">'
  },
  {
    title: 'multiTransform: every parameter needs a label (here: freezing b was forgotten)',
    // @ts-expect-error
    run: () => optim.multiTransform({ train: optim.adam(1e-3), frozen: optim.setToZero() }, { w: 'train' }).init(p),
    //                                                                                                           ~ ShapeError<"multiTransform: these params have no label (or one that is not a key of the transforms)", "params.b", "frozen" | "train">
  },
  {
    title: 'multiTransform: a label must name a transform (a typo is caught)',
    // @ts-expect-error
    run: () => optim.multiTransform({ train: optim.adam(1e-3), frozen: optim.setToZero() }, { w: 'train', b: 'frozn' }).init(p),
    //                                                                                        ~ ShapeError<"multiTransform: labels that are not keys of the transforms", "frozn", "frozen" | "train">
  },
];

/** what one entry does with the types erased: the runtime twin's error, or undefined when it runs */
export interface Outcome { readonly title: string; readonly typesOnly: boolean; readonly thrown: string | undefined }
/** runs every entry; each throws its runtime twin's error except the typesOnly ones */
export const main = (): Outcome[] => entries.map((e) => {
  try {
    e.run();
    return { title: e.title, typesOnly: e.typesOnly ?? false, thrown: undefined };
  } catch (err) {
    return { title: e.title, typesOnly: e.typesOnly ?? false, thrown: `${(err as Error).name}: ${(err as Error).message}` };
  }
});

if (import.meta.url === `file://${process.argv[1]}`) {
  // --quick is accepted for symmetry with the other examples: the gallery always runs in milliseconds
  const outcomes = main();
  console.log('Each mistake below is a compile error (see the ~~~ lines in examples/shape-errors.ts).');
  console.log('With the types erased (plain JS, or `number` dims), the same mistake fails at run time:\n');
  for (const o of outcomes) console.log(`- ${o.title}\n    ${o.thrown ?? 'runs without an error: only the types can see this one'}`);
  const caught = outcomes.filter((o) => o.thrown !== undefined || o.typesOnly).length;
  console.log(`\n${outcomes.length} compile errors in the gallery; ${caught} of ${outcomes.length} behave as stated at run time (stated: all)`);
}
