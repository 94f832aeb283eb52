/** @file Patches on the wasm copier: the input copied in, the run table replayed with vector moves, the output copied out and left resident for the product that follows. */
import { heap, setResident, wasmKernels } from './wasm-matmul.js';

const align16 = (n: number): number => (n + 15) & ~15;
const bitsOf = new Int32Array(1), floatOf = new Float32Array(bitsOf.buffer);

/**
 * Fills `out` (images of `outPer` floats) from `src` (images of `inPer` floats from `start`) by
 * the run table of one image (see fast-window), padding runs taking `value`; false (nothing done)
 * without the wasm kernels or when the memory cannot hold it all. The output stays at address 0
 * of the kernels' memory, marked resident, so a matmul taking it next reads it there.
 */
export const patchesWasm = (
  src: Float32Array, start: number, inPer: number, out: Float32Array, outPer: number, images: number, runs: Int32Array, value: number,
): boolean => {
  const kern = wasmKernels();
  if (kern === undefined) return false;
  const outBytes = 4 * out.length, xAt = align16(outBytes), xLen = images * inPer, tableAt = align16(xAt + 4 * xLen);
  setResident(undefined);
  const h = heap(kern, tableAt + 4 * runs.length);
  if (h === undefined) return false;
  h.set(src.subarray(start, start + xLen), xAt >> 2);
  new Int32Array(h.buffer, tableAt, runs.length).set(runs);
  floatOf[0] = value;
  kern.copyRuns(tableAt, runs.length / 3, 0, xAt, images, 4 * inPer, 4 * outPer, bitsOf[0]!);
  out.set(h.subarray(0, out.length));
  setResident(out);
  return true;
};
