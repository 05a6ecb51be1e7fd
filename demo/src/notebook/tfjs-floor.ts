/**
 * tfjs's floor for the seed model, as `npm run bench:seed` measures it: model.fit of the seed's Dense head
 * alone, on an input of the recurrent layer's output shape, with the seed model's optimizer, loss and batch.
 * It is what an epoch costs tfjs besides the recurrent layer: its own per-batch work on the host and the
 * head's, loss's and Adam's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { fitWithProgress } from './fit-with-progress.js';
import { UNITS, type SeedData } from './seed-data.js';

export interface FloorModel {
  /** Time per epoch, warm, of `epochs` epochs (the first left out), timed as the seed model's run is. */
  timeEpochs(epochs: number): Promise<number>;
  dispose(): void;
}

/** The floor's model and data, on the active backend. */
export function floorModel(data: SeedData): FloorModel {
  const samples = data.windows.length;
  const model = tf.sequential({ layers: [tf.layers.dense({ units: data.nSteps, inputShape: [UNITS] })] });
  // buildSeedModel's optimizer and loss; model.fit's default batch, as the seed model's run.
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  const x = tf.randomUniform([samples, UNITS], 0, 10, 'float32', 1);
  const y = tf.tensor2d(data.targets.flat(), [samples, data.nSteps]);
  return {
    timeEpochs: async (epochs) => (await fitWithProgress(model, x, y, epochs, () => undefined)).msPerEpoch,
    dispose: () => {
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}
