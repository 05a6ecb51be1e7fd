/**
 * model.fit on the seed data, reporting every epoch. Each epoch is timed from its begin to its end
 * callback, so the page's drawing between epochs is not counted; the page gets a turn to paint
 * between epochs instead of tfjs's own yields inside them. The first epoch is the warm-up.
 */
import type * as tf from '@tensorflow/tfjs';
import { createYielder } from '../common/yield-to-browser.js';
import { steadyMsPerEpoch, type OnEpoch } from './trainer.js';

export async function fitWithProgress(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  epochs: number,
  onEpoch: OnEpoch,
): Promise<{ loss: number[]; msPerEpoch: number; trainingMs: number }> {
  const yieldToBrowser = createYielder();
  const loss: number[] = [];
  let began = 0;
  let trainingMs = 0;
  let firstEpochMs = 0;
  await model.fit(x, y, {
    epochs,
    verbose: 0,
    shuffle: false,
    yieldEvery: 'never',
    callbacks: {
      onEpochBegin: () => {
        began = performance.now();
      },
      onEpochEnd: async (epoch, logs) => {
        const ms = performance.now() - began;
        trainingMs += ms;
        if (epoch === 0) firstEpochMs = ms;
        const value = logs?.loss ?? Number.NaN;
        loss.push(value);
        await onEpoch({ epoch: epoch + 1, epochs, loss: value, ms });
        await yieldToBrowser();
      },
    },
  });
  return { loss, msPerEpoch: steadyMsPerEpoch(trainingMs, epochs, firstEpochMs, 1), trainingMs };
}
