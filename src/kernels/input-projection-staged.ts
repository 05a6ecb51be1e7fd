/**
 * Input projection with the GEMM's operands staged in workgroup memory (strategy.stagedGemms, the hardware
 * half's pick): the sums, bindings and params of input-projection.ts, computed by workgroups of
 * gemmWorkgroup lanes that share each chunk of features they load (see input-projection-staged.wgsl).
 * One dispatch.
 * Limits: as input-projection's; workgroup memory for at least one feature of a chunk.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import rowsCode from '../wgsl/input-rows.wgsl?raw';
import code from '../wgsl/input-projection-staged.wgsl?raw';
import { defineKernel } from '../gpu/kernel.js';
import {
  describeInputProjection,
  inputProjection,
  type InputProjectionOptions,
  type InputProjectionRun,
} from './input-projection.js';
import type { RNNShape } from './shape.js';
import type { DeviceTraits, Strategy } from './strategy.js';

export const inputProjectionStaged = defineKernel({
  name: 'input-projection-staged',
  modules: [orderCode, rowsCode, code],
  params: inputProjection.params,
  bindings: inputProjection.bindings,
});

/** Features staged at once at most: 8 KiB at the hardware half's 8 × 8 lanes. */
const MAX_CHUNK_FEATURES = 32;

/**
 * Features per staged chunk: the most, up to MAX_CHUNK_FEATURES and even (x's rows then have an odd stride, in
 * distinct banks), whose x (4·WY rows of chunk + 1 floats) and kernel (chunk × 4·WX floats) fit workgroup memory.
 */
export function stagedChunkFeatures(
  gemmWorkgroup: readonly [number, number],
  limits: Pick<GPUSupportedLimits, 'maxComputeWorkgroupStorageSize'>,
): number {
  const [wx, wy] = gemmWorkgroup;
  const bytes = (chunk: number) => 16 * wy * (chunk + 1) + 16 * wx * chunk;
  const fits = Math.floor((limits.maxComputeWorkgroupStorageSize - 16 * wy) / (16 * (wx + wy)));
  if (fits < 1) {
    throw new RangeError(
      `strategy.gemmWorkgroup [${wx}, ${wy}]: a staged input-projection feature needs ${bytes(1)} bytes ` +
        `of workgroup memory, more than this device's maxComputeWorkgroupStorageSize ` +
        `(${limits.maxComputeWorkgroupStorageSize}); use fewer lanes or stagedGemms: false`,
    );
  }
  const chunk = Math.min(MAX_CHUNK_FEATURES, fits);
  return chunk > 1 ? chunk - (chunk % 2) : 1;
}

/** The unstaged kernel's run (its grid, params and overrides) on the staged kernel, with its chunk's length. */
export function describeInputProjectionStaged(
  shape: RNNShape & { readonly gates: number },
  options: InputProjectionOptions,
  strategy: Strategy,
  traits: DeviceTraits,
): InputProjectionRun {
  const run = describeInputProjection(shape, options, strategy, traits);
  const chunk = stagedChunkFeatures(strategy.gemmWorkgroup, traits.limits);
  return { ...run, spec: inputProjectionStaged, constants: { ...run.constants, CHUNK_FEATURES: chunk } };
}
