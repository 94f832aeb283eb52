/** @file Flat float32 loops: the common elementwise case (Float32Array storage, one unit-stride run, the other operand a run or a scalar) as monomorphic, unrolled loops. */

// Each loop has its own function literal, so V8 keeps its own type feedback: it only ever sees
// Float32Arrays, and the index arithmetic stays int32 (the generic strided loops serve every
// storage type and every step, at about twice the cost per element). The expressions are the
// generic loops' (a double operation rounded by the store), so the results are the same bits.
type F = Float32Array;
/** d[o + i] = f(a[ai + i], b[bi + i]) for i < n */
type VV = (d: F, o: number, a: F, ai: number, b: F, bi: number, n: number) => void;
/** d[o + i] = f(a[ai + i], s) for i < n */
type VS = (d: F, o: number, a: F, ai: number, s: number, n: number) => void;

const addVV: VV = (d, o, a, ai, b, bi, n) => {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    d[o + i] = a[ai + i]! + b[bi + i]!; d[o + i + 1] = a[ai + i + 1]! + b[bi + i + 1]!;
    d[o + i + 2] = a[ai + i + 2]! + b[bi + i + 2]!; d[o + i + 3] = a[ai + i + 3]! + b[bi + i + 3]!;
  }
  for (; i < n; i++) d[o + i] = a[ai + i]! + b[bi + i]!;
};
const subVV: VV = (d, o, a, ai, b, bi, n) => {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    d[o + i] = a[ai + i]! - b[bi + i]!; d[o + i + 1] = a[ai + i + 1]! - b[bi + i + 1]!;
    d[o + i + 2] = a[ai + i + 2]! - b[bi + i + 2]!; d[o + i + 3] = a[ai + i + 3]! - b[bi + i + 3]!;
  }
  for (; i < n; i++) d[o + i] = a[ai + i]! - b[bi + i]!;
};
const mulVV: VV = (d, o, a, ai, b, bi, n) => {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    d[o + i] = a[ai + i]! * b[bi + i]!; d[o + i + 1] = a[ai + i + 1]! * b[bi + i + 1]!;
    d[o + i + 2] = a[ai + i + 2]! * b[bi + i + 2]!; d[o + i + 3] = a[ai + i + 3]! * b[bi + i + 3]!;
  }
  for (; i < n; i++) d[o + i] = a[ai + i]! * b[bi + i]!;
};
const divVV: VV = (d, o, a, ai, b, bi, n) => {
  for (let i = 0; i < n; i++) d[o + i] = a[ai + i]! / b[bi + i]!;
};
const sigmoidGradVV: VV = (d, o, a, ai, b, bi, n) => {
  for (let i = 0; i < n; i++) { const y = b[bi + i]!; d[o + i] = a[ai + i]! * (y * (1 - y)); }
};
const tanhGradVV: VV = (d, o, a, ai, b, bi, n) => {
  for (let i = 0; i < n; i++) { const y = b[bi + i]!; d[o + i] = a[ai + i]! * (1 - y * y); }
};
/**
 * relu's pullback on 32-bit patterns (a the cotangent's, b x's, as Int32Arrays over float32
 * storage): x <= 0 exactly when its pattern is +0 or a negative non-NaN float (at most -Infinity's,
 * -2^23, as an int32), so the mask needs no branch; every other x (positive, NaN) passes a's bits.
 */
export const reluGradBits = (d: Int32Array, o: number, a: Int32Array, ai: number, b: Int32Array, bi: number, n: number): void => {
  for (let i = 0; i < n; i++) { const x = b[bi + i]!; d[o + i] = a[ai + i]! & -(Number(x > -8388608) & Number(x !== 0)); }
};
const addVS: VS = (d, o, a, ai, s, n) => {
  let i = 0;
  for (; i + 4 <= n; i += 4) { d[o + i] = a[ai + i]! + s; d[o + i + 1] = a[ai + i + 1]! + s; d[o + i + 2] = a[ai + i + 2]! + s; d[o + i + 3] = a[ai + i + 3]! + s; }
  for (; i < n; i++) d[o + i] = a[ai + i]! + s;
};
const subVS: VS = (d, o, a, ai, s, n) => {
  for (let i = 0; i < n; i++) d[o + i] = a[ai + i]! - s;
};
const subSV: VS = (d, o, a, ai, s, n) => {
  for (let i = 0; i < n; i++) d[o + i] = s - a[ai + i]!;
};
const mulVS: VS = (d, o, a, ai, s, n) => {
  let i = 0;
  for (; i + 4 <= n; i += 4) { d[o + i] = a[ai + i]! * s; d[o + i + 1] = a[ai + i + 1]! * s; d[o + i + 2] = a[ai + i + 2]! * s; d[o + i + 3] = a[ai + i + 3]! * s; }
  for (; i < n; i++) d[o + i] = a[ai + i]! * s;
};
const divVS: VS = (d, o, a, ai, s, n) => {
  for (let i = 0; i < n; i++) d[o + i] = a[ai + i]! / s;
};
const divSV: VS = (d, o, a, ai, s, n) => {
  for (let i = 0; i < n; i++) d[o + i] = s / a[ai + i]!;
};

