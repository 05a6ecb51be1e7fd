/**
 * Times the fused kernels of the cell on tfjs's own GPUDevice through the bare-WebGPU API: wall
 * clock always, GPU time from timestamp queries where the device has them. WebGPU errors during the
 * runs fail the measurement instead of passing unnoticed.
 */
import {
  createFloat32Buffer,
  createGRU,
  createLSTM,
  createSimpleRNN,
  type RNNShape,
  type SimpleRNN,
  type Strategy,
} from 'webgpu-rnn';
import { CELL_INFO, type BenchCell, type BenchConfig } from './bench-config.js';
import { passTiming, type PassTiming } from './bench-result.js';
import { createGpuStopwatch } from './gpu-stopwatch.js';
import { timeWallClock } from './wall-clock.js';

/** Calls timed per GPU run (two timestamps each). */
const GPU_CALLS_PER_RUN = 16;

export interface FusedTimings {
  readonly forward: PassTiming;
  readonly forwardBackward: PassTiming;
  readonly strategy: Strategy;
  readonly dispatches: SimpleRNN['dispatches'];
}

export type OnProgress = (pass: 'forward' | 'forward + backward', what: string) => void;

type Buffers = Record<string, GPUBuffer | null>;

/**
 * What the page uses of any cell's layer (createSimpleRNN, createLSTM and createGRU share it; the buffers' names
 * differ).
 */
interface FusedLayer {
  readonly strategy: Strategy;
  readonly dispatches: SimpleRNN['dispatches'];
  prepare(): Promise<void>;
  encodeForward(encoder: GPUCommandEncoder, inputs: Buffers, outputs?: Buffers): Buffers;
  encodeBackward(encoder: GPUCommandEncoder, inputs: Buffers, outputs?: Buffers): Buffers;
}

const CREATE: Record<
  BenchCell,
  (device: GPUDevice, config: RNNShape & Pick<BenchConfig, 'activation' | 'goBackwards'>) => unknown
> = {
  simpleRNN: createSimpleRNN,
  lstm: createLSTM,
  gru: createGRU,
};

function randomBuffer(device: GPUDevice, length: number, scale: number): GPUBuffer {
  return createFloat32Buffer(
    device,
    Float32Array.from({ length }, () => (Math.random() * 2 - 1) * scale),
  );
}

async function popErrors(device: GPUDevice, scopes: number): Promise<void> {
  const errors: GPUError[] = [];
  for (let i = 0; i < scopes; i++) {
    const error = await device.popErrorScope();
    if (error) errors.push(error);
  }
  if (errors.length > 0) throw new Error(`WebGPU reported: ${errors.map((e) => e.message).join('; ')}`);
}

export async function timeFusedKernels(
  device: GPUDevice,
  config: BenchConfig,
  onProgress: OnProgress,
): Promise<FusedTimings> {
  const { batch: B, timesteps: T, features: F, units: U } = config;
  const G = CELL_INFO[config.cell].gates;
  const rnn = CREATE[config.cell](device, {
    batch: B,
    timesteps: T,
    features: F,
    units: U,
    activation: config.activation,
    goBackwards: config.goBackwards,
  }) as FusedLayer;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const inputs = {
    x: randomBuffer(device, B * T * F, 1),
    kernel: randomBuffer(device, F * G * U, 1 / Math.sqrt(F)),
    recurrentKernel: randomBuffer(device, U * G * U, 1 / Math.sqrt(U)),
    bias: randomBuffer(device, G * U, 0.1),
  };
  const dh = randomBuffer(device, B * T * U, 1);
  const buffers: GPUBuffer[] = [...Object.values(inputs), dh];
  try {
    await rnn.prepare();
    // The first call allocates the outputs; every timed call writes into the same ones.
    const first = device.createCommandEncoder();
    const forwardOut = rnn.encodeForward(first, inputs);
    const backwardOut = rnn.encodeBackward(first, { ...inputs, ...forwardOut, dh });
    device.queue.submit([first.finish()]);
    buffers.push(
      ...[...Object.values(forwardOut), ...Object.values(backwardOut)].filter((b): b is GPUBuffer => b !== null),
    );

    const encodeCall = (encoder: GPUCommandEncoder, backward: boolean) => {
      rnn.encodeForward(encoder, inputs, forwardOut);
      if (backward) rnn.encodeBackward(encoder, { ...inputs, ...forwardOut, dh }, backwardOut);
    };
    const settle = () => device.queue.onSubmittedWorkDone();

    const timePass = async (backward: boolean): Promise<PassTiming> => {
      const pass = backward ? 'forward + backward' : 'forward';
      const wall = await timeWallClock(
        () => {
          const encoder = device.createCommandEncoder();
          encodeCall(encoder, backward);
          device.queue.submit([encoder.finish()]);
        },
        settle,
        config.runs,
        (run) => onProgress(pass, `wall clock, run ${run} of ${config.runs}`),
      );
      const gpuRunsMs: number[] = [];
      if (device.features.has('timestamp-query')) {
        const stopwatch = createGpuStopwatch(device, GPU_CALLS_PER_RUN);
        try {
          const calls = Math.min(wall.callsPerRun, stopwatch.capacity);
          for (let run = 1; run <= config.runs; run++) {
            for (let slot = 0; slot < calls; slot++) {
              const encoder = device.createCommandEncoder();
              stopwatch.start(encoder, slot);
              encodeCall(encoder, backward);
              stopwatch.stop(encoder, slot);
              device.queue.submit([encoder.finish()]);
            }
            const perCall = await stopwatch.read(calls);
            gpuRunsMs.push(perCall.reduce((sum, ms) => sum + ms, 0) / calls);
            onProgress(pass, `GPU timestamps, run ${run} of ${config.runs}`);
          }
        } finally {
          stopwatch.destroy();
        }
      }
      return passTiming(wall, gpuRunsMs);
    };

    const forward = await timePass(false);
    const forwardBackward = await timePass(true);
    return { forward, forwardBackward, strategy: rnn.strategy, dispatches: rnn.dispatches };
  } finally {
    for (const buffer of buffers) buffer.destroy();
    await popErrors(device, 2);
  }
}
