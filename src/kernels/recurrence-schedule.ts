/**
 * How a recurrence kernel (forward or backward) is split into dispatches, shared by both.
 * Persistent: one dispatch covers every stage, one workgroup per 4 batch rows walks all unit tiles.
 * Stepwise: one dispatch per stage, workgroups spread over the unit tiles too.
 */
import { tiles4, type RNNShape } from './shape.js';
import type { Strategy } from './strategy.js';

export interface StageRange {
  readonly begin: number;
  readonly end: number;
  readonly workgroups: readonly [number, number, number];
}

export interface RecurrenceSchedule {
  readonly constants: Readonly<Record<string, number>>;
  readonly ranges: readonly StageRange[];
}

export function recurrenceSchedule(shape: RNNShape, stages: number, strategy: Strategy): RecurrenceSchedule {
  const rowTiles = tiles4(shape.batch);
  const staged = strategy.recurrence === 'persistent' && strategy.weightsInWorkgroup;
  const constants = {
    WORKGROUP_SIZE: strategy.recurrenceWorkgroupSize,
    WEIGHTS_IN_WORKGROUP: Number(staged),
    WORKGROUP_WEIGHTS: staged ? shape.units * shape.units : 1,
  };
  if (strategy.recurrence === 'persistent') {
    return { constants, ranges: [{ begin: 0, end: stages, workgroups: [1, rowTiles, 1] }] };
  }
  const unitWorkgroups = Math.ceil(tiles4(shape.units) / strategy.recurrenceWorkgroupSize);
  return {
    constants,
    ranges: Array.from({ length: stages }, (_, s) => ({ begin: s, end: s + 1, workgroups: [unitWorkgroups, rowTiles, 1] as const })),
  };
}
