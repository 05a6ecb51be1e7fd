/**
 * In the worker: the trained weights as a tfjs model's saved artifacts. The worker holds the
 * trainer, so copyWeightsToModel (which reads the trainer's weights and checks them against the
 * model's, in tfjs's order) runs here, on tfjs's cpu backend; model.save hands the artifacts to a
 * handler instead of the disk, and the page loads them back and saves them as files (a worker has
 * no document to download from). The page thus never needs to know the trainer's weight order.
 */
import * as tf from '@tensorflow/tfjs';
import type { Trainer } from 'webgpu-rnn';
import { copyWeightsToModel } from 'webgpu-rnn/tfjs';
import { buildCharModel } from './char-model.js';
import type { ExportedModel } from './protocol.js';
import type { ModelSettings } from './run-settings.js';

export async function exportModel(
  trainer: Trainer,
  settings: ModelSettings,
  characters: readonly string[],
  probe: Int32Array,
): Promise<ExportedModel> {
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not start its cpu backend in the worker');
  const model = buildCharModel(settings, characters.length);
  try {
    await copyWeightsToModel(trainer, model);
    // The ids mean nothing without the characters: id i is vocabulary[i].
    model.setUserDefinedMetadata({ vocabulary: [...characters] });
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!saved) throw new Error('model.save handed over no artifacts');
    const probabilities = await trainer.predict({ data: probe, shape: [1, probe.length] });
    return { artifacts: saved, probabilities };
  } finally {
    model.dispose();
  }
}
