/** Reference of trainer-clip.wgsl in float64: Keras's clipnorm and global_clipnorm gradient scales. */
import { clipMode, type OptimizerConfig } from './trainer-optimizer.js';

/** Each tensor's gradient scale: c / max(‖g‖₂, c), per tensor or over all of them. */
export function trainerClipRef(
  gradients: ArrayLike<number>,
  /** Each tensor's first parameter; tensor t ends where t + 1 starts (the last at the end). */
  tensorStarts: readonly number[],
  optimizer: Pick<OptimizerConfig, 'clipNorm' | 'globalClipNorm'>,
): Float64Array {
  const mode = clipMode(optimizer);
  if (mode === 0) throw new Error('trainerClipRef: the optimizer does not clip');
  const c = mode === 1 ? optimizer.clipNorm! : optimizer.globalClipNorm!;
  const sums = tensorStarts.map((start, t) => {
    let sum = 0;
    for (let i = start; i < (tensorStarts[t + 1] ?? gradients.length); i++) sum += gradients[i]! ** 2;
    return sum;
  });
  const scale = (sum: number) => (Number.isNaN(sum) ? Number.NaN : c / Math.max(Math.sqrt(sum), c));
  if (mode === 1) return Float64Array.from(sums, scale);
  const all = scale(sums.reduce((a, b) => a + b, 0));
  return Float64Array.from(sums, () => all);
}