/** the row loop of `op` for operand steps (1, 1), (1, 0) or (0, 1), and whether it takes b first; undefined when there is none */
const rowLoop = (op: string, ac: number, bc: number): readonly [VV | VS, boolean] | undefined => {
  if (ac === 1 && bc === 1) {
    const f = op === 'add' ? addVV : op === 'sub' ? subVV : op === 'mul' ? mulVV : op === 'div' ? divVV
      : op === 'sigmoidGrad' ? sigmoidGradVV : op === 'tanhGrad' ? tanhGradVV : undefined;
    return f && [f, false];
  }
  if (ac === 1 && bc === 0) {
    const f = op === 'add' ? addVS : op === 'sub' ? subVS : op === 'mul' ? mulVS : op === 'div' ? divVS : undefined;
    return f && [f, false];
  }
  if (ac === 0 && bc === 1) {
    // a scalar on the left: the loop takes b first (the sum and the product commute exactly)
    const f = op === 'add' ? addVS : op === 'sub' ? subSV : op === 'mul' ? mulVS : op === 'div' ? divSV : undefined;
    return f && [f, true];
  }
  return undefined;
};

/** rows shorter than this go to the generic loop (a call per row would cost more than it saves) */
const MIN_ROW = 64;

/**
 * d[o..] = a (op) b over `rows` rows of n elements of Float32Array storage (d contiguous), a and b
 * each stepping through a row by 1 or staying on one scalar (step 0), and moving by their row
 * steps between rows; false (nothing done) for ops and patterns without a flat loop here.
 */
export const flatBinary = (
  op: string, d: F, o: number, rows: number, n: number, a: F, ai: number, ar: number, ac: number, b: F, bi: number, br: number, bc: number,
): boolean => {
  if (rows > 1 && n < MIN_ROW) return false;
  const found = rowLoop(op, ac, bc);
  if (found === undefined) return false;
  const [f, swap] = found;
  for (let r = 0; r < rows; r++, o += n, ai += ar, bi += br) {
    if (ac === 1 && bc === 1) (f as VV)(d, o, a, ai, b, bi, n);
    else if (!swap) (f as VS)(d, o, a, ai, b[bi]!, n);
    else (f as VS)(d, o, b, bi, a[ai]!, n);
  }
  return true;
};

// comparisons into bool (Uint8Array) storage: Number(test) rather than a branch (see fast-loops)
type U = Uint8Array;
type CmpVV = (d: U, o: number, a: F, ai: number, b: F, bi: number, n: number) => void;
type CmpVS = (d: U, o: number, a: F, ai: number, s: number, n: number) => void;
const ltVV: CmpVV = (d, o, a, ai, b, bi, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! < b[bi + i]!); };
const leVV: CmpVV = (d, o, a, ai, b, bi, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! <= b[bi + i]!); };
const eqVV: CmpVV = (d, o, a, ai, b, bi, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! === b[bi + i]!); };
const neVV: CmpVV = (d, o, a, ai, b, bi, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! !== b[bi + i]!); };
const ltVS: CmpVS = (d, o, a, ai, s, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! < s); };
const leVS: CmpVS = (d, o, a, ai, s, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! <= s); };
const gtVS: CmpVS = (d, o, a, ai, s, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! > s); };
const geVS: CmpVS = (d, o, a, ai, s, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! >= s); };
const eqVS: CmpVS = (d, o, a, ai, s, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! === s); };
const neVS: CmpVS = (d, o, a, ai, s, n) => { for (let i = 0; i < n; i++) d[o + i] = Number(a[ai + i]! !== s); };

