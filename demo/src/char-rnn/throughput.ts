/**
 * Characters trained per second: an epoch trains samples × timesteps characters, over its wall
 * clock. The mean leaves out the first epoch, which also compiles the kernels, unless it is the only one.
 */
export interface Throughput {
  /** Adds an epoch; returns its characters per second. */
  add(ms: number): number;
  /** Characters per second over the warm epochs. */
  mean(): number;
}

export function createThroughput(charactersPerEpoch: number): Throughput {
  const times: number[] = [];
  return {
    add(ms) {
      times.push(ms);
      return (charactersPerEpoch * 1000) / ms;
    },
    mean() {
      const warm = times.length > 1 ? times.slice(1) : times;
      const ms = warm.reduce((a, b) => a + b, 0);
      return (charactersPerEpoch * warm.length * 1000) / ms;
    },
  };
}
