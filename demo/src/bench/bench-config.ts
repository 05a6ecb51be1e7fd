/** What one benchmark run measures: a SimpleRNN shape, its activation and direction, and how many runs. */
import type { Activation } from 'webgpu-rnn';

export interface BenchConfig {
  readonly batch: number;
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  readonly activation: Activation;
  readonly goBackwards: boolean;
  /** Timed runs after the warm-up. */
  readonly runs: number;
}

/** The seed notebook's shape, and the two large shapes of `npm run bench:kernels`. */
export const PRESETS: readonly { readonly label: string; readonly config: BenchConfig }[] = [
  { label: 'Seed 5×3×1×50 relu', config: { batch: 5, timesteps: 3, features: 1, units: 50, activation: 'relu', goBackwards: false, runs: 5 } },
  { label: '32×64×16×256 tanh', config: { batch: 32, timesteps: 64, features: 16, units: 256, activation: 'tanh', goBackwards: false, runs: 3 } },
  { label: '8×32×32×1024 tanh', config: { batch: 8, timesteps: 32, features: 32, units: 1024, activation: 'tanh', goBackwards: false, runs: 3 } },
];

export const describeConfig = (c: BenchConfig): string =>
  `B ${c.batch} · T ${c.timesteps} · F ${c.features} · U ${c.units} · ${c.activation}${c.goBackwards ? ' · goBackwards' : ''}`;

/** Multiply-adds ×2 of one call, as bench:kernels counts them: 2·B·T·U·(F+U) forward, 2·B·T·U·(3U+3F) forward + backward. */
export function flops(c: BenchConfig): { forward: number; forwardBackward: number } {
  const steps = 2 * c.batch * c.timesteps * c.units;
  return { forward: steps * (c.features + c.units), forwardBackward: steps * (3 * c.units + 3 * c.features) };
}
