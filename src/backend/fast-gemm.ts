/** @file A register-tiled GEMM in plain JavaScript: operands packed through their strides into 4-wide panels, 4x4 tiles summed in float64. */

/** a strided matrix in flat storage: element (i, j) is data[start + i * rowStep + j * colStep] */
export interface Strided {
  readonly data: ArrayLike<number>;
  readonly start: number;
  readonly rowStep: number;
  readonly colStep: number;
}

/** tile height and width: 16 float64 accumulators, about what x64's 16 vector registers hold */
const T = 4;

/**
 * Packs the k x n matrix `b` as ceil(n / 4) panels of k rows of 4 columns (zero-padded on the
 * right), so the inner loop reads it sequentially whatever its strides (a transposed operand
 * costs one strided pass here, not a copy plus a pass).
 */
export const packPanels = (b: Strided, k: number, n: number, into: Float64Array): void => {
  const { data, start, rowStep, colStep } = b;
  for (let j0 = 0, o = 0; j0 < n; j0 += T) {
    const w = Math.min(T, n - j0);
    for (let q = 0; q < k; q++) {
      const s = start + q * rowStep + j0 * colStep;
      for (let j = 0; j < T; j++) into[o++] = j < w ? data[s + j * colStep]! : 0;
    }
  }
};
/** the float64 length of the packed panels of a k x n matrix */
export const packedLength = (k: number, n: number): number => Math.ceil(n / T) * T * k;

/**
 * c[co + i * n + j] = sum over q of a(i, q) * bp(q, j) for the m x k `a` and the packed k x n
 * `bp`, summed in float64 registers (JS numbers are doubles, so this costs nothing over float32)
 * in q order, and rounded once by the store. Rows of `a` are packed 4 at a time into `ap`.
 */
export const gemmPacked = (
  m: number, k: number, n: number, a: Strided, bp: Float64Array, c: { [i: number]: number }, co: number,
): void => {
  const ap = new Float64Array(T * k), tile = new Float64Array(T * T);
  const { data, start, rowStep, colStep } = a;
  for (let i0 = 0; i0 < m; i0 += T) {
    const h = Math.min(T, m - i0);
    for (let q = 0, o = 0; q < k; q++) {
      const s = start + i0 * rowStep + q * colStep;
      for (let r = 0; r < T; r++) ap[o++] = r < h ? data[s + r * rowStep]! : 0;
    }
    for (let j0 = 0; j0 < n; j0 += T) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let q = 0, ia = 0, ib = j0 * k; q < k; q++, ia += T, ib += T) {
        const a0 = ap[ia]!, a1 = ap[ia + 1]!, a2 = ap[ia + 2]!, a3 = ap[ia + 3]!;
        const b0 = bp[ib]!, b1 = bp[ib + 1]!, b2 = bp[ib + 2]!, b3 = bp[ib + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const w = Math.min(T, n - j0), o = co + i0 * n + j0;
      if (h === T && w === T) {
        c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03;
        let p = o + n;
        c[p] = c10; c[p + 1] = c11; c[p + 2] = c12; c[p + 3] = c13;
        p += n;
        c[p] = c20; c[p + 1] = c21; c[p + 2] = c22; c[p + 3] = c23;
        p += n;
        c[p] = c30; c[p + 1] = c31; c[p + 2] = c32; c[p + 3] = c33;
        continue;
      }
      tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
      tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
      tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
      tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
      for (let r = 0; r < h; r++) for (let j = 0; j < w; j++) c[o + r * n + j] = tile[r * T + j]!;
    }
  }
};
