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
import { evenOrOne, stagedChunk } from './staged-chunk.js';
import type { DeviceTraits, Strategy } from './strategy.js';

export const inputProjectionStaged = defineKernel({
  name: 'input-projection-staged',
  modules: [orderCode, rowsCode, code],
  params: inputProjection.params,
  bindings: inputProjection.bindings,
});

/**
 * Features per staged chunk: up to 32 (8.1 KiB at the hardware half's 8 × 8 lanes) and even (x's rows, 4·WY of
 * chunk + 1 words, then have an odd stride), with kernel's chunk × 4·WX words.
 */
export function stagedChunkFeatures(
  gemmWorkgroup: readonly [number, number],
  limits: Pick<GPUSupportedLimits, 'maxComputeWorkgroupStorageSize'>,
): number {
  const [wx, wy] = gemmWorkgroup;
  const bytes = (chunk: number) => 16 * wy * (chunk + 1) + 16 * wx * chunk;
  return stagedChunk({ unit: 'input-projection feature', max: 32, allowed: evenOrOne, bytes }, gemmWorkgroup, limits);
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
