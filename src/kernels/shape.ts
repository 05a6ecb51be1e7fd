/** Sizes of one SimpleRNN call, as in Keras: x [batch, timesteps, features], state [batch, units]. */
export interface RNNShape {
  readonly batch: number;
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
}

/** Workgroup grid dimensions: `count` tiles in groups of `perWorkgroup`, folded into (y, z) past `maxPerDimension`. */
export function foldedGrid(count: number, perWorkgroup: number, maxPerDimension: number): [number, number] {
  const workgroups = Math.ceil(count / perWorkgroup);
  if (workgroups <= maxPerDimension) return [workgroups, 1];
  return [maxPerDimension, Math.ceil(workgroups / maxPerDimension)];
}

export const tiles4 = (n: number): number => Math.ceil(n / 4);
