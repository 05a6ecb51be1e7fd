/** Inputs of the trainer kernels' tests: a progress buffer's contents, and u32 data as float32 bits. */

export interface ProgressValues {
  readonly fitStep: number;
  readonly firstEpoch: number;
  readonly accBeta1: number;
  readonly accBeta2: number;
  readonly losses: readonly number[];
}

/** Progress (trainer-progress.wgsl): fitStep u32, firstEpoch u32, β1ᵗ, β2ᵗ, losses. */
export function progressData(p: ProgressValues): Float32Array {
  const f32 = new Float32Array(4 + p.losses.length);
  const u32 = new Uint32Array(f32.buffer);
  u32[0] = p.fitStep;
  u32[1] = p.firstEpoch;
  f32.set([p.accBeta1, p.accBeta2, ...p.losses], 2);
  return f32;
}

export function readProgress(progress: Float32Array, epochs: number): ProgressValues {
  const u32 = new Uint32Array(progress.buffer, progress.byteOffset, 2);
  return {
    fitStep: u32[0]!,
    firstEpoch: u32[1]!,
    accBeta1: progress[2]!,
    accBeta2: progress[3]!,
    losses: Array.from(progress.subarray(4, 4 + epochs)),
  };
}

/** u32 values, reinterpreted so that they can be uploaded as a Float32Array. */
export const u32Bits = (values: ArrayLike<number>): Float32Array => new Float32Array(Uint32Array.from(values).buffer);

/** Float32Arrays as bytes, to compare bit for bit. */
export const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
