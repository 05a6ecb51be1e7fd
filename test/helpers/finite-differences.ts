/** Central finite differences of a float64 loss, against a reference's analytic gradients. */

// Step 1e-6: truncation error ~1e-12 and rounding ~1e-10, so 1e-6 · (1 + |g|) is a safe bound.
export const STEP = 1e-6;
export const TOLERANCE = 1e-6;

/**
 * For each named input and each element: (loss(+step) - loss(-step)) / 2·step against
 * `analytic[name][i]`; returns the mismatches.
 */
export function finiteDifferenceMismatches<I extends Record<string, Float64Array>>(
  inputs: I,
  analytic: Record<string, ArrayLike<number>>,
  loss: (inputs: I) => number,
): string[] {
  const bad: string[] = [];
  for (const [name, values] of Object.entries(inputs)) {
    const gradient = analytic[name]!;
    values.forEach((value, i) => {
      const shifted = (delta: number) => {
        const copy = Float64Array.from(values);
        copy[i] = value + delta;
        return loss({ ...inputs, [name]: copy });
      };
      const numeric = (shifted(STEP) - shifted(-STEP)) / (2 * STEP);
      if (Math.abs(numeric - gradient[i]!) > TOLERANCE * (1 + Math.abs(numeric)))
        bad.push(`d/d${name}[${i}]: analytic ${gradient[i]}, numeric ${numeric}`);
    });
  }
  return bad;
}

/** Σ a ⊙ b. */
export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
};

/** Where an activation's derivative jumps: relu and selu at 0, relu6 at 0 and 6, hardSigmoid at ±2.5. */
const KINKS = [0, 6, -2.5, 2.5];

/**
 * Whether every value lies further than `margin` from every kink: a finite difference across one
 * measures neither side's derivative, so the finite-difference tests draw data until none is near.
 */
export function awayFromKinks(values: ArrayLike<number>, margin = 1e-4): boolean {
  for (let i = 0; i < values.length; i++) if (KINKS.some((k) => Math.abs(values[i]! - k) < margin)) return false;
  return true;
}
