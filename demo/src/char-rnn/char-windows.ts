/**
 * The training data, cut as char-rnn cuts its text: consecutive, non-overlapping windows of
 * `timesteps` characters, each one's target the same window one character later (the next
 * character at every step).
 */
export interface CharWindows {
  /** Token ids [samples, timesteps], row-major. */
  readonly x: Int32Array;
  /** Class ids [samples, timesteps]: x shifted by one character. */
  readonly y: Int32Array;
  readonly samples: number;
}

/** How many windows a text of `length` characters gives (the last character is only ever a target). */
export const windowCount = (length: number, timesteps: number): number => Math.floor((length - 1) / timesteps);

export function charWindows(ids: Int32Array, timesteps: number): CharWindows {
  const samples = windowCount(ids.length, timesteps);
  const size = samples * timesteps;
  return { x: ids.slice(0, size), y: ids.slice(1, size + 1), samples };
}
