import { describe, expect, it } from 'vitest';
import type { Strategy } from '../src/kernels/strategy.js';
import { layerData, runLayer, type AnyConfig, type LayerKind } from './helpers/layer-case.js';
import { getDevice, TEST_BACKEND } from './helpers/webgpu.js';

// Nothing may depend on which workgroup runs which tile, or in which order: every kernel of every
// cell (input projection, both recurrences, weight gradients and their splits, input gradient) runs
// with the workgroups permuted (reversed, interleaved; see workgroup-order.wgsl) and with other
// workgroup sizes (1, 5, 7, 64 lanes; GEMM workgroups of 1, 10, 7 and 64 tiles), stepwise, chunked,
// with the weights in workgroup memory, with 1 and 2 weight-gradient tiles per invocation (the
// baseline's are SwiftShader's 4, OpenGL's 1), and must give bit-identical results. SimpleRNN runs two
// of the variants and each gated cell one (the drivers map workgroups to tiles alike for every cell), so
// that together they cover every order and size. B9 T4 F6 U37: 3 row tiles, 10 unit tiles, 9 GEMM row
// tiles, and the weight gradients in 5 splits of the 36 rows (splits sum in another order than one pass,
// so every run splits alike), so every variant spreads its work. On OpenGL the table's hardware half also
// splits the input gradient's tiles over lanes (2 to 8 slices here).
const variants: Record<string, Partial<Strategy>> = {
  reversed1: { workgroupOrder: 'reversed', recurrenceWorkgroupSize: 1, gemmWorkgroup: [1, 1], weightGradientTiles: 1 },
  interleaved64: { workgroupOrder: 'interleaved', recurrenceWorkgroupSize: 64, gemmWorkgroup: [8, 8] },
  interleaved5: {
    workgroupOrder: 'interleaved',
    recurrenceWorkgroupSize: 5,
    gemmWorkgroup: [5, 2],
    recurrence: 'stepwise',
    weightGradientTiles: 2,
  },
  reversed7: {
    workgroupOrder: 'reversed',
    recurrenceWorkgroupSize: 7,
    gemmWorkgroup: [7, 1],
    weightsInWorkgroup: true,
    maxStepsPerDispatch: 1,
  },
};

const layers: [string, LayerKind, Partial<AnyConfig>, (keyof typeof variants)[]][] = [
  ['SimpleRNN', 'SimpleRNN', {}, ['reversed1', 'interleaved64']],
  ['LSTM', 'LSTM', { useInitialCellState: true }, ['interleaved5']],
  ['GRU', 'GRU', {}, ['reversed7']],
  ['GRU resetAfter', 'GRU', { resetAfter: true }, ['reversed1']],
];

// Unrolled products (an invocation per row tile, every unit): B37 U7 gives 10 row tiles, so 1 to 10
// workgroups; SimpleRNN runs two of the permuted variants against the natural order and each gated cell
// one (GRU resetAfter's recurrences map invocations to tiles as GRU's do; only its cell math differs,
// which test/recurrence-*.test.ts check). The order reaches the GEMM kernels too (input projection,
// weight and input gradients): there a cell's unrolled variant takes the GEMM workgroups that cell's
// variant above ran in the same order, so that only its recurrences compile anew.
const unrolledVariants: Record<string, Partial<Strategy>> = {
  reversed1: { workgroupOrder: 'reversed', recurrenceWorkgroupSize: 1 },
  interleaved3: { workgroupOrder: 'interleaved', recurrenceWorkgroupSize: 3, recurrence: 'stepwise' },
  reversed2: { workgroupOrder: 'reversed', recurrenceWorkgroupSize: 2, maxStepsPerDispatch: 1 },
  interleaved64: { workgroupOrder: 'interleaved', recurrenceWorkgroupSize: 64 },
};
const unrolledLayers: [string, LayerKind, Partial<AnyConfig>, (keyof typeof unrolledVariants)[]][] = [
  ['SimpleRNN', 'SimpleRNN', {}, ['reversed1', 'interleaved3']],
  ['LSTM', 'LSTM', { useInitialCellState: true }, ['interleaved64']],
  ['GRU', 'GRU', {}, ['reversed2']],
];

