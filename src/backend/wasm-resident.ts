/** @file Copies of float32 arrays that ops read again and again (a constant input, a weight at inference) kept in the kernels' memory, in a ring above the scratch area, so a later read finds them there instead of copying them in. */

/** where the ring starts in the kernels' memory; a scratch area that grows past it wipes the ring */
export const RING_AT = 512 * 2 ** 20;
/** the ring's size; the memory is grown to RING_END once the ring is used (untouched pages cost nothing) */
const RING_BYTES = 64 * 2 ** 20;
/** kernels read whole vectors past an array's end: room for that after the ring */
export const RING_END = RING_AT + RING_BYTES + 64;
/** arrays shorter than this are copied in as before (cheap) */
const RESIDENT_FROM = 1 << 16;
/**
 * An array is kept from this read on: most arrays are intermediates read once or twice (by the
 * op that consumes them and by its pullback), and keeping those only churns the ring (measured:
 * 3 ms more on the transformer step with 2); a constant read on every step is kept from its third.
 */
const KEEP_FROM_READ = 3;

interface Entry { readonly at: number; readonly bytes: number; readonly data: WeakRef<Float32Array> }
let kept = new WeakMap<Float32Array, Entry>();
let reads = new WeakMap<Float32Array, number>();
/** the entries in the order they were made (the ring is filled in that order, and wraps) */
let order: Entry[] = [];
let head = 0;

/** forgets every kept copy (the scratch area grew into the ring) */
export const wipeResident = (): void => {
  kept = new WeakMap();
  reads = new WeakMap();
  order = [];
  head = 0;
};
/** forgets `data`'s copy: its contents are about to change (recycled storage) */
export const forgetResident = (data: object): void => {
  if (!(data instanceof Float32Array)) return;
  reads.delete(data);
  const e = kept.get(data);
  if (e === undefined) return;
  kept.delete(data);
  order = order.filter((x) => x !== e);
};

/**
 * The byte address of a copy of all of `data` in the memory `heap` views (grown to RING_END),
 * made now when this is the array's KEEP_FROM_READ-th read; undefined on earlier reads, for short arrays and for arrays bigger than a quarter of the ring (copy them into
 * scratch as usual). Storage is never written once it is a tensor's, so the copy stays right until
 * the array is recycled (forgetResident) or the scratch area grows into the ring (wipeResident).
 */
export const residentAddress = (data: Float32Array, heap: () => Float32Array | undefined): number | undefined => {
  const have = kept.get(data);
  if (have !== undefined) return RING_AT + have.at;
  if (data.length < RESIDENT_FROM || 4 * data.length > RING_BYTES / 4) return undefined;
  const read = (reads.get(data) ?? 0) + 1;
  reads.set(data, read);
  if (read < KEEP_FROM_READ) return undefined;
  const h = heap();
  if (h === undefined) return undefined;
  const bytes = (4 * data.length + 63) & ~63;
  if (head + bytes > RING_BYTES) head = 0;
  const from = head, to = head + bytes;
  order = order.filter((e) => {
    if (e.at >= to || e.at + e.bytes <= from) return true;
    const d = e.data.deref();
    if (d !== undefined) kept.delete(d);
    return false;
  });
  const e: Entry = { at: from, bytes, data: new WeakRef(data) };
  h.set(data, (RING_AT + from) >> 2);
  kept.set(data, e);
  order.push(e);
  head = to;
  return RING_AT + from;
};
