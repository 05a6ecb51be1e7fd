/**
 * The worker's trainer: one at a time, doing one thing at a time. Fitting an epoch, sampling and
 * exporting all wait their turn in one queue, so a sample asked for during training runs between
 * two epochs, with the weights as they are then.
 */
import { createTrainer, type Trainer } from 'webgpu-rnn';
import type { ExportedModel, SampleRequest, TrainerSetup } from './protocol.js';
import type { ModelSettings } from './run-settings.js';

// char-rnn clips every gradient value at 5; Keras's clipNorm bounds each weight tensor's gradient norm instead.
const CLIP_NORM = 5;
const WEIGHTS_SEED = 1;

interface Current {
  readonly trainer: Trainer;
  readonly model: ModelSettings;
}

export class TrainerSession {
  private loaded: Current | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly device: GPUDevice) {}

  /** Runs `work` once everything queued before it has finished. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private current(): Current {
    if (!this.loaded) throw new Error('no model yet: press Train first');
    return this.loaded;
  }

  /** A new trainer, with fresh weights, on the setup's data. */
  configure(setup: TrainerSetup): Promise<void> {
    return this.exclusive(async () => {
      this.loaded?.trainer.destroy();
      this.loaded = null;
      const { model, vocabulary, timesteps, learningRate } = setup;
      const trainer = await createTrainer(this.device, {
        timesteps,
        units: Array.from({ length: model.layers }, () => model.units),
        outputs: vocabulary,
        cell: model.cell,
        embedding: { inputDim: vocabulary, outputDim: model.embedding },
        returnSequences: true,
        outputActivation: 'softmax',
        loss: 'sparseCategoricalCrossentropy',
        optimizer: { type: 'rmsprop', learningRate, clipNorm: CLIP_NORM },
        seed: WEIGHTS_SEED,
      });
      try {
        const shape = [setup.samples, timesteps];
        trainer.setData({ data: setup.x, shape }, { data: setup.y, shape });
      } catch (error) {
        trainer.destroy();
        throw error;
      }
      this.loaded = { trainer, model };
    });
  }

  /** One pass over the data; its loss and wall-clock time. */
  fitEpoch(batchSize: number, seed: number): Promise<{ loss: number; ms: number }> {
    return this.exclusive(async () => {
      const { trainer } = this.current();
      const began = performance.now();
      const [loss] = await trainer.fit({ epochs: 1, batchSize, seed });
      return { loss: loss!, ms: performance.now() - began };
    });
  }

  sample({ prime, length, temperature, seed }: SampleRequest): Promise<Int32Array> {
    return this.exclusive(() => this.current().trainer.sample({ prime, length, temperature, seed }));
  }

  /** The weights as a tfjs model (tfjs is loaded into the worker the first time). */
  exportModel(characters: readonly string[], probe: Int32Array): Promise<ExportedModel> {
    return this.exclusive(async () => {
      const { trainer, model } = this.current();
      const { exportModel } = await import('./model-export.js');
      return exportModel(trainer, model, characters, probe);
    });
  }
}
