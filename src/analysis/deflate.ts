/** @file A small zlib writer (RFC 1950/1951): stored blocks, or one fixed-Huffman block with LZ77 matches; CRC-32 and Adler-32. Browser-safe. */

/** CRC-32 (ISO 3309, as PNG chunks use it) of bytes */
export const crc32 = (bytes: Uint8Array): number => {
  let c = ~0;
  for (let i = 0; i < bytes.length; i++) c = (c >>> 8) ^ CRC_TABLE[(c ^ bytes[i]!) & 0xff]!;
  return ~c >>> 0;
};
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** Adler-32 of bytes (the zlib stream's checksum) */
export const adler32 = (bytes: Uint8Array): number => {
  let a = 1, b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
};

/** writes bits least-significant first, as deflate packs everything but Huffman codes */
interface BitWriter {
  write(value: number, count: number): void;
  /** a Huffman code, which deflate packs most-significant bit first */
  code(code: number, count: number): void;
  finish(): Uint8Array;
}
const bitWriter = (): BitWriter => {
  let bytes = new Uint8Array(1024), length = 0, acc = 0, bits = 0;
  const flush = (): void => {
    if (length === bytes.length) {
      const grown = new Uint8Array(bytes.length * 2);
      grown.set(bytes);
      bytes = grown;
    }
    bytes[length++] = acc;
    acc = 0;
    bits = 0;
  };
  const write = (value: number, count: number): void => {
    for (let i = 0; i < count; i++) {
      acc |= ((value >>> i) & 1) << bits;
      if (++bits === 8) flush();
    }
  };
  return {
    write,
    code: (code, count) => { for (let i = count - 1; i >= 0; i--) write((code >>> i) & 1, 1); },
    finish: () => {
      if (bits > 0) flush();
      return bytes.slice(0, length);
    },
  };
};

// RFC 1951 3.2.5: the base value and extra bits of each length code (257..285) and distance code (0..29)
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** the largest i with table[i] <= v */
const codeFor = (table: readonly number[], v: number): number => {
  let i = table.length - 1;
  while (table[i]! > v) i--;
  return i;
};
/** a literal/length symbol in the fixed Huffman code (RFC 1951 3.2.6) */
const fixedSymbol = (w: BitWriter, s: number): void => {
  if (s < 144) w.code(0x30 + s, 8);
  else if (s < 256) w.code(0x190 + s - 144, 9);
  else if (s < 280) w.code(s - 256, 7);
  else w.code(0xc0 + s - 280, 8);
};

const MIN_MATCH = 3, MAX_MATCH = 258, WINDOW = 32768, CHAIN = 64;
/** one final fixed-Huffman block; matches are found with hash chains over 3-byte prefixes */
const fixedBlock = (data: Uint8Array): Uint8Array => {
  const w = bitWriter();
  w.write(1, 1); // BFINAL
  w.write(1, 2); // BTYPE 01: fixed Huffman codes
  const head = new Int32Array(1 << 15).fill(-1), prev = new Int32Array(data.length);
  const hash = (i: number): number => ((data[i]! << 10) ^ (data[i + 1]! << 5) ^ data[i + 2]!) & 0x7fff;
  const insert = (i: number): void => {
    if (i + MIN_MATCH > data.length) return;
    const h = hash(i);
    prev[i] = head[h]!;
    head[h] = i;
  };
  let i = 0;
  while (i < data.length) {
    let bestLen = 0, bestDist = 0;
    if (i + MIN_MATCH <= data.length) {
      const limit = Math.min(MAX_MATCH, data.length - i);
      for (let j = head[hash(i)]!, n = 0; j >= 0 && i - j <= WINDOW && n < CHAIN; j = prev[j]!, n++) {
        let len = 0;
        while (len < limit && data[j + len] === data[i + len]) len++;
        if (len > bestLen) { bestLen = len; bestDist = i - j; }
        if (len === limit) break;
      }
    }
    if (bestLen >= MIN_MATCH) {
      const lc = codeFor(LENGTH_BASE, bestLen), dc = codeFor(DIST_BASE, bestDist);
      fixedSymbol(w, 257 + lc);
      w.write(bestLen - LENGTH_BASE[lc]!, LENGTH_EXTRA[lc]!);
      w.code(dc, 5);
      w.write(bestDist - DIST_BASE[dc]!, DIST_EXTRA[dc]!);
      for (let k = 0; k < bestLen; k++) insert(i + k);
      i += bestLen;
    } else {
      fixedSymbol(w, data[i]!);
      insert(i);
      i++;
    }
  }
  fixedSymbol(w, 256); // end of block
  return w.finish();
};
/** stored (uncompressed) blocks of at most 65535 bytes: header byte, LEN, NLEN (little-endian), the bytes */
const storedBlocks = (data: Uint8Array): Uint8Array => {
  const count = Math.max(Math.ceil(data.length / 65535), 1);
  const out = new Uint8Array(data.length + 5 * count);
  let o = 0;
  for (let b = 0; b < count; b++) {
    const chunk = data.subarray(b * 65535, (b + 1) * 65535);
    out[o++] = b === count - 1 ? 1 : 0;
    out[o++] = chunk.length & 0xff;
    out[o++] = chunk.length >>> 8;
    out[o++] = ~chunk.length & 0xff;
    out[o++] = (~chunk.length >>> 8) & 0xff;
    out.set(chunk, o);
    o += chunk.length;
  }
  return out;
};

/** how zlibStream encodes: 'fixed' (LZ77 + fixed Huffman codes, the default) or 'stored' (no compression) */
export type Compression = 'fixed' | 'stored';
/** a zlib stream (RFC 1950): header 78 01, the deflate data, and the Adler-32 of the data (big-endian) */
export const zlibStream = (data: Uint8Array, compression: Compression = 'fixed'): Uint8Array => {
  const body = compression === 'stored' ? storedBlocks(data) : fixedBlock(data);
  const out = new Uint8Array(body.length + 6);
  out[0] = 0x78; // deflate, 32K window
  out[1] = 0x01; // no dictionary, fastest; (0x78 * 256 + 0x01) % 31 === 0
  out.set(body, 2);
  new DataView(out.buffer).setUint32(body.length + 2, adler32(data));
  return out;
};
