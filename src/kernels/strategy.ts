/**
 * How the kernels run on a given device: the one place that picks strategies, by adapter and shape.
 * Every field can be overridden through SimpleRNNConfig.strategy.
 *
 * Measured on Dawn + SwiftShader (the CPU fallback adapter, 2 cores; see README "Benchmarks"):
 * the persistent recurrence with 4-invocation workgroups was faster than one dispatch per step at
 * the seed shape and at 8×32×32×1024, and level with it (within run-to-run noise, either ahead) at
 * 32×64×16×256, with far fewer dispatches; a dispatch costs ~10-20 µs there and a workgroup is a CPU
 * task. Copying the recurrent kernel to workgroup memory was slower (it is zero-filled first), so it
 * stays off. On a hardware GPU (not measured here: no GPU was available) the table follows the
 * usual practice: persistent with the weights in workgroup memory while they fit, one dispatch per
 * step with 64-wide workgroups once the units outgrow what one workgroup per row tile can feed.
 */
import type { RNNShape } from './shape.js';

export type RecurrenceMode = 'persistent' | 'stepwise';

export interface Strategy {
  /** persistent: all timesteps in one dispatch; stepwise: one dispatch per timestep. */
  readonly recurrence: RecurrenceMode;
  /** Invocations per workgroup of the recurrence kernels. */
  readonly recurrenceWorkgroupSize: number;
  /** Persistent mode only: copy recurrent_kernel to workgroup memory first. */
  readonly weightsInWorkgroup: boolean;
  /** Workgroup size (x, y) of the GEMM kernels, in 4 × 4 tiles. */
  readonly gemmWorkgroup: readonly [number, number];
}

/** What the table looks at; a GPUDevice provides it (see deviceTraits). */
export interface DeviceTraits {
  readonly isFallbackAdapter: boolean;
  readonly limits: GPUSupportedLimits;
}

export function deviceTraits(device: GPUDevice): DeviceTraits {
  // adapterInfo on GPUDevice is recent (Chrome 126+, Dawn); without it, assume hardware.
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return { isFallbackAdapter: info?.isFallbackAdapter ?? false, limits: device.limits };
}

const HARDWARE_PERSISTENT_MAX_UNITS = 512;

export function chooseStrategy(traits: DeviceTraits, shape: RNNShape, override: Partial<Strategy> = {}): Strategy {
  const base: Strategy = traits.isFallbackAdapter
    ? { recurrence: 'persistent', recurrenceWorkgroupSize: 4, weightsInWorkgroup: false, gemmWorkgroup: [4, 1] }
    : hardwareStrategy(traits, shape);
  return { ...base, ...override };
}

function hardwareStrategy(traits: DeviceTraits, shape: RNNShape): Strategy {
  const persistent = shape.units <= HARDWARE_PERSISTENT_MAX_UNITS;
  const weightBytes = shape.units * shape.units * 4;
  return {
    recurrence: persistent ? 'persistent' : 'stepwise',
    recurrenceWorkgroupSize: Math.min(64, traits.limits.maxComputeInvocationsPerWorkgroup),
    weightsInWorkgroup: persistent && weightBytes <= traits.limits.maxComputeWorkgroupStorageSize,
    gemmWorkgroup: [8, 8],
  };
}

/**
 * Invocations per workgroup of the trainer's kernels. Measured like the recurrence (see above): on
 * the CPU fallback small workgroups win; on hardware, 64.
 */
export function trainerWorkgroupSize(traits: DeviceTraits): number {
  return traits.isFallbackAdapter ? 4 : Math.min(64, traits.limits.maxComputeInvocationsPerWorkgroup);
}
