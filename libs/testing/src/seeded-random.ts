// Deterministic pseudo-random numbers for property tests and generated data: the same
// seed gives the same sequence on every run and machine, so a failure can be replayed.

/** Numbers in [0, 1) from `seed` (mulberry32: small, fast, good enough for test data). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
