/**
 * Input gradient with the GEMM's operands staged in workgroup memory (strategy.stagedGemms where
 * strategy.inputGradientSlices is 1: the hardware half's pick for layers with tiles enough to fill a GPU; with
 * fewer, slices split each tile's reduction instead): the sums, bindings and params of input-gradient.ts,
 * computed by workgroups of gemmWorkgroup lanes that share each chunk of columns they load (see
 * input-gradient-staged.wgsl). One dispatch.
 * Limits: as input-gradient's; workgroup memory for at least one column of a chunk.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import rowsCode from '../wgsl/input-rows.wgsl?raw';
import dxRowsCode from '../wgsl/input-gradient-rows.wgsl?raw';
import code from '../wgsl/input-gradient-staged.wgsl?raw';
import { defineKernel } from '../gpu/kernel.js';
import { describeInputGradient, inputGradient, type InputGradientRun } from './input-gradient.js';
import type { RNNShape } from './shape.js';
import { evenOrOne, stagedChunk } from './staged-chunk.js';
import type { SideLayout } from './side-inputs.js';
import type { DeviceTraits, Strategy } from './strategy.js';

export const inputGradientStaged = defineKernel({
  name: 'input-gradient-staged',
  modules: [orderCode, rowsCode, dxRowsCode, code],
  params: inputGradient.params,
  bindings: inputGradient.bindings,
});

/**
 * Columns per staged chunk: up to 32 (8.25 KiB at the hardware half's 8 × 8 lanes) and even (the rows of dGates
 * and kernel, chunk + 1 words, then have an odd stride).
 */
export function stagedChunkColumns(
  gemmWorkgroup: readonly [number, number],
  limits: Pick<GPUSupportedLimits, 'maxComputeWorkgroupStorageSize'>,
): number {
  const [wx, wy] = gemmWorkgroup;
  const bytes = (chunk: number) => 16 * (wx + wy) * (chunk + 1);
  return stagedChunk({ unit: 'input-gradient column', max: 32, allowed: evenOrOne, bytes }, gemmWorkgroup, limits);
}

/** The unsliced kernel's run (its grid, params and overrides but K_SLICES) on the staged kernel. */
export function describeInputGradientStaged(
  shape: RNNShape & { readonly gates: number; readonly gradientBlocks: number },
  options: { goBackwards: boolean; side?: SideLayout | null },
  strategy: Strategy,
  traits: DeviceTraits,
): InputGradientRun {
  if (strategy.inputGradientSlices !== 1)
    throw new RangeError(
      `strategy.inputGradientSlices: the staged input gradient takes 1; got ${strategy.inputGradientSlices}`,
    );
  const { constants, ...run } = describeInputGradient(shape, options, strategy, traits);
  const { K_SLICES: _slices, ...shared } = constants;
  const chunk = stagedChunkColumns(strategy.gemmWorkgroup, traits.limits);
  return { ...run, spec: inputGradientStaged, constants: { ...shared, CHUNK_COLUMNS: chunk } };
}
