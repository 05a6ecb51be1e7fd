/**
 * tfjs's default initial weights for the trainer's model, seeded (tfjs 4.22's layers): every kernel,
 * the recurrent layers' and Dense's, glorotNormal (a normal truncated at two standard deviations,
 * standard deviation √(2 / (fanIn + fanOut)): tfjs's VarianceScaling does not divide by Keras's
 * truncation factor); recurrent kernels orthogonal; biases zero, but for LSTM's forget gate with
 * unitForgetBias; an Embedding's embeddings uniform on [−0.05, 0.05].
 *
 * The orthogonal matrix takes O(U²·G·U) work (seconds past a thousand units), so it yields to the
 * event loop between chunks of rows: creating a trainer never blocks timers or the page.
 */
import type { ResolvedTrainerConfig } from './config.js';
import { normal, seededRandom, type Random } from './random.js';
import { trainerCell, weightShapes } from './weight-layout.js';

/** Work between two yields to the event loop. */
const SLICE_MS = 10;

export function glorotNormal(rows: number, columns: number, random: Random): Float32Array {
  const std = Math.sqrt(2 / (rows + columns));
  return Float32Array.from({ length: rows * columns }, () => {
    let value: number;
    do value = normal(random);
    while (Math.abs(value) > 2);
    return value * std;
  });
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A rows × columns matrix (rows ≤ columns) with orthonormal rows: as tfjs, the Q of a normal matrix's
 * QR with R's diagonal made positive, transposed. Modified Gram-Schmidt on the rows, in float64.
 */
export async function orthogonal(rows: number, columns: number, random: Random): Promise<Float32Array> {
  const q: Float64Array[] = [];
  let slice = performance.now();
  for (let j = 0; j < rows; j++) {
    const row = Float64Array.from({ length: columns }, () => normal(random));
    q.push(row);
    for (let k = 0; k < j; k++) {
      const previous = q[k]!;
      let dot = 0;
      for (let i = 0; i < columns; i++) dot += row[i]! * previous[i]!;
      for (let i = 0; i < columns; i++) row[i] = row[i]! - dot * previous[i]!;
    }
    // Dividing by the norm makes R's diagonal positive, as tfjs's sign correction does.
    let norm = 0;
    for (let i = 0; i < columns; i++) norm += row[i]! * row[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < columns; i++) row[i] = row[i]! / norm;
    if (performance.now() - slice > SLICE_MS) {
      await nextTask();
      slice = performance.now();
    }
  }
  const out = new Float32Array(rows * columns);
  q.forEach((row, j) => out.set(row, j * columns));
  return out;
}

/** Every weight in getWeights() order, as tfjs initialises the same model. */
export async function initialWeights(c: ResolvedTrainerConfig, seed: number): Promise<Float32Array[]> {
  const random = seededRandom(seed);
  const G = trainerCell(c).gates;
  const weights: Float32Array[] = [];
  for (const { name, shape } of weightShapes(c)) {
    const [rows, columns] = shape as [number, number];
    if (name === 'embedding embeddings')
      weights.push(Float32Array.from({ length: rows * columns }, () => random() * 0.1 - 0.05));
    else if (name.endsWith('recurrent_kernel')) weights.push(await orthogonal(rows, columns, random));
    else if (name.endsWith('kernel')) weights.push(glorotNormal(rows, columns, random));
    else {
      const bias = new Float32Array(shape.reduce((a, b) => a * b, 1));
      if (c.unitForgetBias) bias.fill(1, bias.length / G, (2 * bias.length) / G);
      weights.push(bias);
    }
  }
  return weights;
}
