/**
 * Trains the seed model with the standalone WebGPU trainer: forward, loss, BPTT and Adam as the
 * package's own kernels, two dispatches per step and many epochs per submission, no tfjs. It
 * starts from the same seeded weights as the tfjs path, taken from the tfjs seed model.
 */
import { createTrainer } from 'webgpu-rnn';
import { buildSeedModel } from 'webgpu-rnn/tfjs';
import { snapshotWeights } from './model-io.js';
import { INITIAL_WEIGHTS_SEED } from './seed-data.js';
import { steadyMsPerEpoch, type Trainer } from './trainer.js';

// Losses come back, and the page draws, once per this many epochs.
const EPOCHS_PER_SUBMIT = 10;

export function standaloneTrainer(device: GPUDevice): Trainer {
  return {
    label: 'standalone trainer · no tfjs',
    description: 'the standalone WebGPU trainer (forward, loss, backpropagation through time and Adam in 2 dispatches per step, no tfjs)',
    async train(data, epochs, onEpoch) {
      const model = buildSeedModel({ seed: INITIAL_WEIGHTS_SEED, seqLen: data.seqLen, nSteps: data.nSteps });
      const initialWeights = await snapshotWeights(model);
      model.dispose();
      const trainer = await createTrainer(device, { timesteps: data.seqLen, features: 1, units: 50, outputs: data.nSteps });
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
