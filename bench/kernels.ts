// npm run bench:kernels: the fused kernels against the same computation in stock tfjs ops on the
// same adapter (matMul/add/activation per timestep; tf.grads for the backward), and against the
// adapter's best tf.matMul throughput, all measured in this run.
import * as tf from '@tensorflow/tfjs';
import { createFloat32Buffer, createSimpleRNN, type SimpleRNNConfig, type Strategy } from 'webgpu-rnn';
import { describeAdapter, requestNodeDevice } from 'webgpu-rnn/node';
import { matMulThroughput } from './lib/floors.js';
import { fixed, publish, ratio, timePerCall } from './lib/report.js';

interface Case {
  readonly label: string;
  readonly config: SimpleRNNConfig & { activation: 'relu' | 'tanh' };
  /** Calls per timing round: ours, stock. */
  readonly calls: readonly [number, number];
}

const CASES: Case[] = [
  { label: 'seed 5×3×1×50 relu', config: { batch: 5, timesteps: 3, features: 1, units: 50, activation: 'relu' }, calls: [200, 20] },
  { label: '32×64×16×256 tanh', config: { batch: 32, timesteps: 64, features: 16, units: 256, activation: 'tanh' }, calls: [2, 1] },
  { label: '8×32×32×1024 tanh', config: { batch: 8, timesteps: 32, features: 32, units: 1024, activation: 'tanh' }, calls: [2, 1] },
];
const ROUNDS = 3;
const MATMUL_SIZES = [256, 512, 1024];

const webgpu = await requestNodeDevice({ installNavigator: true });
const { device } = webgpu;
await import('@tensorflow/tfjs-backend-webgpu');
await tf.setBackend('webgpu');
const adapter = describeAdapter(webgpu.adapterSummary);
console.log(`adapter: ${adapter}; tfjs ${tf.version.tfjs} on ${tf.getBackend()}`);

const flops = ({ batch: B, timesteps: T, features: F, units: U }: SimpleRNNConfig) => ({
  forward: 2 * B * T * U * (F + U),
  forwardBackward: 2 * B * T * U * (3 * U + 3 * F),
});

/** The recurrence in stock tfjs ops, every state returned like the fused kernel. */
function stockRNN(x: tf.Tensor3D, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor1D, activation: 'relu' | 'tanh'): tf.Tensor3D {
  const act = activation === 'relu' ? tf.relu : tf.tanh;
  let h: tf.Tensor2D = tf.zeros([x.shape[0], kernel.shape[1]]);
  const states: tf.Tensor2D[] = [];
  for (const xt of tf.unstack(x, 1) as tf.Tensor2D[]) {
    h = act(tf.add(tf.add(tf.matMul(xt, kernel), tf.matMul(h, recurrent)), bias)) as tf.Tensor2D;
    states.push(h);
  }
  return tf.stack(states, 1) as tf.Tensor3D;
}

async function timeStock(c: Case) {
  const { batch: B, timesteps: T, features: F, units: U } = c.config;
  const x = tf.randomUniform([B, T, F], -1, 1) as tf.Tensor3D;
  const kernel = tf.randomUniform([F, U], -0.3, 0.3) as tf.Tensor2D;
  const recurrent = tf.randomUniform([U, U], -1 / Math.sqrt(U), 1 / Math.sqrt(U)) as tf.Tensor2D;
  const bias = tf.zeros([U]) as tf.Tensor1D;
  const dh = tf.randomUniform([B, T, U], -1, 1);
  const gradients = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(stockRNN(...(args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]), c.config.activation), dh)));
  let outputs: tf.Tensor[] = [];
  const settle = () => Promise.all(outputs.map((t) => t.data()));
  const forward = await timePerCall(
    () => {
      tf.dispose(outputs);
      outputs = [tf.tidy(() => stockRNN(x, kernel, recurrent, bias, c.config.activation))];
    },
    settle,
    c.calls[1],
    ROUNDS,
  );
  const forwardBackward = await timePerCall(
    () => {
      tf.dispose(outputs);
      outputs = tf.tidy(() => gradients([x, kernel, recurrent, bias]));
    },
    settle,
    c.calls[1],
    ROUNDS,
  );
  tf.dispose([...outputs, x, kernel, recurrent, bias, dh]);
  return { forward, forwardBackward };
}

