/**
 * tfjs's dropout in float64, for the references: the input's mask dm [B, F] multiplies every step's x,
 * and the recurrent mask rm [B, U] multiplies h_{s-1} wherever a cell reads it (the products, a GRU's
 * reset product and blend), while masking carries the undropped h_{s-1} over; so whatever a cell sends
 * the state it read reaches h_{s-1} times rm, and what masking passes on reaches it as it is.
 */

export interface DropoutArrays {
  /** With config.inputDropout: [B, F]. */
  readonly dropoutMask?: ArrayLike<number> | null;
  /** With config.recurrentDropout: [B, U]. */
  readonly recurrentDropoutMask?: ArrayLike<number> | null;
}

/** The masks a config uses: its flags' (null where off). */
export function dropoutOf(
  arrays: DropoutArrays,
  config: { readonly inputDropout: boolean; readonly recurrentDropout: boolean },
): { input: ArrayLike<number> | null; recurrent: ArrayLike<number> | null } {
  return {
    input: config.inputDropout ? (arrays.dropoutMask ?? null) : null,
    recurrent: config.recurrentDropout ? (arrays.recurrentDropoutMask ?? null) : null,
  };
}

/** Row b's state (U values of `state` from `at`) as a cell reads it: times rm's row b, or as it is. */
export function readState(
  state: ArrayLike<number>,
  at: number,
  units: number,
  b: number,
  rm: ArrayLike<number> | null,
): Float64Array {
  return Float64Array.from({ length: units }, (_, k) => state[at + k]! * (rm ? rm[b * units + k]! : 1));
}

/** rm[b, u], or 1 without recurrent dropout. */
export const dropAt = (rm: ArrayLike<number> | null, b: number, u: number, units: number): number =>
  rm ? rm[b * units + u]! : 1;
