/** @file Scalar maths of the reference kernels that JavaScript's Math lacks or gets different from NumPy. */
import { ValueError } from '../shape/index.js';

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969),
// coefficients as in his SPECFUN routine CALERF (netlib.org/specfun/erf): relative error below
// 1e-16 on each interval. A: erf on |x| <= 0.46875; C/D: erfc on (0.46875, 4]; P/Q: erfc beyond 4.
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;

/** erfc(y) for y > 0.46875 by Cody's rational approximations */
const erfcTail = (y: number): number => {
  if (y >= 26.543) return 0; // erfc underflows
  let r: number;
  if (y <= 4) {
    let num = C[8]! * y, den = y;
    for (let i = 0; i < 7; i++) { num = (num + C[i]!) * y; den = (den + D[i]!) * y; }
    r = (num + C[7]!) / (den + D[7]!);
  } else {
    const z = 1 / (y * y);
    let num = P[5]! * z, den = z;
    for (let i = 0; i < 4; i++) { num = (num + P[i]!) * z; den = (den + Q[i]!) * z; }
    r = (ONE_OVER_SQRT_PI - (z * (num + P[4]!)) / (den + Q[4]!)) / y;
  }
  // exp(-y^2) split as exp(-s^2) exp(-(y-s)(y+s)) with s = y rounded down to 1/16: y*y loses bits
  const s = Math.trunc(y * 16) / 16;
  return Math.exp(-s * s) * Math.exp(-(y - s) * (y + s)) * r;
};

/** the error function, accurate to about one ulp in double (Cody 1969) */
export const erf = (x: number): number => {
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const z = y > 1.11e-16 ? y * y : 0;
    let num = A[4]! * z, den = z;
    for (let i = 0; i < 3; i++) { num = (num + A[i]!) * z; den = (den + B[i]!) * z; }
    return (x * (num + A[3]!)) / (den + B[3]!);
  }
  if (Number.isNaN(y)) return NaN;
  const r = 0.5 - erfcTail(y) + 0.5;
  return x < 0 ? -r : r;
};

/** 1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1 */
export const sigmoid = (x: number): number => {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
};

/** rounds half to even (banker's rounding), keeping the sign of zero, as NumPy's round */
export const roundHalfEven = (x: number): number => {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const frac = x - f; // exact for every finite double
  const r = frac > 0.5 || (frac === 0.5 && f % 2 !== 0) ? f + 1 : f;
  return r === 0 ? 0 * x : r; // 0 * x is -0 for negative x, as round(-0.4) = -0
};

/** -1, 0 or 1 by sign; NaN stays NaN and both zeros give +0 (as NumPy) */
export const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN);

/** a ** b as C99 pow: 1 ** anything and (-1) ** +-Infinity are 1, where JavaScript gives NaN */
export const powFloat = (a: number, b: number): number =>
  a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b;

/** floored remainder: the sign of the divisor (NumPy/Python mod); by 0 it is NaN; a zero takes the divisor's sign */
export const modFloat = (a: number, b: number): number => {
  const r = a % b;
  if (r === 0) return b < 0 ? -0 : 0;
  return (r < 0) !== (b < 0) ? r + b : r;
};

/** integer a ** b, wrapping like int32 (exponentiation by squaring with Math.imul) */
export const powInt = (a: number, b: number): number => {
  if (b < 0) throw new ValueError('pow', 'integers to negative integer powers are not allowed');
  let result = 1, base = a | 0;
  for (let e = b; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
};

/** floored integer remainder (sign of the divisor); throws on a zero divisor */
export const modInt = (a: number, b: number): number => {
  if (b === 0) throw new ValueError('mod', 'integer modulo by zero');
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
};