async function timeFused(c: Case, strategy?: Partial<Strategy>) {
  const rnn = createSimpleRNN(device, { ...c.config, ...(strategy ? { strategy } : {}) });
  const { batch: B, timesteps: T, features: F, units: U } = c.config;
  const random = (n: number, scale: number) => createFloat32Buffer(device, Float32Array.from({ length: n }, () => (Math.random() * 2 - 1) * scale));
  const inputs = { x: random(B * T * F, 1), kernel: random(F * U, 0.3), recurrentKernel: random(U * U, 1 / Math.sqrt(U)), bias: random(U, 0.1) };
  const dh = random(B * T * U, 1);
  await rnn.prepare();
  const encoder = device.createCommandEncoder();
  const forwardOut = rnn.encodeForward(encoder, inputs);
  const backwardOut = rnn.encodeBackward(encoder, { ...inputs, ...forwardOut, dh });
  device.queue.submit([encoder.finish()]);
  const settle = () => device.queue.onSubmittedWorkDone();
  const call = (backward: boolean) => () => {
    const e = device.createCommandEncoder();
    rnn.encodeForward(e, inputs, forwardOut);
    if (backward) rnn.encodeBackward(e, { ...inputs, ...forwardOut, dh }, backwardOut);
    device.queue.submit([e.finish()]);
  };
  const forward = await timePerCall(call(false), settle, c.calls[0], ROUNDS);
  const forwardBackward = await timePerCall(call(true), settle, c.calls[0], ROUNDS);
  for (const b of [...Object.values(inputs), dh, ...Object.values(forwardOut), ...Object.values(backwardOut)]) b?.destroy();
  return { forward, forwardBackward, strategy: rnn.strategy, dispatches: rnn.dispatches };
}

const matmul = await matMulThroughput(MATMUL_SIZES, ROUNDS);
const best = matmul[0]!.gflops;
const results = [];
for (const c of CASES) {
  console.log(`\n${c.label}`);
  const fused = await timeFused(c);
  const other = await timeFused(c, { recurrence: fused.strategy.recurrence === 'persistent' ? 'stepwise' : 'persistent' });
  console.log(`  fused (${fused.strategy.recurrence}): forward ${fixed(fused.forward, 3)} ms, forward+backward ${fixed(fused.forwardBackward, 3)} ms`);
  console.log(`  fused (${other.strategy.recurrence}): forward ${fixed(other.forward, 3)} ms, forward+backward ${fixed(other.forwardBackward, 3)} ms`);
  const stock = await timeStock(c);
  console.log(`  stock tfjs: forward ${fixed(stock.forward)} ms, forward+backward ${fixed(stock.forwardBackward)} ms`);
  const f = flops(c.config);
  results.push({
    label: c.label,
    config: c.config,
    flops: f,
    fused: { ...fused, gflops: f.forwardBackward / fused.forwardBackward / 1e6 },
    alternative: other,
    stock: { ...stock, gflops: f.forwardBackward / stock.forwardBackward / 1e6 },
  });
}

publish({
  name: 'kernels',
  title: 'Fused kernels vs stock tfjs ops on the same adapter (`npm run bench:kernels`)',
  adapter,
  tables: [
    {
      header: ['shape B×T×F×U', 'forward fused', 'forward stock', 'speed-up', 'fwd+bwd fused', 'fwd+bwd stock', 'speed-up', 'fused GFLOP/s', 'stock GFLOP/s', 'fused / best matMul'],
      rows: results.map((r) => [
        r.label,
        `${fixed(r.fused.forward, 3)} ms`,
        `${fixed(r.stock.forward)} ms`,
        ratio(r.stock.forward / r.fused.forward),
        `${fixed(r.fused.forwardBackward, 3)} ms`,
        `${fixed(r.stock.forwardBackward)} ms`,
        ratio(r.stock.forwardBackward / r.fused.forwardBackward),
        fixed(r.fused.gflops),
        fixed(r.stock.gflops),
        ratio(r.fused.gflops / best),
      ]),
    },
    {
      caption: 'The recurrence strategies side by side (forward+backward per call; the first is the default the strategy table picks here):',
      header: ['shape', 'default', 'fwd+bwd', 'dispatches fwd / bwd', 'alternative', 'fwd+bwd', 'dispatches fwd / bwd'],
      rows: results.map((r) => [
        r.label,
        r.fused.strategy.recurrence,
        `${fixed(r.fused.forwardBackward, 3)} ms`,
        `${r.fused.dispatches.forward} / ${r.fused.dispatches.backward}`,
        r.alternative.strategy.recurrence,
        `${fixed(r.alternative.forwardBackward, 3)} ms`,
        `${r.alternative.dispatches.forward} / ${r.alternative.dispatches.backward}`,
      ]),
    },
  ],
  notes: [
    `Best tf.matMul in this run: ${fixed(best)} GFLOP/s (${[...matmul].sort((p, q) => p.size - q.size).map((m) => `${m.size}²: ${fixed(m.gflops)}`).join(', ')}).`,
    'Per call: forward (all hidden states) or forward + backward (gradients for x, kernel, recurrent_kernel, bias), median of 3 rounds after a warm-up round; each round ends when the device is idle.',
    'Stock: tf.matMul/tf.add/activation per timestep and tf.stack of the states; backward by tf.grads. FLOPs count 2·B·T·U·(F+U) forward and 2·B·T·U·(3U+3F) forward+backward.',
    `tfjs ${tf.version.tfjs}, webgpu backend, flags at their defaults (WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD ${String(tf.env().get('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD'))}).`,
  ],
  json: { tfjs: tf.version.tfjs, rounds: ROUNDS, bestMatMulGflops: best, matmul, results },
});
webgpu.release();
process.exit(0);
