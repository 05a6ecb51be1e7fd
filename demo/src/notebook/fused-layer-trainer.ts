/** Trains the seed model with tfjs's model.fit and the fused recurrent layer, on the active backend. */
import * as tf from '@tensorflow/tfjs';
import { buildSeedModel } from 'webgpu-rnn/tfjs';
import { CELLS } from './cells.js';
import { fitWithProgress } from './fit-with-progress.js';
import { predictNext, snapshotWeights } from './model-io.js';
import { INITIAL_WEIGHTS_SEED, toTensors } from './seed-data.js';
import type { Trainer } from './trainer.js';

export const fusedLayerTrainer: Trainer = {
  label: 'tfjs model.fit · fused layer',
  describe: (cell) => `tfjs model.fit with the fused ${CELLS[cell].name} layer`,
  unavailable: async () => null,
  async train(data, cell, epochs, onEpoch) {
    const model = buildSeedModel({
      fused: true,
      cell,
      seed: INITIAL_WEIGHTS_SEED,
      seqLen: data.seqLen,
      nSteps: data.nSteps,
    });
    const { x, y } = toTensors(data);
    try {
      const initialWeights = await snapshotWeights(model);
      const { loss, msPerEpoch, trainingMs } = await fitWithProgress(model, x, y, epochs, onEpoch);
      return {
        loss,
        msPerEpoch,
        trainingMs,
        initialWeights,
        predict: (input) => predictNext(model, input),
        async timeEpochs(more) {
          const trained = model.getWeights().map((w) => w.clone());
          const tensors = toTensors(data);
          try {
            return (await fitWithProgress(model, tensors.x, tensors.y, more, () => undefined)).msPerEpoch;
          } finally {
            model.setWeights(trained);
            tf.dispose([tensors.x, tensors.y, ...trained]);
          }
        },
        dispose: () => model.dispose(),
      };
    } catch (error) {
      model.dispose();
      throw error;
    } finally {
      tf.dispose([x, y]);
    }
  },
};
