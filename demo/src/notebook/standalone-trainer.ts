/**
 * Trains the seed model with the standalone WebGPU trainer: the cell's layer on the package's core
 * kernels, the batch, loss and Adam as the trainer's own, 10 dispatches per step and many epochs per
 * submission, no tfjs. It starts from the same seeded weights as the tfjs path, taken from the tfjs
 * seed model, and trains the same model: the cell with relu, tfjs's default gates, Adam, MSE.
 *
 * Whether the trainer takes a cell is asked of the trainer itself, once per cell: were it to refuse,
 * the page would offer this way of training for that cell as unavailable, in the trainer's own words.
 */
import { createTrainer, type TrainerConfig } from 'webgpu-rnn';
import { buildSeedModel, type SeedCell } from 'webgpu-rnn/tfjs';
import { errorMessage } from '../common/alerts.js';
import { CELLS } from './cells.js';
import { snapshotWeights } from './model-io.js';
import { INITIAL_WEIGHTS_SEED, UNITS } from './seed-data.js';
import { steadyMsPerEpoch, type Trainer } from './trainer.js';

// Losses come back, and the page draws, once per this many epochs.
const EPOCHS_PER_SUBMIT = 10;

/** The trainer's config for the seed model with `cell`: relu, as buildSeedModel's layers. */
const trainerConfig = (
  cell: SeedCell,
  shape: Pick<TrainerConfig, 'timesteps' | 'features' | 'units' | 'outputs'>,
): TrainerConfig => ({ ...shape, cell, activation: 'relu' });

export function standaloneTrainer(device: GPUDevice): Trainer {
  const support = new Map<SeedCell, Promise<string | null>>();
  return {
    label: 'standalone trainer · no tfjs',
    describe: (cell) =>
      `the standalone WebGPU trainer (the ${CELLS[cell].name} forward, loss, ` +
      'backpropagation through time and Adam in 10 dispatches per step, no tfjs)',
    unavailable(cell) {
      let answer = support.get(cell);
      if (!answer) {
        answer = createTrainer(device, trainerConfig(cell, { timesteps: 1, features: 1, units: 1, outputs: 1 })).then(
          (trainer) => {
            trainer.destroy();
            return null;
          },
          (error: unknown) => errorMessage(error),
        );
        support.set(cell, answer);
      }
      return answer;
    },
    async train(data, cell, epochs, onEpoch) {
      const model = buildSeedModel({ cell, seed: INITIAL_WEIGHTS_SEED, seqLen: data.seqLen, nSteps: data.nSteps });
      const initialWeights = await snapshotWeights(model);
      model.dispose();
      const trainer = await createTrainer(
        device,
        trainerConfig(cell, { timesteps: data.seqLen, features: 1, units: UNITS, outputs: data.nSteps }),
      );
      try {
        trainer.setWeights(initialWeights.map((w) => w.values));
        trainer.setData(
          data.windows.map((window) => window.map((v) => [v])),
          data.targets.map((t) => [...t]),
        );
        // Each submission's time, shared by its epochs; the page's drawing between submissions is not
        // counted. The first submission is the warm-up.
        let submitted = performance.now();
        let epochMs = 0;
        let trainingMs = 0;
        let firstSubmissionMs = 0;
        const loss = await trainer.fit({
          epochs,
          shuffle: false,
          epochsPerSubmit: EPOCHS_PER_SUBMIT,
          onEpochEnd: async (epoch, logs) => {
            if (epoch % EPOCHS_PER_SUBMIT === 0) {
              const ms = performance.now() - submitted;
              trainingMs += ms;
              if (epoch === 0) firstSubmissionMs = ms;
              epochMs = ms / Math.min(EPOCHS_PER_SUBMIT, epochs - epoch);
            }
            await onEpoch({ epoch: epoch + 1, epochs, loss: logs.loss, ms: epochMs });
            if ((epoch + 1) % EPOCHS_PER_SUBMIT === 0) submitted = performance.now();
          },
        });
        return {
          loss,
          msPerEpoch: steadyMsPerEpoch(trainingMs, epochs, firstSubmissionMs, Math.min(EPOCHS_PER_SUBMIT, epochs)),
          trainingMs,
          initialWeights,
          predict: async (input) => [...(await trainer.predict([input.map((v) => [v])]))],
          dispose: () => trainer.destroy(),
        };
      } catch (error) {
        trainer.destroy();
        throw error;
      }
    },
  };
}
