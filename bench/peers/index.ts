/** @file The measured libraries, each loaded only inside its own child process. */
import type { Peer } from '../harness.js';

export interface PeerInfo {
  readonly id: string;
  /** the column header of the results table */
  readonly column: string;
  readonly load: () => Promise<Peer>;
}

export const PEERS: readonly PeerInfo[] = [
  { id: 'shapegrad', column: 'shapegrad', load: async () => (await import('./shapegrad.js')).shapegrad },
  { id: 'tfjs-cpu', column: 'tfjs-cpu', load: async () => (await import('./tfjs.js')).tfjsPeer('cpu', 1) },
  { id: 'tfjs-wasm-1', column: 'tfjs-wasm 1 thread', load: async () => (await import('./tfjs.js')).tfjsPeer('wasm', 1) },
  { id: 'tfjs-wasm-2', column: 'tfjs-wasm 2 threads', load: async () => (await import('./tfjs.js')).tfjsPeer('wasm', 2) },
  { id: 'jax-js', column: 'jax-js wasm (jit; W4 eager)', load: async () => (await import('./jax.js')).jaxPeer(0) },
  {
    id: 'jax-js-2w', column: 'jax-js wasm (jit; W4 eager) 2 workers',
    // the Worker shim must be in place before jax-js is first imported (its wasm memory is made shared or not then)
    load: async () => { (await import('./jax-node-workers.js')).installNodeWorkers(2); return (await import('./jax.js')).jaxPeer(2); },
  },
];
/**
 * The peers `--quick` runs by default: all but tfjs-cpu, whose plain-JS kernels are 10-100x slower
 * than every other library and alone take ~40 s of a quick run (issue 8 asks for under a minute);
 * `--peers=...,tfjs-cpu` or the full run still measure it.
 */
export const QUICK_PEERS: readonly PeerInfo[] = PEERS.filter((p) => p.id !== 'tfjs-cpu');
/** configurations kept for comparison runs (--peers=...), not in the default set */
export const EXTRA_PEERS: readonly PeerInfo[] = [
  { id: 'jax-js-eager', column: 'jax-js wasm (all eager)', load: async () => (await import('./jax.js')).jaxPeer(0, 'eager') },
  { id: 'jax-js-jit', column: 'jax-js wasm (all jit)', load: async () => (await import('./jax.js')).jaxPeer(0, 'jit') },
];
export const peerInfo = (id: string): PeerInfo => {
  const p = [...PEERS, ...EXTRA_PEERS].find((q) => q.id === id);
  if (p === undefined) throw new Error(`unknown peer '${id}' (known: ${PEERS.map((q) => q.id).join(', ')})`);
  return p;
};
