import { describe, expect, it } from 'vitest';
import { chooseStrategy, deviceTraits, pinStrategy, type DeviceTraits } from '../src/kernels/strategy.js';
import { getDevice } from './helpers/webgpu.js';

// The strategy table, as data: what it picks on a hardware GPU (limits as the H100's) and on the
// CPU fallback, by units; and what a caller asking for the persistent recurrence (the trainer) gets.
const limits = {
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupSizeX: 1024,
  maxComputeWorkgroupStorageSize: 49152,
} as GPUSupportedLimits;
const hardware: DeviceTraits = { isFallbackAdapter: false, limits };
const fallback: DeviceTraits = { isFallbackAdapter: true, limits };
const lstm = (units: number) => ({ batch: 8, timesteps: 10, features: 4, units, gates: 4 });
const pick = (traits: DeviceTraits, units: number, recurrence?: 'persistent') => {
  const s = chooseStrategy(traits, lstm(units), recurrence ? { recurrence } : {});
  return [s.recurrence, s.recurrenceWorkgroupSize, s.weightsInWorkgroup];
};

describe('the strategy table', () => {
  it.each([
    // units, table's pick, the pick when persistent is asked for: cooperative products, 128 lanes; the
    // recurrent kernel staged while it fits in half of workgroup memory (LSTM: up to 39 units)
    [32, ['persistent', 128, true], ['persistent', 128, true]],
    [39, ['persistent', 128, true], ['persistent', 128, true]],
    [40, ['persistent', 128, false], ['persistent', 128, false]],
    [128, ['persistent', 128, false], ['persistent', 128, false]],
    [129, ['stepwise', 128, false], ['persistent', 128, false]],
    [1024, ['stepwise', 128, false], ['persistent', 128, false]],
  ])('hardware, %i units: %j; persistent asked for: %j', (units, table, persistent) => {
    expect(pick(hardware, units)).toEqual(table);
    expect(pick(hardware, units, 'persistent')).toEqual(persistent);
  });

  it.each([
    // batch, timesteps, features, units, the hardware half's rows per weight-gradient split (its GEMMs staged in
    // workgroup memory, the CPU fallback's not): one split (32,768
    // rows) while a split's invocations, ceil(U/4)·(ceil(F/4) + ceil(U/4) + 1), are enough or the rows few;
    // else as many splits of whole 256-row blocks as reach 2^17 invocations
    [5, 3, 1, 50, 32_768],
    [8, 32, 32, 1024, 32_768],
    [16, 25, 1024, 1024, 32_768],
    [32, 64, 16, 256, 256], // 4,416 invocations a split: 8 splits, all the rows allow
    [64, 100, 1, 8, 256], // 8 invocations a split: 25 splits
    [512, 100, 16, 256, 1792], // 4,416 invocations a split: 30 splits wanted, 29 of 1,792 rows
    [2, 2, 1, 1, 32_768],
  ])(
    'GEMMs, hardware, B%i T%i F%i U%i: staged, %i weight-gradient rows a split; CPU fallback: unstaged, 32,768',
    (B, T, F, U, rows) => {
      const shape = { batch: B, timesteps: T, features: F, units: U, gates: 4 };
      expect(chooseStrategy(hardware, shape).stagedGemms).toBe(true);
      expect(chooseStrategy(fallback, shape).stagedGemms).toBe(false);
      expect(chooseStrategy(hardware, shape).weightGradientRows).toBe(rows);
      expect(chooseStrategy(fallback, shape).weightGradientRows).toBe(32_768);
      expect(chooseStrategy(hardware, shape, { weightGradientRows: 64 }).weightGradientRows).toBe(64);
    },
  );

  it.each([
    // batch, timesteps, features, gates, units, the hardware half's input-gradient slices: toward 2^17 lanes
    // over the ceil(rows/4)·ceil(F/4) tiles, at most 64 a tile, each summing 16 or more of the gates' columns,
    // a power of two; 1 (an invocation per tile) where the tiles are enough or the columns few
    [5, 3, 1, 1, 50, 2], // 4 tiles, 50 columns: 3 slices' worth, 2
    [8, 32, 32, 4, 1024, 64], // 512 tiles of 4,096 columns
    [32, 64, 16, 1, 256, 16], // 2,048 tiles: 64 wanted, 256 columns allow 16
    [32, 64, 16, 4, 256, 64],
    [16, 25, 1024, 4, 1024, 4], // DeepBench's LSTM: 25,600 tiles, 6 wanted
    [512, 100, 64, 3, 50, 1], // 204,800 tiles
    [8, 4, 1, 1, 15, 1], // 15 columns: under one slice's 16
  ])('input-gradient slices, hardware, B%i T%i F%i G%i U%i: %i; CPU fallback: 1', (B, T, F, gates, U, slices) => {
    const shape = { batch: B, timesteps: T, features: F, units: U, gates };
    expect(chooseStrategy(hardware, shape).inputGradientSlices).toBe(slices);
    expect(chooseStrategy(fallback, shape).inputGradientSlices).toBe(1);
  });

  it.each([1, 50, 1024])('CPU fallback, %i units: persistent, 4 lanes, weights in storage', (units) => {
    expect(pick(fallback, units)).toEqual(['persistent', 4, false]);
    expect(pick(fallback, units, 'persistent')).toEqual(['persistent', 4, false]);
  });

  it.each([
    // gates, units, the fallback's pick: unrolled up to 1,024 recurrent-kernel weights
    [1, 1, 'unrolled'],
    [1, 32, 'unrolled'],
    [1, 33, 'loops'],
    [3, 18, 'unrolled'],
    [3, 19, 'loops'],
    [4, 16, 'unrolled'],
    [4, 32, 'loops'],
  ] as const)('products, CPU fallback, %i gates × %i units: %s; hardware: cooperative', (gates, units, products) => {
    const shape = { batch: 8, timesteps: 10, features: 4, units, gates };
    expect(chooseStrategy(fallback, shape).products).toBe(products);
    expect(chooseStrategy(hardware, shape).products).toBe('cooperative');
  });

  it("takes 'unrolled' asked for up to 1,024 weights, anywhere, and refuses it past that", () => {
    expect(chooseStrategy(hardware, lstm(16), { products: 'unrolled' }).products).toBe('unrolled');
    expect(() => chooseStrategy(fallback, lstm(17), { products: 'unrolled' })).toThrow(
      "strategy.products: 'unrolled' takes at most 1024 recurrent-kernel weights (gates·units²); got 1156",
    );
    expect(() => chooseStrategy(fallback, lstm(8), { products: 'tiles' as never })).toThrow(
      "config.strategy.products: expected 'loops', 'unrolled' or 'cooperative'; got \"tiles\"",
    );
  });

  it('keeps overrides as given', () => {
    expect(
      chooseStrategy(hardware, lstm(512), { recurrence: 'persistent', recurrenceWorkgroupSize: 32 })
        .recurrenceWorkgroupSize,
    ).toBe(32);
  });

  it("pins fields for a device's layers (a config's own strategy still wins); {} unpins", async () => {
    const device = await getDevice();
    const table = chooseStrategy(deviceTraits(device), lstm(8));
    pinStrategy(device, { activations: 'runtime', products: 'loops' });
    try {
      const pinned = chooseStrategy(deviceTraits(device), lstm(8), { products: 'unrolled' });
      expect([pinned.activations, pinned.products, pinned.recurrence]).toEqual([
        'runtime',
        'unrolled',
        table.recurrence,
      ]);
      expect(() => pinStrategy(device, { products: 'tiles' as never })).toThrow(
        "pinStrategy: strategy.products: expected 'loops', 'unrolled' or 'cooperative'; got \"tiles\"",
      );
    } finally {
      pinStrategy(device, {});
    }
    expect(chooseStrategy(deviceTraits(device), lstm(8))).toEqual(table);
  });
});
