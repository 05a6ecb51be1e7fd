/**
 * The recurrences' two ways of loading a block of their reduction's operand (strategy.stateLoads):
 * 'each' invocation loads the whole block (state-loads.wgsl), or the invocations of a 'subgroup'
 * load a column each and broadcast it (state-loads-subgroup.wgsl, which needs the device's
 * 'subgroups' feature). The module is composed first: it may open with `enable subgroups;`.
 */
import eachCode from '../wgsl/state-loads.wgsl?raw';
import subgroupCode from '../wgsl/state-loads-subgroup.wgsl?raw';
import type { Cell } from './cell.js';

export const STATE_LOADS = ['each', 'subgroup'] as const;
export type StateLoads = (typeof STATE_LOADS)[number];

export const STATE_LOADS_CODE: Readonly<Record<StateLoads, string>> = { each: eachCode, subgroup: subgroupCode };

/** A kernel's name for the variant: the subgroup one is named apart, so that pipelines never mix. */
export function stateLoadsName(name: string, loads: StateLoads): string {
  return loads === 'each' ? name : `${name}/subgroup`;
}

/** `make(cell, loads)`, made once per cell and variant. */
export function perCellAndLoads<T>(make: (cell: Cell, loads: StateLoads) => T): (cell: Cell, loads?: StateLoads) => T {
  const made = new WeakMap<Cell, Partial<Record<StateLoads, T>>>();
  return (cell, loads = 'each') => {
    let variants = made.get(cell);
    if (!variants) made.set(cell, (variants = {}));
    return (variants[loads] ??= make(cell, loads));
  };
}
