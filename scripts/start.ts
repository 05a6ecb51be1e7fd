// npm start: the fused kernels on the seed notebook's shapes (5 windows of 3 steps, 1 feature,
// SimpleRNN(50, relu)) on WebGPU, forward and backward, checked against the float64 CPU reference.
import { createFloat32Buffer, createSimpleRNN, readFloat32Buffer, simpleRNNBackwardRef, simpleRNNForwardRef } from 'webgpu-rnn';
import { describeAdapter, requestNodeDevice } from 'webgpu-rnn/node';

const TOLERANCE = { forward: 1e-5, backward: 1e-4 };

const webgpu = await requestNodeDevice();
const { device } = webgpu;
console.log(`WebGPU adapter: ${describeAdapter(webgpu.adapterSummary)}`);

// The notebook's windows of 10, 20, ..., 90: [10 20 30] → [40 50], ... (inputs only here).
const x = Float32Array.from([10, 20, 30, 20, 30, 40, 30, 40, 50, 40, 50, 60, 50, 60, 70]);
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const units = 50;
const kernel = Float32Array.from({ length: units }, () => rand() * 0.3);
const recurrentKernel = Float32Array.from({ length: units * units }, () => rand() / Math.sqrt(units));
const bias = new Float32Array(units);
const dh = new Float32Array(5 * 3 * units).map((_, i) => (Math.floor(i / units) % 3 === 2 ? 1 : 0)); // d(sum of last states)

const rnn = createSimpleRNN(device, { batch: 5, timesteps: 3, features: 1, units, activation: 'relu' });
const up = (a: Float32Array) => createFloat32Buffer(device, a);
const inputs = { x: up(x), kernel: up(kernel), recurrentKernel: up(recurrentKernel), bias: up(bias) };
const encoder = device.createCommandEncoder();
const forward = rnn.encodeForward(encoder, inputs);
const grads = rnn.encodeBackward(encoder, { ...inputs, ...forward, dh: up(dh) });
device.queue.submit([encoder.finish()]);

const ref = simpleRNNForwardRef({ x, kernel, recurrentKernel, bias }, rnn.config);
const refGrads = simpleRNNBackwardRef({ x, kernel, recurrentKernel, bias, ...ref, dh }, rnn.config);
const error = (a: Float32Array, b: Float64Array) => {
  const scale = Math.max(...b.map(Math.abs)) || 1;
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / scale;
};
const rows: [string, Float32Array, Float64Array, number][] = [
  ['h (all states)', await readFloat32Buffer(device, forward.h), ref.h, TOLERANCE.forward],
  ['dx', await readFloat32Buffer(device, grads.dx), refGrads.dx, TOLERANCE.backward],
  ['dKernel', await readFloat32Buffer(device, grads.dKernel), refGrads.dKernel, TOLERANCE.backward],
  ['dRecurrentKernel', await readFloat32Buffer(device, grads.dRecurrentKernel), refGrads.dRecurrentKernel, TOLERANCE.backward],
  ['dBias', await readFloat32Buffer(device, grads.dBias!), refGrads.dBias, TOLERANCE.backward],
];
console.log(`seed shapes [batch 5, timesteps 3, features 1, units 50], relu: ${rnn.dispatches.forward} dispatches forward, ${rnn.dispatches.backward} backward (${rnn.strategy.recurrence})`);
let pass = true;
for (const [name, gpu, cpu, tolerance] of rows) {
  const e = error(gpu, cpu);
  pass &&= e < tolerance;
  console.log(`  ${name.padEnd(18)} max error ${e.toExponential(2)} (tolerance ${tolerance})  ${e < tolerance ? 'PASS' : 'FAIL'}`);
}
console.log(pass ? 'PASS: WebGPU kernels match the CPU reference' : 'FAIL');
webgpu.release();
process.exit(pass ? 0 : 1);
