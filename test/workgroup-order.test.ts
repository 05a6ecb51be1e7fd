import { describe, expect, it } from 'vitest';
import type { Strategy } from '../src/kernels/strategy.js';
import { layerData, runLayer, type AnyConfig, type LayerKind } from './helpers/layer-case.js';
import { getDevice } from './helpers/webgpu.js';

// Nothing may depend on which workgroup runs which tile, or in which order: every kernel of every
// cell (input projection, both recurrences, weight gradients, input gradient) runs with the
// workgroups permuted (reversed, interleaved; see workgroup-order.wgsl) and with other workgroup
// sizes (1, 5, 7, 64 lanes; GEMM workgroups of 1, 10, 7 and 64 tiles), stepwise, chunked and with the
// weights in workgroup memory, and must give bit-identical results. B9 T4 F6 U37: 3 row tiles,
// 10 unit tiles, 9 GEMM row tiles, so every variant spreads work over several workgroups.
const variants: Partial<Strategy>[] = [
  { workgroupOrder: 'reversed', recurrenceWorkgroupSize: 1, gemmWorkgroup: [1, 1] },
  { workgroupOrder: 'interleaved', recurrenceWorkgroupSize: 5, gemmWorkgroup: [5, 2], recurrence: 'stepwise' },
  { workgroupOrder: 'natural', recurrenceWorkgroupSize: 7, gemmWorkgroup: [7, 1], weightsInWorkgroup: true, maxStepsPerDispatch: 1 },
  { workgroupOrder: 'interleaved', recurrenceWorkgroupSize: 64, gemmWorkgroup: [8, 8] },
];

const layers: [string, LayerKind, Partial<AnyConfig>][] = [
  ['SimpleRNN', 'SimpleRNN', {}],
  ['LSTM', 'LSTM', { useInitialCellState: true }],
  ['GRU', 'GRU', {}],
  ['GRU resetAfter', 'GRU', { resetAfter: true }],
];

const bytes = (a: Float32Array | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : null);

describe('results do not depend on the mapping of workgroups to tiles nor on workgroup sizes', async () => {
  const device = await getDevice();

  it.each(layers)('%s: every kernel, bit for bit', async (_, kind, flags) => {
    const config: AnyConfig = { batch: 9, timesteps: 4, features: 6, units: 37, goBackwards: true, useInitialState: true, ...flags };
    const data = layerData(kind, config, 11);
    const options = { lastOutputs: true, dcLast: kind === 'LSTM' };
    const baseline = await runLayer(device, kind, config, data, options);
    for (const strategy of variants) {
      const result = await runLayer(device, kind, { ...config, strategy }, data, options);
      for (const [name, values] of Object.entries(baseline)) {
        expect(bytes(result[name]!)?.equals(bytes(values)!) ?? values === null, `${name} with ${JSON.stringify(strategy)}`).toBe(true);
      }
    }
  });
});
