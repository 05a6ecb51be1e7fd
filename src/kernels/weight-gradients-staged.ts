/**
 * Weight gradients with the GEMM's operands staged in workgroup memory (strategy.stagedGemms, the
 * hardware half's pick): the sums, splits, bindings and params of weight-gradients.ts, computed by
 * workgroups of gemmWorkgroup lanes that share each chunk of rows they load (see
 * weight-gradients-staged.wgsl). The kernel's and the recurrent region's tile rows include a row of ones
 * whose products are dBias's rows. One dispatch.
 * Limits: U/4 tiles on grid x, the regions' tile rows on grid y, per workgroup; workgroup memory for at
 * least one row of a chunk.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import rowsCode from '../wgsl/input-rows.wgsl?raw';
import outputsCode from '../wgsl/weight-gradients-outputs.wgsl?raw';
import code from '../wgsl/weight-gradients-staged.wgsl?raw';
import { defineKernel } from '../gpu/kernel.js';
import { tiles4 } from './shape.js';
import { dropoutConstants } from './side-inputs.js';
import { stagedChunk } from './staged-chunk.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';
import {
  weightGradientParams,
  weightGradients,
  type WeightGradientsOptions,
  type WeightGradientsRun,
  type WeightGradientsShape,
} from './weight-gradients.js';

export const weightGradientsStaged = defineKernel({
  name: 'weight-gradients-staged',
  modules: [orderCode, rowsCode, outputsCode, code],
  params: weightGradients.params,
  bindings: weightGradients.bindings,
});

/** The workgroup grid: the unit tiles on x, the kernel's then the recurrent region's tile rows on y, splits on z. */
export function stagedWeightGradientGrid(
  shape: WeightGradientsShape,
  biasRows: number,
  strategy: Pick<Strategy, 'gemmWorkgroup' | 'weightGradientRows'>,
): [number, number, number] {
  const [wx, wy] = strategy.gemmWorkgroup;
  const tileRows = 4 * wy;
  const kernelRows = shape.features + Number(biasRows > 0);
  const recurrentRows = shape.units + Number(biasRows > 1);
  return [
    Math.ceil(tiles4(shape.units) / wx),
    Math.ceil(kernelRows / tileRows) + Math.ceil(recurrentRows / tileRows),
    Math.ceil((shape.batch * shape.timesteps) / strategy.weightGradientRows),
  ];
}

/**
 * Rows per staged chunk: up to 16 (12 KiB for an LSTM at the hardware half's 8 × 8 lanes) and a power of two (so
 * chunks tile the 256-row blocks of partial sums), with the operand's and the saved operand's 4·WY words a row
 * (the saved operand's declared for every cell: an array sized by the cell would need a select in its size) and
 * dGates' 4·WX of every gate.
 */
export function stagedChunkRows(
  shape: Pick<WeightGradientsShape, 'gates'>,
  gemmWorkgroup: readonly [number, number],
  limits: Pick<GPUSupportedLimits, 'maxComputeWorkgroupStorageSize'>,
): number {
  const [wx, wy] = gemmWorkgroup;
  const bytes = (chunk: number) => 16 * chunk * (2 * wy + shape.gates * wx);
  const powerOfTwo = (chunk: number) => (chunk & (chunk - 1)) === 0;
  return stagedChunk({ unit: 'weight-gradient row', max: 16, allowed: powerOfTwo, bytes }, gemmWorkgroup, limits);
}

export function describeWeightGradientsStaged(
  shape: WeightGradientsShape,
  options: WeightGradientsOptions,
  strategy: Strategy,
  traits: Pick<DeviceTraits, 'limits'>,
): WeightGradientsRun {
  const [wx, wy] = strategy.gemmWorkgroup;
  return {
    spec: weightGradientsStaged,
    constants: {
      WORKGROUP_X: wx,
      WORKGROUP_Y: wy,
      GATES: shape.gates,
      SAVED_OPERAND: Number(options.savedOperand),
      CHUNK_ROWS: stagedChunkRows(shape, strategy.gemmWorkgroup, traits.limits),
      ...dropoutConstants(options.side),
      WORKGROUP_ORDER: workgroupOrderId(strategy),
    },
    dispatches: [
      {
        workgroups: stagedWeightGradientGrid(shape, options.biasRows, strategy),
        params: weightGradientParams(shape, options, strategy),
      },
    ],
  };
}