// Cooperative products (the hardware path): a workgroup computes a group of unit tiles' products, its
// lanes splitting each reduction into slices that do not depend on the lanes, the mode or the chunk of
// the operand staged at a time. B9 U37: 3 row tiles, 10 unit tiles in 5 stepwise groups; lanes from 1
// (every role on one lane) to 128 (most idle), persistent and stepwise. SimpleRNN: the other cells differ
// only in their terms, which test/recurrence-*.test.ts cover; and on the OpenGL adapter cooperative
// products are the table's own, so the layers above check every cell there.
const cooperativeVariants: Record<string, Partial<Strategy>> = {
  reversed1: { workgroupOrder: 'reversed', recurrenceWorkgroupSize: 1 },
  interleaved7: { workgroupOrder: 'interleaved', recurrenceWorkgroupSize: 7, recurrence: 'stepwise' },
  reversed64: { workgroupOrder: 'reversed', recurrenceWorkgroupSize: 64, recurrence: 'stepwise' },
  interleaved128: { workgroupOrder: 'interleaved', recurrenceWorkgroupSize: 128, maxStepsPerDispatch: 1 },
};
const cooperativeLayers: [string, LayerKind, Partial<AnyConfig>, (keyof typeof cooperativeVariants)[]][] = [
  ['SimpleRNN', 'SimpleRNN', {}, ['reversed1', 'interleaved7', 'reversed64', 'interleaved128']],
];

/** The GEMM workgroups (and weight-gradient tiles) of `cell`'s variant above that runs in `order`. */
function gemmsOf(cell: string, order: Strategy['workgroupOrder'] | undefined): Partial<Strategy> {
  const names = layers.find(([name]) => name === cell)![3];
  const { gemmWorkgroup, weightGradientTiles } = names
    .map((name) => variants[name]!)
    .find((v) => v.workgroupOrder === order)!;
  return { gemmWorkgroup, ...(weightGradientTiles ? { weightGradientTiles } : {}) };
}

/** `variant` with the GEMM workgroups of `cell`'s variant above in the same order. */
const withGemmsOf = (cell: string, variant: Partial<Strategy>): Partial<Strategy> => ({
  ...variant,
  ...gemmsOf(cell, variant.workgroupOrder),
});

/** The shape the layers above and the cooperative ones run: B9 T4 F6 U37, backwards, from an initial state. */
const SPREAD = {
  batch: 9,
  timesteps: 4,
  features: 6,
  units: 37,
  goBackwards: true,
  useInitialState: true,
} as const;

const bytes = (a: Float32Array | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : null);

// Every output of the layer with each strategy, byte for byte against the layer with config's own.
async function expectBitIdentical(
  device: GPUDevice,
  kind: LayerKind,
  config: AnyConfig,
  strategies: Partial<Strategy>[],
) {
  const data = layerData(kind, config, 11);
  const options = { lastOutputs: true, dcLast: kind === 'LSTM' };
  const baseline = await runLayer(device, kind, config, data, options);
  for (const strategy of strategies) {
    const result = await runLayer(
      device,
      kind,
      { ...config, strategy: { ...config.strategy, ...strategy } },
      data,
      options,
    );
    for (const [name, values] of Object.entries(baseline)) {
      expect(
        bytes(result[name]!)?.equals(bytes(values)!) ?? values === null,
        `${name} with ${JSON.stringify(strategy)}`,
      ).toBe(true);
    }
  }
}

describe('results do not depend on the mapping of workgroups to tiles nor on workgroup sizes', async () => {
  const device = await getDevice();

  it.each(layers)('%s: every kernel, bit for bit', async (_, kind, flags, names) => {
    const config: AnyConfig = { ...SPREAD, ...flags, strategy: { weightGradientRows: 8 } };
    await expectBitIdentical(
      device,
      kind,
      config,
      names.map((name) => variants[name]!),
    );
  });

  // Unrolled products are the CPU fallback's (SwiftShader's) profile, and their invocations map to tiles
  // in the drivers' code, the same for every cell; llvmpipe takes 50-70 s per gated cell to compile
  // them, so the OpenGL adapter checks the mapping with SimpleRNN.
  const unrolledHere = TEST_BACKEND === 'opengl' ? unrolledLayers.slice(0, 1) : unrolledLayers;
  it.each(unrolledHere)('%s with unrolled products: the recurrences, bit for bit', async (cell, kind, flags, names) => {
    const config: AnyConfig = {
      batch: 37,
      timesteps: 4,
      features: 3,
      units: 7,
      goBackwards: true,
      useInitialState: true,
      ...flags,
      strategy: { products: 'unrolled' },
    };
    await expectBitIdentical(
      device,
      kind,
      config,
      names.map((name) => withGemmsOf(cell, unrolledVariants[name]!)),
    );
  });

  it.each(TEST_BACKEND === 'opengl' ? [] : cooperativeLayers)(
    '%s with cooperative products: the recurrences, bit for bit',
    async (cell, kind, flags, names) => {
      const config: AnyConfig = {
        ...SPREAD,
        ...flags,
        strategy: { products: 'cooperative', recurrenceWorkgroupSize: 32, weightGradientRows: 8 },
      };
      await expectBitIdentical(
        device,
        kind,
        config,
        names.map((name) => withGemmsOf(cell, cooperativeVariants[name]!)),
      );
    },
  );
});
