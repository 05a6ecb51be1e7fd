// model.fit on the seed data with a progress bar, timing each epoch; then the probe's prediction.
import * as tf from '@tensorflow/tfjs';
import { SingleBar, Presets } from 'cli-progress';

export interface TrainingRun {
  readonly loss: number[];
  readonly prediction: number[];
  readonly msPerEpoch: number;
}

export async function trainWithProgress(
  model: tf.LayersModel,
  data: { x: tf.Tensor; y: tf.Tensor; probe: tf.Tensor },
  epochs: number,
  label: string,
): Promise<TrainingRun> {
  const bar = new SingleBar(
    { format: `  ${label.padEnd(14)} {bar} {value}/{total} epochs | loss {loss}`, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(epochs, 0, { loss: '-' });
  const start = performance.now();
  const history = await model.fit(data.x, data.y, {
    epochs,
    verbose: 0,
    shuffle: false,
    callbacks: { onEpochEnd: (epoch, logs) => bar.update(epoch + 1, { loss: logs?.loss?.toFixed(3) ?? '-' }) },
  });
  const msPerEpoch = (performance.now() - start) / epochs;
  bar.stop();
  console.log(
    `  ${label}: ${epochs} epochs in ${((msPerEpoch * epochs) / 1000).toFixed(2)} s ` +
      `(${msPerEpoch.toFixed(2)} ms per epoch)`,
  );
  const predicted = model.predict(data.probe) as tf.Tensor;
  const prediction = [...(await predicted.data())];
  tf.dispose([predicted, data.x, data.y, data.probe]);
  return { loss: history.history.loss as number[], prediction, msPerEpoch };
}
