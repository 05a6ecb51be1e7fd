/**
 * Keras's masking in float64, for the references: whether row b keeps its consumption step s (1) or
 * drops it (0), or null without a mask; and the blends of tfjs's rnn(): new ⊙ m + previous ⊙ (1 − m),
 * which it computes only for a masked layer (unmasked, an Infinity in h must not turn NaN through 0 · ∞).
 */
import type { MaskForm } from './side-inputs.js';

export type Keep = (b: number, s: number) => number | null;

/** No mask. */
export const KEEP_ALL: Keep = () => null;

/**
 * The mask as the kernels read it: 'steps' [B, T] (a value keeps unless it is ±0), or 'lengths' [B]
 * (steps t < length kept), in original time order; consumption step s is time T-1-s going backwards.
 */
export function keepRef(mask: ArrayLike<number>, form: MaskForm, timesteps: number, goBackwards: boolean): Keep {
  const time = (s: number) => (goBackwards ? timesteps - 1 - s : s);
  if (form === 'lengths') return (b, s) => (time(s) < mask[b]! ? 1 : 0);
  return (b, s) => (mask[b * timesteps + time(s)] === 0 ? 0 : 1);
}

/** new ⊙ m + previous ⊙ (1 − m); new without a mask. */
export const blend = (next: number, previous: number, m: number | null): number =>
  m === null ? next : next * m + previous * (1 - m);

/**
 * The blend's gradients from g: m ⊙ g to the new value, (1 − m) ⊙ g passed on to the previous one (0 without a
 * mask).
 */
export const keptGradient = (g: number, m: number | null): number => (m === null ? g : m * g);
export const passedGradient = (g: number, m: number | null): number => (m === null ? 0 : (1 - m) * g);

/** The references' keep for a config: its mask when it has one, else every step. */
export function keepOf(
  mask: ArrayLike<number> | null | undefined,
  config: { readonly masking: MaskForm | null; readonly timesteps: number; readonly goBackwards: boolean },
): Keep {
  return config.masking && mask ? keepRef(mask, config.masking, config.timesteps, config.goBackwards) : KEEP_ALL;
}
