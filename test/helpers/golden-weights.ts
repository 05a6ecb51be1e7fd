/**
 * The frameworks' golden data for convertWeights (test/golden/convert-weights.json, written by
 * scripts/golden/convert-weights.py), and a converted stack run as the frameworks run it: layer by layer,
 * each layer's directions concatenated per step, the backward direction's outputs in the input's time order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellId } from '../../src/kernels/cells.js';
import type { ConvertedDirection, ConvertedWeights, OnnxSource, WeightSource } from '../../src/index.js';
import type { PlainTensor } from '../../src/weights/tensor.js';
import { root } from './readme.js';

export interface GoldenTensor {
  readonly shape: number[];
  readonly data: number[];
}

export interface GoldenCase {
  readonly name: string;
  readonly source: WeightSource & Record<string, unknown>;
  /** [batch, timesteps, features] */
  readonly x: GoldenTensor;
  /** The last layer's outputs, [batch, timesteps, directions·units]. */
  readonly y: GoldenTensor;
  /** Final states, [layers·directions, batch, units]; c: LSTM's cell states (not from ONNX's reference). */
  readonly h: GoldenTensor;
  readonly c?: GoldenTensor;
}

export const GOLDEN: { readonly cases: readonly GoldenCase[] } = JSON.parse(
  readFileSync(join(root, 'test', 'golden', 'convert-weights.json'), 'utf8'),
);

export const goldenCase = (name: string): GoldenCase => {
  const found = GOLDEN.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no golden case ${name}`);
  return found;
};

/** One direction's run: every step's h (and LSTM's c), [batch, timesteps, units], in consumption order. */
export type RunDirection = (
  cell: CellId,
  direction: ConvertedDirection,
  x: Float32Array,
  shape: { batch: number; timesteps: number },
) => Promise<{ h: ArrayLike<number>; c?: ArrayLike<number> }>;

export interface StackOutputs {
  readonly y: Float32Array;
  readonly h: Float32Array;
  readonly c: Float32Array | null;
}

/** Runs every layer and direction of `converted` on x [batch, timesteps, features]: y, and h (and c) as h_n. */
export async function runStack(
  converted: ConvertedWeights<CellId>,
  x: GoldenTensor,
  run: RunDirection,
): Promise<StackOutputs> {
  const [batch, timesteps] = x.shape as [number, number];
  const U = converted.units;
  const lstm = converted.cell === 'lstm';
  const finals: { h: number[]; c: number[] }[] = [];
  let input = Float32Array.from(x.data);
  for (const directions of converted.layers) {
    const D = directions.length;
    const output = new Float32Array(batch * timesteps * D * U);
    for (const [d, direction] of directions.entries()) {
      const { h, c } = await run(converted.cell, direction, input, { batch, timesteps });
      const final = { h: [] as number[], c: [] as number[] };
      for (let b = 0; b < batch; b++) {
        for (let s = 0; s < timesteps; s++) {
          // Step s consumed input step t.
          const t = direction.config.goBackwards ? timesteps - 1 - s : s;
          for (let u = 0; u < U; u++) output[((b * timesteps + t) * D + d) * U + u] = h[(b * timesteps + s) * U + u]!;
        }
        const last = (b * timesteps + timesteps - 1) * U;
        final.h.push(...Array.from({ length: U }, (_, u) => h[last + u]!));
        if (lstm) final.c.push(...Array.from({ length: U }, (_, u) => c![last + u]!));
      }
      finals.push(final);
    }
    input = output;
  }
  return {
    y: input,
    h: Float32Array.from(finals.flatMap((f) => f.h)),
    c: lstm ? Float32Array.from(finals.flatMap((f) => f.c)) : null,
  };
}

/**
 * The ONNX 'reverse' operator of a bidirectional one: its second direction's W, R, B, outputs and state
 * (ONNX's bidirectional is its forward and reverse operators side by side).
 */
export function reverseOnly(bidirectional: GoldenCase): GoldenCase {
  const second = ({ shape, data }: PlainTensor | GoldenTensor): GoldenTensor => ({
    shape: [1, ...shape.slice(1)],
    data: Array.from(data).slice(data.length / 2),
  });
  const { W, R, B, activations } = bidirectional.source as OnnxSource;
  const [batch, timesteps, width] = bidirectional.y.shape as [number, number, number];
  const units = width / 2;
  const y = Array.from({ length: batch * timesteps }, (_, row) =>
    bidirectional.y.data.slice(row * width + units, (row + 1) * width),
  ).flat();
  return {
    name: `${bidirectional.name}, its reverse direction alone`,
    source: {
      ...bidirectional.source,
      ...{ W: second(W), R: second(R), B: second(B!), direction: 'reverse' },
      ...(activations ? { activations: activations.slice(activations.length / 2) } : {}),
    },
    x: bidirectional.x,
    y: { shape: [batch, timesteps, units], data: y },
    h: second(bidirectional.h),
    ...(bidirectional.c ? { c: second(bidirectional.c) } : {}),
  };
}
