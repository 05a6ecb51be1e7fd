import { describe, expect, it } from 'vitest';
import { chooseStrategy, deviceTraits } from '../src/kernels/strategy.js';
import type { TrainerCell } from '../src/trainer/config.js';
import { createTrainer } from '../src/trainer/trainer.js';
import { getDevice, TEST_BACKEND } from './helpers/webgpu.js';

// strategy.stateLoads: the recurrences' state loaded by each invocation, or a column per invocation
// of a subgroup and broadcast (state-loads-subgroup.wgsl). Both must compute the same bits: the
// trainer runs every core recurrence kernel forward and backward, so its losses and weights after a
// fit compare them. Units 1, 7 and 50 leave invocations of the 4-lane workgroups without a unit tile
// of their own (they take every turn, storing nothing); [units, 9] stacks a second layer whose
// reductions have a tail past the last full block of 4.
const cases: { cell: TrainerCell; units: number; resetAfter?: boolean }[] = [
  { cell: 'simpleRNN', units: 1 },
  { cell: 'simpleRNN', units: 50 },
  { cell: 'lstm', units: 7 },
  { cell: 'gru', units: 7 },
  { cell: 'gru', units: 50, resetAfter: true },
];

describe('state loads by subgroup (strategy.stateLoads)', async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  it("compute the same bits as loads by each invocation, for every cell (a device without subgroups refuses 'subgroup')", async () => {
    if (!traits.subgroups) {
      await expect(createTrainer(device, { timesteps: 6, features: 2, units: 8, outputs: 2, strategy: { stateLoads: 'subgroup' } })).rejects.toThrow(/^strategy\.stateLoads: 'subgroup' needs a device with the 'subgroups' feature/);
      return;
    }
    for (const c of cases) {
      const fit = async (stateLoads: 'each' | 'subgroup') => {
        const t = await createTrainer(device, { timesteps: 6, features: 2, units: [c.units, 9], outputs: 2, cell: c.cell, resetAfter: c.resetAfter, activation: 'tanh', seed: 4, strategy: { stateLoads } });
        t.setData(
          { data: Float32Array.from({ length: 11 * 6 * 2 }, (_, i) => Math.sin(i)), shape: [11, 6, 2] },
          { data: Float32Array.from({ length: 11 * 2 }, (_, i) => Math.cos(i)), shape: [11, 2] },
        );
        const losses = await t.fit({ epochs: 4, batchSize: 5, seed: 1 });
        const weights = await t.getWeights();
        t.destroy();
        return { losses, weights };
      };
      const each = await fit('each');
      expect(await fit('subgroup'), `${c.cell} ${c.units}`).toEqual(each);
    }
  });

  it('is what the CPU fallback picks where the device has subgroups, and refused with a clear error where not', () => {
    const shape = { batch: 8, timesteps: 10, features: 4, units: 32, gates: 4 };
    if (traits.subgroups) {
      expect(chooseStrategy(traits, shape).stateLoads).toBe(traits.isFallbackAdapter ? 'subgroup' : 'each');
    } else {
      expect(() => chooseStrategy(traits, shape, { stateLoads: 'subgroup' })).toThrow(/needs a device with the 'subgroups' feature/);
    }
    // SwiftShader (this project's vulkan adapter without a GPU) offers subgroups of 4.
    if (TEST_BACKEND === 'vulkan' && traits.isFallbackAdapter) expect(traits.subgroups).toBe(true);
  });
});
