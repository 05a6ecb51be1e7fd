/** Seeded randomness for initial weights and shuffling (and the tests' data): mulberry32, and normals by Box-Muller. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The sample order of one epoch: 0..n-1, shuffled (Fisher-Yates) when random is given. */
export function sampleOrder(n: number, random: Random | null): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  if (random) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  return order;
}
