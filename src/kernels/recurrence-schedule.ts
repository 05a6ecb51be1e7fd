/**
 * How a recurrence kernel (forward or backward) is split into dispatches, shared by both.
 * Persistent: a dispatch covers a chunk of stages (at most strategy.maxStepsPerDispatch timesteps),
 * one workgroup per 4 batch rows walks all unit tiles. Stepwise: one dispatch per stage, workgroups
 * spread over the unit tiles too (cooperative products: one group of the layout's unit tiles each).
 * With unrolled products, each invocation walks all unit tiles of its own 4 rows, so a workgroup takes
 * 4·recurrenceWorkgroupSize rows. Row tiles fold into grid z past the per-dimension limit.
 */
import type { Cell } from './cell.js';
import { cooperativeLayout } from './recurrence-products-cooperative.js';
import type { Direction } from './recurrence-products.js';
import { foldedGrid, tiles4, type RNNShape } from './shape.js';
import type { DeviceTraits, Strategy } from './strategy.js';

export interface StageRange {
  readonly begin: number;
  readonly end: number;
  readonly workgroups: readonly [number, number, number];
}

export interface RecurrenceSchedule {
  readonly constants: Readonly<Record<string, number>>;
  readonly ranges: readonly StageRange[];
}

/**
 * `stages` stages of `cell`'s kernel in `direction`, cell.phases of them per timestep; the backward's
 * one extra stage joins the last chunk.
 */
export function recurrenceSchedule(
  shape: RNNShape & { readonly gates: number },
  stages: number,
  kernel: { readonly cell: Cell; readonly direction: Direction },
  strategy: Strategy,
  traits: DeviceTraits,
): RecurrenceSchedule {
  const stagesPerStep = kernel.cell.phases;
  // Unrolled products: each invocation takes a row tile and all its units.
  const unrolled = strategy.products === 'unrolled';
  const rowWorkgroups = unrolled
    ? Math.ceil(tiles4(shape.batch) / strategy.recurrenceWorkgroupSize)
    : tiles4(shape.batch);
  const [y, z] = foldedGrid(rowWorkgroups, traits.limits.maxComputeWorkgroupsPerDimension);
  const weights = shape.gates * shape.units * shape.units;
  const limit = traits.limits.maxComputeWorkgroupStorageSize;
  const stagingAsked = strategy.recurrence === 'persistent' && strategy.weightsInWorkgroup;
  if (stagingAsked && weights * 4 > limit) {
    throw new RangeError(
      `strategy.weightsInWorkgroup: recurrent_kernel is ${weights * 4} bytes; this device's ` +
        `maxComputeWorkgroupStorageSize is ${limit}`,
    );
  }
  // Unrolled products read their literal indices from storage: a staged copy would go unread.
  const staged = stagingAsked && !unrolled;
  // The workgroup array rounded up to a power of two where that fits (and leaves cooperative products
  // their share), so few sizes (pipelines) serve every layer.
  const rounded = 2 ** Math.ceil(Math.log2(weights));
  const spare = strategy.products === 'cooperative' ? limit / 2 : 0;
  const workgroupWeights = staged ? (rounded * 4 <= limit - spare ? rounded : weights) : 1;
  const cooperative =
    strategy.products === 'cooperative'
      ? cooperativeLayout(kernel.cell, kernel.direction, shape.units, strategy, traits.limits, workgroupWeights * 4)
      : null;
  const constants = {
    WORKGROUP_SIZE: strategy.recurrenceWorkgroupSize,
    WEIGHTS_IN_WORKGROUP: Number(staged),
    WORKGROUP_WEIGHTS: workgroupWeights,
    ...cooperative?.constants,
  };
  if (strategy.recurrence === 'persistent') {
    const chunk = strategy.maxStepsPerDispatch * stagesPerStep;
    const last = Math.max(1, Math.ceil((shape.timesteps * stagesPerStep) / chunk));
    return {
      constants,
      ranges: Array.from({ length: last }, (_, i) => ({
        begin: i * chunk,
        end: i + 1 === last ? stages : (i + 1) * chunk,
        workgroups: [1, y, z] as const,
      })),
    };
  }
  const unitTilesPerWorkgroup = cooperative?.unitTiles ?? strategy.recurrenceWorkgroupSize;
  const unitWorkgroups = unrolled ? 1 : Math.ceil(tiles4(shape.units) / unitTilesPerWorkgroup);
  return {
    constants,
    ranges: Array.from({ length: stages }, (_, s) => ({
      begin: s,
      end: s + 1,
      workgroups: [unitWorkgroups, y, z] as const,
    })),
  };
}
