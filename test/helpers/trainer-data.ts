/** Inputs for the trainer kernels' tests: a progress buffer's contents and u32 data as float32 bits. */
import type { TrainerWeights } from '../../src/kernels/trainer-step.ref.js';
import { uniform } from './data.js';

export interface SlotValues {
  iterations: number;
  fitStep: number;
  accBeta1: number;
  accBeta2: number;
}

/** Progress: slots [2] { iterations, fitStep, β1ᵗ, β2ᵗ }, firstEpoch, losses. */
export function progressData(slots: [SlotValues, SlotValues], firstEpoch: number, losses: number[]): Float32Array {
  const buffer = new ArrayBuffer(36 + losses.length * 4);
  const u32 = new Uint32Array(buffer);
  const f32 = new Float32Array(buffer);
  slots.forEach((slot, k) => {
    u32[4 * k] = slot.iterations;
    u32[4 * k + 1] = slot.fitStep;
    f32[4 * k + 2] = slot.accBeta1;
    f32[4 * k + 3] = slot.accBeta2;
  });
  u32[8] = firstEpoch;
  f32.set(losses, 9);
  return f32;
}

export function readSlot(progress: Float32Array, k: number): SlotValues {
  const u32 = new Uint32Array(progress.buffer, progress.byteOffset, progress.length);
  return { iterations: u32[4 * k]!, fitStep: u32[4 * k + 1]!, accBeta1: progress[4 * k + 2]!, accBeta2: progress[4 * k + 3]! };
}

/** u32 values, reinterpreted so they can be uploaded as a Float32Array. */
export const u32Bits = (values: number[]): Float32Array => new Float32Array(Uint32Array.from(values).buffer);

export function randomWeights(features: number, units: number, outputs: number, rng: () => number): TrainerWeights & { flat: Float32Array } {
  const kernel = uniform(features * units, 1 / Math.sqrt(features), rng);
  const recurrentKernel = uniform(units * units, 1 / Math.sqrt(units), rng);
  const bias = uniform(units, 0.3, rng);
  const denseKernel = uniform(units * outputs, 1 / Math.sqrt(units), rng);
  const denseBias = uniform(outputs, 0.3, rng);
  return { kernel, recurrentKernel, bias, denseKernel, denseBias, flat: Float32Array.from([...kernel, ...recurrentKernel, ...bias, ...denseKernel, ...denseBias]) };
}
