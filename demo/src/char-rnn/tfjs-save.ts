/**
 * On the page: the worker's exported model loaded in tfjs (cpu backend, loaded the first time),
 * checked against the trainer, and saved as files with model.save('downloads://char-rnn').
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { ExportedModel } from './protocol.js';

/** model.predict and the trainer on cpu and WebGPU: float32 sums in other orders, far below this. */
export const PROBABILITY_TOLERANCE = 1e-4;

/** Saves the model; returns the largest difference between tfjs's probabilities and the trainer's for `probe`. */
export async function checkAndSave({ artifacts, probabilities }: ExportedModel, probe: Int32Array): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not start its cpu backend');
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  try {
    const predicted = tf.tidy(() => model.predict(tf.tensor2d(probe, [1, probe.length], 'int32')) as Tensor);
    const values = await predicted.data();
    predicted.dispose();
    if (values.length !== probabilities.length)
      throw new Error(`tfjs gives ${values.length} probabilities for the probe; the trainer ${probabilities.length}`);
    let largest = 0;
    for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]! - probabilities[i]!));
    // Written so that NaN fails.
    if (!(largest <= PROBABILITY_TOLERANCE))
      throw new Error(
        `the tfjs model's probabilities differ from the trainer's by up to ${largest} ` +
          `(tolerance ${PROBABILITY_TOLERANCE}): not saved`,
      );
    await model.save('downloads://char-rnn');
    return largest;
  } finally {
    model.dispose();
  }
}
