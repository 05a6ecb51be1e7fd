/**
 * tfjs's default initial weights for SimpleRNN → Dense, seeded: kernel glorotNormal (a normal
 * truncated at two standard deviations), recurrent kernel orthogonal, dense kernel glorotUniform,
 * biases zero.
 */
import { normal, type Random } from './random.js';

// Standard deviation of a unit normal truncated at ±2 (tfjs's VarianceScaling divides by it).
const TRUNCATED_STD = 0.87962566103423978;

export function glorotNormal(rows: number, columns: number, random: Random): Float32Array {
  const std = Math.sqrt(2 / (rows + columns)) / TRUNCATED_STD;
  return Float32Array.from({ length: rows * columns }, () => {
    let value: number;
    do value = normal(random);
    while (Math.abs(value) > 2);
    return value * std;
  });
}

export function glorotUniform(rows: number, columns: number, random: Random): Float32Array {
  const limit = Math.sqrt(6 / (rows + columns));
  return Float32Array.from({ length: rows * columns }, () => (random() * 2 - 1) * limit);
}

/** An n × n orthogonal matrix: Q of a normal matrix's QR (Gram-Schmidt), signs as tfjs's. */
export function orthogonal(n: number, random: Random): Float32Array {
  const columns = Array.from({ length: n }, () => Float64Array.from({ length: n }, () => normal(random)));
  for (let j = 0; j < n; j++) {
    const q = columns[j]!;
    for (let k = 0; k < j; k++) {
      const previous = columns[k]!;
      const dot = q.reduce((sum, v, i) => sum + v * previous[i]!, 0);
      for (let i = 0; i < n; i++) q[i] = q[i]! - dot * previous[i]!;
    }
    // Dividing by the norm makes R's diagonal positive, as tfjs's sign correction does.
    const norm = Math.hypot(...q);
    for (let i = 0; i < n; i++) q[i] = q[i]! / norm;
  }
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = columns[j]![i]!;
  return out;
}
