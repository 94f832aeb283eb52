/** @file Recurrent types: output shapes (returnSequences, timeMajor, bidirectional), params and state records, feature mismatches as errors. */
import { expectError, expectType } from 'tsd';
import { grad, key, mean, named, nn, zeros, type Dim, type Tensor } from '../src/index.js';

const { serial, input, dense, bidirectional, gru, lstm, rnn, runRecurrent, scan, simpleRnn, gruCell, lstmCell } = nn;
const x = zeros([2, 7, 3]);

// ---- output shapes -----------------------------------------------------------------------------
const l = lstm(3, 4);
const p = l.init(key(0));
expectType<Tensor<[2, 7, 4]>>(l.apply(p, x));
expectType<Tensor<[2, 4]>>(lstm(3, 4, { returnSequences: false }).apply(p, x));
// time-major: [T, B, F] -> [T, B, H], or the batch's [B, H]
expectType<Tensor<[7, 2, 4]>>(lstm(3, 4, { timeMajor: true }).apply(p, zeros([7, 2, 3])));
expectType<Tensor<[2, 4]>>(lstm(3, 4, { timeMajor: true, returnSequences: false }).apply(p, zeros([7, 2, 3])));
expectType<Tensor<[2, 7, 5]>>(gru(3, 5).apply(gru(3, 5).init(key(1)), x));
expectType<Tensor<[2, 5]>>(simpleRnn(3, 5, { returnSequences: false, activation: 'relu' }).apply(simpleRnn(3, 5).init(key(2)), x));
expectType<Tensor<[2, 7, 4]>>(rnn(lstmCell(3, 4)).apply(p, x));
// named dims flow through
const named3 = named(zeros([2, 7, 3]), ['B', 'T', 3]);
expectType<Tensor<['B', 'T', 4]>>(l.apply(p, named3));
// the features must match; rank 3 only
expectError(l.apply(p, zeros([2, 7, 5])));   // lstm(3, 4): input has 5 features, expected 3
expectError(l.apply(p, zeros([7, 3])));      // lstm(3, 4): input has rank 2, expected 3
expectError(gru(3, 5).apply(gru(3, 5).init(key(1)), zeros([2, 7, 4])));

// ---- bidirectional: concat doubles H; sum and mean keep it ------------------------------------
const bi = bidirectional(lstm(3, 4));
const bp = bi.init(key(3));
expectType<Tensor<[2, 7, 8]>>(bi.apply(bp, x));
expectType<Tensor<[2, 7, 4]>>(bidirectional(lstm(3, 4), { merge: 'sum' }).apply(bp, x));
expectType<Tensor<[2, 7, 4]>>(bidirectional(lstm(3, 4), { merge: 'mean' }).apply(bp, x));
expectType<Tensor<[2, 8]>>(bidirectional(lstm(3, 4, { returnSequences: false })).apply(bp, x));
expectType<Tensor<[2, 7, 10]>>(bidirectional(gru(3, 5)).apply(bidirectional(gru(3, 5)).init(key(4)), x));
expectType<nn.LstmParams<3, 4>>(bp.forward);
expectType<nn.LstmParams<3, 4>>(bp.backward);
expectError(bi.apply(bp, zeros([2, 7, 5])));

// ---- serial: stacking, and a mismatch is an error on the offending layer ------------------------
const stacked = serial(lstm(3, 4), lstm(4, 4));
expectType<Tensor<[2, 7, 4]>>(stacked.apply(stacked.init(key(5)), x));
const head = serial(input(['B', 'T', 3]), bidirectional(gru(3, 6)), gru(12, 6, { returnSequences: false }), dense(6, 2));
expectType<Tensor<['B', 2]>>(head.apply(head.init(key(6)), named3));
expectError(serial(lstm(3, 4), lstm(5, 4)));
expectError(serial(input(['B', 'T', 3]), gru(4, 2)));
expectError(serial(bidirectional(lstm(3, 4)), lstm(4, 4)));   // bidirectional concat gives 8 features
expectError(serial(lstm(3, 4, { returnSequences: false }), lstm(4, 4)));   // [B, 4] is not a sequence

// ---- params ----------------------------------------------------------------------------------
expectType<Tensor<[3, 16]>>(p.kernel);
expectType<Tensor<[4, 16]>>(p.recurrentKernel);
expectType<Tensor<[16]>>(p.bias);
const gp = gru(3, 5).init(key(7));
expectType<Tensor<[15]>>(gp.recurrentBias);
expectType<nn.GruParams<3, 5>>(gp);
const gb = gru(3, 5, { resetAfter: false }).init(key(8));
expectType<Tensor<[5, 15]>>(gb.recurrentKernel);
expectError(gb.recurrentBias);
expectType<nn.SimpleRnnParams<3, 5>>(simpleRnn(3, 5).init(key(9)));
type P = typeof p;
expectType<P>(grad((q: P, xi: Tensor<[2, 7, 3]>) => mean(l.apply(q, xi)))(p, x));

// ---- states: runRecurrent ----------------------------------------------------------------------
const r = runRecurrent(l, p, x, { initialState: { h: zeros([2, 4]), c: zeros([2, 4]) } });
expectType<Tensor<[2, 7, 4]>>(r.outputs);
expectType<Tensor<[2, 4]>>(r.state.h);
expectType<Tensor<[2, 4]>>(r.state.c);
expectType<Tensor<[2, 4]>>(runRecurrent(lstm(3, 4, { timeMajor: true }), p, zeros([7, 2, 3])).state.c);
const rg = runRecurrent(gru(3, 5), gp, x);
expectType<Tensor<[2, 5]>>(rg.state.h);
expectError(rg.state.c);
const rb = runRecurrent(bi, bp, x);
expectType<Tensor<[2, 7, 8]>>(rb.outputs);
expectType<Tensor<[2, 4]>>(rb.state.backward.c);
expectError(runRecurrent(l, p, x, { initialState: { h: zeros([3, 4]), c: zeros([2, 4]) } }));
expectError(runRecurrent(l, p, x, { initialState: { h: zeros([2, 4]) } }));
expectError(runRecurrent(l, p, zeros([2, 7, 5])));
expectError(runRecurrent(l, gp, x));

// ---- cells and scan ----------------------------------------------------------------------------
const cell = lstmCell(3, 4);
const carry = cell.initCarry([2]);
expectType<Tensor<[2, 4]>>(carry.c);
const [next, y] = cell.step(p, carry, zeros([2, 3]));
expectType<Tensor<[2, 4]>>(y);
expectType<Tensor<[2, 4]>>(next.h);
expectError(cell.step(p, carry, zeros([2, 5])));
const [last, ys] = scan(cell)(p, carry, x);
expectType<Tensor<[2, 7, 4]>>(ys);
expectType<Tensor<[2, 4]>>(last.c);
expectType<Tensor<[2, 4]>>(scan(cell, { returnSequences: false })(p, carry, x)[1]);
expectType<Tensor<[7, 2, 4]>>(scan(cell, { timeMajor: true })(p, carry, zeros([7, 2, 3]))[1]);
expectError(scan(cell)(p, carry, zeros([2, 7, 5])));
expectType<Tensor<[2, 5]>>(gruCell(3, 5).initCarry([2]).h);
expectType<Dim[]>([] as Dim[]);
