/** The notebook's data: a sequence cut into windows, as plain arrays and as the tensors model.fit takes. */
import * as tf from '@tensorflow/tfjs';
import { splitSequence } from 'webgpu-rnn';

/** Seeds the initializers, as `npm start` does, so a run is repeatable and every trainer starts alike. */
export const INITIAL_WEIGHTS_SEED = 42;

/** The recurrent layer's units: buildSeedModel's default, and the standalone trainer's. */
export const UNITS = 50;

export interface SeedData {
  readonly sequence: readonly number[];
  readonly seqLen: number;
  readonly nSteps: number;
  /** [samples][seqLen] */
  readonly windows: readonly number[][];
  /** [samples][nSteps] */
  readonly targets: readonly number[][];
}

export function windowSequence(sequence: readonly number[], seqLen: number, nSteps: number): SeedData {
  const [windows, targets] = splitSequence(sequence, seqLen, nSteps);
  return { sequence, seqLen, nSteps, windows, targets };
}

/** x [samples, seqLen, 1] and y [samples, nSteps] on the active backend; the caller disposes them. */
export function toTensors(data: SeedData): { x: tf.Tensor3D; y: tf.Tensor2D } {
  return {
    x: tf.tensor3d(data.windows.flat(), [data.windows.length, data.seqLen, 1]),
    y: tf.tensor2d(data.targets.flat(), [data.targets.length, data.nSteps]),
  };
}
