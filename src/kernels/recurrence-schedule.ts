/**
 * How a recurrence kernel (forward or backward) is split into dispatches, shared by both.
 * Persistent: a dispatch covers a chunk of stages (at most strategy.maxStepsPerDispatch timesteps),
 * one workgroup per 4 batch rows walks all unit tiles. Stepwise: one dispatch per stage, workgroups
 * spread over the unit tiles too. With unrolled products, each invocation walks all unit tiles of its
 * own 4 rows, so a workgroup takes 4·recurrenceWorkgroupSize rows. Row tiles fold into grid z past
 * the per-dimension limit.
 */
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
 * `stages` stages, `stagesPerStep` of them per timestep (a cell's phases); the backward's one extra
 * stage joins the last chunk.
 */
export function recurrenceSchedule(
  shape: RNNShape & { readonly gates: number },
  stages: number,
  stagesPerStep: number,
  strategy: Strategy,
  traits: DeviceTraits,
): RecurrenceSchedule {
  // Unrolled products: each invocation takes a row tile and all its units.
  const unrolled = strategy.products === 'unrolled';
  const rowWorkgroups = unrolled
    ? Math.ceil(tiles4(shape.batch) / strategy.recurrenceWorkgroupSize)
    : tiles4(shape.batch);
  const [y, z] = foldedGrid(rowWorkgroups, traits.limits.maxComputeWorkgroupsPerDimension);
  // Unrolled products read their literal indices from storage: a staged copy would go unread.
  const staged = strategy.recurrence === 'persistent' && strategy.weightsInWorkgroup && !unrolled;
  const weights = shape.gates * shape.units * shape.units;
  // The workgroup array rounded up to a power of two where that fits, so few sizes (pipelines) serve every layer.
  const rounded = 2 ** Math.ceil(Math.log2(weights));
  const constants = {
    WORKGROUP_SIZE: strategy.recurrenceWorkgroupSize,
    WEIGHTS_IN_WORKGROUP: Number(staged),
    WORKGROUP_WEIGHTS: staged ? (rounded * 4 <= traits.limits.maxComputeWorkgroupStorageSize ? rounded : weights) : 1,
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
  const unitWorkgroups = unrolled ? 1 : Math.ceil(tiles4(shape.units) / strategy.recurrenceWorkgroupSize);
  return {
    constants,
    ranges: Array.from({ length: stages }, (_, s) => ({
      begin: s,
      end: s + 1,
      workgroups: [unitWorkgroups, y, z] as const,
    })),
  };
}