/** a comparison as (loop, swap operands): a > b is b < a; with a scalar, the vector goes first and the test turns around */
const cmpLoop = (op: string, ac: number, bc: number): readonly [CmpVV | CmpVS, boolean] | undefined => {
  if (ac === 1 && bc === 1) {
    switch (op) {
      case 'less': return [ltVV, false];
      case 'lessEqual': return [leVV, false];
      case 'greater': return [ltVV, true];
      case 'greaterEqual': return [leVV, true];
      case 'equal': return [eqVV, false];
      case 'notEqual': return [neVV, false];
      default: return undefined;
    }
  }
  const vs = ac === 1 && bc === 0;
  if (!vs && !(ac === 0 && bc === 1)) return undefined;
  switch (op) {
    case 'less': return [vs ? ltVS : gtVS, !vs];
    case 'lessEqual': return [vs ? leVS : geVS, !vs];
    case 'greater': return [vs ? gtVS : ltVS, !vs];
    case 'greaterEqual': return [vs ? geVS : leVS, !vs];
    case 'equal': return [eqVS, !vs];
    case 'notEqual': return [neVS, !vs];
    default: return undefined;
  }
};

/** as flatBinary, for comparisons of float32 storage into bool storage */
export const flatCompare = (
  op: string, d: U, o: number, rows: number, n: number, a: F, ai: number, ar: number, ac: number, b: F, bi: number, br: number, bc: number,
): boolean => {
  if (rows > 1 && n < MIN_ROW) return false;
  const found = cmpLoop(op, ac, bc);
  if (found === undefined) return false;
  const [f, swap] = found;
  for (let r = 0; r < rows; r++, o += n, ai += ar, bi += br) {
    if (ac === 1 && bc === 1) {
      if (swap) (f as CmpVV)(d, o, b, bi, a, ai, n);
      else (f as CmpVV)(d, o, a, ai, b, bi, n);
    } else if (!swap) (f as CmpVS)(d, o, a, ai, b[bi]!, n);
    else (f as CmpVS)(d, o, b, bi, a[ai]!, n);
  }
  return true;
};

// where on 32-bit patterns (Int32Array views of one storage type): a mask from the condition picks bits
type I = Int32Array;
const selVVV = (d: I, o: number, c: U, ci: number, a: I, ai: number, b: I, bi: number, n: number): void => {
  for (let i = 0; i < n; i++) { const m = -Number(c[ci + i] !== 0); d[o + i] = (a[ai + i]! & m) | (b[bi + i]! & ~m); }
};
const selVSV = (d: I, o: number, c: U, ci: number, s: number, b: I, bi: number, n: number): void => {
  for (let i = 0; i < n; i++) { const m = -Number(c[ci + i] !== 0); d[o + i] = (s & m) | (b[bi + i]! & ~m); }
};
const selVVS = (d: I, o: number, c: U, ci: number, a: I, ai: number, s: number, n: number): void => {
  for (let i = 0; i < n; i++) { const m = -Number(c[ci + i] !== 0); d[o + i] = (a[ai + i]! & m) | (s & ~m); }
};

/** where over rows with a unit-stride bool condition, each branch a unit-stride run or a scalar; false when the pattern has no flat loop */
export const flatWhere = (
  d: I, o: number, rows: number, n: number, c: U, ci: number, cr: number, cc: number,
  a: I, ai: number, ar: number, ac: number, b: I, bi: number, br: number, bc: number,
): boolean => {
  if ((rows > 1 && n < MIN_ROW) || cc !== 1 || !((ac === 1 || ac === 0) && (bc === 1 || bc === 0)) || (ac === 0 && bc === 0)) return false;
  for (let r = 0; r < rows; r++, o += n, ci += cr, ai += ar, bi += br) {
    if (ac === 1 && bc === 1) selVVV(d, o, c, ci, a, ai, b, bi, n);
    else if (ac === 0) selVSV(d, o, c, ci, a[ai]!, b, bi, n);
    else selVVS(d, o, c, ci, a, ai, b[bi]!, n);
  }
  return true;
};
