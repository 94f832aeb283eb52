/** @file A test helper: the width and height of PNG bytes, after checking the signature. */
import { expect } from 'vitest';

/** [width, height] from the IHDR chunk (big-endian u32 at bytes 16 and 20) */
export const pngSize = (bytes: Uint8Array): [number, number] => {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
};
