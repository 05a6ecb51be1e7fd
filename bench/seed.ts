// npm run bench:seed: the seed notebook's training, per epoch, in one run and from the same initial
// weights: the fused layer on webgpu, the stock layer on webgpu and on cpu, and the floor (the
// seed's Dense(2) head alone, same optimizer, loss and batch, on webgpu). Then the RNN layer alone,
// forward + backward, fused vs stock on webgpu; and where an epoch's time goes (tfjs kernels,
// readbacks, uploads per epoch).
import * as tf from '@tensorflow/tfjs';
import { buildSeedModel, registerKernels, splitSequence } from 'webgpu-rnn';
import { describeAdapter, useTfjsWebGPU } from 'webgpu-rnn/node';
import { fixed, publish, ratio, timePerCall } from './lib/report.js';

const EPOCHS_PER_ROUND = 25;
const ROUNDS = 3;
const LAYER_CALLS = 20;

const adapter = describeAdapter(await useTfjsWebGPU());
registerKernels();
console.log(`adapter: ${adapter}; tfjs ${tf.version.tfjs}`);

const [windows, targets] = splitSequence([10, 20, 30, 40, 50, 60, 70, 80, 90], 3, 2);
const seedData = () => ({ x: tf.tensor3d(windows.flat(), [5, 3, 1]), y: tf.tensor2d(targets.flat(), [5, 2]) });
const initial = buildSeedModel({ seed: 42 });
const initialWeights = await Promise.all(initial.getWeights().map(async (w) => ({ values: await w.data(), shape: w.shape })));
initial.dispose();

/** Milliseconds per epoch of model.fit, median of rounds of EPOCHS_PER_ROUND epochs, after a warm-up round. */
async function perEpoch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const fit = () => model.fit(x, y, { epochs: EPOCHS_PER_ROUND, verbose: 0, shuffle: false }).then(() => undefined);
  return (await timePerCall(fit, async () => undefined, 1, ROUNDS)) / EPOCHS_PER_ROUND;
}

interface EpochProfile {
  kernels: number;
  reads: number;
  uploads: number;
}

/** tfjs kernels, readbacks and uploads (tensors created from host data) in one epoch. */
async function profileEpoch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<EpochProfile> {
  const backend = tf.backend() as tf.KernelBackend & { read(dataId: object): Promise<unknown> };
  const read = backend.read.bind(backend);
  const write = backend.write.bind(backend);
  let reads = 0;
  let uploads = 0;
  backend.read = (dataId) => {
    reads++;
    return read(dataId);
  };
  backend.write = (values, shape, dtype) => {
    if (values != null) uploads++;
    return write(values, shape, dtype);
  };
  try {
    const profile = await tf.profile(() => model.fit(x, y, { epochs: 1, verbose: 0, shuffle: false }).then(() => []));
    return { kernels: profile.kernels.length, reads, uploads };
  } finally {
    backend.read = read;
    backend.write = write;
  }
}

async function seedEpoch(backend: 'webgpu' | 'cpu', fused: boolean) {
  await tf.setBackend(backend);
  const model = buildSeedModel({ fused });
  model.setWeights(initialWeights.map((w) => tf.tensor(w.values, w.shape)));
  const { x, y } = seedData();
  const ms = await perEpoch(model, x, y);
  const profile = await profileEpoch(model, x, y);
  tf.dispose([x, y]);
  model.dispose();
  console.log(`  ${backend} ${fused ? 'fused' : 'stock'}: ${fixed(ms)} ms/epoch, ${profile.kernels} tfjs kernels, ${profile.reads} readbacks, ${profile.uploads} uploads per epoch`);
  return { ms, profile };
}

/** The floor: the seed's head alone (Dense(2) on a [5, 50] input), same Adam, MSE and batch, on webgpu. */
async function floorEpoch() {
  await tf.setBackend('webgpu');
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [50] })] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  const x = tf.randomUniform([5, 50], 0, 10, 'float32', 1);
  const { y } = seedData();
  const ms = await perEpoch(model, x, y);
  const profile = await profileEpoch(model, x, y);
  tf.dispose([x, y]);
  model.dispose();
  console.log(`  floor (Dense head alone, webgpu): ${fixed(ms)} ms/epoch, ${profile.kernels} tfjs kernels, ${profile.reads} readbacks, ${profile.uploads} uploads`);
  return { ms, profile };
}

