/** The results of one benchmark run: per implementation, the median time per call of each pass. */
import type { SimpleRNN, Strategy } from 'webgpu-rnn';
import type { BenchConfig } from './bench-config.js';
import { median, type WallClock } from './wall-clock.js';

export type ImplementationId = 'fused-webgpu' | 'stock-webgpu' | 'stock-cpu';

export interface PassTiming {
  /** Median wall-clock milliseconds per call. */
  readonly wallMs: number;
  readonly wallRunsMs: readonly number[];
  readonly callsPerRun: number;
  /** Median GPU milliseconds per call, where the device has timestamp queries. */
  readonly gpuMs: number | null;
  readonly gpuRunsMs: readonly number[];
}

export function passTiming(wall: WallClock, gpuRunsMs: readonly number[]): PassTiming {
  return {
    wallMs: wall.medianMs,
    wallRunsMs: wall.runsMs,
    callsPerRun: wall.callsPerRun,
    gpuMs: gpuRunsMs.length ? median(gpuRunsMs) : null,
    gpuRunsMs,
  };
}

export interface ImplementationResult {
  readonly id: ImplementationId;
  readonly label: string;
  readonly timings: { readonly forward: PassTiming; readonly forwardBackward: PassTiming } | null;
  /** Why it did not run, when it did not. */
  readonly skipped?: string;
}

export interface BenchResult {
  readonly date: string;
  readonly userAgent: string;
  readonly adapter: string;
  readonly tfjs: string;
  readonly config: BenchConfig;
  /**
   * How the fused kernels ran: the strategy the library picked for this device and shape, and its dispatches per
   * call.
   */
  readonly fused: { readonly strategy: Strategy; readonly dispatches: SimpleRNN['dispatches'] } | null;
  readonly implementations: readonly ImplementationResult[];
}
