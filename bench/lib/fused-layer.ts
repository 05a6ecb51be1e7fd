// A fused layer of the package on random inputs, ready to time: forward and forward + backward calls,
// each one submission (bench:kernels, bench:gemms).
import {
  CELLS,
  createFloat32Buffer,
  createRecurrentLayer,
  type Activation,
  type GRUConfig,
  type LSTMConfig,
  type Strategy,
} from 'webgpu-rnn';
import type { Timed } from './report.js';

export type Cell = 'SimpleRNN' | 'LSTM' | 'GRU';

/** A cell and a layer config: the shape, the activations and the cell's own options. */
export interface LayerCase {
  readonly cell: Cell;
  readonly config: LSTMConfig & GRUConfig & { activation: Activation; recurrentActivation: Activation };
}

export const definition = (cell: Cell) => CELLS.find((c) => c.className === cell)!;

/** The layer of the case's cell, with the config fields that cell takes. */
function createLayer(device: GPUDevice, c: LayerCase, strategy?: Partial<Strategy>) {
  const cell = definition(c.cell);
  const { recurrentActivation, resetAfter, ...common } = { ...c.config, ...(strategy ? { strategy } : {}) };
  const own = { recurrentActivation, resetAfter, useInitialCellState: undefined };
  const options = Object.fromEntries(cell.options.map((option) => [option, own[option]]));
  return createRecurrentLayer(device, cell, { ...common, ...options });
}

/** A fused layer with its inputs uploaded: forward and forward+backward calls to time, and its strategy. */
export async function fusedLayer(device: GPUDevice, c: LayerCase, strategy?: Partial<Strategy>) {
  const layer = createLayer(device, c, strategy);
  const { batch: B, timesteps: T, features: F, units: U } = c.config;
  const G = definition(c.cell).gates;
  const random = (n: number, scale: number) =>
    createFloat32Buffer(
      device,
      Float32Array.from({ length: n }, () => (Math.random() * 2 - 1) * scale),
    );
  const inputs = {
    x: random(B * T * F, 1),
    kernel: random(F * G * U, 0.3),
    recurrentKernel: random(U * G * U, 1 / Math.sqrt(U)),
    bias: random((c.config.resetAfter ? 2 : 1) * G * U, 0.1),
  };
  const dh = random(B * T * U, 1);
  await layer.prepare();
  // The three layers share the encode calls' shape; their buffer types differ by name only.
  const fused = layer as unknown as {
    encodeForward(e: GPUCommandEncoder, i: object, o?: object): Record<string, GPUBuffer | null>;
    encodeBackward(e: GPUCommandEncoder, i: object, o?: object): Record<string, GPUBuffer | null>;
  };
  const encoder = device.createCommandEncoder();
  const forwardOut = fused.encodeForward(encoder, inputs);
  const backwardOut = fused.encodeBackward(encoder, { ...inputs, ...forwardOut, dh });
  device.queue.submit([encoder.finish()]);
  const settle = () => device.queue.onSubmittedWorkDone();
  const call = (backward: boolean): Timed => ({
    run() {
      const e = device.createCommandEncoder();
      fused.encodeForward(e, inputs, forwardOut);
      if (backward) fused.encodeBackward(e, { ...inputs, ...forwardOut, dh }, backwardOut);
      device.queue.submit([e.finish()]);
    },
    settle,
  });
  return {
    forward: call(false),
    forwardBackward: call(true),
    strategy: layer.strategy,
    dispatches: layer.dispatches,
    destroy: () =>
      [...Object.values(inputs), dh, ...Object.values(forwardOut), ...Object.values(backwardOut)].forEach((b) =>
        b?.destroy(),
      ),
  };
}