/** The RNN layer alone at the seed shape: tf.variableGrads of a weighted sum of its output, input gradient included. */
async function layerAlone(fused: boolean) {
  await tf.setBackend('webgpu');
  const model = buildSeedModel({ fused });
  model.setWeights(initialWeights.map((w) => tf.tensor(w.values, w.shape)));
  const layer = model.layers[0]!;
  const x = tf.variable(seedData().x);
  const w = tf.randomUniform([5, 50], 0, 1, 'float32', 2);
  let outputs: tf.Tensor[] = [];
  const ms = await timePerCall(
    () => {
      tf.dispose(outputs);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar, [x, ...layer.trainableWeights.map((v) => v.read() as tf.Variable)]);
      outputs = [value, ...Object.values(grads)];
    },
    () => Promise.all(outputs.map((t) => t.data())),
    LAYER_CALLS,
    ROUNDS,
  );
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar, [x, ...layer.trainableWeights.map((v) => v.read() as tf.Variable)]);
    return [value, ...Object.values(grads)];
  });
  tf.dispose([...outputs, x, w]);
  model.dispose();
  console.log(`  layer alone, ${fused ? 'fused' : 'stock'} on webgpu: ${fixed(ms)} ms per forward + backward, ${profile.kernels.length} tfjs kernels`);
  return { ms, kernels: profile.kernels.length };
}

console.log('\nseed model.fit, per epoch:');
const fusedWebGPU = await seedEpoch('webgpu', true);
const stockWebGPU = await seedEpoch('webgpu', false);
const stockCPU = await seedEpoch('cpu', false);
const floor = await floorEpoch();
console.log('\nthe SimpleRNN layer alone:');
const fusedLayer = await layerAlone(true);
const stockLayer = await layerAlone(false);

const share = { fused: fusedWebGPU.ms - floor.ms, stock: stockWebGPU.ms - floor.ms };
const row = (name: string, r: { ms: number; profile: EpochProfile }, note: string) => [
  name,
  `${fixed(r.ms)} ms`,
  ratio(stockWebGPU.ms / r.ms),
  String(r.profile.kernels),
  String(r.profile.reads),
  String(r.profile.uploads),
  note,
];
publish({
  name: 'seed',
  title: 'The seed model\'s training (`npm run bench:seed`)',
  adapter,
  tables: [
    {
      header: ['per epoch of model.fit', 'time', 'vs stock webgpu', 'tfjs kernels', 'readbacks', 'uploads', ''],
      rows: [
        row('fused SimpleRNN, webgpu', fusedWebGPU, `RNN share ${fixed(share.fused)} ms`),
        row('stock SimpleRNN, webgpu', stockWebGPU, `RNN share ${fixed(share.stock)} ms`),
        row('stock SimpleRNN, cpu', stockCPU, ''),
        row('floor: Dense head alone, webgpu', floor, 'what every epoch costs besides the RNN'),
      ],
    },
    {
      caption: 'The SimpleRNN layer alone at the seed shape (forward + backward, input gradient included, on webgpu):',
      header: ['layer', 'time per call', 'speed-up', 'tfjs kernels'],
      rows: [
        ['fused', `${fixed(fusedLayer.ms)} ms`, ratio(stockLayer.ms / fusedLayer.ms), String(fusedLayer.kernels)],
        ['stock tf.layers.simpleRNN', `${fixed(stockLayer.ms)} ms`, '1.0x', String(stockLayer.kernels)],
      ],
    },
  ],
  notes: [
    `Fused vs stock on webgpu, per epoch: ${ratio(stockWebGPU.ms / fusedWebGPU.ms)} faster; the RNN's own share (epoch minus floor) is ${ratio(share.stock / share.fused)} smaller (${fixed(share.fused)} ms vs ${fixed(share.stock)} ms).`,
    `The floor is ${fixed(floor.ms)} ms of the fused epoch's ${fixed(fusedWebGPU.ms)} ms: tfjs's per-kernel overhead on the head, loss and Adam (${floor.profile.kernels} kernels), which no RNN layer can remove. That is where the standalone trainer (no tfjs) starts.`,
    `Per epoch: ${EPOCHS_PER_ROUND}-epoch rounds of model.fit (batch 5, shuffle off), median of ${ROUNDS} after a warm-up round. Kernels counted with tf.profile over one epoch; readbacks are backend reads, uploads are tensors written from host data.`,
    `tfjs ${tf.version.tfjs}, flags at their defaults.`,
  ],
  json: { epochsPerRound: EPOCHS_PER_ROUND, rounds: ROUNDS, fusedWebGPU, stockWebGPU, stockCPU, floor, share, layer: { fused: fusedLayer, stock: stockLayer } },
});
process.exit(0);
