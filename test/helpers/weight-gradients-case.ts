/** A weight-gradient kernels' case (weight-gradients, weight-gradients-staged): its data, inputs and reference. */
import type { KernelRun } from '../../src/gpu/kernel.js';
import { dropoutMaskRef } from '../../src/kernels/dropout-mask.ref.js';
import { sideLayout, type SideLayout } from '../../src/kernels/side-inputs.js';
import type { WeightGradientsOptions, WeightGradientsShape } from '../../src/kernels/weight-gradients.js';
import { weightGradientsRef } from '../../src/kernels/weight-gradients.ref.js';
import { random, uniform } from './data.js';
import { runKernel } from './run-kernel.js';

export type WeightGradientsCase = WeightGradientsShape &
  Omit<WeightGradientsOptions, 'side'> & {
    readonly useInitialState: boolean;
    /** Dropout masks on x and h_{s-1}, at rate 0.4. */
    readonly dropout?: boolean;
  };

export interface WeightGradientsData {
  x: Float32Array;
  h: Float32Array;
  initialState: Float32Array;
  dGates: Float32Array;
  saved: Float32Array;
}

/** The case's dropout masks: dm [B, F] and rm [B, U], or none. */
const masks = (c: WeightGradientsCase) => ({
  inputDropout: c.dropout ? dropoutMaskRef(c.batch, c.features, 0.4, c.units) : null,
  recurrentDropout: c.dropout ? dropoutMaskRef(c.batch, c.units, 0.4, c.units + 1) : null,
});

/** Uniform data in [-1, 1], seeded by the shape. */
export function weightGradientsData(c: WeightGradientsCase): WeightGradientsData {
  const rng = random(c.batch * 31 + c.units * 17 + c.features + c.gradientBlocks);
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: uniform(B * T * F, 1, rng),
    h: uniform(B * T * U, 1, rng),
    initialState: uniform(B * U, 1, rng),
    dGates: uniform(B * T * c.gradientBlocks * U, 1, rng),
    saved: uniform(B * T * U, 1, rng),
  };
}

/** Where the initial state and the masks go in `side`. */
export const weightGradientsSide = (device: GPUDevice, c: WeightGradientsCase): SideLayout => {
  const dropout = c.dropout ?? false;
  return sideLayout(
    { ...c, useInitialSaved: false, masking: null, inputDropout: dropout, recurrentDropout: dropout },
    device.limits.minStorageBufferOffsetAlignment,
  );
};

/**
 * Runs the kernel on the case's data: its outputs as the kernel wrote them, with room for `splits`
 * partials each.
 */
export function runWeightGradients(
  device: GPUDevice,
  c: WeightGradientsCase,
  data: WeightGradientsData,
  run: KernelRun,
  layout: SideLayout,
  splits = 1,
): Promise<Record<string, Float32Array>> {
  const { features: F, units: U, gates: G } = c;
  const side = new Float32Array(Math.max(layout.bytes / 4, 1));
  const { inputDropout, recurrentDropout } = masks(c);
  if (layout.initialState) side.set(data.initialState, layout.initialState.at);
  if (layout.inputDropout) side.set(inputDropout!, layout.inputDropout.at);
  if (layout.recurrentDropout) side.set(recurrentDropout!, layout.recurrentDropout.at);
  return runKernel(device, run, {
    ...data,
    side,
    dKernel: splits * F * G * U,
    dRecurrentKernel: splits * U * G * U,
    dBias: splits * Math.max(c.biasRows, 1) * G * U,
  });
}

export function weightGradientsReference(c: WeightGradientsCase, data: WeightGradientsData) {
  return weightGradientsRef({ ...data, ...masks(c), initialState: c.useInitialState ? data.initialState : null }, c, c);
}
