/**
 * The CPU check's verdict, with `npm start`'s tolerance: PASS when the largest per-epoch relative
 * loss difference and the prediction's largest relative difference are both below 1e-3.
 */
export const TOLERANCE = 1e-3;

export interface Comparison {
  readonly lossDifference: number;
  readonly predictionDifference: number;
  readonly pass: boolean;
}

/** max_i |a_i - b_i| / |b_i|, with b the reference. */
function largestRelativeDifference(values: readonly number[], reference: readonly number[]): number {
  if (values.length !== reference.length) return Number.POSITIVE_INFINITY;
  return Math.max(...values.map((v, i) => Math.abs(v - reference[i]!) / Math.abs(reference[i]!)));
}

export function compareRuns(
  run: { loss: readonly number[]; prediction: readonly number[] },
  reference: { loss: readonly number[]; prediction: readonly number[] },
): Comparison {
  const lossDifference = largestRelativeDifference(run.loss, reference.loss);
  const predictionDifference = largestRelativeDifference(run.prediction, reference.prediction);
  // Written so that NaN fails.
  return { lossDifference, predictionDifference, pass: lossDifference < TOLERANCE && predictionDifference < TOLERANCE };
}
