/**
 * How long a staged GEMM's chunk may be (input-projection-staged, weight-gradients-staged,
 * input-gradient-staged): the longest its kernel allows whose workgroup memory fits the device. The chunk's
 * length changes no bits, so it may follow the device.
 */
import type { DeviceTraits } from './strategy.js';

export interface ChunkRule {
  /** What one step of a chunk is, for the error: 'input-projection feature'. */
  readonly unit: string;
  /** The longest chunk the kernel takes. */
  readonly max: number;
  /** Whether the kernel takes a chunk of this length (e.g. even ones, for an odd stride). */
  readonly allowed: (chunk: number) => boolean;
  /** The workgroup memory a chunk of this length takes, in bytes. */
  readonly bytes: (chunk: number) => number;
}

/** The chunk's length; refuses a workgroup whose shortest chunk does not fit, naming the field and the limit. */
export function stagedChunk(
  rule: ChunkRule,
  gemmWorkgroup: readonly [number, number],
  limits: Pick<DeviceTraits['limits'], 'maxComputeWorkgroupStorageSize'>,
): number {
  const limit = limits.maxComputeWorkgroupStorageSize;
  for (let chunk = rule.max; chunk >= 1; chunk--) if (rule.allowed(chunk) && rule.bytes(chunk) <= limit) return chunk;
  throw new RangeError(
    `strategy.gemmWorkgroup [${gemmWorkgroup.join(', ')}]: a staged ${rule.unit} needs ${rule.bytes(1)} bytes of ` +
      `workgroup memory, more than this device's maxComputeWorkgroupStorageSize (${limit}); use fewer lanes or ` +
      'stagedGemms: false',
  );
}

/** Even lengths, or 1: a stride of chunk + 1 words is then odd. */
export const evenOrOne = (chunk: number): boolean => chunk === 1 || chunk % 2 === 0;
