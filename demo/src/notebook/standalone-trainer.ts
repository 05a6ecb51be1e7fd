/**
 * Trains the seed model with the standalone WebGPU trainer: forward, loss, BPTT and Adam as the
 * package's own kernels, two dispatches per step and many epochs per submission, no tfjs. It
 * starts from the same seeded weights as the tfjs path, taken from the tfjs seed model.
 *
 * The cell goes to createTrainer as its `cell` option (SimpleRNN, the trainer's own, goes without
 * it). Whether the trainer takes a cell is asked of the trainer itself, once per cell: while it
 * refuses the option, the page offers this way of training for that cell as unavailable, in the
 * trainer's own words.
 */
import { createTrainer, type TrainerConfig } from 'webgpu-rnn';
import { buildSeedModel, type SeedCell } from 'webgpu-rnn/tfjs';
import { errorMessage } from '../common/alerts.js';
import { CELLS } from './cells.js';
import { snapshotWeights } from './model-io.js';
import { INITIAL_WEIGHTS_SEED } from './seed-data.js';
import { steadyMsPerEpoch, type Trainer } from './trainer.js';

// Losses come back, and the page draws, once per this many epochs.
const EPOCHS_PER_SUBMIT = 10;

/** The trainer's config for a cell; `cell` is cast in until TrainerConfig declares it. */
const trainerConfig = (cell: SeedCell, shape: Omit<TrainerConfig, 'activation' | 'optimizer' | 'seed'>): TrainerConfig =>
  (cell === 'simpleRNN' ? shape : { ...shape, cell }) as TrainerConfig;

export function standaloneTrainer(device: GPUDevice): Trainer {
  const support = new Map<SeedCell, Promise<string | null>>();
  return {
    label: 'standalone trainer · no tfjs',
    describe: (cell) =>
      `the standalone WebGPU trainer (the ${CELLS[cell].name} forward, loss, backpropagation through time and Adam in 2 dispatches per step, no tfjs)`,
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
      const trainer = await createTrainer(device, trainerConfig(cell, { timesteps: data.seqLen, features: 1, units: 50, outputs: data.nSteps }));
      try {
        trainer.setWeights(initialWeights.map((w) => w.values));
        trainer.setData(data.windows.map((window) => window.map((v) => [v])), data.targets.map((t) => [...t]));
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
