/** Models in the tests: predictions as one array, weights as plain arrays, saving to memory. */
import * as tf from '@tensorflow/tfjs';

export type WeightArrays = { values: Float32Array; shape: number[] }[];

export async function weightArrays(model: tf.LayersModel | tf.layers.Layer): Promise<WeightArrays> {
  return Promise.all(
    model.getWeights().map(async (w) => ({ values: (await w.data()) as Float32Array, shape: w.shape })),
  );
}

export const weightTensors = (arrays: WeightArrays) => arrays.map((a) => tf.tensor(a.values, a.shape));

/** Every output of model.predict, concatenated. */
export async function predict(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[]): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(y) ? y : [y];
  const data = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(list);
  return Float32Array.from(data.flatMap((d) => [...d]));
}

/** What model.save writes (topology, weight specs and data), kept in memory. */
export async function saveToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** The class names in a saved topology, in order of appearance (nested layers included). */
export function savedClassNames(artifacts: tf.io.ModelArtifacts): string[] {
  return [...JSON.stringify(artifacts.modelTopology).matchAll(/"class_name":"(\w+)"/g)].map((m) => m[1]!);
}
