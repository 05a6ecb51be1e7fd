/** Runs the fused SimpleRNN forward + backward on the test device for one configuration. */
import { createFloat32Buffer, readFloat32Buffer } from '../../src/gpu/buffers.js';
import type { SimpleRNNConfig } from '../../src/kernels/config.js';
import { createSimpleRNN } from '../../src/kernels/simple-rnn.js';
import type { SimpleRNNArrays } from '../../src/kernels/simple-rnn.ref.js';
import { random, uniform } from './data.js';
import { withErrorScopes } from './webgpu.js';

export interface CaseData extends SimpleRNNArrays {
  readonly x: Float32Array;
  readonly kernel: Float32Array;
  readonly recurrentKernel: Float32Array;
  readonly bias: Float32Array;
  readonly initialState: Float32Array;
  readonly dh: Float32Array;
}

export function caseData(c: SimpleRNNConfig, seed: number): CaseData {
  const rng = random(seed);
  const { batch: B, timesteps: T, features: F, units: U } = c;
  return {
    x: uniform(B * T * F, 1, rng),
    kernel: uniform(F * U, 1 / Math.sqrt(F), rng),
    recurrentKernel: uniform(U * U, 1 / Math.sqrt(U), rng),
    bias: uniform(U, 0.5, rng),
    initialState: uniform(B * U, 1, rng),
    dh: uniform(B * T * U, 1, rng),
  };
}

export interface CaseResult {
  readonly h: Float32Array;
  readonly z: Float32Array;
  readonly dx: Float32Array;
  readonly dKernel: Float32Array;
  readonly dRecurrentKernel: Float32Array;
  readonly dBias: Float32Array | null;
  readonly dInitialState: Float32Array;
}

export async function runSimpleRNN(device: GPUDevice, config: SimpleRNNConfig, data: CaseData): Promise<CaseResult> {
  return withErrorScopes(device, async () => {
    const rnn = createSimpleRNN(device, config);
    const upload = (name: string, array: Float32Array) => createFloat32Buffer(device, array, name);
    const inputs = {
      x: upload('x', data.x),
      kernel: upload('kernel', data.kernel),
      recurrentKernel: upload('recurrentKernel', data.recurrentKernel),
      bias: rnn.config.useBias ? upload('bias', data.bias) : null,
      initialState: rnn.config.useInitialState ? upload('initialState', data.initialState) : null,
    };
    const dh = upload('dh', data.dh);
    const encoder = device.createCommandEncoder();
    const forward = rnn.encodeForward(encoder, inputs);
    const backward = rnn.encodeBackward(encoder, { ...inputs, ...forward, dh });
    device.queue.submit([encoder.finish()]);
    const read = (buffer: GPUBuffer) => readFloat32Buffer(device, buffer);
    const result: CaseResult = {
      h: await read(forward.h),
      z: await read(forward.z),
      dx: await read(backward.dx),
      dKernel: await read(backward.dKernel),
      dRecurrentKernel: await read(backward.dRecurrentKernel),
      dBias: backward.dBias ? await read(backward.dBias) : null,
      dInitialState: await read(backward.dInitialState),
    };
    for (const buffer of [...Object.values(inputs), dh, ...Object.values(forward), ...Object.values(backward)])
      buffer?.destroy();
    return result;
  });
}
