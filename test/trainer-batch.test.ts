import { describe, expect, it } from 'vitest';
import { deviceTraits, WORKGROUP_ORDERS } from '../src/kernels/strategy.js';
import { describeTrainerBatch, type BatchShape } from '../src/kernels/trainer-batch.js';
import { trainerBatchRef } from '../src/kernels/trainer-batch.ref.js';
import { sampleOrder } from '../src/trainer/random.js';
import { random, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { bytes, progressData, u32Bits } from './helpers/trainer-data.js';
import { getDevice } from './helpers/webgpu.js';

// A gather copies values: the kernel must match its reference exactly (tolerance 0), rows past a
// short last batch zeroed, with every workgroup order and size.
const cases: (BatchShape & { fitStep: number; firstEpoch: number; epochs: number })[] = [
  { samples: 1, timesteps: 1, features: 1, outputs: 1, batchSize: 1, fitStep: 0, firstEpoch: 0, epochs: 1 },
  // epoch 1's short last batch
  { samples: 5, timesteps: 3, features: 1, outputs: 2, batchSize: 2, fitStep: 5, firstEpoch: 1, epochs: 2 },
  { samples: 37, timesteps: 7, features: 3, outputs: 5, batchSize: 16, fitStep: 7, firstEpoch: 2, epochs: 1 },
  { samples: 130, timesteps: 20, features: 1, outputs: 1, batchSize: 128, fitStep: 3, firstEpoch: 0, epochs: 2 },
];

describe('trainer-batch kernel vs reference', async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  it.each(cases)('N$samples T$timesteps F$features O$outputs batch $batchSize, step $fitStep', async (c) => {
    const rng = random(c.samples + c.batchSize);
    const x = uniform(c.samples * c.timesteps * c.features, 1, rng);
    const y = uniform(c.samples * c.outputs, 1, rng);
    const order = Array.from({ length: c.epochs }, () => [...sampleOrder(c.samples, rng)]).flat();
    const data = {
      progress: progressData({ fitStep: c.fitStep, firstEpoch: c.firstEpoch, accBeta1: 1, accBeta2: 1, losses: [0] }),
      order: u32Bits(order),
      x,
      y,
      batchX: c.batchSize * c.timesteps * c.features,
      batchY: c.batchSize * c.outputs,
      batch: 4,
    };
    const expected = trainerBatchRef({ x, y, order, fitStep: c.fitStep, firstEpoch: c.firstEpoch }, c, 'train');
    const runs = WORKGROUP_ORDERS.flatMap((workgroupOrder) =>
      [1, 7, 64].map((size) => describeTrainerBatch(c, 'train', { workgroupOrder }, traits, size)),
    );
    const baseline = await runKernel(device, runs[0]!, data);
    expect([...baseline.batchX!]).toEqual([...Float32Array.from(expected.batchX)]);
    expect([...baseline.batchY!]).toEqual([...Float32Array.from(expected.batchY!)]);
    expect([...new Uint32Array(baseline.batch!.buffer, 0, 2)]).toEqual([expected.rows, expected.epoch]);
    for (const run of runs.slice(1)) {
      const out = await runKernel(device, run, data);
      for (const name of ['batchX', 'batchY', 'batch'])
        expect(bytes(out[name]!).equals(bytes(baseline[name]!)), `${name} with ${JSON.stringify(run.constants)}`).toBe(
          true,
        );
    }
  });

  it('predict mode: rows in order from rowOffset, one dispatch per batch', async () => {
    const shape = { samples: 11, timesteps: 2, features: 3, outputs: 1, batchSize: 4 };
    const x = uniform(11 * 6, 1, random(3));
    const run = describeTrainerBatch(shape, 'predict', { workgroupOrder: 'natural' }, traits);
    expect(run.dispatches.map((d) => d.params.rowOffset)).toEqual([0, 4, 8]);
    const last = await runKernel(
      device,
      { ...run, dispatches: [run.dispatches[2]!] },
      {
        progress: progressData({ fitStep: 0, firstEpoch: 0, accBeta1: 1, accBeta2: 1, losses: [0] }),
        x,
        batchX: 4 * 6,
      },
    );
    expect([...last.batchX!]).toEqual([
      ...Float32Array.from(
        trainerBatchRef({ x, y: [], order: [], fitStep: 0, firstEpoch: 0 }, shape, 'predict', 8).batchX,
      ),
    ]);
  });
});
